//! Server functions through the real router, against a real embedded SurrealDB (surrealkv in a fresh
//! temporary folder per test), without a socket.

use crate::common::*;
use axum::body::Body;
use http::{header, Request, StatusCode};
use serde_json::json;
use tower::ServiceExt;

#[tokio::test]
async fn an_officer_files_a_request_and_sees_it_in_my_requests() {
    let app = spawn().await;
    let officer = app.sign_in("officer").await;
    let d = draft("20.00");
    let a = app.submit(&officer, d.clone()).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.body["id"], d["id"]);
    assert_eq!(a.body["status"], "submitted");
    assert_eq!(a.body["needs_chief_approval"], false);
    assert_eq!(a.body["already_had_it"], false);

    let mine = app.call("/api/my_requests", &officer, "").await;
    assert_eq!(mine.status, StatusCode::OK);
    let list = mine.body.as_array().expect("list");
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["id"], d["id"]);
    assert_eq!(list[0]["status"], "submitted");
    assert_eq!(list[0]["amount_requested"], "20.00");
    assert_eq!(list[0]["filed_by_name"], "Officer Ana Diaz");
}

#[tokio::test]
async fn above_the_cap_is_stored_and_flagged_for_the_chief() {
    let app = spawn().await;
    let officer = app.sign_in("officer").await;
    let a = app.submit(&officer, draft("40")).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.body["needs_chief_approval"], true);
}

#[tokio::test]
async fn an_invalid_amount_is_refused_naming_the_field_and_nothing_is_stored() {
    let app = spawn().await;
    let officer = app.sign_in("officer").await;
    for (amount, code) in [
        ("-5", "must_be_positive"),
        ("12.345", "too_many_decimals"),
        ("abc", "not_a_number"),
        ("100000", "above_ceiling"),
    ] {
        let a = app.submit(&officer, draft(amount)).await;
        assert_eq!(
            a.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{amount}: {}",
            a.body
        );
        assert_eq!(a.body["error"], "invalid");
        let fields = a.body["fields"].as_array().expect("fields");
        assert_eq!(fields.len(), 1, "{}", a.body);
        assert_eq!(fields[0]["field"], "amount_requested");
        assert_eq!(fields[0]["code"], code);
    }
    assert_eq!(app.count_requests().await, 0);
}

#[tokio::test]
async fn unknown_and_mistyped_fields_are_refused_by_name() {
    let app = spawn().await;
    let officer = app.sign_in("officer").await;
    let mut d = draft("10");
    d["status"] = json!("approved");
    d["age"] = json!([34]);
    let a = app.submit(&officer, d).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.body);
    let fields = a.body["fields"].as_array().expect("fields");
    assert!(fields
        .iter()
        .any(|f| f["field"] == "status" && f["code"] == "unknown_field"));
    assert!(fields
        .iter()
        .any(|f| f["field"] == "age" && f["code"] == "wrong_type"));
    assert_eq!(app.count_requests().await, 0);
}

#[tokio::test]
async fn the_same_submission_twice_is_stored_once_and_a_changed_one_is_a_conflict() {
    let app = spawn().await;
    let officer = app.sign_in("officer").await;
    let d = draft("15");
    let first = app.submit(&officer, d.clone()).await;
    assert_eq!(first.status, StatusCode::OK);
    let again = app.submit(&officer, d.clone()).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    assert_eq!(again.body["already_had_it"], true);
    assert_eq!(app.count_requests().await, 1);

    let mut changed = d.clone();
    changed["amount_requested"] = json!("16");
    let conflict = app.submit(&officer, changed).await;
    assert_eq!(conflict.status, StatusCode::CONFLICT, "{}", conflict.body);
    assert_eq!(conflict.body["error"], "conflict");

    // Another officer replaying the id is a conflict too, never an overwrite.
    let other = app.sign_in("officer2").await;
    let stolen = app.submit(&other, d).await;
    assert_eq!(stolen.status, StatusCode::CONFLICT);
    assert_eq!(app.count_requests().await, 1);
}

