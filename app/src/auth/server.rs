//! Server side of sign-in: Argon2id password hashes, server-side sessions in SurrealDB behind an
//! HttpOnly SameSite=Strict cookie, and the axum layer that resolves the session on every request,
//! keeps pages behind sign-in, refuses cross-origin posts and sets the security headers.

use std::sync::OnceLock;

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, SaltString};
use argon2::{Argon2, PasswordVerifier};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine;
use http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use rand::RngCore;
use sha2::{Digest, Sha256};
use surrealdb::types::SurrealValue;

use super::second_factor::SessionInfo;
use super::{CurrentUser, Role};
use crate::db::{db_error, AppState, Db};
use crate::error::AppError;

pub const SESSION_COOKIE: &str = "haven_session";
/// Full re-authentication after this long, whatever the activity.
pub const SESSION_HOURS: i64 = 12;
/// A session unused for this long is over (the browser locks sooner on a phone: `auth::idle`).
pub use super::idle::IDLE_MINUTES;

/// A password hash. Deliberately not `Serialize`: it never leaves the server.
pub struct PasswordHashString(String);

impl PasswordHashString {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Hash with Argon2id at the crate's defaults (19 MiB, 2 passes), a fresh random salt each time.
pub fn hash_password(password: &str) -> Result<PasswordHashString, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| PasswordHashString(h.to_string()))
        .map_err(|_| AppError::Internal)
}

pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Verified against when the username is unknown, so both answers take the same time.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        hash_password("haven-timing-equaliser")
            .map(|h| h.0)
            .unwrap_or_default()
    })
}

#[derive(SurrealValue)]
struct PersonRow {
    id: String,
    username: String,
    display_name: String,
    password_hash: String,
    roles: Vec<String>,
    active: bool,
    locked: bool,
}

fn roles_from(codes: &[String]) -> Vec<Role> {
    codes.iter().filter_map(|c| Role::from_code(c)).collect()
}

/// Why a sign-in failed, for the audit only: the person is told the same thing in every case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignInFailure {
    UnknownUser,
    WrongPassword,
    Inactive,
    Locked,
}

/// Check a username and password. Unknown user, inactive or locked account and wrong password all
/// give the same answer after the same work; a wrong password counts towards the lockout.
pub async fn authenticate(
    db: &Db,
    username: &str,
    password: &str,
) -> Result<Result<CurrentUser, (SignInFailure, Option<String>)>, AppError> {
    let mut res = db
        .query(
            "SELECT record::id(id) AS id, username, display_name, password_hash, roles, active, \
             locked FROM person WHERE username = $username LIMIT 1",
        )
        .bind(("username", username.trim().to_lowercase()))
        .await
        .map_err(|e| db_error("sign in", e))?;
    let rows: Vec<PersonRow> = res.take(0).map_err(|e| db_error("sign in", e))?;
    let Some(p) = rows.into_iter().next() else {
        let _ = verify_password(dummy_hash(), password);
        return Ok(Err((SignInFailure::UnknownUser, None)));
    };
    let good = verify_password(&p.password_hash, password);
    if p.locked {
        return Ok(Err((SignInFailure::Locked, Some(p.id))));
    }
    if !p.active {
        return Ok(Err((SignInFailure::Inactive, Some(p.id))));
    }
    if !good {
        record_failure(db, &p.id).await?;
        return Ok(Err((SignInFailure::WrongPassword, Some(p.id))));
    }
    // The failure count is cleared only by a complete sign-in (second factor included), or a
    // password thief could reset it between guesses of the code.
    Ok(Ok(CurrentUser {
        id: p.id,
        username: p.username,
        display_name: p.display_name,
        roles: roles_from(&p.roles),
    }))
}

#[derive(SurrealValue)]
struct Failures {
    failed_sign_ins: Vec<chrono::DateTime<chrono::Utc>>,
}

