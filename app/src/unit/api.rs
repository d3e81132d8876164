//! Server functions of the unit's records: the social workers keep them, the Deputy Chief reads
//! them and gets the review reminder. Audited (ids, never text).

use leptos::prelude::*;

use super::domain::{PublicInfoDraft, ReviewDraft, ReviewReminder, TrainingDraft};
use super::UnitRecords;
use crate::error::AppError;

#[cfg(feature = "ssr")]
fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

#[cfg(feature = "ssr")]
use crate::db::audit_ref as record;

/// Training sessions, reviews, public information, the roster and the review reminder.
#[server(endpoint = "unit_records", prefix = "/api")]
pub async fn get_unit_records() -> Result<UnitRecords, AppError> {
    let state = crate::db::state().inspect_err(crate::error::set_status)?;
    let result = async {
        let user = crate::auth::policy::require("/api/unit_records")?;
        let months = crate::settings::store::load(&state.db)
            .await?
            .victim_review_interval_months;
        super::store::records(
            &state.db,
            months,
            today(),
            crate::auth::policy::does_casework(&user),
        )
        .await
    }
    .await;
    crate::audit::store::finish(&state.db, "unit.list", "unit:*", result).await
}

/// The reminder about the next victim/witness needs review, for the home screens.
#[server(endpoint = "review_reminder", prefix = "/api")]
pub async fn get_review_reminder() -> Result<Option<ReviewReminder>, AppError> {
    let state = crate::db::state().inspect_err(crate::error::set_status)?;
    let result = async {
        crate::auth::policy::require("/api/review_reminder")?;
        let months = crate::settings::store::load(&state.db)
            .await?
            .victim_review_interval_months;
        super::store::review_reminder(&state.db, months, today()).await
    }
    .await;
    result.inspect_err(crate::error::set_status)
}

/// Record an in-service training session.
#[server(endpoint = "save_training", prefix = "/api", input = server_fn::codec::Json)]
pub async fn save_training(draft: TrainingDraft) -> Result<(), AppError> {
    let state = crate::db::state().inspect_err(crate::error::set_status)?;
    let result = async {
        let user = crate::auth::policy::require("/api/save_training")?;
        let valid = super::domain::validate_training(&draft, crate::db::latest_local_date())
            .map_err(AppError::invalid)?;
        super::store::save_training(&state.db, &valid, &user.id).await
    }
    .await;
    crate::audit::store::finish(
        &state.db,
        "training.create",
        &record("training", &draft.id),
        result,
    )
    .await
}

/// Record the documented victim/witness needs review.
#[server(endpoint = "save_review", prefix = "/api", input = server_fn::codec::Json)]
pub async fn save_review(draft: ReviewDraft) -> Result<(), AppError> {
    let state = crate::db::state().inspect_err(crate::error::set_status)?;
    let result = async {
        let user = crate::auth::policy::require("/api/save_review")?;
        let valid = super::domain::validate_review(&draft, crate::db::latest_local_date())
            .map_err(AppError::invalid)?;
        super::store::save_review(&state.db, &valid, &user.id).await
    }
    .await;
    crate::audit::store::finish(
        &state.db,
        "victim_review.create",
        &record("victim_review", &draft.id),
        result,
    )
    .await
}

/// Record a public-information activity.
#[server(endpoint = "save_public_info", prefix = "/api", input = server_fn::codec::Json)]
pub async fn save_public_info(draft: PublicInfoDraft) -> Result<(), AppError> {
    let state = crate::db::state().inspect_err(crate::error::set_status)?;
    let result = async {
        let user = crate::auth::policy::require("/api/save_public_info")?;
        let valid = super::domain::validate_public_info(&draft, crate::db::latest_local_date())
            .map_err(AppError::invalid)?;
        super::store::save_public_info(&state.db, &valid, &user.id).await
    }
    .await;
    crate::audit::store::finish(
        &state.db,
        "public_info.create",
        &record("public_info", &draft.id),
        result,
    )
    .await
}
