//! People and department settings in SurrealDB, for the administrator. Server-only.

use surrealdb::types::SurrealValue;

use super::PersonSummary;
use crate::auth::Role;
use crate::db::{db_error, Db};
use crate::error::{AppError, ErrorCode, FieldError};
use crate::settings::DepartmentSettings;

#[derive(SurrealValue)]
struct PersonRow {
    username: String,
    display_name: String,
    roles: Vec<String>,
    active: bool,
    locked: Option<bool>,
    passkeys: i64,
    totp: bool,
}

/// Everyone, by username: account facts, no client content.
pub async fn people(db: &Db) -> Result<Vec<PersonSummary>, AppError> {
    let mut res = db
        .query(
            "SELECT username, display_name, roles, active, locked, \
             count(SELECT id FROM passkey WHERE person = $parent.id) AS passkeys, \
             totp_secret != NONE AS totp FROM person ORDER BY username",
        )
        .await
        .map_err(|e| db_error("list people", e))?;
    let rows: Vec<PersonRow> = res.take(0).map_err(|e| db_error("list people", e))?;
    Ok(rows
        .into_iter()
        .map(|r| PersonSummary {
            username: r.username,
            display_name: r.display_name,
            roles: r.roles.iter().filter_map(|c| Role::from_code(c)).collect(),
            active: r.active,
            locked: r.locked.unwrap_or(false),
            passkeys: u32::try_from(r.passkeys).unwrap_or(0),
            authenticator_app: r.totp,
        })
        .collect())
}

/// Whether a username is taken.
pub async fn username_taken(db: &Db, username: &str) -> Result<bool, AppError> {
    let mut res = db
        .query("RETURN count(SELECT id FROM person WHERE username = $u)")
        .bind(("u", username.to_string()))
        .await
        .map_err(|e| db_error("username taken", e))?;
    let n: Option<i64> = res.take(0).map_err(|e| db_error("username taken", e))?;
    Ok(n.unwrap_or(0) > 0)
}

#[derive(SurrealValue)]
struct Target {
    roles: Vec<String>,
    active: bool,
    others: i64,
}

/// The person's roles and state, and how many *other* active administrators there are. `None` when
/// there is no such person.
async fn target(db: &Db, username: &str) -> Result<Option<Target>, AppError> {
    let mut res = db
        .query(
            "SELECT roles, active, \
             count(SELECT id FROM person WHERE username != $u AND active = true \
                   AND roles CONTAINS 'administrator') AS others \
             FROM person WHERE username = $u",
        )
        .bind(("u", username.to_string()))
        .await
        .map_err(|e| db_error("admin target", e))?;
    let rows: Vec<Target> = res.take(0).map_err(|e| db_error("admin target", e))?;
    Ok(rows.into_iter().next())
}

fn last_administrator(field: &str) -> AppError {
    AppError::invalid(vec![FieldError::new(field, ErrorCode::LastAdministrator)])
}

/// Give a person exactly these roles. Refused when it would leave no active administrator.
/// Roles are read from the database at every request, so the change holds at once.
pub async fn set_roles(db: &Db, username: &str, roles: &[Role]) -> Result<(), AppError> {
    let Some(t) = target(db, username).await? else {
        return Err(AppError::NotFound);
    };
    let was_admin = t.roles.iter().any(|r| r == Role::Administrator.code());
    if was_admin && t.active && t.others == 0 && !roles.contains(&Role::Administrator) {
        return Err(last_administrator("roles"));
    }
    let codes: Vec<String> = roles.iter().map(|r| r.code().to_string()).collect();
    db.query("UPDATE person SET roles = $roles WHERE username = $u RETURN NONE")
        .bind(("roles", codes))
        .bind(("u", username.to_string()))
        .await
        .and_then(|r| r.check())
        .map_err(|e| db_error("set roles", e))?;
    Ok(())
}

/// Deactivate (every session ends at once; sign-in is refused) or reactivate a person. Refused
/// when it would leave no active administrator.
pub async fn set_active(db: &Db, username: &str, active: bool) -> Result<(), AppError> {
    let Some(t) = target(db, username).await? else {
        return Err(AppError::NotFound);
    };
    let is_admin = t.roles.iter().any(|r| r == Role::Administrator.code());
    if !active && is_admin && t.active && t.others == 0 {
        return Err(last_administrator("active"));
    }
    db.query(
        "LET $p = (SELECT VALUE id FROM person WHERE username = $u)[0];
         UPDATE $p SET active = $active RETURN NONE;
         IF !$active { DELETE session WHERE person = $p; };",
    )
    .bind(("u", username.to_string()))
    .bind(("active", active))
    .await
    .and_then(|r| r.check())
    .map_err(|e| db_error("set active", e))?;
    Ok(())
}

/// Store the department settings.
pub async fn save_settings(db: &Db, s: &DepartmentSettings) -> Result<(), AppError> {
    db.query(
        "UPDATE department:default SET name = $name, chief_approval_cap = $cap, \
         minimum_cash_balance = $floor, request_amount_ceiling = $ceiling, \
         victim_review_interval_months = $months, request_date_max_age_days = $age, \
         hold_expiry_days = $hold, casework_retention_years = $casework, \
         fund_retention_years = $fund_years RETURN NONE",
    )
    .bind(("name", s.name.clone()))
    .bind(("cap", s.chief_approval_cap))
    .bind(("floor", s.minimum_cash_balance))
    .bind(("ceiling", s.request_amount_ceiling))
    .bind(("months", i64::from(s.victim_review_interval_months)))
    .bind(("age", i64::from(s.request_date_max_age_days)))
    .bind(("hold", i64::from(s.hold_expiry_days)))
    .bind(("casework", i64::from(s.casework_retention_years)))
    .bind(("fund_years", i64::from(s.fund_retention_years)))
    .await
    .and_then(|r| r.check())
    .map_err(|e| db_error("save settings", e))?;
    Ok(())
}
