//! Server functions of sign-in and sign-out. `sign_in` takes a plain URL-encoded form so the sign-in
//! page works before (or without) the WASM.

use leptos::prelude::*;

use super::CurrentUser;
use crate::error::AppError;

#[server(endpoint = "sign_in", prefix = "/api")]
pub async fn sign_in(username: String, password: String) -> Result<(), AppError> {
    use super::server::{authenticate, create_session, session_cookie};
    let result = async {
        let state = crate::db::state()?;
        let user = authenticate(&state.db, &username, &password).await?;
        let token = create_session(&state.db, &user.id).await?;
        Ok::<_, AppError>((token, state.secure_cookies))
    }
    .await;
    match result {
        Ok((token, secure)) => {
            let res = expect_context::<leptos_axum::ResponseOptions>();
            if let Ok(v) = http::HeaderValue::from_str(&session_cookie(&token, secure)) {
                res.append_header(http::header::SET_COOKIE, v);
            }
            leptos_axum::redirect("/");
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
