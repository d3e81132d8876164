//! The offline outbox's push (`/api/sync_push`): each record applied once by its device-made id and
//! answered one by one — accepted, duplicate (an earlier push whose answer was lost), rejected with
//! its field errors, conflict (same id, other content: nothing overwritten) — and a bad record never
//! blocks the others.

use crate::common::*;
use http::StatusCode;
use serde_json::{json, Value};

fn record(body: &Value) -> Value {
    json!({ "kind": "fund_request", "id": body["id"], "body": body })
}

async fn push(app: &TestApp, cookie: &str, records: Vec<Value>) -> Answer {
    app.send(json_post(
        "/api/sync_push",
        Some(cookie),
        json!({ "records": records }),
    ))
    .await
}

#[tokio::test]
async fn each_pushed_record_is_applied_once_and_answered_on_its_own() {
    let app = spawn().await;
    let officer = app.sign_in("officer").await;
    let first = draft("12");
    let a = push(&app, &officer, vec![record(&first)]).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(
        a.body,
        json!([{ "id": first["id"], "outcome": "accepted" }])
    );

    // The same push again (its answer was lost), a new one, a bad one, and a reused id with other
    // content, in one batch.
    let second = draft("8");
    let mut bad = draft("0");
    bad["requester_name"] = json!("");
    let mut clash = first.clone();
    clash["amount_requested"] = json!("20");
    let a = push(
        &app,
        &officer,
        vec![
            record(&first),
            record(&second),
            record(&bad),
            record(&clash),
        ],
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let outcomes: Vec<&str> = a
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(
        outcomes,
        vec!["duplicate", "accepted", "rejected", "conflict"]
    );
    let fields: Vec<&str> = a.body[2]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, vec!["requester_name", "amount_requested"]);
    assert_eq!(app.count_requests().await, 2, "each committed once");
    let mine = app.call("/api/my_requests", &officer, "").await;
    let amounts: Vec<&str> = mine
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["amount_requested"].as_str().unwrap())
        .collect();
    assert!(
        amounts.contains(&"12"),
        "the first content stands: {amounts:?}"
    );

    // The supervisor sees both in the queue.
    let sgt = app.sign_in("supervisor").await;
    let queue = app.call("/api/request_queue", &sgt, "").await;
    assert_eq!(queue.body.as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn a_push_cannot_file_under_another_id_nor_for_someone_who_may_not_file() {
    let app = spawn().await;
    let officer = app.sign_in("officer").await;
    let body = draft("5");
    let a = push(
        &app,
        &officer,
        vec![
            json!({ "kind": "fund_request", "id": uuid::Uuid::now_v7().to_string(), "body": body }),
        ],
    )
    .await;
    assert_eq!(a.body[0]["outcome"], "rejected", "{}", a.body);
    assert_eq!(a.body[0]["fields"][0]["field"], "id");

    let auditor = app.sign_in("auditor").await;
    let a = push(&app, &auditor, vec![record(&draft("5"))]).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.body[0]["outcome"], "failed", "{}", a.body);
    assert_eq!(app.count_requests().await, 0);

    // At most 50 at once, said by name.
    let many: Vec<Value> = (0..51).map(|_| record(&draft("1"))).collect();
    let a = push(&app, &officer, many).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.body);
    assert_eq!(a.body["fields"][0]["field"], "records");
    assert_eq!(app.count_requests().await, 0);

    // Every pushed record is in the audit trail, like a submission from the form.
    let mut res = app
        .db
        .query("SELECT VALUE outcome FROM audit_event WHERE action = 'request.create'")
        .await
        .unwrap();
    let outcomes: Vec<String> = res.take(0).unwrap();
    assert_eq!(outcomes.len(), 2, "{outcomes:?}");
}

