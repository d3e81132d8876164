//! Test helpers: a Haven router over a fresh embedded SurrealDB (surrealkv in a temporary folder),
//! with the demo accounts, driven without a socket.
//!
//! With `HAVEN_TEST_SURREAL=ws://host:port` (root/root) every test app gets a database of its own
//! on that SurrealDB server instead: `scripts/test` runs the suite both ways (the remote pass
//! leaves out the tests about the embedded engine's own files).

use app::auth::server::{seed_demo, DEMO_PASSWORD};
use app::db::{connect, migrations, AppState, DbConfig};
use axum::body::Body;
use axum::Router;
use http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use server::{router, SiteConfig};
use tower::ServiceExt;

pub struct TestApp {
    pub router: Router,
    pub db: app::db::Db,
    /// The data keys of this app's database.
    pub keys: std::sync::Arc<app::crypto::Keyring>,
    /// The folder of the embedded database (its raw files, for the canary scan).
    pub db_dir: std::path::PathBuf,
    /// Each person's authenticator app, as the tests hold it: the TOTP secret and the last step
    /// used (the server accepts each code once).
    totp: std::sync::Mutex<std::collections::HashMap<String, (Vec<u8>, i64)>>,
    _dir: tempfile::TempDir,
}

pub async fn spawn() -> TestApp {
    spawn_with_limit(10_000).await
}

/// A test app whose sign-in limit per address and minute is `sign_ins_per_minute`.
pub async fn spawn_with_limit(sign_ins_per_minute: u32) -> TestApp {
    spawn_with_limits(sign_ins_per_minute, 100_000).await
}

/// A test app that sends HSTS (as when Haven terminates TLS).
pub async fn spawn_with_hsts() -> TestApp {
    build(10_000, 100_000, true).await
}

/// A test app with both per-address limits set.
pub async fn spawn_with_limits(sign_ins_per_minute: u32, anonymous_per_minute: u32) -> TestApp {
    build(sign_ins_per_minute, anonymous_per_minute, false).await
}

async fn build(sign_ins_per_minute: u32, anonymous_per_minute: u32, hsts: bool) -> TestApp {
    // Server-side errors (already redacted) are shown with a failing test's output.
    let _ = tracing_subscriber::fmt()
        .with_test_writer()
        .with_env_filter("error")
        .try_init();
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = match std::env::var("HAVEN_TEST_SURREAL") {
        Ok(url) if !url.is_empty() => DbConfig {
            url,
            namespace: "haven".into(),
            database: format!("t{}", uuid::Uuid::now_v7().simple()),
            username: Some("root".into()),
            password: Some("root".into()),
        },
        _ => DbConfig {
            url: format!("surrealkv://{}", dir.path().join("haven.db").display()),
            namespace: "haven".into(),
            database: "test".into(),
            username: None,
            password: None,
        },
    };
    let db = connect(&cfg).await.expect("connect");
    migrations::run(&db).await.expect("migrate");
    let keys = std::sync::Arc::new(app::crypto::Keyring::generate());
    app::crypto::store::prepare(&db, &keys).await.expect("keys");
    seed_demo(&db).await.expect("seed");
    let state = AppState {
        db: std::sync::Arc::new(db.clone()),
        secure_cookies: true,
        webauthn: app::auth::second_factor::relying_party("http://localhost:3000")
            .expect("relying party"),
        keys: keys.clone(),
    };
    let site = SiteConfig {
        site_root: dir.path().join("site").display().to_string(),
        addr: "127.0.0.1:3000".parse().expect("addr"),
        sign_ins_per_minute,
        anonymous_per_minute,
        hsts,
    };
    TestApp {
        router: router(state, &site),
        db,
        keys,
        db_dir: dir.path().join("haven.db"),
        totp: Default::default(),
        _dir: dir,
    }
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: http::HeaderMap,
    pub body: Value,
}