#[tokio::test]
async fn concurrent_duplicate_submissions_store_exactly_one() {
    let app = spawn().await;
    let officer = app.sign_in("officer").await;
    let d = draft("12.50");
    let mut tasks = Vec::new();
    for _ in 0..10 {
        let router = app.router.clone();
        let req = json_post(
            "/api/submit_request",
            Some(&officer),
            json!({ "draft": d.clone() }),
        );
        tasks.push(tokio::spawn(async move {
            router.oneshot(req).await.expect("oneshot").status()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.expect("join"), StatusCode::OK);
    }
    assert_eq!(app.count_requests().await, 1);
}

#[tokio::test]
async fn officers_see_only_their_own_requests() {
    let app = spawn().await;
    let diaz = app.sign_in("officer").await;
    let kim = app.sign_in("officer2").await;
    let d = draft("20");
    let id = d["id"].as_str().expect("id").to_string();
    assert_eq!(app.submit(&diaz, d).await.status, StatusCode::OK);

    let peek = app
        .call("/api/get_request", &kim, &format!("id={id}"))
        .await;
    assert_eq!(peek.status, StatusCode::NOT_FOUND, "{}", peek.body);
    assert!(!peek.body.to_string().contains("Maria"));
    let kims = app.call("/api/my_requests", &kim, "").await;
    assert_eq!(kims.body.as_array().map(Vec::len), Some(0));

    let own = app
        .call("/api/get_request", &diaz, &format!("id={id}"))
        .await;
    assert_eq!(own.status, StatusCode::OK);
    assert_eq!(
        own.body["detail"]["summary"]["requester_name"],
        "Maria Lopez"
    );
    assert_eq!(
        own.body["detail"]["reason"],
        "House fire; needs a meal tonight."
    );

    let admin = app.sign_in("admin").await;
    let a = app
        .call("/api/get_request", &admin, &format!("id={id}"))
        .await;
    assert_eq!(
        a.status,
        StatusCode::NOT_FOUND,
        "the administrator sees no client content"
    );
}

#[tokio::test]
async fn the_supervisor_sees_submitted_requests_in_the_queue_and_officers_cannot() {
    let app = spawn().await;
    let officer = app.sign_in("officer").await;
    let d = draft("30");
    assert_eq!(app.submit(&officer, d.clone()).await.status, StatusCode::OK);

    let denied = app.call("/api/request_queue", &officer, "").await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);

    let sgt = app.sign_in("supervisor").await;
    let q = app.call("/api/request_queue", &sgt, "").await;
    assert_eq!(q.status, StatusCode::OK);
    let list = q.body.as_array().expect("list");
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["id"], d["id"]);
    assert_eq!(list[0]["needs_chief_approval"], true);
    let one = app
        .call(
            "/api/get_request",
            &sgt,
            &format!("id={}", d["id"].as_str().expect("id")),
        )
        .await;
    assert_eq!(one.status, StatusCode::OK);
}

#[tokio::test]
async fn nothing_but_sign_in_is_reachable_without_a_session() {
    let app = spawn().await;
    let a = app
        .send(json_post(
            "/api/submit_request",
            None,
            json!({ "draft": draft("5") }),
        ))
        .await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert_eq!(a.body["error"], "unauthenticated");
    for page in ["/", "/requests/new", "/requests/mine", "/requests/queue"] {
        let a = app
            .send(Request::get(page).body(Body::empty()).expect("req"))
            .await;
        assert!(a.status.is_redirection(), "{page}: {}", a.status);
        assert_eq!(
            a.headers
                .get(header::LOCATION)
                .and_then(|v| v.to_str().ok()),
            Some("/login")
        );
    }
    let login = app
        .send(Request::get("/login").body(Body::empty()).expect("req"))
        .await;
    assert_eq!(login.status, StatusCode::OK);
    assert!(login
        .body
        .as_str()
        .unwrap_or_default()
        .contains("restricted"));
    assert_eq!(
        login
            .headers
            .get(header::CACHE_CONTROL)
            .and_then(|v| v.to_str().ok()),
        Some("no-store")
    );
}