#[tokio::test]
async fn a_device_store_gets_its_secret_and_a_revoked_device_is_told_to_wipe() {
    let app = spawn().await;
    let officer = app.sign_in("officer").await;
    let device = uuid::Uuid::new_v4().to_string();
    let a = app
        .call("/api/enrol_device", &officer, &format!("device={device}"))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.body["device"], "secret");
    let secret = a.body["secret"].as_str().unwrap().to_string();
    assert_eq!(secret.len(), 44, "32 bytes, base64");

    // The same device again: the same secret. Another person never gets it.
    let again = app
        .call("/api/device_secret", &officer, &format!("device={device}"))
        .await;
    assert_eq!(again.body["secret"], secret.as_str());
    let kim = app.sign_in("officer2").await;
    let theirs = app
        .call("/api/device_secret", &kim, &format!("device={device}"))
        .await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);
    let theirs = app
        .call("/api/enrol_device", &kim, &format!("device={device}"))
        .await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);
    let bad = app.call("/api/enrol_device", &kim, "device=nope").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.body["fields"][0]["field"], "device");

    // Sealed at rest like every secret.
    let mut res = app
        .db
        .query("SELECT VALUE secret FROM device_vault")
        .await
        .unwrap();
    let stored: Vec<String> = res.take(0).unwrap();
    assert!(stored[0].starts_with("hv1:") && !stored[0].contains(&secret));

    // Not revoked: a check without any session says so.
    let check = app
        .send(form("/api/device_check", None, &format!("device={device}")))
        .await;
    assert_eq!(check.status, StatusCode::OK, "{}", check.body);
    assert_eq!(check.body, json!(false));

    // The administrator revokes the officer's devices (a lost phone).
    let admin = app.sign_in("admin").await;
    let a = app
        .call("/api/revoke_devices", &officer, "username=officer")
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "only the administrator");
    let a = app
        .call("/api/revoke_devices", &admin, "username=officer")
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.body, json!(1));

    // At its next contact, signed in or not, the device learns it and wipes itself; no secret.
    let check = app
        .send(form("/api/device_check", None, &format!("device={device}")))
        .await;
    assert_eq!(check.body, json!(true));
    let a = app
        .call("/api/device_secret", &officer, &format!("device={device}"))
        .await;
    assert_eq!(a.body, json!({ "device": "revoked" }));
    let mut res = app
        .db
        .query("SELECT VALUE action FROM audit_event WHERE string::starts_with(record, 'device_vault:') OR action = 'person.revoke_devices' ORDER BY seq")
        .await
        .unwrap();
    let actions: Vec<String> = res.take(0).unwrap();
    assert!(actions.contains(&"device.enrol".to_string()), "{actions:?}");
    assert!(
        actions.contains(&"person.revoke_devices".to_string()),
        "{actions:?}"
    );
    assert!(actions.contains(&"device.wipe".to_string()), "{actions:?}");
}

async fn pull(app: &TestApp, cookie: &str, since: Value) -> Answer {
    app.send(json_post(
        "/api/sync_pull",
        Some(cookie),
        json!({ "since": since }),
    ))
    .await
}

fn states(answer: &Answer) -> Vec<(String, String)> {
    let mut list: Vec<(String, String)> = answer.body["requests"]
        .as_array()
        .expect("requests")
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_string(),
                r["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    list.sort();
    list
}

/// The pull (`/api/sync_pull`): a person's own requests, their state, since a cursor; nobody
/// else's, and nothing of the resident.
#[tokio::test]
async fn a_pull_brings_the_officers_own_requests_changed_since_the_cursor() {
    let app = spawn().await;
    let officer = app.sign_in("officer").await;
    let sgt = app.sign_in("supervisor").await;
    let sw = app.sign_in("socialworker").await;
    crate::fund::open_fund(&app, &sw, "200").await;
    let a = app.file(&officer, "Pull Canary Resident", "20").await;
    let b = app.file(&officer, "Pull Canary Resident", "10").await;
    let theirs = app.file(&sgt, "Someone Else", "5").await;

    let first = pull(&app, &officer, Value::Null).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let mut want = vec![
        (a.clone(), "submitted".to_string()),
        (b.clone(), "submitted".to_string()),
    ];
    want.sort();
    assert_eq!(states(&first), want, "own requests only");
    let text = first.body.to_string();
    assert!(!text.contains("Canary"), "no resident's name: {text}");
    assert!(!text.contains(&theirs));
    let cursor: chrono::DateTime<chrono::Utc> =
        serde_json::from_value(first.body["cursor"].clone()).expect("cursor");

    // The supervisor approves b. A pull whose overlap starts at the first cursor brings b alone,
    // approved; one from after the approval brings nothing.
    let s = app.step(&sgt, &b, json!({ "action": "approve" })).await;
    assert_eq!(s.status, StatusCode::OK, "{}", s.body);
    let since = cursor + chrono::Duration::seconds(app::offline::PULL_OVERLAP_SECS);
    let next = pull(&app, &officer, json!(since)).await;
    assert_eq!(next.status, StatusCode::OK, "{}", next.body);
    assert_eq!(states(&next), vec![(b.clone(), "approved".to_string())]);
    assert_eq!(next.body["requests"][0]["amount_requested"], json!("10"));
    let later: chrono::DateTime<chrono::Utc> =
        serde_json::from_value(next.body["cursor"].clone()).expect("cursor");
    assert!(later > cursor);
    let after = later + chrono::Duration::seconds(app::offline::PULL_OVERLAP_SECS);
    assert_eq!(states(&pull(&app, &officer, json!(after)).await), vec![]);

    // A bad cursor is named, and the pull needs a session.
    let bad = pull(&app, &officer, json!("yesterday")).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert_eq!(bad.body["fields"][0]["field"], "since");
    let anon = app
        .send(json_post("/api/sync_pull", None, json!({ "since": null })))
        .await;
    assert_eq!(anon.status, StatusCode::UNAUTHORIZED);
}
