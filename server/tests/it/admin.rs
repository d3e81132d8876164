//! The administrator: department settings that apply at once, roles, deactivation, new accounts;
//! every change audited (what changed, never a value); the last administrator cannot be removed;
//! nobody else reaches any of it; the administrator sees no client content.

use crate::common::*;
use http::StatusCode;
use serde_json::{json, Value};

async fn audit_rows(app: &TestApp, action: &str) -> Vec<Value> {
    let mut res = app
        .db
        .query("SELECT actor, record, outcome FROM audit_event WHERE action = $a ORDER BY seq")
        .bind(("a", action.to_string()))
        .await
        .unwrap();
    res.take(0).unwrap()
}

fn settings(cap: &str) -> Value {
    let mut d = serde_json::to_value(app::settings::SettingsDraft::from(
        &app::settings::DepartmentSettings::default(),
    ))
    .unwrap();
    d["chief_approval_cap"] = json!(cap);
    json!({ "draft": d })
}

#[tokio::test]
async fn a_setting_changed_by_the_administrator_applies_at_once_and_is_audited() {
    let app = spawn().await;
    let officer = app.sign_in("officer").await;
    let admin = app.sign_in("admin").await;
    let chief = app.sign_in("chief").await;

    let a = app.submit(&officer, draft("28")).await;
    assert_eq!(
        a.body["needs_chief_approval"], true,
        "$28 is above the $25 cap"
    );

    // Nobody but the administrator changes settings; bad values are named, nothing is saved.
    let a = app
        .send(json_post(
            "/api/update_settings",
            Some(&chief),
            settings("30"),
        ))
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    let mut bad = settings("-1");
    bad["draft"]["request_amount_ceiling"] = json!("lots");
    let a = app
        .send(json_post("/api/update_settings", Some(&admin), bad))
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.body);
    let named: Vec<&str> = a.body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(named, vec!["chief_approval_cap", "request_amount_ceiling"]);

    let a = app
        .send(json_post(
            "/api/update_settings",
            Some(&admin),
            settings("30"),
        ))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.body["chief_approval_cap"], "30");
    let a = app.submit(&officer, draft("28")).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(
        a.body["needs_chief_approval"], false,
        "the new $30 cap holds at once"
    );

    let rows = audit_rows(&app, "settings.change").await;
    let ok: Vec<&Value> = rows.iter().filter(|r| r["outcome"] == "ok").collect();
    assert_eq!(ok.len(), 1, "{rows:?}");
    assert_eq!(ok[0]["record"], "department:default.chief_approval_cap");
    // The event holds who (a random record key, left out here), what and the outcome: no value.
    let what = format!("{} {}", ok[0]["record"], ok[0]["outcome"]);
    assert!(
        !what.contains("30"),
        "the value stays out of the audit: {what}"
    );
    assert!(rows.iter().any(|r| r["outcome"] == "refused"));
}