/// Count a failed sign-in (password or second factor); lock the account at the fifth within the
/// window. True when the account is locked now.
pub async fn record_failure(db: &Db, person: &str) -> Result<bool, AppError> {
    let result = crate::db::with_retry(|| async {
        let tx = db.clone().begin().await?;
        let mut res = tx
            .query("SELECT failed_sign_ins FROM type::record('person', $id)")
            .bind(("id", person.to_string()))
            .await?;
        let prev: Vec<Failures> = res.take(0)?;
        let prev = prev
            .into_iter()
            .next()
            .map(|f| f.failed_sign_ins)
            .unwrap_or_default();
        let (kept, locked) = super::lockout::after_failure(&prev, chrono::Utc::now());
        tx.query(
            "UPDATE type::record('person', $id) SET failed_sign_ins = $kept, \
             locked = locked OR $locked RETURN NONE",
        )
        .bind(("id", person.to_string()))
        .bind(("kept", kept))
        .bind(("locked", locked))
        .await?
        .check()?;
        tx.commit().await?;
        Ok(locked)
    })
    .await;
    result.map_err(|e| db_error("record failed sign-in", e))
}

/// End every session of a person at once (administrator: a lost phone, a departure). `None` when
/// there is no such person; otherwise how many sessions ended.
pub async fn end_all_sessions(db: &Db, username: &str) -> Result<Option<usize>, AppError> {
    let mut res = db
        .query("SELECT VALUE record::id(id) FROM person WHERE username = $u")
        .bind(("u", username.trim().to_lowercase()))
        .await
        .map_err(|e| db_error("end sessions", e))?;
    let ids: Vec<String> = res.take(0).map_err(|e| db_error("end sessions", e))?;
    let Some(id) = ids.into_iter().next() else {
        return Ok(None);
    };
    let mut res = db
        .query("DELETE session WHERE person = type::record('person', $id) RETURN BEFORE")
        .bind(("id", id))
        .await
        .map_err(|e| db_error("end sessions", e))?;
    let ended: Vec<serde_json::Value> = res.take(0).map_err(|e| db_error("end sessions", e))?;
    Ok(Some(ended.len()))
}

/// End every session of a person by record key (the lockout ends them at once).
pub async fn end_sessions_of(db: &Db, person: &str) -> Result<(), AppError> {
    db.query("DELETE session WHERE person = type::record('person', $id)")
        .bind(("id", person.to_string()))
        .await
        .and_then(|r| r.check())
        .map_err(|e| db_error("end sessions", e))?;
    Ok(())
}

/// One live session of a person, as the administrator lists them.
#[derive(Debug, SurrealValue)]
pub struct SessionListing {
    /// The first 12 hex digits of the session id (enough to name it; not the cookie).
    pub short_id: String,
    pub device: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub last_seen_at: chrono::DateTime<chrono::Utc>,
    pub verified: bool,
}

/// A person's live sessions, newest first. `None` when there is no such person.
pub async fn list_sessions(
    db: &Db,
    username: &str,
) -> Result<Option<Vec<SessionListing>>, AppError> {
    let mut res = db
        .query(
            "LET $p = (SELECT VALUE id FROM person WHERE username = $u)[0];
             SELECT string::slice(record::id(id), 0, 12) AS short_id, device, created_at, \
                last_seen_at, verified_at != NONE AS verified \
             FROM session WHERE person = $p AND expires_at > time::now() ORDER BY created_at DESC;
             RETURN $p != NONE;",
        )
        .bind(("u", username.trim().to_lowercase()))
        .await
        .map_err(|e| db_error("list sessions", e))?;
    let rows: Vec<SessionListing> = res.take(1).map_err(|e| db_error("list sessions", e))?;
    let found: Option<bool> = res.take(2).map_err(|e| db_error("list sessions", e))?;
    Ok(found.unwrap_or(false).then_some(rows))
}

