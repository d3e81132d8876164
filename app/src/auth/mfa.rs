//! Server functions of the second factor: status, passkey enrolment and use, TOTP enrolment and use.
//! They take the session as it is after the password (pending) or a signed-in one (adding a factor,
//! stepping up before disbursing, exporting or disclosing). Every outcome is audited, never the
//! secret, the code or the credential.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::error::{ErrorCode, FieldError};

/// What the second-factor screen needs to know.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FactorStatus {
    pub display_name: String,
    pub passkeys: u32,
    pub totp: bool,
    /// The session is fully signed in (the screen is then for adding a factor or stepping up).
    pub verified: bool,
}

impl FactorStatus {
    pub fn enrolled(&self) -> bool {
        self.passkeys > 0 || self.totp
    }
}

/// A TOTP secret to enrol, as text and as a QR code (an SVG path of `qr_size` modules square).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpEnrolment {
    pub secret: String,
    pub uri: String,
    pub qr_size: i32,
    pub qr_path: String,
}

#[cfg(feature = "ssr")]
mod server {
    use super::*;
    use crate::audit::store::{append, origin, Origin, Outcome};
    use crate::auth::second_factor::{current_session, SessionInfo};

    pub fn session_for(endpoint: &str) -> Result<SessionInfo, AppError> {
        if crate::auth::policy::access(endpoint).is_none() {
            return Err(AppError::Forbidden);
        }
        current_session()
    }

    pub fn who(s: &SessionInfo) -> Origin {
        let mut o = origin();
        o.actor = s.person.clone();
        o.session = s.sid.chars().take(16).collect();
        o
    }

    pub async fn audit(s: &SessionInfo, action: &str, outcome: Outcome) {
        if let Ok(state) = crate::db::state() {
            let _ = append(
                &state.db,
                &who(s),
                action,
                &format!("person:{}", s.person),
                outcome,
            )
            .await;
        }
    }

    /// A refused second factor counts towards the lockout like a wrong password; at the limit the
    /// session ends.
    pub async fn count_failure(s: &SessionInfo) -> Result<(), AppError> {
        let state = crate::db::state()?;
        if crate::auth::server::record_failure(&state.db, &s.person).await? {
            crate::auth::server::end_sessions_of(&state.db, &s.person).await?;
        }
        Ok(())
    }

    pub fn wrong(field: &str, code: ErrorCode) -> AppError {
        AppError::invalid(vec![FieldError::new(field, code)])
    }

    /// The session is verified now: sign-in completes, or a step-up is fresh.
    pub async fn proven(s: &SessionInfo, how: &str) -> Result<(), AppError> {
        let state = crate::db::state()?;
        crate::auth::second_factor::mark_verified(&state.db, &s.sid, &s.person).await?;
        let action = if s.verified { "step_up" } else { "sign_in" };
        if !s.verified {
            // Sign-in complete: on to the home screen (a plain form post follows this too).
            leptos_axum::redirect("/");
        }
        audit(s, &format!("{action}.{how}"), Outcome::Ok).await;
        Ok(())
    }
}

/// Answer a failure with its HTTP status.
#[cfg(feature = "ssr")]
fn done<T>(r: Result<T, AppError>) -> Result<T, AppError> {
    r.inspect_err(crate::error::set_status)
}

#[server(endpoint = "mfa_status", prefix = "/api")]
pub async fn mfa_status() -> Result<FactorStatus, AppError> {
    done(
        async {
            let s = server::session_for("/api/mfa_status")?;
            let state = crate::db::state()?;
            let (passkeys, totp) =
                crate::auth::second_factor::factors(&state.db, &s.person).await?;
            Ok(FactorStatus {
                display_name: s.display_name,
                passkeys,
                totp,
                verified: s.verified,
            })
        }
        .await,
    )
}

