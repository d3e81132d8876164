//! Sign-in lockout, the password rule, and the hash-chained audit trail, through the server against a
//! real embedded SurrealDB; and the `haven` command line on its own database.

use crate::common::*;
use app::audit::Broken;
use http::StatusCode;
use serde_json::json;
use surrealdb::types::SurrealValue;

async fn sign_in_with(app: &TestApp, username: &str, password: &str) -> Answer {
    app.send(form(
        "/api/sign_in",
        None,
        &format!("username={username}&password={password}&acknowledge=yes"),
    ))
    .await
}

#[derive(Debug, SurrealValue)]
struct Row {
    actor: String,
    action: String,
    record: String,
    outcome: String,
}

async fn audit_rows(app: &TestApp) -> Vec<Row> {
    let mut res = app
        .db
        .query("SELECT actor, action, record, outcome FROM audit_event ORDER BY seq")
        .await
        .unwrap();
    res.take(0).unwrap()
}

#[tokio::test]
async fn five_failures_lock_the_account_and_the_answer_never_tells() {
    let app = spawn().await;
    let unknown = sign_in_with(&app, "nobody", "not-the-password-at-all").await;
    for _ in 0..5 {
        let a = sign_in_with(&app, "officer", "not-the-password-at-all").await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED);
        assert_eq!(a.body, unknown.body);
    }
    // Locked: even the right password gets the same answer as an unknown user.
    let locked = sign_in_with(&app, "officer", app::auth::server::DEMO_PASSWORD).await;
    assert_eq!(locked.status, StatusCode::UNAUTHORIZED);
    assert_eq!(locked.body, unknown.body);
    assert!(locked.headers.get(http::header::SET_COOKIE).is_none());
    // Other accounts are unaffected; an administrator releases this one.
    app.sign_in("officer2").await;
    assert!(app::auth::server::unlock(&app.db, "officer").await.unwrap());
    app.sign_in("officer").await;

    let rows = audit_rows(&app).await;
    let actions: Vec<&str> = rows.iter().map(|r| r.action.as_str()).collect();
    assert!(actions.contains(&"sign_in.unknown_user"));
    assert!(actions.contains(&"sign_in.locked"));
    assert_eq!(
        rows.iter()
            .filter(|r| r.action == "sign_in.password" && r.outcome == "refused")
            .count(),
        5
    );
    assert!(rows
        .iter()
        .any(|r| r.action == "sign_in.password" && r.outcome == "ok"));
    assert!(rows
        .iter()
        .any(|r| r.action == "sign_in.totp" && r.outcome == "ok"));
}

#[tokio::test]
async fn four_failures_then_success_reset_the_count() {
    let app = spawn().await;
    for _ in 0..4 {
        sign_in_with(&app, "officer", "not-the-password-at-all").await;
    }
    app.sign_in("officer").await;
    for _ in 0..4 {
        sign_in_with(&app, "officer", "not-the-password-at-all").await;
    }
    app.sign_in("officer").await;
}

