//! Server functions of breach reports.

use leptos::prelude::*;

use super::{BreachDetail, BreachReceipt, BreachSummary};
use crate::error::AppError;

/// Report a potential or actual breach (anyone signed in).
#[server(endpoint = "report_breach", prefix = "/api")]
pub async fn report_breach(kind: String, note: String) -> Result<BreachReceipt, AppError> {
    let state = crate::db::state().inspect_err(crate::error::set_status)?;
    let mut record = String::new();
    let result = async {
        let user = crate::auth::policy::require("/api/report_breach")?;
        let kind = super::validate(&kind, &note)?;
        let session = crate::auth::second_factor::current_session()?;
        let device = crate::auth::server::device();
        let receipt = super::store::report(
            &state.db,
            &state.keys,
            &user,
            &session.sid,
            &device,
            kind,
            &note,
        )
        .await?;
        record = format!("breach_report:{}", receipt.id);
        Ok(receipt)
    }
    .await;
    crate::audit::store::finish(&state.db, "breach.report", &record, result).await
}

/// Every breach report (Deputy Chief of Support Services).
#[server(endpoint = "list_breaches", prefix = "/api")]
pub async fn list_breaches() -> Result<Vec<BreachSummary>, AppError> {
    let result = async {
        let state = crate::db::state()?;
        crate::auth::policy::require("/api/list_breaches")?;
        super::store::list(&state.db).await
    }
    .await;
    result.inspect_err(crate::error::set_status)
}

/// One report with the people whose records could be affected (Deputy Chief; audited).
#[server(endpoint = "get_breach", prefix = "/api")]
pub async fn get_breach(id: String) -> Result<BreachDetail, AppError> {
    let state = crate::db::state().inspect_err(crate::error::set_status)?;
    let result = async {
        crate::auth::policy::require("/api/get_breach")?;
        let id = uuid::Uuid::parse_str(&id).map_err(|_| AppError::NotFound)?;
        super::store::detail(&state.db, &state.keys, &id.to_string())
            .await?
            .ok_or(AppError::NotFound)
    }
    .await;
    crate::audit::store::finish(
        &state.db,
        "breach.read",
        &format!("breach_report:{id}"),
        result,
    )
    .await
}

/// The Deputy Chief takes the report in hand.
#[server(endpoint = "acknowledge_breach", prefix = "/api")]
pub async fn acknowledge_breach(id: String) -> Result<(), AppError> {
    let state = crate::db::state().inspect_err(crate::error::set_status)?;
    let result = async {
        let user = crate::auth::policy::require("/api/acknowledge_breach")?;
        let id = uuid::Uuid::parse_str(&id).map_err(|_| AppError::NotFound)?;
        if super::store::acknowledge(&state.db, &id.to_string(), &user.id).await? {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }
    .await;
    crate::audit::store::finish(
        &state.db,
        "breach.acknowledge",
        &format!("breach_report:{id}"),
        result,
    )
    .await
}

/// `GET /api/events/breaches`: a `changed` event whenever a report is filed or taken in hand, so the
/// Deputy Chief's screen shows a new report at once (Deputy Chief only; no content in the events).
#[cfg(feature = "ssr")]
pub async fn breach_events(
    axum::extract::State(state): axum::extract::State<crate::db::AppState>,
    user: Option<axum::Extension<crate::auth::CurrentUser>>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    match user {
        None => http::StatusCode::UNAUTHORIZED.into_response(),
        Some(u) if !crate::auth::policy::handles_breaches(&u.0) => {
            http::StatusCode::FORBIDDEN.into_response()
        }
        Some(_) => crate::funds::live::changes_of(state, "breach_report").await,
    }
}