/// End the one session of a person whose id starts with `short_id` (a lost device). Returns how
/// many ended: 0 when none matches; an ambiguous prefix (several sessions) ends none and is `Err`.
pub async fn end_session_by_prefix(
    db: &Db,
    username: &str,
    short_id: &str,
) -> Result<usize, AppError> {
    let prefix = short_id.trim().to_lowercase();
    if prefix.len() < 8 || !prefix.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::invalid(vec![crate::error::FieldError::new(
            "session",
            crate::error::ErrorCode::InvalidId,
        )]));
    }
    let Some(sessions) = list_sessions(db, username).await? else {
        return Err(AppError::NotFound);
    };
    let matching: Vec<&SessionListing> = sessions
        .iter()
        .filter(|s| s.short_id.starts_with(&prefix) || prefix.starts_with(&s.short_id))
        .collect();
    if matching.len() > 1 {
        return Err(AppError::Conflict);
    }
    let mut res = db
        .query(
            "DELETE session WHERE person.username = $u AND string::starts_with(record::id(id), $p) \
             RETURN BEFORE",
        )
        .bind(("u", username.trim().to_lowercase()))
        .bind(("p", prefix))
        .await
        .map_err(|e| db_error("end session", e))?;
    let ended: Vec<serde_json::Value> = res.take(0).map_err(|e| db_error("end session", e))?;
    Ok(ended.len())
}

/// Release a locked account (administrator). Returns false when there is no such person.
pub async fn unlock(db: &Db, username: &str) -> Result<bool, AppError> {
    let mut res = db
        .query(
            "UPDATE person SET locked = false, failed_sign_ins = [] WHERE username = $u \
             RETURN VALUE record::id(id)",
        )
        .bind(("u", username.trim().to_lowercase()))
        .await
        .map_err(|e| db_error("unlock", e))?;
    let ids: Vec<String> = res.take(0).map_err(|e| db_error("unlock", e))?;
    Ok(!ids.is_empty())
}

/// The session's record key: the SHA-256 of its cookie token.
pub fn token_id(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Start a session for the person after their password; returns the cookie token (only its hash is
/// stored). The session is pending until the second factor (`second_factor::mark_verified`), and
/// expires within minutes if that never comes.
pub async fn create_session(db: &Db, person_id: &str, device: &str) -> Result<String, AppError> {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let pending = super::second_factor::PENDING_MINUTES;
    db.query(format!(
        "CREATE type::record('session', $sid) CONTENT {{ person: type::record('person', $pid), \
         created_at: time::now(), expires_at: time::now() + {pending}m, \
         last_seen_at: time::now(), device: $device }}"
    ))
    .bind(("device", device.to_string()))
    .bind(("sid", token_id(&token)))
    .bind(("pid", person_id.to_string()))
    .await
    .and_then(|r| r.check())
    .map_err(|e| db_error("create session", e))?;
    Ok(token)
}

#[derive(SurrealValue)]
struct SessionRow {
    id: String,
    username: String,
    display_name: String,
    roles: Vec<String>,
    active: bool,
    idle_seconds: i64,
    verified: bool,
    reauth_age: Option<i64>,
}

/// The session behind a live token, refreshing its idle clock: always its [`SessionInfo`], and the
/// signed-in person only once the second factor is verified.
pub async fn resolve_session(
    db: &Db,
    token: &str,
) -> Result<Option<(SessionInfo, Option<CurrentUser>)>, AppError> {
    let sid = token_id(token);
    let mut res = db
        .query(format!(
            "SELECT record::id(person) AS id, person.username AS username, \
             person.display_name AS display_name, person.roles AS roles, person.active AS active, \
             duration::secs(time::now() - last_seen_at) AS idle_seconds, \
             verified_at != NONE AS verified, \
             IF reauth_at != NONE THEN duration::secs(time::now() - reauth_at) END AS reauth_age \
             FROM type::record('session', $sid) \
             WHERE expires_at > time::now() AND last_seen_at > time::now() - {IDLE_MINUTES}m"
        ))
        .bind(("sid", sid.clone()))
        .await
        .map_err(|e| db_error("resolve session", e))?;
    let rows: Vec<SessionRow> = res.take(0).map_err(|e| db_error("resolve session", e))?;
    let Some(row) = rows.into_iter().next().filter(|r| r.active) else {
        return Ok(None);
    };
    // One write a minute at most, not one per request.
    if row.idle_seconds >= 60 {
        db.query("UPDATE type::record('session', $sid) SET last_seen_at = time::now()")
            .bind(("sid", sid.clone()))
            .await
            .map_err(|e| db_error("touch session", e))?;
    }
    let info = SessionInfo {
        sid,
        person: row.id.clone(),
        username: row.username.clone(),
        display_name: row.display_name.clone(),
        verified: row.verified,
        reauth_age_seconds: row.reauth_age,
    };
    let user = row.verified.then(|| CurrentUser {
        id: row.id,
        username: row.username,
        display_name: row.display_name,
        roles: roles_from(&row.roles),
    });
    Ok(Some((info, user)))
}

/// End a session on the server (sign-out).
pub async fn end_session(db: &Db, token: &str) -> Result<(), AppError> {
    db.query("DELETE type::record('session', $sid)")
        .bind(("sid", token_id(token)))
        .await
        .map_err(|e| db_error("end session", e))?;
    Ok(())
}

pub fn session_cookie(token: &str, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{secure}",
        SESSION_HOURS * 3600
    )
}

pub fn clear_session_cookie(secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{secure}")
}

/// The session token from a request's Cookie header, if any.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == SESSION_COOKIE)
        .map(|(_, v)| v.to_string())
        .filter(|v| !v.is_empty())
}

