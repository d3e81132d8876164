//! Per-address limits (CJIS 5.5.3 alongside the per-account lockout): sign-in attempts (password and
//! second factor) and, more loosely, every request without a signed-in session, each in a fixed
//! one-minute window per client address; over it, 429 with `Retry-After`. Kept in this process's memory: with several Haven servers each limits on
//! its own, which only loosens the bound by the number of servers; the lockout is in the database.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{header, HeaderValue, StatusCode};

const WINDOW: Duration = Duration::from_secs(60);

/// Per client address (None when unknown, e.g. in tests): the window's start and its count.
type Windows = HashMap<Option<IpAddr>, (Instant, u32)>;

#[derive(Clone)]
pub struct SignInLimiter {
    per_minute: u32,
    seen: Arc<Mutex<Windows>>,
}

impl SignInLimiter {
    pub fn new(per_minute: u32) -> Self {
        Self {
            per_minute,
            seen: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// Count one attempt from `addr`; false when over the limit for this window.
    pub fn allow(&self, addr: Option<IpAddr>, now: Instant) -> bool {
        let Ok(mut seen) = self.seen.lock() else {
            return true;
        };
        if seen.len() > 10_000 {
            seen.retain(|_, (start, _)| now.duration_since(*start) < WINDOW);
        }
        let entry = seen.entry(addr).or_insert((now, 0));
        if now.duration_since(entry.0) >= WINDOW {
            *entry = (now, 0);
        }
        entry.1 += 1;
        entry.1 <= self.per_minute
    }
}

/// The limits in front of everything a person reaches before being signed in.
#[derive(Clone)]
pub struct Limits {
    /// Password and second-factor attempts per address and minute.
    pub attempts: SignInLimiter,
    /// Any other request without a signed-in session (pages, health, the second-factor screen…)
    /// per address and minute. Static files are not counted.
    pub anonymous: SignInLimiter,
}

impl Limits {
    pub fn new(attempts_per_minute: u32, anonymous_per_minute: u32) -> Self {
        Self {
            attempts: SignInLimiter::new(attempts_per_minute),
            anonymous: SignInLimiter::new(anonymous_per_minute),
        }
    }
}

/// Posts that try a password or a second factor.
fn is_attempt(path: &str) -> bool {
    matches!(
        path,
        "/api/sign_in"
            | "/api/totp_sign_in"
            | "/api/totp_enrol_finish"
            | "/api/passkey_sign_in_finish"
            | "/api/passkey_register_finish"
    )
}

fn too_many(what: &'static str) -> Response {
    let mut res = (StatusCode::TOO_MANY_REQUESTS, what).into_response();
    res.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
    res
}

/// The axum layer, inside the session layer (it needs to know who is signed in): sign-in attempts
/// have their own tight budget, and every request without a signed-in session a wider one.
pub async fn limit_unauthenticated(
    State(limits): State<Limits>,
    req: Request,
    next: Next,
) -> Response {
    let addr = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let path = req.uri().path();
    let now = Instant::now();
    if is_attempt(path) && !limits.attempts.allow(addr, now) {
        return too_many("Too many sign-in attempts; wait a minute.");
    }
    let signed_in = req.extensions().get::<crate::auth::CurrentUser>().is_some();
    if !signed_in && !super::server::is_static(path) && !limits.anonymous.allow(addr, now) {
        return too_many("Too many requests; wait a minute.");
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_is_per_address_and_per_minute() {
        let l = SignInLimiter::new(3);
        let t0 = Instant::now();
        let a = Some(IpAddr::from([10, 0, 0, 1]));
        let b = Some(IpAddr::from([10, 0, 0, 2]));
        assert!((0..3).all(|_| l.allow(a, t0)));
        assert!(!l.allow(a, t0));
        assert!(l.allow(b, t0), "another address is not affected");
        assert!(l.allow(a, t0 + WINDOW), "a new window starts afresh");
    }
}
