//! Server functions of casework: who is asking, may they (the policy table), is it valid (the same
//! rules as the browser), store, audit. Audit events name the record, never its content.

use leptos::prelude::*;

use super::domain::{ClientDraft, VisitDraft};
use super::{ClientFile, ClientSaved, ClientSummary, ContactCheck, FollowUp, VisitSaved};
use crate::error::AppError;

#[cfg(feature = "ssr")]
fn client_record(id: &str) -> String {
    crate::db::audit_ref("client", id)
}

#[cfg(feature = "ssr")]
pub(crate) fn visit_record(id: &str) -> String {
    crate::db::audit_ref("visit", id)
}

#[cfg(feature = "ssr")]
use crate::db::record_key as parse_id;

/// Open or update a client record. A new one that looks like an existing client is held back
/// (`saved: false`, with the look-alikes) unless `confirmed_new`.
#[server(endpoint = "save_client", prefix = "/api", input = server_fn::codec::Json)]
pub async fn save_client(draft: ClientDraft, confirmed_new: bool) -> Result<ClientSaved, AppError> {
    let state = crate::db::state().inspect_err(crate::error::set_status)?;
    let mut action = "client.create";
    let result = async {
        let user = crate::auth::policy::require("/api/save_client")?;
        let valid = super::domain::validate_client(&draft, crate::db::latest_local_date())
            .map_err(AppError::invalid)?;
        let (saved, created) =
            super::store::save_client(&state.db, &state.keys, &valid, &user.id, confirmed_new)
                .await?;
        if !created {
            action = if saved.saved {
                "client.update"
            } else {
                "client.duplicate_check"
            };
        }
        Ok(saved)
    }
    .await;
    crate::audit::store::finish(&state.db, action, &client_record(&draft.id), result).await
}

/// The unit's clients whose name contains `search`. Reading names is a read of confidential
/// records: audited.
#[server(endpoint = "list_clients", prefix = "/api")]
pub async fn list_clients(search: String) -> Result<Vec<ClientSummary>, AppError> {
    let state = crate::db::state().inspect_err(crate::error::set_status)?;
    let result = async {
        crate::auth::policy::require("/api/list_clients")?;
        super::store::list_clients(&state.db, &state.keys, &search).await
    }
    .await;
    crate::audit::store::finish(&state.db, "client.list", "client:*", result).await
}

/// A client's file: the record, the visits with their addenda, and the reader's own personal
/// notes.
#[server(endpoint = "get_client", prefix = "/api")]
pub async fn get_client(id: String) -> Result<ClientFile, AppError> {
    let state = crate::db::state().inspect_err(crate::error::set_status)?;
    let result = async {
        let user = crate::auth::policy::require("/api/get_client")?;
        let id = parse_id(&id)?;
        super::store::client_file(&state.db, &state.keys, &id, &user.id)
            .await?
            .ok_or(AppError::NotFound)
    }
    .await;
    crate::audit::store::finish(&state.db, "client.read", &client_record(&id), result).await
}

/// Save a crisis-intervention visit as a draft (new, or over the author's own draft).
#[server(endpoint = "save_visit", prefix = "/api", input = server_fn::codec::Json)]
pub async fn save_visit(draft: VisitDraft) -> Result<VisitSaved, AppError> {
    let state = crate::db::state().inspect_err(crate::error::set_status)?;
    let result = async {
        let user = crate::auth::policy::require("/api/save_visit")?;
        let valid =
            super::domain::validate_visit(&draft, chrono::Utc::now()).map_err(AppError::invalid)?;
        super::store::save_visit(&state.db, &state.keys, &valid, &user.id).await
    }
    .await;
    crate::audit::store::finish(&state.db, "visit.save", &visit_record(&draft.id), result).await
}

