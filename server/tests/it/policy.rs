//! The need-to-know matrix: every role × every server function (found from the live registry, so a new
//! function without a policy entry and a sample call fails here) × records filed by someone else,
//! compared with the policy table in `app::auth::policy`.

use crate::common::*;
use app::auth::policy::{self, Access};
use app::auth::{CurrentUser, Role};
use http::StatusCode;
use serde_json::{json, Value};

enum Call {
    Form(String),
    Json(Value),
}

/// A well-formed call of each endpoint. An endpoint without one fails the test.
fn sample(endpoint: &str, other_request: &str, caller: &str) -> Option<Call> {
    Some(match endpoint {
        "/api/sign_in" => Call::Form(format!(
            "username=officer&password={}&acknowledge=yes",
            app::auth::server::DEMO_PASSWORD
        )),
        "/api/whoami"
        | "/api/sign_out"
        | "/api/mfa_status"
        | "/api/passkey_register_begin"
        | "/api/passkey_sign_in_begin"
        | "/api/totp_enrol_begin"
        | "/api/department_settings"
        | "/api/my_requests"
        | "/api/request_queue"
        | "/api/fund_overview" => Call::Form(String::new()),
        "/api/submit_request" => Call::Json(json!({ "draft": draft("5") })),
        "/api/get_request" => Call::Form(format!("id={other_request}")),
        "/api/take_step" => {
            Call::Json(json!({ "id": other_request, "step": { "action": "approve" } }))
        }
        "/api/fund_move" => Call::Json(
            json!({ "movement": { "kind": "replenish", "amount": "1", "reference": "matrix" } }),
        ),
        // The witness is somebody else than the caller (counting alone is refused).
        "/api/count_cash" => Call::Form(format!(
            "counted=0&witness={}",
            if caller == "chief" {
                "supervisor"
            } else {
                "chief"
            }
        )),
        "/api/monthly_report" => Call::Form("month=2026-12".into()),
        "/api/report_breach" => Call::Form("kind=other&note=matrix".into()),
        "/api/list_breaches" => Call::Form(String::new()),
        "/api/get_breach" | "/api/acknowledge_breach" => {
            Call::Form(format!("id={}", uuid::Uuid::now_v7()))
        }
        "/api/search_audit" => Call::Json(json!({ "filter": { "action": "sign_in" } })),
        "/api/passkey_register_finish" => Call::Form("credential=%7B%7D&label=x".into()),
        "/api/passkey_sign_in_finish" => Call::Form("credential=%7B%7D".into()),
        // A wrong code (one failure per person: far from the lockout).
        "/api/totp_enrol_finish" | "/api/totp_sign_in" => Call::Form("code=000000".into()),
        "/api/submit_monthly_report" => Call::Form("month=1999-01".into()),
        "/api/list_people" => Call::Form(String::new()),
        "/api/create_account" => Call::Json(json!({ "person": {
            "username": format!("matrix-{caller}"), "display_name": "Matrix Person",
            "roles": ["officer"], "password": "a long and unusual phrase" } })),
        // No change: the rest of the matrix still runs with everybody as they were.
        "/api/set_roles" => Call::Json(json!({ "username": "officer2", "roles": ["officer"] })),
        "/api/set_active" => Call::Form("username=officer2&active=true".into()),
        "/api/update_settings" => Call::Json(json!({ "draft": app::settings::SettingsDraft::from(
            &app::settings::DepartmentSettings::default()) })),
        // Casework, on records that do not exist (the social worker gets "not found" or a saved
        // new client; everybody else is refused before any lookup).
        "/api/save_client" => Call::Json(json!({ "draft": {
            "id": uuid::Uuid::now_v7().to_string(), "name": format!("Matrix Client {caller}") },
            "confirmed_new": true })),
        "/api/list_clients" => Call::Form("search=".into()),
        "/api/get_client" | "/api/sign_visit" => Call::Form(format!("id={}", uuid::Uuid::now_v7())),
        "/api/save_visit" => Call::Json(json!({ "draft": {
            "id": uuid::Uuid::now_v7().to_string(), "client_id": uuid::Uuid::now_v7().to_string(),
            "kind": "other", "setting": "station",
            "occurred_at": "2026-01-01T00:00:00Z", "narrative": "matrix" } })),
        "/api/add_addendum" => Call::Form(format!(
            "visit={}&id={}&text=matrix",
            uuid::Uuid::now_v7(),
            uuid::Uuid::now_v7()
        )),
        "/api/add_personal_note" => Call::Form(format!(
            "client={}&id={}&text=matrix",
            uuid::Uuid::now_v7(),
            uuid::Uuid::now_v7()
        )),
        "/api/follow_ups_due" => Call::Form(String::new()),
        // Consent and disclosure, about a client that does not exist (404 for the social worker).
        "/api/release_file" => Call::Form(format!("client={}", uuid::Uuid::now_v7())),
        "/api/revoke_consent" => Call::Form(format!(
            "client={}&id={}",
            uuid::Uuid::now_v7(),
            uuid::Uuid::now_v7()
        )),
        "/api/save_consent" => Call::Json(json!({ "draft": {
            "id": uuid::Uuid::now_v7().to_string(), "client_id": uuid::Uuid::now_v7().to_string(),
            "person": "Matrix Person", "signer": "client", "recipient": "Matrix Agency",
            "purpose": "matrix", "information": ["identity"], "right_to_inspect": true,
            "refusal_consequence": "none", "expires_on": "2999-01-01", "right_to_revoke": true,
            "signature": "Matrix Person", "signed_on": "2026-01-01", "witness": "Matrix Witness" } })),
        "/api/disclose" => Call::Json(json!({ "draft": {
            "id": uuid::Uuid::now_v7().to_string(), "client_id": uuid::Uuid::now_v7().to_string(),
            "basis": "court_order", "legal_note": "matrix", "recipient": "Matrix Court",
            "purpose": "matrix", "identity": true, "client_informed": "after" } })),
        "/api/record_access_request" => Call::Json(json!({ "draft": {
            "id": uuid::Uuid::now_v7().to_string(), "client_id": uuid::Uuid::now_v7().to_string(),
            "requested_by": "Matrix Person", "relation": "client", "received_on": "2026-01-01" } })),
        // Retention: nothing is due in the matrix's database (404 or a refusal, never 401/403 for
        // those allowed).
        "/api/retention_overview" => Call::Form(String::new()),
        "/api/propose_disposal" => {
            Call::Form(format!("kind=client_file&key={}", uuid::Uuid::now_v7()))
        }
        "/api/approve_disposal" | "/api/destroy_disposed" => {
            Call::Form(format!("id=client_file_{}", uuid::Uuid::now_v7()))
        }
        "/api/unit_records" | "/api/review_reminder" => Call::Form(String::new()),
        "/api/save_training" => Call::Json(json!({ "draft": {
            "id": uuid::Uuid::now_v7().to_string(), "date": "2026-01-01", "topic": "matrix",
            "trainer": "matrix", "attendees": ["nobody"] } })),
        "/api/save_review" => Call::Json(json!({ "draft": {
            "id": uuid::Uuid::now_v7().to_string(), "reviewed_on": "2026-01-01",
            "findings": "matrix", "services": "matrix", "decisions": "matrix" } })),
        "/api/save_public_info" => Call::Json(json!({ "draft": {
            "id": uuid::Uuid::now_v7().to_string(), "date": "2026-01-01", "medium": "matrix",
            "audience": "matrix", "material": "matrix" } })),
        "/api/review_access_request" => Call::Json(json!({ "review": {
            "request_id": uuid::Uuid::now_v7().to_string(), "third_parties": "", "withheld": [] } })),
        "/api/sync_push" => Call::Json(json!({ "records": [] })),
        "/api/sync_pull" => Call::Json(json!({ "since": null })),
        "/api/list_agencies" => Call::Form(String::new()),
        "/api/import_directory" => Call::Json(json!({ "csv": "name,taxonomy_terms\r\n" })),
        "/api/save_agency" => Call::Json(json!({ "draft": {
            "id": uuid::Uuid::now_v7().to_string(), "name": format!("Matrix Agency {caller}"),
            "programs": ["food"] } })),
        "/api/refer_client" => Call::Json(json!({ "draft": {
            "id": uuid::Uuid::now_v7().to_string(), "client_id": uuid::Uuid::now_v7().to_string(),
            "agency_id": uuid::Uuid::now_v7().to_string(), "reason": "matrix" } })),
        "/api/referral_outcome" => Call::Form(format!(
            "id={}&outcome=connected&note=",
            uuid::Uuid::now_v7()
        )),
        "/api/client_referrals" => Call::Form(format!("client={}", uuid::Uuid::now_v7())),
        "/api/enrol_device" | "/api/device_secret" | "/api/device_check" => {
            Call::Form(format!("device={}", uuid::Uuid::new_v4()))
        }
        // Nobody's devices: the person does not exist (found, for the administrator, as 404).
        "/api/revoke_devices" => Call::Form("username=nobody-here".into()),
        "/api/contact_check" => Call::Form("name=Matrix+Client&date_of_birth=".into()),
        _ => return None,
    })
}

