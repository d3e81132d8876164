//! Administration (DESIGN: the administrator manages accounts, roles and department settings, and
//! sees no client content): the people with their roles and second factors, creating an account,
//! changing roles, deactivating, and the department settings. Every change is audited
//! (`person.create`, `person.roles_change`, `person.deactivate`, `person.reactivate`, and
//! `settings.change` once per changed setting); the audit names what changed, never a value.

use serde::{Deserialize, Serialize};

use crate::auth::Role;
use crate::error::{ErrorCode, FieldError};

pub mod api;
#[cfg(feature = "ssr")]
pub mod store;
pub mod views;

/// One person as the administrator sees them: account facts only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonSummary {
    pub username: String,
    pub display_name: String,
    pub roles: Vec<Role>,
    pub active: bool,
    /// Locked by repeated failed sign-ins (released with `haven unlock`).
    pub locked: bool,
    pub passkeys: u32,
    pub authenticator_app: bool,
}

/// The "new account" form as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewPerson {
    pub username: String,
    pub display_name: String,
    pub roles: Vec<String>,
    /// A first password for the person to sign in with; they enrol a passkey or an authenticator
    /// app at that first sign-in.
    pub password: String,
}

/// Roles from their codes: at least one, every one known.
pub fn parse_roles(codes: &[String]) -> Result<Vec<Role>, FieldError> {
    if codes.is_empty() {
        return Err(FieldError::new("roles", ErrorCode::NoneChosen));
    }
    let mut roles = Vec::with_capacity(codes.len());
    for c in codes {
        let role =
            Role::from_code(c).ok_or_else(|| FieldError::new("roles", ErrorCode::InvalidChoice))?;
        if !roles.contains(&role) {
            roles.push(role);
        }
    }
    Ok(roles)
}

/// A username: 3–64 characters of lower-case letters, digits, `.`, `-` and `_` (stored lower-case).
pub fn valid_username(username: &str) -> Result<String, FieldError> {
    let u = username.trim().to_lowercase();
    if u.is_empty() {
        return Err(FieldError::new("username", ErrorCode::Required));
    }
    if u.chars().count() > 64 {
        return Err(FieldError::new("username", ErrorCode::TooLong).with_limit("64"));
    }
    let allowed = u
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || ".-_".contains(c));
    if u.chars().count() < 3 || !allowed {
        return Err(FieldError::new("username", ErrorCode::InvalidChoice));
    }
    Ok(u)
}

/// A checked new account: (username, display name, roles). The password is checked by the
/// password rule on the server, where it is hashed.
pub fn validate_new_person(p: &NewPerson) -> Result<(String, String, Vec<Role>), Vec<FieldError>> {
    let mut errors = Vec::new();
    let username = valid_username(&p.username).map_err(|e| errors.push(e)).ok();
    let name = p.display_name.trim().to_string();
    if name.is_empty() {
        errors.push(FieldError::new("display_name", ErrorCode::Required));
    } else if name.chars().count() > 100 {
        errors.push(FieldError::new("display_name", ErrorCode::TooLong).with_limit("100"));
    }
    let roles = parse_roles(&p.roles).map_err(|e| errors.push(e)).ok();
    if let Some(u) = &username {
        if let Err(problem) = crate::auth::password::check(&p.password, u) {
            errors.push(FieldError::new("password", problem.code()));
        }
    }
    match (username, roles) {
        (Some(u), Some(r)) if errors.is_empty() => Ok((u, name, r)),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_known_and_at_least_one() {
        assert_eq!(parse_roles(&[]).unwrap_err().code, ErrorCode::NoneChosen);
        assert_eq!(
            parse_roles(&["root".into()]).unwrap_err().code,
            ErrorCode::InvalidChoice
        );
        assert_eq!(
            parse_roles(&["officer".into(), "supervisor".into(), "officer".into()]).unwrap(),
            vec![Role::Officer, Role::Supervisor]
        );
    }

    #[test]
    fn a_new_account_names_each_bad_field() {
        let bad = NewPerson {
            username: "A b".into(),
            display_name: "".into(),
            roles: vec![],
            password: "short".into(),
        };
        let fields: Vec<(String, ErrorCode)> = validate_new_person(&bad)
            .unwrap_err()
            .into_iter()
            .map(|f| (f.field, f.code))
            .collect();
        assert_eq!(
            fields,
            vec![
                ("username".into(), ErrorCode::InvalidChoice),
                ("display_name".into(), ErrorCode::Required),
                ("roles".into(), ErrorCode::NoneChosen),
            ]
        );
        let mut ok = NewPerson {
            username: " Ada.Park ".into(),
            display_name: "Ada Park".into(),
            roles: vec!["officer".into()],
            password: "short".into(),
        };
        assert_eq!(
            validate_new_person(&ok).unwrap_err()[0].code,
            ErrorCode::PasswordTooShort
        );
        ok.password = "a long and unusual phrase".into();
        assert_eq!(
            validate_new_person(&ok).unwrap(),
            ("ada.park".into(), "Ada Park".into(), vec![Role::Officer])
        );
    }
}
