//! Server functions of the fund: thin adapters — who is asking, may they, is it valid, store.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::lifecycle::Step;
use super::{
    CountLine, FundOverview, MonthlyReport, RequestSummary, RequestView, StepOutcome, SubmitOutcome,
};
use crate::error::AppError;

/// File an Emergency Request For Funds. The body is `{"draft": {…}}` with the fields of
/// [`super::domain::RequestDraft`]; unknown or mistyped fields are refused by name. Submitting the
/// same id with the same content again stores it once.
#[server(endpoint = "submit_request", prefix = "/api", input = server_fn::codec::Json)]
pub async fn submit_request(draft: serde_json::Value) -> Result<SubmitOutcome, AppError> {
    let state = crate::db::state().inspect_err(crate::error::set_status)?;
    let result = async {
        let user = crate::auth::policy::require("/api/submit_request")?;
        file_request(&state, &user, &draft).await
    }
    .await;
    crate::audit::store::finish(
        &state.db,
        "request.create",
        &request_record(draft.get("id").and_then(|v| v.as_str()).unwrap_or_default()),
        result,
    )
    .await
}

/// File one request for `user` (who may file): the shared rules, then the idempotent insert. The
/// form's submission and the offline outbox's push both come here.
#[cfg(feature = "ssr")]
pub async fn file_request(
    state: &crate::db::AppState,
    user: &crate::auth::CurrentUser,
    draft: &serde_json::Value,
) -> Result<SubmitOutcome, AppError> {
    let draft = super::domain::RequestDraft::from_json(draft).map_err(AppError::invalid)?;
    let settings = crate::settings::store::load(&state.db).await?;
    let today = chrono::Utc::now().date_naive();
    let valid = super::domain::validate(&draft, &settings, today).map_err(AppError::invalid)?;
    let device = crate::auth::server::device();
    super::store::insert(&state.db, &state.keys, &valid, &user.id, &device).await
}

/// The signed-in person's own requests, newest first.
#[server(endpoint = "my_requests", prefix = "/api")]
pub async fn my_requests() -> Result<Vec<RequestSummary>, AppError> {
    let result = async {
        let state = crate::db::state()?;
        let user = crate::auth::policy::require("/api/my_requests")?;
        super::store::filed_by(&state.db, &state.keys, &user.id).await
    }
    .await;
    result.inspect_err(crate::error::set_status)
}

/// What waits for the signed-in person: submitted requests for the supervisor, those above the cap
/// for the Chief, approved ones for the social worker. Oldest first.
#[server(endpoint = "request_queue", prefix = "/api")]
pub async fn request_queue() -> Result<Vec<RequestSummary>, AppError> {
    let result = async {
        let state = crate::db::state()?;
        let user = crate::auth::policy::require("/api/request_queue")?;
        let statuses = crate::auth::policy::queue_statuses(&user);
        super::store::queue(&state.db, &state.keys, &statuses).await
    }
    .await;
    result.inspect_err(crate::error::set_status)
}

/// One request with its timeline and the steps the reader may take. Someone without the right to
/// see it gets "not found", as for an unknown id.
#[server(endpoint = "get_request", prefix = "/api")]
pub async fn get_request(id: String) -> Result<RequestView, AppError> {
    let state = crate::db::state().inspect_err(crate::error::set_status)?;
    let result = async {
        let user = crate::auth::policy::require("/api/get_request")?;
        let uid = uuid::Uuid::parse_str(&id).map_err(|_| AppError::NotFound)?;
        super::fund_store::request_view(&state.db, &state.keys, &uid.to_string(), &user)
            .await?
            .ok_or(AppError::NotFound)
    }
    .await;
    crate::audit::store::finish(&state.db, "request.read", &request_record(&id), result).await
}

/// Take a step on a request (approve, deny, chief approve/deny, withdraw, disburse, file). The server
/// decides with the same state machine the UI used, inside the transaction that applies it.
#[server(endpoint = "take_step", prefix = "/api", input = server_fn::codec::Json)]
pub async fn take_step(id: String, step: Step) -> Result<StepOutcome, AppError> {
    let step_kind = step.kind();
    let state = crate::db::state().inspect_err(crate::error::set_status)?;
    let result = async {
        let user = crate::auth::policy::require("/api/take_step")?;
        // Handing over cash needs a fresh proof of presence (step-up), checked here, not only in
        // the browser.
        if matches!(step, Step::Disburse { .. })
            && !crate::auth::second_factor::current_session()?.stepped_up()
        {
            return Err(AppError::StepUpRequired);
        }
        let uid = uuid::Uuid::parse_str(&id).map_err(|_| AppError::NotFound)?;
        let settings = crate::settings::store::load(&state.db).await?;
        let device = crate::auth::server::device();
        super::fund_store::apply_step(
            &state.db,
            &state.keys,
            &uid.to_string(),
            &user,
            &step,
            &device,
            &settings,
        )
        .await
    }
    .await;
    crate::audit::store::finish(
        &state.db,
        &format!("request.{}", step_kind.code()),
        &request_record(&id),
        result,
    )
    .await
}

