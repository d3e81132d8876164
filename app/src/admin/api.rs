//! Server functions of the administration: thin adapters (who is asking, may they, is it valid,
//! store, audit). Only the administrator passes the policy table.

use leptos::prelude::*;

use super::{NewPerson, PersonSummary};
use crate::error::AppError;
use crate::settings::{DepartmentSettings, SettingsDraft};

/// Everyone with their roles, state and second factors.
#[server(endpoint = "list_people", prefix = "/api")]
pub async fn list_people() -> Result<Vec<PersonSummary>, AppError> {
    let result = async {
        let state = crate::db::state()?;
        crate::auth::policy::require("/api/list_people")?;
        super::store::people(&state.db).await
    }
    .await;
    result.inspect_err(crate::error::set_status)
}

/// Open an account. The person signs in with this first password and enrols a passkey or an
/// authenticator app at once.
#[server(endpoint = "create_account", prefix = "/api", input = server_fn::codec::Json)]
pub async fn create_account(person: NewPerson) -> Result<(), AppError> {
    let state = crate::db::state().inspect_err(crate::error::set_status)?;
    let record = format!("person:{}", person.username.trim().to_lowercase());
    let result = async {
        crate::auth::policy::require("/api/create_account")?;
        let (username, name, roles) =
            super::validate_new_person(&person).map_err(AppError::invalid)?;
        if super::store::username_taken(&state.db, &username).await? {
            return Err(AppError::invalid(vec![crate::error::FieldError::new(
                "username",
                crate::error::ErrorCode::UsernameTaken,
            )]));
        }
        crate::auth::server::create_person(&state.db, &username, &name, &person.password, &roles)
            .await
    }
    .await;
    crate::audit::store::finish(&state.db, "person.create", &record, result).await
}

/// Give a person exactly these roles (codes).
#[server(endpoint = "set_roles", prefix = "/api", input = server_fn::codec::Json)]
pub async fn set_roles(username: String, roles: Vec<String>) -> Result<(), AppError> {
    let state = crate::db::state().inspect_err(crate::error::set_status)?;
    let username = username.trim().to_lowercase();
    let result = async {
        crate::auth::policy::require("/api/set_roles")?;
        let roles = super::parse_roles(&roles).map_err(|e| AppError::invalid(vec![e]))?;
        super::store::set_roles(&state.db, &username, &roles).await
    }
    .await;
    let record = format!("person:{username}");
    crate::audit::store::finish(&state.db, "person.roles_change", &record, result).await
}

/// Deactivate (sessions end at once, sign-in refused) or reactivate a person.
#[server(endpoint = "set_active", prefix = "/api")]
pub async fn set_active(username: String, active: bool) -> Result<(), AppError> {
    let state = crate::db::state().inspect_err(crate::error::set_status)?;
    let username = username.trim().to_lowercase();
    let result = async {
        crate::auth::policy::require("/api/set_active")?;
        super::store::set_active(&state.db, &username, active).await
    }
    .await;
    let action = if active {
        "person.reactivate"
    } else {
        "person.deactivate"
    };
    crate::audit::store::finish(&state.db, action, &format!("person:{username}"), result).await
}

/// Change the department settings. Each changed setting is one audit event
/// (`department:default.<setting>`); the values are not in the audit trail.
#[server(endpoint = "update_settings", prefix = "/api", input = server_fn::codec::Json)]
pub async fn update_settings(draft: SettingsDraft) -> Result<DepartmentSettings, AppError> {
    use crate::audit::store::{record, Outcome};
    let state = crate::db::state().inspect_err(crate::error::set_status)?;
    let result = async {
        crate::auth::policy::require("/api/update_settings")?;
        let new = crate::settings::validate(&draft).map_err(AppError::invalid)?;
        let old = crate::settings::store::load(&state.db).await?;
        let changed = new.changed(&old);
        if !changed.is_empty() {
            super::store::save_settings(&state.db, &new).await?;
        }
        Ok((new, changed))
    }
    .await;
    match result {
        Ok((new, changed)) => {
            for field in changed {
                record(
                    &state.db,
                    "settings.change",
                    &format!("department:default.{field}"),
                    Outcome::Ok,
                )
                .await;
            }
            Ok(new)
        }
        Err(e) => {
            crate::audit::store::finish(&state.db, "settings.change", "department:default", Err(e))
                .await
        }
    }
}