/// Start enrolling a passkey: the options for `navigator.credentials.create`, as JSON.
#[server(endpoint = "passkey_register_begin", prefix = "/api")]
pub async fn passkey_register_begin() -> Result<String, AppError> {
    done(
        async {
            let s = server::session_for("/api/passkey_register_begin")?;
            let state = crate::db::state()?;
            if !crate::auth::second_factor::may_enrol(&state.db, &s).await? {
                server::audit(
                    &s,
                    "mfa.enrol_passkey",
                    crate::audit::store::Outcome::Refused,
                )
                .await;
                return Err(AppError::Forbidden);
            }
            let options = crate::auth::second_factor::begin_registration(
                &state.db,
                &state.keys,
                &state.webauthn,
                &s,
            )
            .await?;
            Ok(options.to_string())
        }
        .await,
    )
}

/// Finish enrolling: the browser's `PublicKeyCredential.toJSON()`. In a pending session this also
/// completes the sign-in.
#[server(endpoint = "passkey_register_finish", prefix = "/api")]
pub async fn passkey_register_finish(credential: String, label: String) -> Result<(), AppError> {
    use crate::audit::store::Outcome;
    done(
        async {
            let s = server::session_for("/api/passkey_register_finish")?;
            let state = crate::db::state()?;
            if !crate::auth::second_factor::may_enrol(&state.db, &s).await? {
                server::audit(&s, "mfa.enrol_passkey", Outcome::Refused).await;
                return Err(AppError::Forbidden);
            }
            let label = match label.trim() {
                "" => "Passkey".to_string(),
                l => l.chars().take(60).collect(),
            };
            match crate::auth::second_factor::finish_registration(
                &state.db,
                &state.keys,
                &state.webauthn,
                &s,
                &credential,
                &label,
            )
            .await?
            {
                Ok(()) => {
                    server::audit(&s, "mfa.enrol_passkey", Outcome::Ok).await;
                    server::proven(&s, "passkey").await
                }
                Err(_) => {
                    server::audit(&s, "mfa.enrol_passkey", Outcome::Refused).await;
                    Err(server::wrong("passkey", ErrorCode::PasskeyRefused))
                }
            }
        }
        .await,
    )
}

/// Start a passkey sign-in or step-up: the options for `navigator.credentials.get`, as JSON.
#[server(endpoint = "passkey_sign_in_begin", prefix = "/api")]
pub async fn passkey_sign_in_begin() -> Result<String, AppError> {
    done(
        async {
            let s = server::session_for("/api/passkey_sign_in_begin")?;
            let state = crate::db::state()?;
            crate::auth::second_factor::begin_authentication(
                &state.db,
                &state.keys,
                &state.webauthn,
                &s,
            )
            .await?
            .map(|o| o.to_string())
            .ok_or(AppError::NotFound)
        }
        .await,
    )
}

/// Finish a passkey sign-in or step-up with the browser's assertion (`toJSON()`). An assertion is
/// good once: its challenge is taken out of the session when it is checked.
#[server(endpoint = "passkey_sign_in_finish", prefix = "/api")]
pub async fn passkey_sign_in_finish(credential: String) -> Result<(), AppError> {
    use crate::audit::store::Outcome;
    use crate::auth::second_factor::FactorRefusal;
    done(
        async {
            let s = server::session_for("/api/passkey_sign_in_finish")?;
            let state = crate::db::state()?;
            match crate::auth::second_factor::finish_authentication(
                &state.db,
                &state.keys,
                &state.webauthn,
                &s,
                &credential,
            )
            .await?
            {
                Ok(()) => server::proven(&s, "passkey").await,
                Err(why) => {
                    let action = match why {
                        FactorRefusal::NoCeremony => "sign_in.passkey_replayed",
                        FactorRefusal::Invalid => "sign_in.passkey",
                    };
                    server::audit(&s, action, Outcome::Refused).await;
                    server::count_failure(&s).await?;
                    Err(server::wrong("passkey", ErrorCode::PasskeyRefused))
                }
            }
        }
        .await,
    )
}

