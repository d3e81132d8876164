//! Paper: the monthly report as CSV and PDF, and Appendix A of one request as PDF. Plain axum
//! handlers behind the session layer (they answer files, not JSON). Server-only.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use http::{header, HeaderMap, Uri};
use serde::Deserialize;

use super::views::dollars;
use super::{fund_store, report, MonthlyReport, RequestView};
use crate::auth::second_factor::SessionInfo;
use crate::auth::CurrentUser;
use crate::db::AppState;
use crate::error::AppError;
use crate::pdf::Page;

#[derive(Deserialize)]
pub struct MonthQuery {
    month: String,
}

/// The month's report for an export, audited under `action` whatever the outcome.
async fn report_for(
    state: &AppState,
    user: Option<Extension<CurrentUser>>,
    headers: &HeaderMap,
    action: &str,
    month: &str,
) -> Result<MonthlyReport, AppError> {
    let result = match &user {
        None => Err(AppError::Unauthenticated),
        Some(Extension(u)) if !crate::auth::policy::can_report(u) => Err(AppError::Forbidden),
        Some(_) => fund_store::monthly_report(&state.db, month).await,
    };
    audit(
        state,
        user.as_ref(),
        headers,
        action,
        &report::month_record(month),
        result.is_ok(),
    )
    .await;
    result
}

/// Exports and prints carry client records off the system: they need a fresh proof of presence. A
/// signed-in person whose last one is too old is sent to confirm it is them, then brought back.
pub fn step_up(session: Option<&Extension<SessionInfo>>, uri: &Uri) -> Option<Response> {
    let Extension(s) = session?;
    if !s.verified || s.stepped_up() {
        return None;
    }
    let next = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let mut url = webauthn_rs::prelude::Url::parse("http://haven/mfa").ok()?;
    url.query_pairs_mut().append_pair("next", next);
    let to = format!("/mfa?{}", url.query().unwrap_or_default());
    Some(axum::response::Redirect::to(&to).into_response())
}

/// Audit an export or print with its outcome.
pub(crate) async fn audit(
    state: &AppState,
    user: Option<&Extension<CurrentUser>>,
    headers: &HeaderMap,
    action: &str,
    record: &str,
    ok: bool,
) {
    let origin = crate::audit::store::origin_from(user.map(|u| &u.0), headers);
    let outcome = if ok {
        crate::audit::store::Outcome::Ok
    } else {
        crate::audit::store::Outcome::Refused
    };
    let _ = crate::audit::store::append(&state.db, &origin, action, record, outcome).await;
}

/// `GET /api/reports/monthly.csv?month=YYYY-MM`
pub async fn monthly_csv(
    State(state): State<AppState>,
    user: Option<Extension<CurrentUser>>,
    session: Option<Extension<SessionInfo>>,
    uri: Uri,
    headers: HeaderMap,
    Query(q): Query<MonthQuery>,
) -> Response {
    if let Some(confirm) = step_up(session.as_ref(), &uri) {
        return confirm;
    }
    let result = report_for(&state, user, &headers, "report.export_csv", &q.month).await;
    match result {
        Ok(r) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"haven-fund-report-{}.csv\"", r.month),
                ),
            ],
            report::to_csv(&r),
        )
            .into_response(),
        Err(e) => e.status_response(),
    }
}

/// The report drawn on one page.
pub fn report_pdf(r: &MonthlyReport, department: &str) -> Vec<u8> {
    let mut p = Page::new();
    p.text(72.0, 72.0, 10.0, false, department);
    p.text(
        72.0,
        96.0,
        18.0,
        true,
        &format!("Emergency Money Fund - monthly report {}", r.month),
    );
    p.text(
        72.0,
        116.0,
        10.0,
        false,
        "To the Lieutenant of Support Services (directive 515-S III.D.3)",
    );
    p.rule(72.0, 126.0, 468.0);
    let lines = [
        ("Persons who received funds", r.persons.to_string()),
        ("Disbursals", r.disbursals.to_string()),
        ("Expended this month", dollars(r.total_expended)),
        ("Current balance of the fund", dollars(r.current_balance)),
    ];
    let mut y = 150.0;
    for (label, value) in lines {
        p.text(72.0, y, 12.0, false, label);
        p.text(360.0, y, 12.0, true, &value);
        y += 20.0;
    }
    y += 10.0;
    p.text(72.0, y, 13.0, true, "By purpose");
    y += 20.0;
    let max = r
        .per_purpose
        .iter()
        .map(|l| l.amount)
        .max()
        .unwrap_or_default()
        .max(rust_decimal::Decimal::ONE);
    for l in &r.per_purpose {
        use rust_decimal::prelude::ToPrimitive;
        p.text(72.0, y, 11.0, false, l.purpose.label());
        p.text(190.0, y, 11.0, false, &format!("{} requests", l.requests));
        p.text(280.0, y, 11.0, false, &dollars(l.amount));
        let w = (l.amount / max * rust_decimal::Decimal::new(160, 0))
            .to_f32()
            .unwrap_or(0.0);
        if w > 0.0 {
            p.rect(360.0, y - 9.0, w, 10.0);
        }
        y += 18.0;
    }
    y += 20.0;
    match (&r.submitted_by, r.submitted_at) {
        (Some(by), Some(at)) => p.text(
            72.0,
            y,
            10.0,
            false,
            &format!("Sent by {by} on {} UTC", at.format("%Y-%m-%d %H:%M")),
        ),
        _ => p.text(72.0, y, 10.0, false, "Draft: not yet sent."),
    }
    p.text(
        72.0,
        740.0,
        8.0,
        false,
        "Contains no client names. Confidential: Social Service Unit.",
    );
    p.finish(&format!("Monthly fund report {}", r.month))
}

