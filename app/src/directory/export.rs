//! `GET /api/directory.csv`: the directory as Open Referral HSDS CSV, for anyone signed in (it is
//! public information), audited. Server-only.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Extension;

use crate::auth::CurrentUser;
use crate::db::AppState;

pub async fn directory_csv(
    State(state): State<AppState>,
    user: Option<Extension<CurrentUser>>,
    headers: axum::http::HeaderMap,
) -> Response {
    if user.is_none() {
        return (http::StatusCode::UNAUTHORIZED, "sign in").into_response();
    }
    let result = super::store::agencies(&state.db).await;
    let origin = crate::audit::store::origin_from(user.as_ref().map(|u| &u.0), &headers);
    let _ = crate::audit::store::append(
        &state.db,
        &origin,
        "directory.export",
        "agency:*",
        crate::audit::store::outcome_of(&result),
    )
    .await;
    match result {
        Ok(list) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"haven-directory-hsds.csv\"",
                ),
            ],
            super::hsds::to_csv(&list),
        )
            .into_response(),
        Err(_) => (http::StatusCode::INTERNAL_SERVER_ERROR, "try again").into_response(),
    }
}