async fn call(app: &TestApp, endpoint: &str, cookie: Option<&str>, c: &Call) -> Answer {
    match c {
        Call::Form(body) => app.send(form(endpoint, cookie, body)).await,
        Call::Json(body) => app.send(json_post(endpoint, cookie, body.clone())).await,
    }
}

#[tokio::test]
async fn every_role_and_every_server_function_follow_the_policy_table() {
    let app = spawn().await;
    app::auth::server::create_person(
        &app.db,
        "designee",
        "Lt. Designee",
        app::auth::server::DEMO_PASSWORD,
        &[Role::ChiefDesignee],
    )
    .await
    .unwrap();
    let people: Vec<(&str, Role)> = vec![
        ("officer", Role::Officer),
        ("supervisor", Role::Supervisor),
        ("chief", Role::Chief),
        ("designee", Role::ChiefDesignee),
        ("socialworker", Role::SocialWorker),
        ("lieutenant", Role::Lieutenant),
        ("deputychief", Role::DeputyChief),
        ("admin", Role::Administrator),
        ("auditor", Role::Auditor),
    ];
    assert_eq!(people.len(), Role::ALL.len(), "every role is in the matrix");

    let sw = app.sign_in("socialworker").await;
    let opened = app
        .fund_move(&sw, json!({ "kind": "open", "amount": "100" }))
        .await;
    assert_eq!(opened.status, StatusCode::OK);
    // A request filed by someone else than every person above.
    let kim = app.sign_in("officer2").await;
    let other = app.file(&kim, "Matrix Resident", "10").await;
    let kim_id = {
        let mut r = app
            .db
            .query("SELECT VALUE record::id(id) FROM person WHERE username = 'officer2'")
            .await
            .unwrap();
        let ids: Vec<String> = r.take(0).unwrap();
        ids[0].clone()
    };

    let mut registered: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_string())
        .collect();
    registered.sort();
    registered.dedup();
    // sign_out ends the session it is called with: last.
    registered.sort_by_key(|p| p == "/api/sign_out");
    assert!(registered.len() >= policy::FUNCTIONS.len());
    for path in &registered {
        assert!(
            policy::access(path).is_some(),
            "{path} has no entry in policy::FUNCTIONS"
        );
        assert!(
            sample(path, &other, "").is_some(),
            "{path} has no sample call in this test"
        );
    }

    // Without a session: only the public functions answer.
    for path in &registered {
        let a = call(&app, path, None, &sample(path, &other, "").unwrap()).await;
        if matches!(policy::access(path), Some(Access::Public)) {
            assert!(
                a.status != StatusCode::UNAUTHORIZED && a.status != StatusCode::FORBIDDEN,
                "{path}: {}",
                a.status
            );
        } else {
            assert_eq!(
                a.status,
                StatusCode::UNAUTHORIZED,
                "{path} without a session"
            );
        }
    }

    // Half-way through sign-in (password only): nothing but the second-factor functions.
    let pending = app.password_only("officer").await;
    for path in &registered {
        let a = call(
            &app,
            path,
            Some(&pending),
            &sample(path, &other, "").unwrap(),
        )
        .await;
        match policy::access(path) {
            Some(Access::Public) | Some(Access::Session) => assert!(
                a.status != StatusCode::UNAUTHORIZED,
                "{path} with a pending session: {} {}",
                a.status,
                a.body
            ),
            _ => assert_eq!(
                a.status,
                StatusCode::UNAUTHORIZED,
                "{path} must refuse a password-only session: {}",
                a.body
            ),
        }
    }

    for (username, role) in &people {
        let mut r = app
            .db
            .query("SELECT VALUE record::id(id) FROM person WHERE username = $u")
            .bind(("u", username.to_string()))
            .await
            .unwrap();
        let ids: Vec<String> = r.take(0).unwrap();
        let user = CurrentUser {
            id: ids[0].clone(),
            username: username.to_string(),
            display_name: String::new(),
            roles: vec![*role],
        };
        let cookie = app.sign_in(username).await;
        for path in &registered {
            let a = call(
                &app,
                path,
                Some(&cookie),
                &sample(path, &other, username).unwrap(),
            )
            .await;
            let allowed = policy::allows(path, Some(&user));
            match path.as_str() {
                // Record level: someone else's request is visible only to those who may see it.
                "/api/get_request" => {
                    let expected = if policy::can_view_request(&user, &kim_id) {
                        StatusCode::OK
                    } else {
                        StatusCode::NOT_FOUND
                    };
                    assert_eq!(a.status, expected, "{username} reads another's request");
                    if expected == StatusCode::NOT_FOUND {
                        assert!(!a.body.to_string().contains("Matrix Resident"));
                    }
                }
                // State level: only a supervisor may approve a submitted request (not their own).
                "/api/take_step" => {
                    if *role == Role::Supervisor {
                        assert_eq!(
                            a.status,
                            StatusCode::OK,
                            "the supervisor approves: {}",
                            a.body
                        );
                    } else {
                        assert!(
                            [
                                StatusCode::FORBIDDEN,
                                StatusCode::NOT_FOUND,
                                StatusCode::CONFLICT
                            ]
                            .contains(&a.status),
                            "{username} approving: {} {}",
                            a.status,
                            a.body
                        );
                    }
                }
                _ if allowed => assert!(
                    a.status != StatusCode::UNAUTHORIZED && a.status != StatusCode::FORBIDDEN,
                    "{username} ({role:?}) should reach {path}: {} {}",
                    a.status,
                    a.body
                ),
                _ => assert_eq!(
                    a.status,
                    StatusCode::FORBIDDEN,
                    "{username} ({role:?}) must not reach {path}: {}",
                    a.body
                ),
            }
        }
    }
}

#[test]
fn the_policy_table_fails_closed() {
    let nobody = CurrentUser {
        id: "x".into(),
        username: "x".into(),
        display_name: "x".into(),
        roles: vec![],
    };
    assert!(!policy::allows("/api/not_a_function", Some(&nobody)));
    assert!(!policy::allows("/api/fund_overview", Some(&nobody)));
    assert!(!policy::allows("/api/my_requests", None));
    assert!(policy::allows("/api/sign_in", None));
}