#[tokio::test]
async fn weak_passwords_are_refused_with_the_reason() {
    let app = spawn().await;
    use app::auth::server::create_person;
    use app::auth::Role;
    for (pw, code) in [
        ("short", "password_too_short"),
        ("PasswordPassword", "password_common"),
        ("xyzxyzxyzxyzxyzxyz", "password_repetitive"),
        ("i-am-ada-lovelace-1815", "password_contains_username"),
    ] {
        let e = create_person(&app.db, "ada-lovelace", "Ada", pw, &[Role::Officer])
            .await
            .unwrap_err();
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v["fields"][0]["field"], "password");
        assert_eq!(v["fields"][0]["code"], code, "{pw}");
        assert!(!e.field_errors()[0].message().is_empty());
    }
    create_person(
        &app.db,
        "ada",
        "Ada",
        "a long and unusual phrase",
        &[Role::Officer],
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn actions_are_audited_without_content_and_the_chain_verifies() {
    let app = spawn().await;
    let officer = app.sign_in("officer").await;
    let sgt = app.sign_in("supervisor").await;
    let mut d = draft("20");
    d["requester_name"] = json!("Canary Zebulon");
    // Canaries that no hash, id or timestamp can contain by chance (no hex digits alone).
    d["reason"] = json!("Canary-reason-Quixotry");
    assert_eq!(app.submit(&officer, d.clone()).await.status, StatusCode::OK);
    let id = d["id"].as_str().unwrap();
    app.call("/api/get_request", &sgt, &format!("id={id}"))
        .await;
    app.step(
        &sgt,
        id,
        json!({ "action": "deny", "reason": "Canary-denial" }),
    )
    .await;
    let kim = app.sign_in("officer2").await;
    app.call("/api/get_request", &kim, &format!("id={id}"))
        .await;

    let rows = audit_rows(&app).await;
    let find = |action: &str, outcome: &str| {
        rows.iter().any(|r| {
            r.action == action && r.outcome == outcome && r.record == format!("fund_request:{id}")
        })
    };
    assert!(find("request.create", "ok"));
    assert!(find("request.read", "ok"));
    assert!(find("request.deny", "ok"));
    assert!(
        find("request.read", "refused"),
        "a refused read is audited too"
    );
    assert!(rows
        .iter()
        .all(|r| !r.actor.is_empty() || r.action.starts_with("sign_in")));

    let mut res = app.db.query("SELECT * FROM audit_event").await.unwrap();
    let all: Vec<serde_json::Value> = res.take(0).unwrap();
    let text = serde_json::to_string(&all).unwrap();
    for canary in [
        "Canary",
        "Zebulon",
        "Quixotry",
        "denial",
        "haven-demo-password",
    ] {
        assert!(!text.contains(canary), "audit carries content: {canary}");
    }

    let n = app::audit::store::verify(&app.db).await.unwrap().unwrap();
    assert_eq!(n, rows.len());
}

#[tokio::test]
async fn the_audit_trail_is_append_only_and_tampering_is_caught() {
    let app = spawn().await;
    for user in ["officer", "supervisor", "socialworker", "chief"] {
        app.sign_in(user).await;
    }
    // Each first sign-in: the password, the enrolment of the app, the code.
    assert_eq!(app::audit::store::verify(&app.db).await.unwrap(), Ok(12));
    let res = app
        .db
        .query("UPDATE audit_event:2 SET outcome = 'refused'")
        .await
        .and_then(|r| r.check());
    assert!(res.is_err(), "updates are refused");

    // Someone with the database's root key removes the guard and edits event 2.
    app.db
        .query("REMOVE EVENT audit_append_only ON audit_event; UPDATE audit_event:2 SET outcome = 'refused';")
        .await
        .unwrap()
        .check()
        .unwrap();
    assert_eq!(
        app::audit::store::verify(&app.db).await.unwrap(),
        Err(Broken::Hash { seq: 2 })
    );
    // Deleting the last event is caught by the head.
    app.db
        .query("UPDATE audit_event:2 SET outcome = 'ok'; DELETE audit_event:12;")
        .await
        .unwrap();
    assert_eq!(
        app::audit::store::verify(&app.db).await.unwrap(),
        Err(Broken::Head {
            head_seq: 12,
            last_seq: 11
        })
    );
}

#[test]
fn the_command_line_creates_users_unlocks_and_verifies_the_audit_chain() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("surrealkv://{}", dir.path().join("haven.db").display());
    let haven = |args: &[&str], password: Option<&str>| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_haven"));
        cmd.args(args)
            .env("HAVEN_DB_URL", &url)
            .env("HAVEN_KEY_FILE", dir.path().join("haven.key"))
            .env_remove("HAVEN_DATA_KEYS")
            .env_remove("HAVEN_NEW_PASSWORD");
        if let Some(p) = password {
            cmd.env("HAVEN_NEW_PASSWORD", p);
        }
        cmd.output().unwrap()
    };
    const CREATE_ADA: &[&str] = &[
        "create-user",
        "--username",
        "ada",
        "--name",
        "Ada Park",
        "--role",
        "administrator",
    ];
    let weak = haven(CREATE_ADA, Some("passwordpassword"));
    assert!(!weak.status.success());
    assert!(String::from_utf8_lossy(&weak.stderr).contains("common or breached"));
    let ok = haven(CREATE_ADA, Some("a long and unusual phrase"));
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let missing = haven(&["unlock", "--username", "nobody"], None);
    assert!(!missing.status.success());
    let unlock = haven(&["unlock", "--username", "ada"], None);
    assert!(unlock.status.success());
    let verify = haven(&["audit-verify"], None);
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&verify.stdout).trim(),
        "audit chain intact: 2 events"
    );
}

#[tokio::test]
async fn an_administrator_ends_every_session_of_a_person_at_once() {
    let app = spawn().await;
    let phone = app.sign_in("officer").await;
    let laptop = app.sign_in("officer").await;
    let other = app.sign_in("officer2").await;
    assert_eq!(
        app.call("/api/my_requests", &phone, "").await.status,
        StatusCode::OK
    );
    let ended = app::auth::server::end_all_sessions(&app.db, "Officer")
        .await
        .unwrap();
    assert_eq!(ended, Some(2));
    for cookie in [&phone, &laptop] {
        assert_eq!(
            app.call("/api/my_requests", cookie, "").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        app.call("/api/my_requests", &other, "").await.status,
        StatusCode::OK
    );
    assert_eq!(
        app::auth::server::end_all_sessions(&app.db, "nobody")
            .await
            .unwrap(),
        None
    );
}

#[tokio::test]
async fn sign_in_attempts_are_rate_limited_per_address() {
    let app = spawn_with_limit(3).await;
    for _ in 0..3 {
        let a = sign_in_with(&app, "nobody", "not-the-password-at-all").await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    }
    let limited = sign_in_with(&app, "officer", app::auth::server::DEMO_PASSWORD).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        limited.headers.get(http::header::RETRY_AFTER).unwrap(),
        "60"
    );
    assert!(limited.headers.get(http::header::SET_COOKIE).is_none());
}

