//! The paper that leaves: a disclosure as given to its recipient and a client's copy of their own
//! record, as PDFs. Each is printed from the packet sealed when it was made, so a reprint is what
//! left, word for word. Behind a fresh proof of presence; every print audited. Server-only.

use axum::extract::{Path, State};
use axum::response::Response;
use axum::Extension;
use http::{HeaderMap, Uri};

use super::packet::{Packet, Style};
use crate::auth::second_factor::SessionInfo;
use crate::auth::CurrentUser;
use crate::db::AppState;
use crate::error::AppError;
use crate::funds::export::{audit, pdf_response, step_up};
use crate::pdf::Flow;

/// A packet set on pages.
pub fn packet_pdf(p: &Packet) -> Vec<u8> {
    let mut f = Flow::new(&p.footer);
    for b in &p.blocks {
        match b.style {
            Style::Title => {
                f.para(&b.text, 16.0, true);
                f.gap(6.0);
            }
            Style::Heading => {
                f.gap(8.0);
                f.para(&b.text, 11.0, true);
            }
            Style::Body => f.para(&b.text, 10.0, false),
            Style::Small => f.para(&b.text, 8.0, false),
            Style::Rule => {
                f.gap(4.0);
                f.rule();
            }
        }
    }
    f.finish(&p.title)
}

/// Which paper, from which table.
#[derive(Clone, Copy)]
enum Paper {
    Disclosure,
    ClientCopy,
}

async fn print(
    state: AppState,
    user: Option<Extension<CurrentUser>>,
    session: Option<Extension<SessionInfo>>,
    uri: Uri,
    headers: HeaderMap,
    id: String,
    paper: Paper,
) -> Response {
    if let Some(confirm) = step_up(session.as_ref(), &uri) {
        return confirm;
    }
    let (table, action, file) = match paper {
        Paper::Disclosure => ("disclosure", "disclosure.print", "disclosure.pdf"),
        Paper::ClientCopy => (
            "access_request",
            "access_request.print_copy",
            "client-copy.pdf",
        ),
    };
    let Ok(id) = uuid::Uuid::parse_str(&id).map(|u| u.to_string()) else {
        return AppError::NotFound.status_response();
    };
    let packet = match &user {
        None => Err(AppError::Unauthenticated),
        Some(Extension(u)) if !crate::auth::policy::does_casework(u) => Err(AppError::Forbidden),
        Some(_) => match paper {
            Paper::Disclosure => super::store::disclosure_packet(&state.db, &state.keys, &id).await,
            Paper::ClientCopy => super::store::access_copy(&state.db, &state.keys, &id).await,
        },
    };
    audit(
        &state,
        user.as_ref(),
        &headers,
        action,
        &format!("{table}:{id}"),
        matches!(packet, Ok(Some(_))),
    )
    .await;
    match packet {
        Ok(Some(p)) => pdf_response(packet_pdf(&p), file),
        Ok(None) => AppError::NotFound.status_response(),
        Err(e) => e.status_response(),
    }
}

/// `GET /api/disclosures/{id}/disclosure.pdf`
pub async fn disclosure_pdf(
    State(state): State<AppState>,
    user: Option<Extension<CurrentUser>>,
    session: Option<Extension<SessionInfo>>,
    uri: Uri,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    print(state, user, session, uri, headers, id, Paper::Disclosure).await
}

/// `GET /api/access-requests/{id}/client-copy.pdf`
pub async fn client_copy_pdf(
    State(state): State<AppState>,
    user: Option<Extension<CurrentUser>>,
    session: Option<Extension<SessionInfo>>,
    uri: Uri,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    print(state, user, session, uri, headers, id, Paper::ClientCopy).await
}