impl TestApp {
    pub async fn send(&self, req: Request<Body>) -> Answer {
        let res = self.router.clone().oneshot(req).await.expect("oneshot");
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.expect("body").to_bytes();
        let body = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
        Answer {
            status,
            headers,
            body,
        }
    }

    /// A complete sign-in: password, then the second factor (an authenticator app enrolled at the
    /// person's first sign-in in this app). Returns the session cookie.
    pub async fn sign_in(&self, username: &str) -> String {
        let cookie = self.password_only(username).await;
        self.second_factor(&cookie, username).await;
        cookie
    }

    /// The first step only: the session it returns is pending until the second factor.
    pub async fn password_only(&self, username: &str) -> String {
        let a = self
            .send(form(
                "/api/sign_in",
                None,
                &format!("username={username}&password={DEMO_PASSWORD}&acknowledge=yes"),
            ))
            .await;
        assert!(
            a.status.is_success() || a.status.is_redirection(),
            "sign in: {}",
            a.status
        );
        let cookie = a
            .headers
            .get(header::SET_COOKIE)
            .and_then(|v| v.to_str().ok())
            .expect("Set-Cookie")
            .to_string();
        assert!(cookie.contains("HttpOnly"), "{cookie}");
        assert!(cookie.contains("SameSite=Strict"), "{cookie}");
        assert!(cookie.contains("Secure"), "{cookie}");
        cookie.split(';').next().expect("cookie pair").to_string()
    }

    /// The authenticator-app key of a person enrolled in this app, as text (base32).
    pub fn totp_secret_text(&self, username: &str) -> Option<String> {
        let held = self.totp.lock().expect("totp");
        held.get(username)
            .map(|(secret, _)| app::auth::totp::encode_secret(secret))
    }

    /// Complete a pending session with the person's authenticator app (enrolling it the first time).
    pub async fn second_factor(&self, cookie: &str, username: &str) {
        let known = self.totp.lock().expect("totp").get(username).cloned();
        let (secret, step, answer) = match known {
            None => {
                let a = self.call("/api/totp_enrol_begin", cookie, "").await;
                assert_eq!(a.status, StatusCode::OK, "enrol: {}", a.body);
                let secret =
                    app::auth::totp::decode_secret(a.body["secret"].as_str().expect("secret"))
                        .expect("base32");
                let (code, step) = next_code(&secret, None).await;
                let a = self
                    .call("/api/totp_enrol_finish", cookie, &format!("code={code}"))
                    .await;
                (secret, step, a)
            }
            Some((secret, last)) => {
                let (code, step) = next_code(&secret, Some(last)).await;
                let a = self
                    .call("/api/totp_sign_in", cookie, &format!("code={code}"))
                    .await;
                (secret, step, a)
            }
        };
        assert!(
            answer.status.is_success() || answer.status.is_redirection(),
            "second factor of {username}: {} {}",
            answer.status,
            answer.body
        );
        self.totp
            .lock()
            .expect("totp")
            .insert(username.to_string(), (secret, step));
    }

    /// The person's next unused TOTP code, as their app would show it.
    pub async fn next_totp(&self, username: &str) -> (String, i64) {
        let (secret, last) = self
            .totp
            .lock()
            .expect("totp")
            .get(username)
            .cloned()
            .expect("enrolled");
        next_code(&secret, Some(last)).await
    }

    /// Record that a code of this step was used outside [`Self::second_factor`].
    pub fn used_totp(&self, username: &str, step: i64) {
        if let Some(e) = self.totp.lock().expect("totp").get_mut(username) {
            e.1 = e.1.max(step);
        }
    }

    pub async fn submit(&self, cookie: &str, draft: Value) -> Answer {
        self.send(json_post(
            "/api/submit_request",
            Some(cookie),
            json!({ "draft": draft }),
        ))
        .await
    }

    pub async fn call(&self, path: &str, cookie: &str, body: &str) -> Answer {
        self.send(form(path, Some(cookie), body)).await
    }

    pub async fn step(&self, cookie: &str, id: &str, step: Value) -> Answer {
        self.send(json_post(
            "/api/take_step",
            Some(cookie),
            json!({ "id": id, "step": step }),
        ))
        .await
    }

