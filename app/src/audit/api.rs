//! The auditor's view of the trail: search (who, what, which record, outcome, when) and export as
//! CSV. Reading the trail is itself audited. There is no function that edits or deletes an event.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// What to look for. Empty fields match everything; `from`/`to` are UTC dates (YYYY-MM-DD),
/// inclusive.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    #[serde(default)]
    pub username: String,
    /// The action or the start of it: `sign_in` finds `sign_in.password`, `sign_in.totp`…
    #[serde(default)]
    pub action: String,
    /// A record (`fund_request:…`, `person:…`) or the start of it (`fund_request`).
    #[serde(default)]
    pub record: String,
    /// `ok`, `refused`, `failed` or empty.
    #[serde(default)]
    pub outcome: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
}

/// The most events one search returns (newest first); narrow the search for older ones.
pub const SEARCH_LIMIT: usize = 500;

impl AuditFilter {
    /// Check the dates and the outcome; the error names the field.
    pub fn validate(&self) -> Result<(), AppError> {
        use crate::error::{ErrorCode, FieldError};
        let mut errors = Vec::new();
        for (field, value) in [("from", &self.from), ("to", &self.to)] {
            if !value.trim().is_empty()
                && chrono::NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").is_err()
            {
                errors.push(FieldError::new(field, ErrorCode::InvalidDate));
            }
        }
        if !["", "ok", "refused", "failed"].contains(&self.outcome.trim()) {
            errors.push(FieldError::new("outcome", ErrorCode::InvalidChoice));
        }
        for (field, value) in [
            ("username", &self.username),
            ("action", &self.action),
            ("record", &self.record),
        ] {
            if value.chars().count() > 100 {
                errors.push(FieldError::new(field, ErrorCode::TooLong).with_limit("100"));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(AppError::invalid(errors))
        }
    }
}

/// One event as the auditor reads it: the actor's username instead of their record key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    pub seq: i64,
    pub at: String,
    pub username: String,
    pub action: String,
    pub record: String,
    pub outcome: String,
    pub device: String,
    pub session: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub rows: Vec<AuditRow>,
    /// More events matched than [`SEARCH_LIMIT`].
    pub truncated: bool,
}

/// Search the audit trail (auditor).
#[server(endpoint = "search_audit", prefix = "/api", input = server_fn::codec::Json)]
pub async fn search_audit(filter: AuditFilter) -> Result<AuditPage, AppError> {
    let state = crate::db::state().inspect_err(crate::error::set_status)?;
    let result = async {
        crate::auth::policy::require("/api/search_audit")?;
        filter.validate()?;
        super::store::search(&state.db, &filter, SEARCH_LIMIT).await
    }
    .await;
    crate::audit::store::finish(&state.db, "audit.search", "audit_event", result).await
}

/// The events as CSV, oldest first, formula-safe.
pub fn to_csv(rows: &[AuditRow]) -> String {
    use crate::funds::report::csv_cell;
    let mut out = String::from("seq,at_utc,username,action,record,outcome,device,session\r\n");
    for r in rows.iter().rev() {
        let cells = [
            r.seq.to_string(),
            r.at.clone(),
            r.username.clone(),
            r.action.clone(),
            r.record.clone(),
            r.outcome.clone(),
            r.device.clone(),
            r.session.clone(),
        ];
        out.push_str(
            &cells
                .iter()
                .map(|c| csv_cell(c))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push_str("\r\n");
    }
    out
}

/// `GET /api/audit/export.csv?username=…&action=…`: the search as a file (auditor; step-up like
/// every export; audited).
#[cfg(feature = "ssr")]
pub async fn export_csv(
    axum::extract::State(state): axum::extract::State<crate::db::AppState>,
    user: Option<axum::Extension<crate::auth::CurrentUser>>,
    session: Option<axum::Extension<crate::auth::second_factor::SessionInfo>>,
    uri: http::Uri,
    headers: http::HeaderMap,
    axum::extract::Query(filter): axum::extract::Query<AuditFilter>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    if let Some(confirm) = crate::funds::export::step_up(session.as_ref(), &uri) {
        return confirm;
    }
    let allowed = user
        .as_ref()
        .is_some_and(|u| crate::auth::policy::allows("/api/search_audit", Some(&u.0)));
    let result = match (&user, allowed) {
        (None, _) => Err(AppError::Unauthenticated),
        (Some(_), false) => Err(AppError::Forbidden),
        (Some(_), true) => match filter.validate() {
            Ok(()) => super::store::search(&state.db, &filter, usize::MAX).await,
            Err(e) => Err(e),
        },
    };
    let origin = super::store::origin_from(user.as_ref().map(|u| &u.0), &headers);
    let _ = super::store::append(
        &state.db,
        &origin,
        "audit.export_csv",
        "audit_event",
        super::store::outcome_of(&result),
    )
    .await;
    match result {
        Ok(page) => (
            [
                (http::header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    http::header::CONTENT_DISPOSITION,
                    "attachment; filename=\"haven-audit.csv\"",
                ),
            ],
            to_csv(&page.rows),
        )
            .into_response(),
        Err(e) => e.status_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_filter_names_its_bad_fields() {
        let f = AuditFilter {
            from: "2026-13-01".into(),
            outcome: "maybe".into(),
            ..Default::default()
        };
        let e = f.validate().unwrap_err();
        let fields: Vec<&str> = e.field_errors().iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, vec!["from", "outcome"]);
        assert!(AuditFilter::default().validate().is_ok());
    }

    #[test]
    fn the_export_is_oldest_first_and_formula_safe() {
        let row = |seq: i64, device: &str| AuditRow {
            seq,
            at: "2026-12-03T10:00:00.000000Z".into(),
            username: "officer".into(),
            action: "sign_in.password".into(),
            record: "person:x".into(),
            outcome: "ok".into(),
            device: device.into(),
            session: "abcd".into(),
        };
        let csv = to_csv(&[row(2, "=HYPERLINK(\"x\")"), row(1, "Chromium")]);
        let lines: Vec<&str> = csv.lines().collect();
        assert!(lines[1].starts_with("\"1\""));
        assert!(
            lines[2].contains("\"'=HYPERLINK(\"\"x\"\")\""),
            "{}",
            lines[2]
        );
    }
}
