//! A per-address limit on sign-in attempts (CJIS 5.5.3 alongside the per-account lockout): at most
//! `per_minute` posts to `/api/sign_in` from one client address in a fixed one-minute window, then
//! 429 with `Retry-After`. Kept in this process's memory: with several Haven servers each limits on
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

/// The axum layer: only sign-in posts are counted.
pub async fn limit_sign_in(
    State(limiter): State<SignInLimiter>,
    req: Request,
    next: Next,
) -> Response {
    if req.uri().path() == "/api/sign_in" {
        let addr = req
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        if !limiter.allow(addr, Instant::now()) {
            let mut res = (
                StatusCode::TOO_MANY_REQUESTS,
                "Too many sign-in attempts; wait a minute.",
            )
                .into_response();
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
            return res;
        }
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