/// The signed-in person of the current server-function call or page render.
pub fn require_user() -> Result<CurrentUser, AppError> {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<CurrentUser>().cloned())
        .ok_or(AppError::Unauthenticated)
}

/// The device of the current call, as its browser names itself (User-Agent, first 160 characters):
/// recorded with every step for the timeline and the audit. Not confidential.
pub fn device() -> String {
    crate::audit::store::origin().device
}

/// Paths reachable without a session.
fn is_public(path: &str) -> bool {
    matches!(
        path,
        "/login" | "/api/sign_in" | "/healthz" | "/favicon.ico" | "/robots.txt"
    ) || is_static(path)
}

/// The built bundle (WASM, JS, CSS), assets, and what makes Haven an installable app (the service
/// worker, the manifest, its icons, the no-signal page): public, and never worth a session lookup.
pub fn is_static(path: &str) -> bool {
    path.starts_with("/pkg/")
        || path.starts_with("/assets/")
        || path.starts_with("/icons/")
        || matches!(path, "/sw.js" | "/manifest.webmanifest" | "/offline.html")
}

/// A state-changing request whose Origin is another site is refused (CSRF), whatever the cookie.
fn cross_origin(req: &Request) -> bool {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return false;
    }
    let Some(origin) = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
    else {
        return false;
    };
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    let origin_host = origin
        .split_once("://")
        .map(|(_, rest)| rest)
        .unwrap_or(origin);
    origin_host != host
}

/// The axum layer in front of everything.
pub async fn session_layer(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    if cross_origin(&req) {
        return (StatusCode::FORBIDDEN, "cross-origin request refused").into_response();
    }
    let path = req.uri().path().to_string();
    // Static files need no session: no database read for each of them.
    let token = (!is_static(&path))
        .then(|| session_token(req.headers()))
        .flatten();
    let session = match token {
        Some(token) => match resolve_session(&state.db, &token).await {
            Ok(session) => session,
            Err(_) => return (StatusCode::SERVICE_UNAVAILABLE, "try again").into_response(),
        },
        None => None,
    };
    let pending = session.as_ref().is_some_and(|(s, _)| !s.verified);
    let signed_in = session.as_ref().is_some_and(|(s, _)| s.verified);
    if let Some((info, user)) = session {
        req.extensions_mut().insert(info);
        if let Some(user) = user {
            req.extensions_mut().insert(user);
        }
    }
    let is_page = !path.starts_with("/api/") && !is_public(&path);
    let redirect = match (is_page && req.method() == Method::GET, signed_in, pending) {
        (false, _, _) | (true, true, _) => None,
        // Half-way through sign-in: only the second-factor screen.
        (true, false, true) => (path != "/mfa").then_some("/mfa"),
        (true, false, false) => Some("/login"),
    };
    let mut res = match redirect {
        Some(to) => Redirect::to(to).into_response(),
        None => next.run(req).await,
    };
    let headers = res.headers_mut();
    if !is_static(&path) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    res
}

