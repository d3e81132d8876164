//! The auditor searches and exports the audit trail; nobody else reads it; reading it is audited; no
//! function edits it.

use crate::common::*;
use http::StatusCode;
use serde_json::json;

#[tokio::test]
async fn the_auditor_searches_and_exports_the_trail() {
    let app = spawn().await;
    let officer = app.sign_in("officer").await;
    let id = app.file(&officer, "Audit Canary Resident", "10").await;
    let auditor = app.sign_in("auditor").await;

    let search = |filter: serde_json::Value| {
        let app = &app;
        let auditor = auditor.clone();
        async move {
            app.send(json_post(
                "/api/search_audit",
                Some(&auditor),
                json!({ "filter": filter }),
            ))
            .await
        }
    };
    let a = search(json!({ "username": "officer", "action": "request" })).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let rows = a.body["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{}", a.body);
    assert_eq!(rows[0]["action"], "request.create");
    assert_eq!(rows[0]["record"], format!("fund_request:{id}"));
    assert_eq!(rows[0]["username"], "officer");
    assert!(!a.body.to_string().contains("Audit Canary"), "no content");

    // Prefixes, outcomes and dates narrow it; newest first.
    let a = search(json!({ "action": "sign_in", "outcome": "ok" })).await;
    let rows = a.body["rows"].as_array().unwrap();
    assert!(rows.len() >= 4, "password and code for two people");
    assert!(rows
        .windows(2)
        .all(|w| w[0]["seq"].as_i64() > w[1]["seq"].as_i64()));
    assert!(rows
        .iter()
        .all(|r| r["outcome"] == "ok" && r["action"].as_str().unwrap().starts_with("sign_in")));
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let a = search(json!({ "from": today, "to": today, "username": "auditor" })).await;
    assert!(!a.body["rows"].as_array().unwrap().is_empty());
    let a = search(json!({ "to": "2000-01-01" })).await;
    assert_eq!(a.body["rows"].as_array().unwrap().len(), 0);

    // A bad date is named.
    let a = search(json!({ "from": "yesterday" })).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(a.body["fields"][0]["field"], "from");

    // The export: CSV, same search, oldest first.
    let csv = app
        .send(
            http::Request::get("/api/audit/export.csv?username=officer&action=request")
                .header(http::header::HOST, "127.0.0.1:3000")
                .header(http::header::COOKIE, &auditor)
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(
        csv.headers[http::header::CONTENT_TYPE],
        "text/csv; charset=utf-8"
    );
    let text = csv.body.as_str().unwrap();
    assert!(text.starts_with("seq,at_utc,username,action,record,outcome,device,session"));
    assert!(text.contains("\"request.create\""), "{text}");

    // Reading and exporting the trail are themselves in it.
    let a = search(json!({ "action": "audit." })).await;
    let actions: Vec<&str> = a.body["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["action"].as_str().unwrap())
        .collect();
    assert!(actions.contains(&"audit.search"));
    assert!(actions.contains(&"audit.export_csv"));
}

#[tokio::test]
async fn nobody_else_reads_the_trail_and_nothing_edits_it() {
    let app = spawn().await;
    for user in [
        "officer",
        "supervisor",
        "socialworker",
        "deputychief",
        "admin",
    ] {
        let cookie = app.sign_in(user).await;
        let a = app
            .send(json_post(
                "/api/search_audit",
                Some(&cookie),
                json!({ "filter": {} }),
            ))
            .await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "{user}");
        let csv = app
            .send(
                http::Request::get("/api/audit/export.csv")
                    .header(http::header::HOST, "127.0.0.1:3000")
                    .header(http::header::COOKIE, &cookie)
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(csv.status, StatusCode::FORBIDDEN, "{user}");
    }
    // No server function writes to the trail on request: every registered endpoint is in the
    // policy table, and none is an audit editor.
    for (path, _) in leptos::server_fn::axum::server_fn_paths() {
        assert!(
            !(path.contains("audit") && path != "/api/search_audit"),
            "{path}"
        );
    }
}

/// Forty appends at once (forty requests finishing together) all land, in one unbroken chain: a
/// writer that finds the head moved tries again, on the embedded store and on a SurrealDB server.
#[tokio::test]
async fn concurrent_appends_all_land_in_one_unbroken_chain() {
    let app = spawn().await;
    let before = app::audit::store::verify(&app.db)
        .await
        .expect("verify")
        .expect("intact");
    let origin = app::audit::store::Origin {
        actor: "concurrency".into(),
        device: "test".into(),
        session: String::new(),
    };
    let appends = (0..40).map(|i| {
        let db = &app.db;
        let origin = &origin;
        async move {
            app::audit::store::append(
                db,
                origin,
                "test.append",
                &format!("probe:{i}"),
                app::audit::store::Outcome::Ok,
            )
            .await
        }
    });
    let results = futures::future::join_all(appends).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    let after = app::audit::store::verify(&app.db)
        .await
        .expect("verify")
        .expect("intact");
    assert_eq!(after, before + 40);
}
