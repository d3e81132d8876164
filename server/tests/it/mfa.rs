//! The second factor: a password alone signs nobody in; enrolment happens once, at the first
//! sign-in, and afterwards only the enrolled factor completes a sign-in; a TOTP code works once; wrong
//! codes count towards the lockout; passkey answers are single-use; an administrator resets a lost
//! factor. (The passkey ceremony itself runs in Chromium: `end2end/tests/security.spec.ts`.)

use crate::common::*;
use http::{header, Request, StatusCode};
use surrealdb::types::SurrealValue;

fn get(path: &str, cookie: &str) -> Request<axum::body::Body> {
    Request::get(path)
        .header(header::HOST, "127.0.0.1:3000")
        .header(header::COOKIE, cookie)
        .body(axum::body::Body::empty())
        .unwrap()
}

async fn actions(app: &TestApp) -> Vec<(String, String)> {
    #[derive(SurrealValue)]
    struct Row {
        action: String,
        outcome: String,
    }
    let mut res = app
        .db
        .query("SELECT action, outcome FROM audit_event ORDER BY seq")
        .await
        .unwrap();
    let rows: Vec<Row> = res.take(0).unwrap();
    rows.into_iter().map(|r| (r.action, r.outcome)).collect()
}

#[tokio::test]
async fn a_password_alone_signs_nobody_in() {
    let app = spawn().await;
    let pending = app.password_only("officer").await;
    // No server function but the second factor's, no page but /mfa.
    let whoami = app.call("/api/whoami", &pending, "").await;
    assert_eq!(whoami.body, serde_json::Value::Null, "{}", whoami.body);
    assert_eq!(
        app.call("/api/my_requests", &pending, "").await.status,
        StatusCode::UNAUTHORIZED
    );
    let home = app.send(get("/", &pending)).await;
    assert!(home.status.is_redirection());
    assert_eq!(home.headers[header::LOCATION], "/mfa");
    let mfa = app.send(get("/mfa", &pending)).await;
    assert_eq!(mfa.status, StatusCode::OK);
    // Without any session /mfa is behind sign-in too.
    let anon = app
        .send(
            Request::get("/mfa")
                .header(header::HOST, "127.0.0.1:3000")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(anon.headers[header::LOCATION], "/login");

    // The second factor turns the same session into a signed-in one.
    app.second_factor(&pending, "officer").await;
    let whoami = app.call("/api/whoami", &pending, "").await;
    assert_eq!(whoami.body["username"], "officer");
    assert_eq!(
        app.call("/api/my_requests", &pending, "").await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn enrolment_happens_once_and_a_password_cannot_enrol_another_factor() {
    let app = spawn().await;
    app.sign_in("officer").await; // enrols the app
    let status = |cookie: String| {
        let app = &app;
        async move { app.call("/api/mfa_status", &cookie, "").await.body }
    };
    let pending = app.password_only("officer").await;
    let s = status(pending.clone()).await;
    assert_eq!(s["totp"], true);
    assert_eq!(s["verified"], false);
    // Someone holding only the password cannot add their own authenticator or passkey.
    for path in ["/api/totp_enrol_begin", "/api/passkey_register_begin"] {
        assert_eq!(
            app.call(path, &pending, "").await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    assert!(actions(&app)
        .await
        .contains(&("mfa.enrol_totp".into(), "refused".into())));
    // The enrolled factor completes it.
    app.second_factor(&pending, "officer").await;
    assert_eq!(status(pending).await["verified"], true);
}

#[tokio::test]
async fn a_totp_code_works_once() {
    let app = spawn().await;
    app.sign_in("supervisor").await;
    let (code, step) = app.next_totp("supervisor").await;
    let first = app.password_only("supervisor").await;
    let a = app
        .call("/api/totp_sign_in", &first, &format!("code={code}"))
        .await;
    assert!(
        a.status.is_success() || a.status.is_redirection(),
        "{}",
        a.body
    );
    app.used_totp("supervisor", step);

    // The same code, replayed into another password-only session, is refused and audited.
    let second = app.password_only("supervisor").await;
    let replay = app
        .call("/api/totp_sign_in", &second, &format!("code={code}"))
        .await;
    assert_eq!(replay.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(replay.body["fields"][0]["field"], "code");
    assert_eq!(replay.body["fields"][0]["code"], "wrong_code");
    assert_eq!(
        app.call("/api/whoami", &second, "").await.body,
        serde_json::Value::Null
    );
    assert!(actions(&app)
        .await
        .contains(&("sign_in.totp_replayed".into(), "refused".into())));
}

#[tokio::test]
async fn wrong_codes_count_towards_the_lockout() {
    let app = spawn().await;
    app.sign_in("officer").await;
    let pending = app.password_only("officer").await;
    for _ in 0..5 {
        let a = app.call("/api/totp_sign_in", &pending, "code=000000").await;
        // The fifth locks the account and ends the session.
        assert!(
            a.status == StatusCode::UNPROCESSABLE_ENTITY,
            "{} {}",
            a.status,
            a.body
        );
    }
    assert_eq!(
        app.call("/api/mfa_status", &pending, "").await.status,
        StatusCode::UNAUTHORIZED,
        "the session ended with the lockout"
    );
    let again = app
        .send(form(
            "/api/sign_in",
            None,
            &format!(
                "username=officer&password={}&acknowledge=yes",
                app::auth::server::DEMO_PASSWORD
            ),
        ))
        .await;
    assert_eq!(again.status, StatusCode::UNAUTHORIZED, "locked");
}

#[tokio::test]
async fn a_password_success_does_not_reset_the_code_failures() {
    let app = spawn().await;
    app.sign_in("officer").await;
    for _ in 0..2 {
        let pending = app.password_only("officer").await;
        for _ in 0..2 {
            app.call("/api/totp_sign_in", &pending, "code=000000").await;
        }
    }
    // Four wrong codes across two password sign-ins; the fifth locks.
    let pending = app.password_only("officer").await;
    app.call("/api/totp_sign_in", &pending, "code=000000").await;
    let locked = app
        .send(form(
            "/api/sign_in",
            None,
            &format!(
                "username=officer&password={}&acknowledge=yes",
                app::auth::server::DEMO_PASSWORD
            ),
        ))
        .await;
    assert_eq!(locked.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn passkey_answers_are_checked_and_single_use() {
    let app = spawn().await;
    let sw = app.sign_in("socialworker").await;
    // Signed in: adding a passkey is allowed; the options are the browser's JSON form, bound to
    // Haven's host name and asking for user verification.
    let a = app.call("/api/passkey_register_begin", &sw, "").await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let options: serde_json::Value = serde_json::from_str(a.body.as_str().unwrap()).unwrap();
    assert_eq!(options["rp"]["id"], "localhost");
    assert_eq!(options["user"]["name"], "socialworker");
    assert!(options["challenge"].as_str().unwrap().len() >= 43);
    assert_eq!(
        options["authenticatorSelection"]["userVerification"],
        "required"
    );
    assert!(!options.to_string().contains("null"));
    // A forged answer is refused, and the ceremony is gone after one answer.
    let forged = app
        .call(
            "/api/passkey_register_finish",
            &sw,
            "credential=%7B%22id%22%3A%22x%22%7D&label=mine",
        )
        .await;
    assert_eq!(forged.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(forged.body["fields"][0]["code"], "passkey_refused");

    // No passkey yet: nothing to sign in with.
    assert_eq!(
        app.call("/api/passkey_sign_in_begin", &sw, "").await.status,
        StatusCode::NOT_FOUND
    );
    // An assertion with no ceremony open (a replay) is refused and audited as one.
    let replay = app
        .call("/api/passkey_sign_in_finish", &sw, "credential=%7B%7D")
        .await;
    assert_eq!(replay.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(actions(&app)
        .await
        .contains(&("sign_in.passkey_replayed".into(), "refused".into())));
}

#[tokio::test]
async fn an_administrator_resets_a_lost_factor() {
    let app = spawn().await;
    let old = app.sign_in("officer").await;
    assert!(app::auth::second_factor::reset(&app.db, "Officer")
        .await
        .unwrap());
    assert!(!app::auth::second_factor::reset(&app.db, "nobody")
        .await
        .unwrap());
    assert_eq!(
        app.call("/api/my_requests", &old, "").await.status,
        StatusCode::UNAUTHORIZED,
        "sessions end with the reset"
    );
    // The next sign-in enrols again.
    let pending = app.password_only("officer").await;
    let s = app.call("/api/mfa_status", &pending, "").await.body;
    assert_eq!(s["totp"], false);
    assert_eq!(s["passkeys"], 0);
    assert_eq!(
        app.call("/api/totp_enrol_begin", &pending, "").await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn disbursing_and_exporting_need_a_fresh_confirmation() {
    let app = spawn().await;
    let sw = app.sign_in("socialworker").await;
    let opened = app
        .fund_move(&sw, serde_json::json!({ "kind": "open", "amount": "100" }))
        .await;
    assert_eq!(opened.status, StatusCode::OK, "{}", opened.body);
    let officer = app.sign_in("officer").await;
    let id = app.file(&officer, "Step Up Resident", "20").await;
    let sgt = app.sign_in("supervisor").await;
    let approved = app
        .step(&sgt, &id, serde_json::json!({ "action": "approve" }))
        .await;
    assert_eq!(approved.status, StatusCode::OK, "{}", approved.body);

    // Ten minutes after the social worker last proved it was them.
    app.db
        .query("UPDATE session SET reauth_at = time::now() - 10m")
        .await
        .unwrap()
        .check()
        .unwrap();
    let disburse = serde_json::json!({ "action": "disburse", "amount": "20.00",
        "acknowledgement": { "kind": "signed", "signature": "M10 10 L50 40" } });
    let stale = app.step(&sw, &id, disburse.clone()).await;
    assert_eq!(stale.status, StatusCode::UNAUTHORIZED, "{}", stale.body);
    assert_eq!(stale.body["error"], "step_up_required");
    let month = chrono::Utc::now().format("%Y-%m").to_string();
    let csv = format!("/api/reports/monthly.csv?month={month}");
    let export = app.send(get(&csv, &sw)).await;
    assert!(export.status.is_redirection(), "{}", export.status);
    let to = export.headers[header::LOCATION]
        .to_str()
        .unwrap()
        .to_string();
    assert_eq!(
        to,
        format!("/mfa?next=%2Fapi%2Freports%2Fmonthly.csv%3Fmonth%3D{month}")
    );
    let appendix = app
        .send(get(&format!("/api/requests/{id}/appendix-a.pdf"), &sgt))
        .await;
    assert!(
        appendix.status.is_redirection(),
        "printing a client's form too"
    );

    // The app's code makes it fresh again: the same steps now go through.
    let (code, step) = app.next_totp("socialworker").await;
    let a = app
        .call("/api/totp_sign_in", &sw, &format!("code={code}"))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    app.used_totp("socialworker", step);
    let done = app.step(&sw, &id, disburse).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(done.body["status"], "disbursed");
    let export = app.send(get(&csv, &sw)).await;
    assert_eq!(export.status, StatusCode::OK);
    assert!(actions(&app)
        .await
        .contains(&("step_up.totp".into(), "ok".into())));
}
