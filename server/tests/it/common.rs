//! Test helpers: a Haven router over a fresh embedded SurrealDB (surrealkv in a temporary folder),
//! with the demo accounts, driven without a socket.

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
    _dir: tempfile::TempDir,
}

pub async fn spawn() -> TestApp {
    spawn_with_limit(10_000).await
}

/// A test app whose sign-in limit per address and minute is `sign_ins_per_minute`.
pub async fn spawn_with_limit(sign_ins_per_minute: u32) -> TestApp {
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = DbConfig {
        url: format!("surrealkv://{}", dir.path().join("haven.db").display()),
        namespace: "haven".into(),
        database: "test".into(),
        username: None,
        password: None,
    };
    let db = connect(&cfg).await.expect("connect");
    migrations::run(&db).await.expect("migrate");
    seed_demo(&db).await.expect("seed");
    let state = AppState {
        db: db.clone(),
        secure_cookies: true,
    };
    let site = SiteConfig {
        site_root: dir.path().join("site").display().to_string(),
        addr: "127.0.0.1:3000".parse().expect("addr"),
        sign_ins_per_minute,
    };
    TestApp {
        router: router(state, &site),
        db,
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

    pub async fn sign_in(&self, username: &str) -> String {
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