/// Sign a draft visit note: it is locked from then on; corrections are addenda.
#[server(endpoint = "sign_visit", prefix = "/api")]
pub async fn sign_visit(id: String) -> Result<VisitSaved, AppError> {
    let state = crate::db::state().inspect_err(crate::error::set_status)?;
    let result = async {
        let user = crate::auth::policy::require("/api/sign_visit")?;
        super::store::sign_visit(&state.db, &parse_id(&id)?, &user.id).await
    }
    .await;
    crate::audit::store::finish(&state.db, "visit.sign", &visit_record(&id), result).await
}

/// Add an addendum (a correction or an addition) to a signed visit note. `id` is made on the
/// device, so a resend adds it once.
#[server(endpoint = "add_addendum", prefix = "/api")]
pub async fn add_addendum(visit: String, id: String, text: String) -> Result<(), AppError> {
    let state = crate::db::state().inspect_err(crate::error::set_status)?;
    let result = async {
        let user = crate::auth::policy::require("/api/add_addendum")?;
        let text = super::domain::validate_note_text("text", &text).map_err(AppError::invalid)?;
        let addendum = parse_id(&id).map_err(|_| {
            AppError::invalid(vec![crate::error::FieldError::new(
                "id",
                crate::error::ErrorCode::InvalidId,
            )])
        })?;
        super::store::add_addendum(
            &state.db,
            &state.keys,
            &parse_id(&visit)?,
            &addendum,
            &text,
            &user.id,
        )
        .await
    }
    .await;
    crate::audit::store::finish(&state.db, "visit.addendum", &visit_record(&visit), result).await
}

/// Add a personal note on a client: the author's own impressions, read by nobody else, never
/// part of an export, a disclosure or a client's copy.
#[server(endpoint = "add_personal_note", prefix = "/api")]
pub async fn add_personal_note(client: String, id: String, text: String) -> Result<(), AppError> {
    let state = crate::db::state().inspect_err(crate::error::set_status)?;
    let result = async {
        let user = crate::auth::policy::require("/api/add_personal_note")?;
        let text = super::domain::validate_note_text("text", &text).map_err(AppError::invalid)?;
        let note = parse_id(&id).map_err(|_| {
            AppError::invalid(vec![crate::error::FieldError::new(
                "id",
                crate::error::ErrorCode::InvalidId,
            )])
        })?;
        super::store::add_personal_note(
            &state.db,
            &state.keys,
            &parse_id(&client)?,
            &note,
            &text,
            &user.id,
        )
        .await
    }
    .await;
    crate::audit::store::finish(
        &state.db,
        "personal_note.create",
        &client_record(&client),
        result,
    )
    .await
}

/// Follow-ups due today or earlier, for the social worker's home screen.
#[server(endpoint = "follow_ups_due", prefix = "/api")]
pub async fn follow_ups_due() -> Result<Vec<FollowUp>, AppError> {
    let state = crate::db::state().inspect_err(crate::error::set_status)?;
    let result = async {
        crate::auth::policy::require("/api/follow_ups_due")?;
        let today = chrono::Utc::now().date_naive();
        super::store::follow_ups_due(&state.db, &state.keys, today).await
    }
    .await;
    crate::audit::store::finish(&state.db, "client.follow_ups", "client:*", result).await
}

/// For officers and supervisors: is this person known to the Social Service Unit? The answer is
/// yes or no, never the content. `date_of_birth` (`YYYY-MM-DD`) narrows a common name.
#[server(endpoint = "contact_check", prefix = "/api")]
pub async fn check_contact(name: String, date_of_birth: String) -> Result<ContactCheck, AppError> {
    let state = crate::db::state().inspect_err(crate::error::set_status)?;
    let result = async {
        crate::auth::policy::require("/api/contact_check")?;
        let (name, dob) = super::domain::validate_contact_check(&name, &date_of_birth)
            .map_err(AppError::invalid)?;
        let has_contact = super::store::has_contact(&state.db, &state.keys, &name, dob).await?;
        Ok(ContactCheck { has_contact })
    }
    .await;
    crate::audit::store::finish(&state.db, "client.contact_check", "client:?", result).await
}