/// Start TOTP enrolment: a fresh secret, kept in the session until its first code is confirmed.
#[server(endpoint = "totp_enrol_begin", prefix = "/api")]
pub async fn totp_enrol_begin() -> Result<TotpEnrolment, AppError> {
    use crate::auth::second_factor::{may_enrol, put_ceremony, Ceremony};
    use crate::auth::totp;
    done(
        async {
            let s = server::session_for("/api/totp_enrol_begin")?;
            let state = crate::db::state()?;
            if !may_enrol(&state.db, &s).await? {
                server::audit(&s, "mfa.enrol_totp", crate::audit::store::Outcome::Refused).await;
                return Err(AppError::Forbidden);
            }
            let secret = totp::generate_secret();
            let text = totp::encode_secret(&secret);
            put_ceremony(
                &state.db,
                &state.keys,
                &s.sid,
                &Ceremony::TotpEnrolment {
                    secret: text.clone(),
                },
            )
            .await?;
            let uri = totp::otpauth_uri("Haven", &s.username, &secret);
            let (qr_size, qr_path) = totp::qr_svg_path(&uri).ok_or(AppError::Internal)?;
            Ok(TotpEnrolment {
                secret: text,
                uri,
                qr_size,
                qr_path,
            })
        }
        .await,
    )
}

/// Confirm TOTP enrolment with the first code the app shows. In a pending session this also
/// completes the sign-in.
#[server(endpoint = "totp_enrol_finish", prefix = "/api")]
pub async fn totp_enrol_finish(code: String) -> Result<(), AppError> {
    use crate::audit::store::Outcome;
    use crate::auth::second_factor::{may_enrol, save_totp, take_ceremony, Ceremony};
    use crate::auth::totp;
    done(
        async {
            let s = server::session_for("/api/totp_enrol_finish")?;
            let state = crate::db::state()?;
            if !may_enrol(&state.db, &s).await? {
                server::audit(&s, "mfa.enrol_totp", Outcome::Refused).await;
                return Err(AppError::Forbidden);
            }
            let Some(Ceremony::TotpEnrolment { secret }) =
                take_ceremony(&state.db, &state.keys, &s.sid).await?
            else {
                return Err(server::wrong("code", ErrorCode::StartAgain));
            };
            let bytes = totp::decode_secret(&secret).ok_or(AppError::Internal)?;
            match totp::verify(&bytes, &code, chrono::Utc::now().timestamp(), None) {
                Ok(step) => {
                    save_totp(&state.db, &state.keys, &s.person, &secret, step).await?;
                    server::audit(&s, "mfa.enrol_totp", Outcome::Ok).await;
                    server::proven(&s, "totp").await
                }
                Err(_) => {
                    // The secret stays for another try.
                    crate::auth::second_factor::put_ceremony(
                        &state.db,
                        &state.keys,
                        &s.sid,
                        &Ceremony::TotpEnrolment { secret },
                    )
                    .await?;
                    server::audit(&s, "mfa.enrol_totp", Outcome::Refused).await;
                    Err(server::wrong("code", ErrorCode::WrongCode))
                }
            }
        }
        .await,
    )
}

/// Sign in (or step up) with a code from the authenticator app. Each code works once.
#[server(endpoint = "totp_sign_in", prefix = "/api")]
pub async fn totp_sign_in(code: String) -> Result<(), AppError> {
    use crate::audit::store::Outcome;
    use crate::auth::totp::Refusal;
    done(
        async {
            let s = server::session_for("/api/totp_sign_in")?;
            let state = crate::db::state()?;
            match crate::auth::second_factor::verify_totp(&state.db, &state.keys, &s.person, &code)
                .await?
            {
                Ok(()) => server::proven(&s, "totp").await,
                Err(why) => {
                    let action = match why {
                        Refusal::Replayed => "sign_in.totp_replayed",
                        Refusal::Wrong => "sign_in.totp",
                    };
                    server::audit(&s, action, Outcome::Refused).await;
                    server::count_failure(&s).await?;
                    Err(server::wrong("code", ErrorCode::WrongCode))
                }
            }
        }
        .await,
    )
}