    pub async fn fund_move(&self, cookie: &str, movement: Value) -> Answer {
        self.send(json_post(
            "/api/fund_move",
            Some(cookie),
            json!({ "movement": movement }),
        ))
        .await
    }

    pub async fn fund(&self, cookie: &str) -> Value {
        let a = self.call("/api/fund_overview", cookie, "").await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
        a.body
    }

    /// File a request as `cookie` for `amount`; returns its id.
    pub async fn file(&self, cookie: &str, name: &str, amount: &str) -> String {
        let mut d = draft(amount);
        d["requester_name"] = json!(name);
        let a = self.submit(cookie, d.clone()).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
        d["id"].as_str().expect("id").to_string()
    }

    pub async fn status_of(&self, cookie: &str, id: &str) -> String {
        let a = self
            .call("/api/get_request", cookie, &format!("id={id}"))
            .await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
        a.body["detail"]["summary"]["status"]
            .as_str()
            .expect("status")
            .to_string()
    }

    /// Send all the requests at once, each on its own task; answers in the same order.
    pub async fn concurrently(&self, requests: Vec<Request<Body>>) -> Vec<(StatusCode, Value)> {
        let tasks: Vec<_> = requests
            .into_iter()
            .map(|req| {
                let router = self.router.clone();
                tokio::spawn(async move {
                    let res = router.oneshot(req).await.expect("oneshot");
                    let status = res.status();
                    let body = res.into_body().collect().await.expect("body").to_bytes();
                    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
                })
            })
            .collect();
        let mut out = Vec::with_capacity(tasks.len());
        for t in tasks {
            out.push(t.await.expect("join"));
        }
        out
    }

    pub async fn count_requests(&self) -> i64 {
        let mut res = self
            .db
            .query("RETURN count(SELECT id FROM fund_request)")
            .await
            .expect("count");
        let count: Option<i64> = res.take(0).expect("take");
        count.expect("a count")
    }
}

/// A code for a step after `last` that the server accepts now (now or the next step), waiting for
/// the clock when both were used.
pub async fn next_code(secret: &[u8], last: Option<i64>) -> (String, i64) {
    use app::auth::totp::{code_at, step_at, STEP_SECONDS};
    loop {
        let now = chrono::Utc::now().timestamp();
        let t = step_at(now);
        let step = last.map_or(t, |l| (l + 1).max(t));
        if step <= t + 1 {
            return (format!("{:06}", code_at(secret, step)), step);
        }
        let wait = (t + 1) * STEP_SECONDS - now;
        tokio::time::sleep(std::time::Duration::from_millis(
            u64::try_from(wait).unwrap_or(1) * 1000 + 100,
        ))
        .await;
    }
}

pub fn form(path: &str, cookie: Option<&str>, body: &str) -> Request<Body> {
    let mut b = Request::post(path)
        .header(header::HOST, "127.0.0.1:3000")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, c);
    }
    b.body(Body::from(body.to_string())).expect("request")
}

pub fn json_post(path: &str, cookie: Option<&str>, body: Value) -> Request<Body> {
    let mut b = Request::post(path)
        .header(header::HOST, "127.0.0.1:3000")
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(c) = cookie {
        b = b.header(header::COOKIE, c);
    }
    b.body(Body::from(body.to_string())).expect("request")
}

pub fn draft(amount: &str) -> Value {
    json!({
        "id": uuid::Uuid::now_v7().to_string(),
        "date": chrono_today(),
        "requester_name": "Maria Lopez",
        "age": "34",
        "sex": "F",
        "address": "100 Main St, Hanover Park",
        "telephone": "630-555-0100",
        "reason": "House fire; needs a meal tonight.",
        "purpose": "food",
        "amount_requested": amount,
    })
}

pub fn chrono_today() -> String {
    // UTC today: the server tolerates a day of time-zone difference.
    chrono::Utc::now()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string()
}
