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