/// Create a person (CLI `create-user`, demo seeding). The username is stored lower-case.
pub async fn create_person(
    db: &Db,
    username: &str,
    display_name: &str,
    password: &str,
    roles: &[Role],
) -> Result<(), AppError> {
    if let Err(problem) = super::password::check(password, username) {
        return Err(AppError::invalid(vec![crate::error::FieldError::new(
            "password",
            problem.code(),
        )]));
    }
    let hash = hash_password(password)?;
    let codes: Vec<String> = roles.iter().map(|r| r.code().to_string()).collect();
    db.query(
        "CREATE type::record('person', $id) CONTENT { username: $username, \
         display_name: $display_name, password_hash: $hash, roles: $roles, active: true }",
    )
    .bind(("id", uuid::Uuid::now_v7().to_string()))
    .bind(("username", username.trim().to_lowercase()))
    .bind(("display_name", display_name.to_string()))
    .bind(("hash", hash.as_str().to_string()))
    .bind(("roles", codes))
    .await
    .and_then(|r| r.check())
    .map_err(|e| db_error("create person", e))?;
    Ok(())
}

/// The demo password of every demo account (15+ characters, no composition rules).
pub const DEMO_PASSWORD: &str = "haven-demo-password";

/// Demo accounts, one per role (two officers, to show that officers see only their own requests).
pub const DEMO_ACCOUNTS: &[(&str, &str, Role)] = &[
    ("officer", "Officer Ana Diaz", Role::Officer),
    ("officer2", "Officer Sam Kim", Role::Officer),
    ("supervisor", "Sgt. Lee Morgan", Role::Supervisor),
    ("socialworker", "Rosa Rivera, MSW", Role::SocialWorker),
    ("chief", "Chief Pat Hale", Role::Chief),
    ("lieutenant", "Lt. Chris Brooks", Role::Lieutenant),
    ("deputychief", "Deputy Chief Jo Shaw", Role::DeputyChief),
    ("admin", "Haven Administrator", Role::Administrator),
    ("auditor", "Internal Auditor Dana Cruz", Role::Auditor),
];

/// Create the demo accounts that do not exist yet. Returns how many were created.
pub async fn seed_demo(db: &Db) -> Result<usize, AppError> {
    let mut created = 0;
    for (username, name, role) in DEMO_ACCOUNTS {
        let mut res = db
            .query("SELECT VALUE username FROM person WHERE username = $u")
            .bind(("u", username.to_string()))
            .await
            .map_err(|e| db_error("seed demo", e))?;
        let found: Vec<String> = res.take(0).map_err(|e| db_error("seed demo", e))?;
        if found.is_empty() {
            create_person(db, username, name, DEMO_PASSWORD, &[*role]).await?;
            created += 1;
        }
    }
    Ok(created)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argon2id_hashes_verify_and_differ() -> Result<(), AppError> {
        let a = hash_password("correct horse battery staple")?;
        let b = hash_password("correct horse battery staple")?;
        assert!(a.as_str().starts_with("$argon2id$"));
        assert_ne!(a.as_str(), b.as_str(), "salted");
        assert!(verify_password(a.as_str(), "correct horse battery staple"));
        assert!(!verify_password(a.as_str(), "correct horse battery stapl"));
        assert!(!verify_password("not a hash", "x"));
        Ok(())
    }

    #[test]
    fn cookie_is_httponly_strict_and_secure() {
        let c = session_cookie("tok", true);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Strict") && c.contains("Secure"));
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; haven_session=tok; b=2"),
        );
        assert_eq!(session_token(&h).as_deref(), Some("tok"));
    }

    #[test]
    fn token_is_stored_only_as_its_hash() {
        let id = token_id("abc");
        assert_eq!(id.len(), 64);
        assert_ne!(id, "abc");
    }
}