#[tokio::test]
async fn wrong_passwords_and_unknown_users_get_the_same_answer() {
    let app = spawn().await;
    let wrong = app
        .send(form(
            "/api/sign_in",
            None,
            "username=officer&password=not-the-password-at-all&acknowledge=yes",
        ))
        .await;
    let unknown = app
        .send(form(
            "/api/sign_in",
            None,
            "username=nobody&password=not-the-password-at-all&acknowledge=yes",
        ))
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.status, unknown.status);
    assert_eq!(wrong.body, unknown.body);
    assert!(wrong.headers.get(header::SET_COOKIE).is_none());
}

#[tokio::test]
async fn sign_in_needs_the_system_use_notice_acknowledged() {
    let app = spawn().await;
    let a = app
        .send(form(
            "/api/sign_in",
            None,
            &format!(
                "username=officer&password={}",
                app::auth::server::DEMO_PASSWORD
            ),
        ))
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(a.body["fields"][0]["field"], "acknowledge");
    assert!(a.headers.get(header::SET_COOKIE).is_none());
}

#[tokio::test]
async fn sign_out_ends_the_session_on_the_server() {
    let app = spawn().await;
    let officer = app.sign_in("officer").await;
    assert_eq!(
        app.call("/api/my_requests", &officer, "").await.status,
        StatusCode::OK
    );
    let out = app.call("/api/sign_out", &officer, "").await;
    assert!(out.status.is_success() || out.status.is_redirection());
    let cleared = out
        .headers
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    // The old cookie, replayed, no longer works.
    let after = app.call("/api/my_requests", &officer, "").await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn cross_origin_posts_are_refused() {
    let app = spawn().await;
    let officer = app.sign_in("officer").await;
    let mut req = json_post(
        "/api/submit_request",
        Some(&officer),
        json!({ "draft": draft("5") }),
    );
    req.headers_mut().insert(
        header::ORIGIN,
        "https://evil.example".parse().expect("origin"),
    );
    assert_eq!(app.send(req).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.count_requests().await, 0);
}

#[tokio::test]
async fn migrations_are_recorded_and_never_reapplied() {
    let app = spawn().await;
    let again = app::db::migrations::run(&app.db)
        .await
        .expect("migrate again");
    assert!(again.is_empty(), "re-applied {again:?}");
    let mut res = app
        .db
        .query("SELECT VALUE version FROM migration ORDER BY version")
        .await
        .expect("query");
    let versions: Vec<i64> = res.take(0).expect("take");
    let listed: Vec<i64> = app::db::migrations::MIGRATIONS
        .iter()
        .map(|(v, _, _)| *v)
        .collect();
    assert_eq!(versions, listed);
    assert_eq!(
        versions,
        (1..=listed.len() as i64).collect::<Vec<_>>(),
        "numbered without gaps"
    );
}

#[tokio::test]
async fn the_schema_refuses_what_the_app_would_never_send() {
    // Defence in depth: SCHEMAFULL assertions hold even for a write that bypasses the server fns.
    let app = spawn().await;
    let res = app
        .db
        .query(
            "CREATE fund_request:x CONTENT { request_date: '2026-12-03', requester_name: 'A', \
             age: 30, address: 'x', reason: 'y', purpose: 'rent', amount_requested: 5dec, \
             needs_chief_approval: false, status: 'submitted', filed_by: person:nobody, \
             submitted_at: time::now(), updated_at: time::now(), content_hash: 'h' }",
        )
        .await
        .and_then(|r| r.check());
    assert!(res.is_err());
    assert_eq!(app.count_requests().await, 0);
}
