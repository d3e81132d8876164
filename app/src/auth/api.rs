//! Server functions of sign-in and sign-out. `sign_in` takes a plain URL-encoded form so the sign-in
//! page works before (or without) the WASM.

use leptos::prelude::*;

use super::CurrentUser;
use crate::error::AppError;

/// Sign in, first step: the password. The system-use notice must be acknowledged (`acknowledge`),
/// once per session. The session it starts is pending until the second factor (`/mfa`).
#[server(endpoint = "sign_in", prefix = "/api")]
pub async fn sign_in(
    username: String,
    password: String,
    acknowledge: Option<String>,
) -> Result<(), AppError> {
    use super::server::{authenticate, create_session, session_cookie};
    use crate::audit::store::{append, origin, Outcome};
    let result = async {
        let state = crate::db::state()?;
        if acknowledge
            .as_deref()
            .map(str::trim)
            .unwrap_or_default()
            .is_empty()
        {
            return Err(AppError::invalid(vec![crate::error::FieldError::new(
                "acknowledge",
                crate::error::ErrorCode::Required,
            )]));
        }
        match authenticate(&state.db, &username, &password).await? {
            Ok(user) => {
                let token = create_session(&state.db, &user.id, &super::server::device()).await?;
                let mut o = origin();
                o.actor = user.id.clone();
                o.session = super::server::token_id(&token)[..16].to_string();
                let _ = append(
                    &state.db,
                    &o,
                    "sign_in.password",
                    &format!("person:{}", user.id),
                    Outcome::Ok,
                )
                .await;
                Ok::<_, AppError>((token, state.secure_cookies))
            }
            Err((why, person)) => {
                let mut o = origin();
                o.actor = person.clone().unwrap_or_default();
                let action = match why {
                    super::server::SignInFailure::Locked => "sign_in.locked",
                    super::server::SignInFailure::Inactive => "sign_in.inactive",
                    super::server::SignInFailure::UnknownUser => "sign_in.unknown_user",
                    super::server::SignInFailure::WrongPassword => "sign_in.password",
                };
                let record = person.map(|p| format!("person:{p}")).unwrap_or_default();
                let _ = append(&state.db, &o, action, &record, Outcome::Refused).await;
                Err(AppError::BadCredentials)
            }
        }
    }
    .await;
    match result {
        Ok((token, secure)) => {
            let res = expect_context::<leptos_axum::ResponseOptions>();
            if let Ok(v) = http::HeaderValue::from_str(&session_cookie(&token, secure)) {
                res.append_header(http::header::SET_COOKIE, v);
            }
            // The password is half of it: the second factor comes next.
            leptos_axum::redirect("/mfa");
            Ok(())
        }
        Err(e) => {
            crate::error::set_status(&e);
            Err(e)
        }
    }
}

#[server(endpoint = "sign_out", prefix = "/api")]
pub async fn sign_out() -> Result<(), AppError> {
    use super::server::{clear_session_cookie, end_session, session_token};
    let state = crate::db::state()?;
    if let Some(parts) = use_context::<http::request::Parts>() {
        if let Some(token) = session_token(&parts.headers) {
            crate::audit::store::record(
                &state.db,
                "sign_out",
                "",
                crate::audit::store::Outcome::Ok,
            )
            .await;
            end_session(&state.db, &token).await?;
        }
    }
    let res = expect_context::<leptos_axum::ResponseOptions>();
    if let Ok(v) = http::HeaderValue::from_str(&clear_session_cookie(state.secure_cookies)) {
        res.append_header(http::header::SET_COOKIE, v);
    }
    leptos_axum::redirect("/login");
    Ok(())
}

/// Who is signed in (None when nobody is).
#[server(endpoint = "whoami", prefix = "/api")]
pub async fn whoami() -> Result<Option<CurrentUser>, AppError> {
    Ok(super::server::require_user().ok())
}
