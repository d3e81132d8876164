//! Server functions of consent and disclosure: who is asking (the policy table: the social workers
//! of the unit), is it valid (the same rules as the browser), may it leave (the consent or the
//! legal exception, checked here whatever the browser showed), store, audit without content.

use leptos::prelude::*;

use super::domain::{AccessRequestDraft, AccessReviewDraft, ConsentDraft, DisclosureDraft};
use super::{DisclosureMade, ReleaseFile};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use crate::db::{audit_ref as record, record_key as parse_id};

/// The server's UTC date: a consent is in force through its expiry date.
#[cfg(feature = "ssr")]
fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

/// A client's consents, disclosures, access requests, and the items that may be chosen.
#[server(endpoint = "release_file", prefix = "/api")]
pub async fn get_release_file(client: String) -> Result<ReleaseFile, AppError> {
    let state = crate::db::state().inspect_err(crate::error::set_status)?;
    let result = async {
        let user = crate::auth::policy::require("/api/release_file")?;
        super::store::release_file(&state.db, &state.keys, &parse_id(&client)?, &user.id).await
    }
    .await;
    crate::audit::store::finish(
        &state.db,
        "client.release_file",
        &record("client", &client),
        result,
    )
    .await
}

/// Record a signed consent to disclose. Answers true when the server already had it.
#[server(endpoint = "save_consent", prefix = "/api", input = server_fn::codec::Json)]
pub async fn save_consent(draft: ConsentDraft) -> Result<bool, AppError> {
    let state = crate::db::state().inspect_err(crate::error::set_status)?;
    let result = async {
        let user = crate::auth::policy::require("/api/save_consent")?;
        let today = super::domain::Today {
            earliest: crate::db::earliest_local_date(),
            latest: crate::db::latest_local_date(),
        };
        let valid = super::domain::validate_consent(&draft, today).map_err(AppError::invalid)?;
        super::store::save_consent(&state.db, &state.keys, &valid, &user.id).await
    }
    .await;
    crate::audit::store::finish(
        &state.db,
        "consent.create",
        &record("consent", &draft.id),
        result,
    )
    .await
}

/// Revoke a consent: nothing leaves under it from now on.
#[server(endpoint = "revoke_consent", prefix = "/api")]
pub async fn revoke_consent(client: String, id: String) -> Result<(), AppError> {
    let state = crate::db::state().inspect_err(crate::error::set_status)?;
    let result = async {
        let user = crate::auth::policy::require("/api/revoke_consent")?;
        super::store::revoke_consent(&state.db, &parse_id(&client)?, &parse_id(&id)?, &user.id)
            .await
    }
    .await;
    crate::audit::store::finish(&state.db, "consent.revoke", &record("consent", &id), result).await
}

/// Disclose the chosen items to a recipient, under a consent in force that covers them or a
/// recorded legal exception. Needs a fresh proof of presence. Refused: nothing is logged as sent.
#[server(endpoint = "disclose", prefix = "/api", input = server_fn::codec::Json)]
pub async fn disclose(draft: DisclosureDraft) -> Result<DisclosureMade, AppError> {
    let state = crate::db::state().inspect_err(crate::error::set_status)?;
    let result = async {
        let user = crate::auth::policy::require("/api/disclose")?;
        if !crate::auth::second_factor::current_session()?.stepped_up() {
            return Err(AppError::StepUpRequired);
        }
        let valid = super::domain::validate_disclosure(&draft).map_err(AppError::invalid)?;
        let department = crate::settings::store::load(&state.db).await?.name;
        super::store::disclose(
            &state.db,
            &state.keys,
            &valid,
            &user.id,
            &user.display_name,
            today(),
            &department,
        )
        .await
    }
    .await;
    crate::audit::store::finish(
        &state.db,
        "disclosure.create",
        &record("disclosure", &draft.id),
        result,
    )
    .await
}

/// Record a client's request to see their own record (NASW 1.08).
#[server(endpoint = "record_access_request", prefix = "/api", input = server_fn::codec::Json)]
pub async fn record_access_request(draft: AccessRequestDraft) -> Result<bool, AppError> {
    let state = crate::db::state().inspect_err(crate::error::set_status)?;
    let result = async {
        let user = crate::auth::policy::require("/api/record_access_request")?;
        let valid = super::domain::validate_access_request(&draft, crate::db::latest_local_date())
            .map_err(AppError::invalid)?;
        super::store::record_access_request(&state.db, &state.keys, &valid, &user.id).await
    }
    .await;
    crate::audit::store::finish(
        &state.db,
        "access_request.create",
        &record("access_request", &draft.id),
        result,
    )
    .await
}

/// Review an access request: what is withheld (each with its reason) and whose names are
/// redacted; the client's copy is made from it.
#[server(endpoint = "review_access_request", prefix = "/api", input = server_fn::codec::Json)]
pub async fn review_access_request(review: AccessReviewDraft) -> Result<(), AppError> {
    let state = crate::db::state().inspect_err(crate::error::set_status)?;
    let result = async {
        let user = crate::auth::policy::require("/api/review_access_request")?;
        let valid = super::domain::validate_access_review(&review).map_err(AppError::invalid)?;
        let department = crate::settings::store::load(&state.db).await?.name;
        super::store::review_access_request(
            &state.db,
            &state.keys,
            &valid,
            &user.id,
            &user.display_name,
            &department,
        )
        .await
    }
    .await;
    crate::audit::store::finish(
        &state.db,
        "access_request.review",
        &record("access_request", &review.request_id),
        result,
    )
    .await
}