#[tokio::test]
async fn roles_change_at_once_and_the_last_administrator_stays() {
    let app = spawn().await;
    let kim = app.sign_in("officer2").await;
    let admin = app.sign_in("admin").await;
    assert_eq!(
        app.call("/api/request_queue", &kim, "").await.status,
        StatusCode::FORBIDDEN
    );
    let a = app
        .send(json_post(
            "/api/set_roles",
            Some(&admin),
            json!({ "username": "officer2", "roles": ["officer", "supervisor"] }),
        ))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(
        app.call("/api/request_queue", &kim, "").await.status,
        StatusCode::OK,
        "the new role holds in the same session"
    );
    let rows = audit_rows(&app, "person.roles_change").await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["record"], "person:officer2");
    assert_eq!(rows[0]["outcome"], "ok");

    // An unknown role or none at all is named; the only administrator keeps the role and stays.
    for roles in [json!(["root"]), json!([])] {
        let a = app
            .send(json_post(
                "/api/set_roles",
                Some(&admin),
                json!({ "username": "officer2", "roles": roles }),
            ))
            .await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(a.body["fields"][0]["field"], "roles");
    }
    let a = app
        .send(json_post(
            "/api/set_roles",
            Some(&admin),
            json!({ "username": "admin", "roles": ["auditor"] }),
        ))
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(a.body["fields"][0]["code"], "last_administrator");
    let a = app
        .call("/api/set_active", &admin, "username=admin&active=false")
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(a.body["fields"][0]["code"], "last_administrator");
    let a = app
        .call("/api/set_active", &admin, "username=nobody&active=false")
        .await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_deactivated_person_is_signed_out_at_once_and_cannot_sign_in() {
    let app = spawn().await;
    let kim = app.sign_in("officer2").await;
    let admin = app.sign_in("admin").await;
    let a = app
        .call("/api/set_active", &admin, "username=officer2&active=false")
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(
        app.call("/api/my_requests", &kim, "").await.status,
        StatusCode::UNAUTHORIZED
    );
    let a = app
        .send(form(
            "/api/sign_in",
            None,
            &format!(
                "username=officer2&password={}&acknowledge=yes",
                app::auth::server::DEMO_PASSWORD
            ),
        ))
        .await;
    assert!(!a.status.is_success(), "a deactivated person signed in");
    let list = app.call("/api/list_people", &admin, "").await;
    let kim_row = list
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["username"] == "officer2")
        .unwrap()
        .clone();
    assert_eq!(kim_row["active"], false);
    assert_eq!(audit_rows(&app, "person.deactivate").await.len(), 1);

    let a = app
        .call("/api/set_active", &admin, "username=officer2&active=true")
        .await;
    assert_eq!(a.status, StatusCode::OK);
    app.sign_in("officer2").await;
    assert_eq!(audit_rows(&app, "person.reactivate").await.len(), 1);
}

#[tokio::test]
async fn the_administrator_opens_an_account_and_sees_no_client_content() {
    let app = spawn().await;
    let officer = app.sign_in("officer").await;
    app.file(&officer, "Resident Admin Canary", "10").await;
    let admin = app.sign_in("admin").await;
    let new = |username: &str, password: &str| {
        json!({ "person": { "username": username, "display_name": "Ada Park",
                            "roles": ["officer"], "password": password } })
    };
    let a = app
        .send(json_post(
            "/api/create_account",
            Some(&admin),
            new("ada", "passwordpassword"),
        ))
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(a.body["fields"][0]["field"], "password");
    assert_eq!(a.body["fields"][0]["code"], "password_common");
    let a = app
        .send(json_post(
            "/api/create_account",
            Some(&admin),
            new("ada", app::auth::server::DEMO_PASSWORD),
        ))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let a = app
        .send(json_post(
            "/api/create_account",
            Some(&admin),
            new("ADA", app::auth::server::DEMO_PASSWORD),
        ))
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(a.body["fields"][0]["code"], "username_taken");
    let rows = audit_rows(&app, "person.create").await;
    assert_eq!(
        rows.iter().filter(|r| r["outcome"] == "ok").count(),
        1,
        "{rows:?}"
    );

    // Ada signs in, enrolling her second factor, and files like any officer.
    let ada = app.sign_in("ada").await;
    assert_eq!(app.submit(&ada, draft("5")).await.status, StatusCode::OK);
    let list = app.call("/api/list_people", &admin, "").await;
    assert_eq!(list.status, StatusCode::OK);
    let text = list.body.to_string();
    assert!(text.contains("Ada Park"));
    assert!(
        !text.contains("Resident Admin Canary"),
        "client content in the admin's list"
    );
    let row = list
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["username"] == "ada")
        .unwrap()
        .clone();
    assert_eq!(row["authenticator_app"], true);
    assert_eq!(
        app.call("/api/list_people", &officer, "").await.status,
        StatusCode::FORBIDDEN
    );
}
