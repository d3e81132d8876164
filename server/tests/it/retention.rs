//! Retention and disposal through the router against a real SurrealDB: records past their period
//! are listed; a disposal is proposed by a social worker, approved by the Deputy Chief, and only
//! then carried out; a destroyed client file leaves no content anywhere (notes, addenda, personal
//! notes, referrals, blind indexes) but an audit entry, and devices are told to drop it; a fund
//! request keeps its amounts and loses its resident's details.

use crate::casework::{client, new_client, visit};
use crate::common::*;
use crate::directory::agency;
use http::StatusCode;
use serde_json::{json, Value};

const LONG_AGO: &str = "2015-06-01T12:00:00Z";

async fn backdate(app: &TestApp, sql: &str, id: &str) {
    let mut res = app
        .db
        .query(sql)
        .bind(("id", id.to_string()))
        .bind(("old", LONG_AGO.to_string()))
        .await
        .unwrap();
    assert!(res.take_errors().is_empty(), "{sql}");
}

async fn count(app: &TestApp, sql: &str, id: &str) -> usize {
    let mut res = app
        .db
        .query(sql)
        .bind(("id", id.to_string()))
        .await
        .unwrap();
    let rows: Vec<Value> = res.take(0).unwrap();
    rows.len()
}

fn due_keys(overview: &Value) -> Vec<String> {
    overview["due"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["key"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn a_client_file_past_its_period_is_destroyed_only_after_approval_and_leaves_no_content() {
    let app = spawn().await;
    let sw = app.sign_in("socialworker").await;
    let chief = app.sign_in("deputychief").await;
    let officer = app.sign_in("officer").await;

    // An old file: a signed visit, an addendum, a personal note and a referral, all years ago.
    let old = new_client(&app, &sw, client("Oldfile Person", "1950-01-01")).await;
    let v = visit(&old, "OLD-NARRATIVE");
    let a = app
        .send(json_post(
            "/api/save_visit",
            Some(&sw),
            json!({ "draft": v.clone() }),
        ))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let visit_id = v["id"].as_str().unwrap().to_string();
    backdate(&app, "UPDATE type::record('visit', $id) SET updated_at = <datetime> $old, created_at = <datetime> $old", &visit_id).await;
    let a = app
        .call("/api/sign_visit", &sw, &format!("id={visit_id}"))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let mut res = app
        .db
        .query("CREATE visit_addendum CONTENT { visit: type::record('visit', $v), text: 'hv1:old', author: (SELECT VALUE id FROM person WHERE username = 'socialworker')[0], at: <datetime> $old }")
        .bind(("v", visit_id.clone()))
        .bind(("old", LONG_AGO.to_string()))
        .await
        .unwrap();
    assert!(res.take_errors().is_empty());
    let a = app
        .call(
            "/api/add_personal_note",
            &sw,
            &format!("client={old}&id={}&text=OLD-PERSONAL", uuid::Uuid::now_v7()),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    backdate(
        &app,
        "UPDATE personal_note SET at = <datetime> $old WHERE client = type::record('client', $id)",
        &old,
    )
    .await;
    // A consent, a disclosure and an access request of years ago (each locked by the database:
    // never deleted without an approved disposal).
    let mut res = app
        .db
        .query(
            "LET $c = type::record('client', $id);
             LET $p = (SELECT VALUE id FROM person WHERE username = 'socialworker')[0];
             CREATE consent CONTENT { client: $c, person: 'hv1:x', signer: 'client',
                 recipient: 'hv1:x', purpose: 'hv1:x', information: ['identity'],
                 right_to_inspect: true, refusal_consequence: 'hv1:x', expires_on: '2016-01-01',
                 right_to_revoke: true, signature: 'hv1:x', signed_on: '2015-06-01',
                 witness: 'hv1:x', recorded_by: $p, recorded_at: <datetime> $old,
                 content_hash: 'x' };
             CREATE disclosure CONTENT { client: $c, basis: 'court_order', recipient: 'hv1:x',
                 purpose: 'hv1:x', identity: true, contact: false, visit_ids: [],
                 referral_ids: [], kinds: ['identity'], client_informed: 'after',
                 packet: 'hv1:x', made_by: $p, made_at: <datetime> $old, content_hash: 'x' };
             CREATE access_request CONTENT { client: $c, requested_by: 'hv1:x',
                 relation: 'client', received_on: '2015-06-01', recorded_by: $p,
                 recorded_at: <datetime> $old, content_hash: 'x' };",
        )
        .bind(("id", old.clone()))
        .bind(("old", LONG_AGO.to_string()))
        .await
        .unwrap();
    assert!(res.take_errors().is_empty());
    let mut res = app
        .db
        .query("DELETE consent WHERE client = type::record('client', $id); DELETE disclosure WHERE client = type::record('client', $id);")
        .bind(("id", old.clone()))
        .await
        .unwrap();
    assert_eq!(
        res.take_errors().len(),
        2,
        "locked without an approved disposal"
    );
    let pantry = app
        .send(json_post(
            "/api/save_agency",
            Some(&sw),
            agency("Hope Pantry", &["food"]),
        ))
        .await
        .body["id"]
        .as_str()
        .unwrap()
        .to_string();
    let a = app
        .send(json_post(
            "/api/refer_client",
            Some(&sw),
            json!({ "draft": { "id": uuid::Uuid::now_v7().to_string(), "client_id": old,
                "agency_id": pantry, "reason": "OLD-REASON" } }),
        ))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    backdate(&app, "UPDATE referral SET updated_at = <datetime> $old, made_at = <datetime> $old WHERE client = type::record('client', $id)", &old).await;
    backdate(&app, "UPDATE type::record('client', $id) SET updated_at = <datetime> $old, created_at = <datetime> $old", &old).await;
    // A current file.
    let current = new_client(&app, &sw, client("Current Person", "1990-01-01")).await;

    // Listed for both the social worker (with the name) and the Deputy Chief (without); officers
    // see nothing.
    let a = app.call("/api/retention_overview", &sw, "").await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(due_keys(&a.body), vec![old.clone()]);
    assert_eq!(a.body["due"][0]["label"], "Oldfile Person");
    let a = app.call("/api/retention_overview", &chief, "").await;
    assert_eq!(due_keys(&a.body), vec![old.clone()]);
    assert!(a.body["due"][0]["label"].is_null(), "{}", a.body);
    assert!(!a.body.to_string().contains("Oldfile"));
    let a = app.call("/api/retention_overview", &officer, "").await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);

    // A current file cannot be proposed; the old one once; the Deputy Chief does not propose.
    let a = app
        .call(
            "/api/propose_disposal",
            &sw,
            &format!("kind=client_file&key={current}"),
        )
        .await;
    assert_eq!(a.body["refusal"], "not_due", "{}", a.body);
    let a = app
        .call(
            "/api/propose_disposal",
            &chief,
            &format!("kind=client_file&key={old}"),
        )
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    let a = app
        .call(
            "/api/propose_disposal",
            &sw,
            &format!("kind=client_file&key={old}"),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let disposal = a.body.as_str().unwrap().to_string();
    let a = app
        .call(
            "/api/propose_disposal",
            &sw,
            &format!("kind=client_file&key={old}"),
        )
        .await;
    assert_eq!(a.body["refusal"], "already_proposed", "{}", a.body);

    // Nothing is destroyed before the approval; the social worker cannot approve.
    let a = app
        .call("/api/destroy_disposed", &sw, &format!("id={disposal}"))
        .await;
    assert_eq!(a.body["refusal"], "not_approved", "{}", a.body);
    assert_eq!(
        count(&app, "SELECT id FROM type::record('client', $id)", &old).await,
        1
    );
    let a = app
        .call("/api/approve_disposal", &sw, &format!("id={disposal}"))
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    // Without an approved disposal, the database refuses to delete the signed note.
    let mut res = app
        .db
        .query("DELETE type::record('visit', $id)")
        .bind(("id", visit_id.clone()))
        .await
        .unwrap();
    assert_eq!(
        res.take_errors().len(),
        1,
        "a signed note is not deleted without approval"
    );

    let a = app
        .call("/api/approve_disposal", &chief, &format!("id={disposal}"))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(
        count(&app, "SELECT id FROM type::record('client', $id)", &old).await,
        1,
        "approval destroys nothing by itself"
    );
    // The client came back after the approval: nothing is destroyed.
    let back = uuid::Uuid::now_v7().to_string();
    let a = app
        .call(
            "/api/add_personal_note",
            &sw,
            &format!("client={old}&id={back}&text=Came+back"),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let a = app
        .call("/api/destroy_disposed", &sw, &format!("id={disposal}"))
        .await;
    assert_eq!(a.body["refusal"], "not_due", "{}", a.body);
    assert_eq!(
        count(&app, "SELECT id FROM type::record('client', $id)", &old).await,
        1
    );
    // (Years pass again.)
    backdate(
        &app,
        "UPDATE personal_note SET at = <datetime> $old WHERE client = type::record('client', $id)",
        &old,
    )
    .await;
    let a = app
        .call("/api/destroy_disposed", &sw, &format!("id={disposal}"))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);

    // Gone, with everything about the client; the other file intact.
    for sql in [
        "SELECT id FROM type::record('client', $id)",
        "SELECT id FROM visit WHERE client = type::record('client', $id)",
        "SELECT id FROM personal_note WHERE client = type::record('client', $id)",
        "SELECT id FROM referral WHERE client = type::record('client', $id)",
        "SELECT id FROM consent WHERE client = type::record('client', $id)",
        "SELECT id FROM disclosure WHERE client = type::record('client', $id)",
        "SELECT id FROM access_request WHERE client = type::record('client', $id)",
    ] {
        assert_eq!(count(&app, sql, &old).await, 0, "{sql}");
    }
    assert_eq!(
        count(
            &app,
            "SELECT id FROM visit_addendum WHERE visit = type::record('visit', $id)",
            &visit_id
        )
        .await,
        0
    );
    assert_eq!(
        count(&app, "SELECT id FROM type::record('client', $id)", &current).await,
        1
    );
    let a = app.call("/api/get_client", &sw, &format!("id={old}")).await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    // The blind index went with the row: the officers' check no longer finds the name.
    let a = app
        .call(
            "/api/contact_check",
            &officer,
            "name=Oldfile+Person&date_of_birth=",
        )
        .await;
    assert_eq!(a.body["has_contact"], false, "{}", a.body);
    // The disposal is recorded (who, when), and the audit has the step without content.
    let a = app.call("/api/retention_overview", &sw, "").await;
    assert_eq!(a.body["disposals"][0]["status"], "destroyed", "{}", a.body);
    let mut res = app
        .db
        .query("SELECT * FROM audit_event WHERE action = 'disposal.destroy' AND outcome = 'ok'")
        .await
        .unwrap();
    let events: Vec<Value> = res.take(0).unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["record"], format!("disposal:client_file_{old}"));
    let mut res = app.db.query("SELECT * FROM audit_event").await.unwrap();
    let all: Vec<Value> = res.take(0).unwrap();
    let all = serde_json::to_string(&all).unwrap();
    for content in ["Oldfile", "OLD-NARRATIVE", "OLD-PERSONAL", "OLD-REASON"] {
        assert!(!all.contains(content), "{content} in the audit trail");
    }
    // A social worker's device is told to drop the client it may hold.
    let a = app
        .send(json_post(
            "/api/sync_pull",
            Some(&sw),
            json!({ "since": null }),
        ))
        .await;
    assert_eq!(a.body["removed_clients"], json!([old]), "{}", a.body);
}

#[tokio::test]
async fn a_fund_request_past_its_period_keeps_its_amounts_and_loses_its_residents_details() {
    let app = spawn().await;
    let officer = app.sign_in("officer").await;
    let sgt = app.sign_in("supervisor").await;
    let sw = app.sign_in("socialworker").await;
    let chief = app.sign_in("deputychief").await;
    let id = app.file(&officer, "Oldrequest Resident", "20").await;
    let a = app
        .step(
            &sgt,
            &id,
            json!({ "action": "deny", "reason": "OLD-DENIAL" }),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let open = app.file(&officer, "Open Resident", "10").await;
    backdate(
        &app,
        "UPDATE type::record('fund_request', $id) SET updated_at = <datetime> $old",
        &id,
    )
    .await;
    backdate(
        &app,
        "UPDATE type::record('fund_request', $id) SET updated_at = <datetime> $old",
        &open,
    )
    .await;

    // Only a request in a final state is due.
    let a = app.call("/api/retention_overview", &sw, "").await;
    assert_eq!(due_keys(&a.body), vec![id.clone()], "{}", a.body);
    let a = app
        .call(
            "/api/propose_disposal",
            &sw,
            &format!("kind=fund_request&key={id}"),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let disposal = a.body.as_str().unwrap().to_string();
    let a = app
        .call("/api/approve_disposal", &chief, &format!("id={disposal}"))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let a = app
        .call("/api/destroy_disposed", &sw, &format!("id={disposal}"))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);

    let view = app
        .call("/api/get_request", &officer, &format!("id={id}"))
        .await;
    assert_eq!(view.status, StatusCode::OK, "{}", view.body);
    let text = view.body.to_string();
    assert!(
        !text.contains("Oldrequest") && !text.contains("OLD-DENIAL"),
        "{text}"
    );
    assert!(
        text.contains("destroyed under the retention schedule"),
        "{text}"
    );
    assert_eq!(
        view.body["detail"]["summary"]["amount_requested"], "20",
        "{}",
        view.body
    );
    let other = app
        .call("/api/get_request", &officer, &format!("id={open}"))
        .await;
    assert!(other.body.to_string().contains("Open Resident"));
}
