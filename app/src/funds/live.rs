//! Live updates of requests for the supervisor's queue: a server-sent event stream fed by a SurrealDB
//! `LIVE SELECT`, so a change made through any Haven server (several may share one SurrealDB server)
//! reaches every open queue. Events carry no data — only "something changed; reload your list" — so
//! nothing confidential crosses this channel. Server-only.

use std::convert::Infallible;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use futures::StreamExt;
use http::StatusCode;

use crate::auth::CurrentUser;
use crate::db::AppState;

/// `GET /api/events/requests`: one `changed` event per created or updated request.
pub async fn request_events(
    State(state): State<AppState>,
    user: Option<Extension<CurrentUser>>,
) -> Response {
    if user.is_none() {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    changes_of(state, "fund_request").await
}

/// A `changed` event (no data) for every created or updated record of `table`, for as long as the
/// client listens.
pub async fn changes_of(state: AppState, table: &'static str) -> Response {
    let live = match state
        .db
        .select::<Vec<serde_json::Value>>(table)
        .live()
        .await
    {
        Ok(stream) => stream,
        Err(e) => return crate::db::db_error("live updates", e).status_response(),
    };
    // Each clone of the SDK handle is its own database session, and the live query dies with it:
    // keep this handle alive exactly as long as the stream.
    let db = state.db;
    let events = live.map(move |_| {
        let _session = &db;
        Ok::<_, Infallible>(Event::default().event("changed").data("1"))
    });
    Sse::new(events)
        .keep_alive(KeepAlive::default())
        .into_response()
}