#[tokio::test]
async fn every_unauthenticated_endpoint_is_rate_limited_but_signed_in_work_is_not() {
    let app = spawn_with_limits(1_000, 20).await;
    // A full sign-in is a few anonymous requests (password, enrolment, code).
    let officer = app.sign_in("officer").await;
    for _ in 0..40 {
        assert_eq!(
            app.call("/api/my_requests", &officer, "").await.status,
            StatusCode::OK,
            "signed-in work is never limited"
        );
    }
    let get = |path: &str| {
        http::Request::get(path)
            .header(http::header::HOST, "127.0.0.1:3000")
            .body(axum::body::Body::empty())
            .unwrap()
    };
    let mut limited = None;
    for i in 0..25 {
        let path = if i % 2 == 0 { "/healthz" } else { "/login" };
        let a = app.send(get(path)).await;
        if a.status == StatusCode::TOO_MANY_REQUESTS {
            assert_eq!(a.headers.get(http::header::RETRY_AFTER).unwrap(), "60");
            limited = Some(i);
            break;
        }
        assert_eq!(a.status, StatusCode::OK, "{path}");
    }
    assert!(limited.is_some(), "anonymous requests are limited");
    // The whoami function, anonymous too, is refused as well now; static files are not counted.
    assert_eq!(
        app.send(form("/api/whoami", None, "")).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_ne!(
        app.send(get("/pkg/haven.css")).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn sessions_lock_after_30_idle_minutes_and_end_after_12_hours_on_the_server() {
    let app = spawn().await;
    let idle = app.sign_in("officer").await;
    let active = app.sign_in("supervisor").await;
    let old = app.sign_in("socialworker").await;
    let set = |username: &str, sql: &str| {
        let q =
            format!("UPDATE session SET {sql} WHERE person.username = '{username}' RETURN NONE");
        let db = app.db.clone();
        async move { db.query(q).await.unwrap().check().unwrap() }
    };
    set("officer", "last_seen_at = time::now() - 31m").await;
    set("supervisor", "last_seen_at = time::now() - 29m").await;
    set("socialworker", "expires_at = time::now() - 1s").await;
    assert_eq!(
        app.call("/api/my_requests", &idle, "").await.status,
        StatusCode::UNAUTHORIZED,
        "idle for 31 minutes"
    );
    assert_eq!(
        app.call("/api/my_requests", &active, "").await.status,
        StatusCode::OK,
        "idle for 29 minutes"
    );
    assert_eq!(
        app.call("/api/my_requests", &old, "").await.status,
        StatusCode::UNAUTHORIZED,
        "past its 12 hours"
    );
    // Using a session moves its idle clock.
    let mut res = app
        .db
        .query("SELECT VALUE duration::secs(time::now() - last_seen_at) FROM session WHERE person.username = 'supervisor'")
        .await
        .unwrap();
    let idle_secs: Vec<i64> = res.take(0).unwrap();
    assert!(idle_secs.iter().all(|s| *s < 60), "{idle_secs:?}");
    // A verified session lives 12 hours from its start; a pending one only minutes.
    let mut res = app
        .db
        .query("SELECT VALUE duration::hours(expires_at - created_at) FROM session WHERE person.username = 'supervisor'")
        .await
        .unwrap();
    assert_eq!(res.take::<Vec<i64>>(0).unwrap(), vec![12]);
    let pending = app.password_only("chief").await;
    let mut res = app
        .db
        .query("SELECT VALUE duration::mins(expires_at - created_at) FROM session WHERE verified_at = NONE")
        .await
        .unwrap();
    assert_eq!(res.take::<Vec<i64>>(0).unwrap(), vec![10]);
    drop(pending);
}

#[tokio::test]
async fn an_administrator_lists_a_persons_devices_and_ends_one() {
    let app = spawn().await;
    let phone = app.sign_in("officer").await;
    let laptop = app.sign_in("officer").await;
    let listed = app::auth::server::list_sessions(&app.db, "officer")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(listed.len(), 2);
    assert!(listed.iter().all(|s| s.verified && s.device.is_some()));
    assert!(app::auth::server::list_sessions(&app.db, "nobody")
        .await
        .unwrap()
        .is_none());
    let token = phone.trim_start_matches("haven_session=");
    let short = app::auth::server::token_id(token)[..12].to_string();
    assert!(listed.iter().any(|s| s.short_id == short));
    // Too short an id is refused, the right one ends just that device.
    assert!(
        app::auth::server::end_session_by_prefix(&app.db, "officer", "abc")
            .await
            .is_err()
    );
    assert_eq!(
        app::auth::server::end_session_by_prefix(&app.db, "officer", &short)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        app.call("/api/my_requests", &phone, "").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.call("/api/my_requests", &laptop, "").await.status,
        StatusCode::OK
    );
}