/// The cash box: balance, holds, ledger, counts.
#[server(endpoint = "fund_overview", prefix = "/api")]
pub async fn get_fund_overview() -> Result<FundOverview, AppError> {
    let result = async {
        let state = crate::db::state()?;
        let user = crate::auth::policy::require("/api/fund_overview")?;
        let settings = crate::settings::store::load(&state.db).await?;
        super::fund_store::overview(&state.db, &user, &settings).await
    }
    .await;
    result.inspect_err(crate::error::set_status)
}

/// A money movement as typed in the fund screen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MovementInput {
    Open { amount: String },
    Replenish { amount: String, reference: String },
    Reverse { entry: String },
}

/// The audit's name for a request: its id when the caller sent a valid one.
#[cfg(feature = "ssr")]
pub(crate) fn request_record(id: &str) -> String {
    uuid::Uuid::parse_str(id)
        .map(|u| format!("fund_request:{u}"))
        .unwrap_or_else(|_| "fund_request:invalid".into())
}

#[cfg(feature = "ssr")]
fn amount_field(field: &str, text: &str) -> Result<rust_decimal::Decimal, AppError> {
    super::domain::parse_amount(text, rust_decimal::Decimal::new(1_000_000, 0)).map_err(
        |(code, limit)| {
            let mut e = crate::error::FieldError::new(field, code);
            e.limit = limit;
            AppError::invalid(vec![e])
        },
    )
}

/// Open the fund, replenish it, or reverse a ledger entry (social worker).
#[server(endpoint = "fund_move", prefix = "/api", input = server_fn::codec::Json)]
pub async fn fund_move(movement: MovementInput) -> Result<(), AppError> {
    use super::fund_store::Movement;
    let movement_action = match &movement {
        MovementInput::Open { .. } => "fund.open",
        MovementInput::Replenish { .. } => "fund.replenish",
        MovementInput::Reverse { .. } => "fund.reverse",
    };
    let state = crate::db::state().inspect_err(crate::error::set_status)?;
    let result = async {
        let user = crate::auth::policy::require("/api/fund_move")?;
        let m = match movement {
            MovementInput::Open { amount } => Movement::Open {
                amount: amount_field("amount", &amount)?,
            },
            MovementInput::Replenish { amount, reference } => {
                let amount = amount_field("amount", &amount)?;
                let r = reference.trim();
                if r.is_empty() || r.chars().count() > 200 {
                    let code = if r.is_empty() {
                        crate::error::ErrorCode::Required
                    } else {
                        crate::error::ErrorCode::TooLong
                    };
                    return Err(AppError::invalid(vec![crate::error::FieldError::new(
                        "reference",
                        code,
                    )
                    .with_limit("200")]));
                }
                Movement::Replenish {
                    amount,
                    reference: r.to_string(),
                }
            }
            MovementInput::Reverse { entry } => Movement::Reverse {
                entry: uuid::Uuid::parse_str(&entry)
                    .map_err(|_| AppError::NotFound)?
                    .to_string(),
            },
        };
        let settings = crate::settings::store::load(&state.db).await?;
        super::fund_store::post_movement(&state.db, &user, &m, &settings)
            .await
            .map(|_| ())
    }
    .await;
    crate::audit::store::finish(&state.db, movement_action, "fund:default", result).await
}

/// Record a physical count of the cash box, with a witness.
#[server(endpoint = "count_cash", prefix = "/api")]
pub async fn count_cash(counted: String, witness: String) -> Result<CountLine, AppError> {
    let state = crate::db::state().inspect_err(crate::error::set_status)?;
    let result = async {
        let user = crate::auth::policy::require("/api/count_cash")?;
        let t = counted.trim();
        let counted = if t == "0" || t == "0.00" {
            rust_decimal::Decimal::ZERO
        } else {
            amount_field("counted", t)?
        };
        super::fund_store::count_cash(&state.db, &user, counted, &witness).await
    }
    .await;
    crate::audit::store::finish(&state.db, "fund.count", "fund:default", result).await
}

/// The month's fund report (YYYY-MM).
#[server(endpoint = "monthly_report", prefix = "/api")]
pub async fn get_monthly_report(month: String) -> Result<MonthlyReport, AppError> {
    let state = crate::db::state().inspect_err(crate::error::set_status)?;
    let result = async {
        crate::auth::policy::require("/api/monthly_report")?;

        super::fund_store::monthly_report(&state.db, &month).await
    }
    .await;
    crate::audit::store::finish(
        &state.db,
        "report.read",
        &super::report::month_record(&month),
        result,
    )
    .await
}

/// Send the month's report to the Lieutenant (stores a snapshot, once).
#[server(endpoint = "submit_monthly_report", prefix = "/api")]
pub async fn submit_monthly_report(month: String) -> Result<MonthlyReport, AppError> {
    let state = crate::db::state().inspect_err(crate::error::set_status)?;
    let result = async {
        let user = crate::auth::policy::require("/api/submit_monthly_report")?;

        super::fund_store::submit_report(&state.db, &user, &month).await
    }
    .await;
    crate::audit::store::finish(
        &state.db,
        "report.submit",
        &super::report::month_record(&month),
        result,
    )
    .await
}
