//! Server functions of the fund: thin adapters — who is asking, may they, is it valid, store.

use leptos::prelude::*;

use super::{RequestDetail, RequestSummary, SubmitOutcome};
use crate::error::AppError;

/// File an Emergency Request For Funds. The body is `{"draft": {…}}` with the fields of
/// [`super::domain::RequestDraft`]; unknown or mistyped fields are refused by name. Submitting the
/// same id with the same content again stores it once.
#[server(endpoint = "submit_request", prefix = "/api", input = server_fn::codec::Json)]
pub async fn submit_request(draft: serde_json::Value) -> Result<SubmitOutcome, AppError> {
    let result = async {
        let state = crate::db::state()?;
        let user = crate::auth::server::require_user()?;
        if !crate::auth::policy::can_file_request(&user) {
            return Err(AppError::Forbidden);
        }
        let draft = super::domain::RequestDraft::from_json(&draft).map_err(AppError::invalid)?;
        let settings = crate::settings::store::load(&state.db).await?;
        let today = chrono::Utc::now().date_naive();
        let valid = super::domain::validate(&draft, &settings, today).map_err(AppError::invalid)?;
        super::store::insert(&state.db, &valid, &user.id).await
    }
    .await;
    result.inspect_err(crate::error::set_status)
}

/// The signed-in person's own requests, newest first.
#[server(endpoint = "my_requests", prefix = "/api")]
pub async fn my_requests() -> Result<Vec<RequestSummary>, AppError> {
    let result = async {
        let state = crate::db::state()?;
        let user = crate::auth::server::require_user()?;
        super::store::filed_by(&state.db, &user.id).await
    }
    .await;
    result.inspect_err(crate::error::set_status)
}

/// The supervisor's queue: requests waiting for a decision, oldest first.
#[server(endpoint = "request_queue", prefix = "/api")]
pub async fn request_queue() -> Result<Vec<RequestSummary>, AppError> {
    let result = async {
        let state = crate::db::state()?;
        let user = crate::auth::server::require_user()?;
        if !crate::auth::policy::can_review_requests(&user) {
            return Err(AppError::Forbidden);
        }
        super::store::queue(&state.db).await
    }
    .await;
    result.inspect_err(crate::error::set_status)
}

/// One request. Someone without the right to see it gets "not found", as for an unknown id.
#[server(endpoint = "get_request", prefix = "/api")]
pub async fn get_request(id: String) -> Result<RequestDetail, AppError> {
    let result = async {
        let state = crate::db::state()?;
        let user = crate::auth::server::require_user()?;
        let id = uuid::Uuid::parse_str(&id).map_err(|_| AppError::NotFound)?;
        let (detail, filed_by) = super::store::get(&state.db, &id.to_string())
            .await?
            .ok_or(AppError::NotFound)?;
        if !crate::auth::policy::can_view_request(&user, &filed_by) {
            return Err(AppError::NotFound);
        }
        Ok(detail)
    }
    .await;
    result.inspect_err(crate::error::set_status)
}