pub(crate) fn pdf_response(bytes: Vec<u8>, name: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// `GET /api/reports/monthly.pdf?month=YYYY-MM`
pub async fn monthly_pdf(
    State(state): State<AppState>,
    user: Option<Extension<CurrentUser>>,
    session: Option<Extension<SessionInfo>>,
    uri: Uri,
    headers: HeaderMap,
    Query(q): Query<MonthQuery>,
) -> Response {
    if let Some(confirm) = step_up(session.as_ref(), &uri) {
        return confirm;
    }
    let result = report_for(&state, user, &headers, "report.export_pdf", &q.month).await;
    let r = match result {
        Ok(r) => r,
        Err(e) => return e.status_response(),
    };
    let dept = crate::settings::store::load(&state.db)
        .await
        .map(|s| s.name)
        .unwrap_or_default();
    pdf_response(
        report_pdf(&r, &dept),
        &format!("haven-fund-report-{}.pdf", r.month),
    )
}

/// Appendix A, filled, with its approvals and the recipient's signature.
pub fn appendix_a_pdf(v: &RequestView, department: &str) -> Vec<u8> {
    let d = &v.detail;
    let mut p = Page::new();
    p.text(72.0, 72.0, 12.0, true, department);
    p.text(72.0, 96.0, 18.0, true, "EMERGENCY REQUEST FOR FUNDS");
    p.rule(72.0, 106.0, 468.0);
    let mut y = 130.0;
    let mut field = |p: &mut Page, label: &str, value: &str| {
        p.text(72.0, y, 10.0, false, label);
        p.text(250.0, y, 11.0, true, value);
        y += 20.0;
    };
    field(&mut p, "Date:", &d.summary.date);
    field(&mut p, "Name of requester:", &d.summary.requester_name);
    field(&mut p, "Age:", &d.age.to_string());
    field(&mut p, "M/F:", d.sex.as_deref().unwrap_or("-"));
    field(&mut p, "Address:", &d.address);
    field(
        &mut p,
        "Telephone #:",
        d.telephone.as_deref().unwrap_or("-"),
    );
    let reason: String = d.reason.chars().take(90).collect();
    field(&mut p, "Reason for request:", &reason);
    field(&mut p, "Purpose:", d.summary.purpose.label());
    field(
        &mut p,
        "Amount requested:",
        &dollars(d.summary.amount_requested),
    );
    let disbursed = v
        .amount_disbursed
        .map(dollars)
        .unwrap_or_else(|| "-".into());
    field(&mut p, "Amount disbursed:", &disbursed);
    field(
        &mut p,
        "Department personnel completing form:",
        &d.summary.filed_by_name,
    );
    y += 6.0;
    p.text(
        72.0,
        y,
        12.0,
        true,
        "On-duty Supervisor review and approval:",
    );
    y += 18.0;
    for t in &v.timeline {
        let line = format!(
            "{} - {} - {} UTC{}",
            t.label,
            t.by_name,
            t.at.format("%Y-%m-%d %H:%M"),
            t.reason
                .as_deref()
                .map(|r| format!(" - {r}"))
                .unwrap_or_default()
        );
        p.text(
            84.0,
            y,
            9.5,
            false,
            &line.chars().take(100).collect::<String>(),
        );
        y += 15.0;
    }
    if let Some(sig) = &v.signature {
        y += 10.0;
        p.text(72.0, y, 10.0, false, "Recipient's signature:");
        p.svg_path(sig, 250.0, y - 10.0, 0.4);
        y += 90.0;
    }
    if let Some(why) = &v.refused_to_sign {
        p.text(
            72.0,
            y,
            10.0,
            false,
            &format!("Recipient refused to sign: {why}"),
        );
    }
    p.text(
        72.0,
        740.0,
        8.0,
        false,
        "DIR 515-S; Appendix A. Confidential.",
    );
    p.finish("Emergency Request For Funds")
}

/// `GET /api/requests/{id}/appendix-a.pdf`
pub async fn appendix_a(
    State(state): State<AppState>,
    user: Option<Extension<CurrentUser>>,
    session: Option<Extension<SessionInfo>>,
    uri: Uri,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if let Some(confirm) = step_up(session.as_ref(), &uri) {
        return confirm;
    }
    let Some(Extension(person)) = user.clone() else {
        return AppError::Unauthenticated.status_response();
    };
    let Ok(id) = uuid::Uuid::parse_str(&id) else {
        return AppError::NotFound.status_response();
    };
    let record = format!("fund_request:{id}");
    let view = fund_store::request_view(&state.db, &state.keys, &id.to_string(), &person).await;
    let ok = matches!(view, Ok(Some(_)));
    audit(
        &state,
        user.as_ref(),
        &headers,
        "request.print_appendix_a",
        &record,
        ok,
    )
    .await;
    let view = match view {
        Ok(Some(v)) => v,
        Ok(None) => return AppError::NotFound.status_response(),
        Err(e) => return e.status_response(),
    };
    let dept = crate::settings::store::load(&state.db)
        .await
        .map(|s| s.name)
        .unwrap_or_default();
    pdf_response(appendix_a_pdf(&view, &dept), "appendix-a.pdf")
}
