//! Server functions of retention: the social workers list and propose, the Deputy Chief approves,
//! a social worker destroys (after a fresh proof of presence). Every step audited, without content.

use leptos::prelude::*;

use super::RetentionOverview;
use crate::error::AppError;

#[cfg(feature = "ssr")]
fn disposal_record(id: &str) -> String {
    let clean: String = id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .take(80)
        .collect();
    format!("disposal:{clean}")
}

/// Records past their period and every disposal.
#[server(endpoint = "retention_overview", prefix = "/api")]
pub async fn get_retention_overview() -> Result<RetentionOverview, AppError> {
    let state = crate::db::state().inspect_err(crate::error::set_status)?;
    let result = async {
        let user = crate::auth::policy::require("/api/retention_overview")?;
        let settings = crate::settings::store::load(&state.db).await?;
        super::store::overview(
            &state.db,
            &state.keys,
            &settings,
            chrono::Utc::now().date_naive(),
            crate::auth::policy::does_casework(&user),
        )
        .await
    }
    .await;
    crate::audit::store::finish(&state.db, "retention.list", "disposal:*", result).await
}

/// Propose disposing of a record past its period (`kind`: `client_file` or `fund_request`).
#[server(endpoint = "propose_disposal", prefix = "/api")]
pub async fn propose_disposal(kind: String, key: String) -> Result<String, AppError> {
    let state = crate::db::state().inspect_err(crate::error::set_status)?;
    let result = async {
        let user = crate::auth::policy::require("/api/propose_disposal")?;
        let kind = super::domain::RecordKind::from_code(&kind).ok_or_else(|| {
            AppError::invalid(vec![crate::error::FieldError::new(
                "kind",
                crate::error::ErrorCode::InvalidChoice,
            )])
        })?;
        let key = crate::db::record_key(&key)?;
        let settings = crate::settings::store::load(&state.db).await?;
        super::store::propose(
            &state.db,
            &state.keys,
            &settings,
            chrono::Utc::now().date_naive(),
            kind,
            &key,
            &user.id,
        )
        .await
    }
    .await;
    let record = match &result {
        Ok(id) => disposal_record(id),
        Err(_) => disposal_record(&format!("{kind}_{key}")),
    };
    crate::audit::store::finish(&state.db, "disposal.propose", &record, result).await
}

/// Approve a proposed disposal: the record may then be destroyed.
#[server(endpoint = "approve_disposal", prefix = "/api")]
pub async fn approve_disposal(id: String) -> Result<(), AppError> {
    let state = crate::db::state().inspect_err(crate::error::set_status)?;
    let result = async {
        let user = crate::auth::policy::require("/api/approve_disposal")?;
        super::store::approve(&state.db, &id, &user.id).await
    }
    .await;
    crate::audit::store::finish(&state.db, "disposal.approve", &disposal_record(&id), result).await
}

/// Destroy the record of an approved disposal. Irreversible: needs a fresh proof of presence.
#[server(endpoint = "destroy_disposed", prefix = "/api")]
pub async fn destroy_disposed(id: String) -> Result<(), AppError> {
    let state = crate::db::state().inspect_err(crate::error::set_status)?;
    let result = async {
        let user = crate::auth::policy::require("/api/destroy_disposed")?;
        if !crate::auth::second_factor::current_session()?.stepped_up() {
            return Err(AppError::StepUpRequired);
        }
        super::store::destroy(&state.db, &state.keys, &id, &user.id).await
    }
    .await;
    crate::audit::store::finish(&state.db, "disposal.destroy", &disposal_record(&id), result).await
}
