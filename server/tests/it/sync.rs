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

/// A crisis visit written with no signal, and the referral made during it, pushed from the social
/// worker's outbox: saved and signed once, a resend is "already had it", another content under
/// the same id is a conflict, and nobody but the unit's social workers may push them.
#[tokio::test]
async fn a_visit_and_its_referral_from_the_outbox_arrive_once_signed() {
    let app = spawn().await;
    let sw = app.sign_in("socialworker").await;
    let officer = app.sign_in("officer").await;
    let client = crate::casework::new_client(
        &app,
        &sw,
        crate::casework::client("Outbox Widow", "1950-03-02"),
    )
    .await;
    let a = app
        .send(json_post(
            "/api/save_agency",
            Some(&sw),
            crate::directory::agency("GriefShare Outbox", &["mental_health"]),
        ))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let agency = a.body["id"].as_str().expect("agency id").to_string();
    let visit = crate::casework::visit(&client, "Told her in person; her sister came.");
    let vid = visit["id"].as_str().unwrap().to_string();
    let referral = json!({
        "id": uuid::Uuid::now_v7().to_string(), "client_id": client, "agency_id": agency,
        "reason": "Grief group on Tuesdays.", "follow_up_on": "",
    });
    let rid = referral["id"].as_str().unwrap().to_string();
    let records = vec![
        json!({ "kind": "visit", "id": vid, "body": { "visit": visit, "sign": true } }),
        json!({ "kind": "referral", "id": rid, "body": referral }),
    ];

    // Nobody but a social worker: an officer's push is refused and stores nothing.
    let refused = push(&app, &officer, records.clone()).await;
    assert_eq!(refused.status, StatusCode::OK, "{}", refused.body);
    for line in refused.body.as_array().unwrap() {
        assert_eq!(line["outcome"], "failed", "{}", refused.body);
    }

    let first = push(&app, &sw, records.clone()).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert_eq!(
        first.body,
        json!([{ "id": vid, "outcome": "accepted" }, { "id": rid, "outcome": "accepted" }])
    );
    // The answer was lost: the same push again changes nothing.
    let again = push(&app, &sw, records.clone()).await;
    assert_eq!(
        again.body,
        json!([{ "id": vid, "outcome": "duplicate" }, { "id": rid, "outcome": "duplicate" }])
    );

    // In the client's file: one visit, signed, and one referral.
    let file = app
        .call("/api/get_client", &sw, &format!("id={client}"))
        .await;
    assert_eq!(file.status, StatusCode::OK, "{}", file.body);
    let visits = file.body["visits"].as_array().expect("visits");
    assert_eq!(visits.len(), 1, "{}", file.body);
    assert_eq!(visits[0]["status"], "signed");
    assert_eq!(
        visits[0]["narrative"],
        "Told her in person; her sister came."
    );
    let refs = app
        .call("/api/client_referrals", &sw, &format!("client={client}"))
        .await;
    assert_eq!(refs.body.as_array().map(Vec::len), Some(1), "{}", refs.body);
    assert_eq!(refs.body[0]["reason"], "Grief group on Tuesdays.");

    // Another content under the same ids: conflicts, nothing overwritten.
    let mut changed_visit = visit.clone();
    changed_visit["narrative"] = json!("Something else entirely.");
    let mut changed_referral = referral.clone();
    changed_referral["reason"] = json!("Another reason.");
    let conflict = push(
        &app,
        &sw,
        vec![
            json!({ "kind": "visit", "id": vid, "body": { "visit": changed_visit, "sign": true } }),
            json!({ "kind": "referral", "id": rid, "body": changed_referral }),
        ],
    )
    .await;
    assert_eq!(
        conflict.body,
        json!([{ "id": vid, "outcome": "conflict" }, { "id": rid, "outcome": "conflict" }])
    );
    let file = app
        .call("/api/get_client", &sw, &format!("id={client}"))
        .await;
    assert_eq!(
        file.body["visits"][0]["narrative"],
        "Told her in person; her sister came."
    );

    // A bad field comes back named, on that record only; a body that is not a visit is refused.
    let mut bad = crate::casework::visit(&client, "");
    bad["kind"] = json!("séance");
    let bid = bad["id"].as_str().unwrap().to_string();
    let odd = uuid::Uuid::now_v7().to_string();
    let rejected = push(
        &app,
        &sw,
        vec![
            json!({ "kind": "visit", "id": bid, "body": { "visit": bad } }),
            json!({ "kind": "visit", "id": odd, "body": { "narrative": "x" } }),
        ],
    )
    .await;
    assert_eq!(rejected.body[0]["outcome"], "rejected", "{}", rejected.body);
    let fields: Vec<&str> = rejected.body[0]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert!(
        fields.contains(&"kind") && fields.contains(&"narrative"),
        "{fields:?}"
    );
    assert_eq!(rejected.body[1]["outcome"], "rejected");
    assert_eq!(rejected.body[1]["fields"][0]["field"], "body");
}

/// A social worker's pull brings the clients (id and name) and the Resource Directory for use with
/// no signal; an officer's brings neither.
#[tokio::test]
async fn a_social_workers_pull_brings_clients_and_the_directory_an_officers_does_not() {
    let app = spawn().await;
    let sw = app.sign_in("socialworker").await;
    let officer = app.sign_in("officer").await;
    let client = crate::casework::new_client(
        &app,
        &sw,
        crate::casework::client("Pulled Client", "1961-07-08"),
    )
    .await;
    let a = app
        .send(json_post(
            "/api/save_agency",
            Some(&sw),
            crate::directory::agency("Pulled Pantry", &["food"]),
        ))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);

    let first = pull(&app, &sw, Value::Null).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert_eq!(
        first.body["clients"],
        json!([{ "id": client, "name": "Pulled Client" }]),
        "id and name, nothing else of the file"
    );
    assert_eq!(first.body["agencies"][0]["name"], "Pulled Pantry");
    let text = first.body.to_string();
    assert!(!text.contains("1961"), "no date of birth: {text}");
    assert!(!text.contains("Elm Street"), "no address: {text}");

    // Since the cursor: nothing changed, nothing sent again.
    let cursor: chrono::DateTime<chrono::Utc> =
        serde_json::from_value(first.body["cursor"].clone()).expect("cursor");
    let since = cursor + chrono::Duration::seconds(app::offline::PULL_OVERLAP_SECS);
    let next = pull(&app, &sw, json!(since)).await;
    assert_eq!(next.body["clients"], json!([]), "{}", next.body);
    assert_eq!(next.body["agencies"], json!([]), "{}", next.body);

    let theirs = pull(&app, &officer, Value::Null).await;
    assert_eq!(theirs.status, StatusCode::OK, "{}", theirs.body);
    assert_eq!(theirs.body["clients"], json!([]));
    assert_eq!(theirs.body["agencies"], json!([]));
}
