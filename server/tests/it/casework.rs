//! Casework through the router against a real embedded SurrealDB: the client record and its
//! possible-duplicate warning, a crisis visit with its checklist, drafts only their author edits,
//! signed notes locked (in the app and in the database) with addenda beside them, personal notes
//! read by their author alone, and officers who learn "has a contact", never the content.

use crate::common::*;
use http::StatusCode;
use serde_json::{json, Value};

pub(crate) fn client(name: &str, dob: &str) -> Value {
    json!({
        "id": uuid::Uuid::now_v7().to_string(),
        "name": name,
        "date_of_birth": dob,
        "telephone": "630-555-0199",
        "address": "12 Elm Street, Hanover Park",
        "household": "Luis Lopez, son",
    })
}

pub(crate) fn visit(client_id: &str, narrative: &str) -> Value {
    json!({
        "id": uuid::Uuid::now_v7().to_string(),
        "client_id": client_id,
        "kind": "death_notification",
        "setting": "on_site",
        "occurred_at": chrono::Utc::now().to_rfc3339(),
        "location": "The family home",
        "present": "Officer Diaz; the widow",
        "police_report_number": "26-004512",
        "checklist": ["verify_identity", "in_person", "who_stays"],
        "narrative": narrative,
        "assessment": "Acute grief; no risk to self.",
        "actions_taken": "Sister called and stayed.",
        "follow_up_on": chrono_today(),
    })
}

pub(crate) async fn new_client(app: &TestApp, cookie: &str, body: Value) -> String {
    let a = app
        .send(json_post(
            "/api/save_client",
            Some(cookie),
            json!({ "draft": body, "confirmed_new": false }),
        ))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.body["saved"], true, "{}", a.body);
    a.body["id"].as_str().unwrap().to_string()
}

async fn save_visit(app: &TestApp, cookie: &str, body: Value) -> Answer {
    app.send(json_post(
        "/api/save_visit",
        Some(cookie),
        json!({ "draft": body }),
    ))
    .await
}

async fn worker_b(app: &TestApp) -> String {
    // A second social worker of the unit.
    let admin = app.sign_in("admin").await;
    let a = app
        .send(json_post(
            "/api/create_account",
            Some(&admin),
            json!({ "person": {
                "username": "worker2",
                "display_name": "Second Worker, MSW",
                "roles": ["social_worker"],
                "password": app::auth::server::DEMO_PASSWORD,
            }}),
        ))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    app.sign_in("worker2").await
}

#[tokio::test]
async fn a_crisis_visit_is_recorded_signed_locked_and_corrected_by_addendum() {
    let app = spawn().await;
    let sw = app.sign_in("socialworker").await;
    let id = new_client(&app, &sw, client("Maria Lopez", "1961-03-02")).await;

    // A draft, with the checklist of its kind, saved twice (a resend): stored once.
    let v = visit(&id, "Told Mrs Lopez of her husband's death in person.");
    let a = save_visit(&app, &sw, v.clone()).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.body["status"], "draft");
    let a = save_visit(&app, &sw, v.clone()).await;
    assert_eq!(a.body["already_had_it"], true, "{}", a.body);

    // The author edits the draft; another social worker may read it but not change it.
    let mut edited = v.clone();
    edited["narrative"] = json!("Told Mrs Lopez in person, with Officer Diaz.");
    let a = save_visit(&app, &sw, edited.clone()).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let other = worker_b(&app).await;
    let mut theirs = edited.clone();
    theirs["narrative"] = json!("Overwritten by someone else.");
    let a = save_visit(&app, &other, theirs).await;
    assert_eq!(a.status, StatusCode::CONFLICT, "{}", a.body);
    assert_eq!(a.body["refusal"], "not_the_author");
    let a = app
        .call(
            "/api/sign_visit",
            &other,
            &format!("id={}", v["id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(a.body["refusal"], "not_the_author", "{}", a.body);

    // Signed: locked for good.
    let visit_id = v["id"].as_str().unwrap();
    let a = app
        .call("/api/sign_visit", &sw, &format!("id={visit_id}"))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.body["status"], "signed");
    let mut late = edited.clone();
    late["narrative"] = json!("A change after signing.");
    let a = save_visit(&app, &sw, late).await;
    assert_eq!(a.status, StatusCode::CONFLICT, "{}", a.body);
    assert_eq!(a.body["refusal"], "signed");
    let a = app
        .call("/api/sign_visit", &sw, &format!("id={visit_id}"))
        .await;
    assert_eq!(a.body["refusal"], "signed");

    // The database itself refuses: an update of a signed note or its deletion fails.
    let mut res = app
        .db
        .query("UPDATE type::record('visit', $id) SET checklist = []; DELETE type::record('visit', $id);")
        .bind(("id", visit_id.to_string()))
        .await
        .unwrap();
    assert!(res.take_errors().len() == 2, "both statements are refused");

    // Corrections are addenda, beside the original; an addendum on a draft is refused.
    let addendum = uuid::Uuid::now_v7().to_string();
    let body = format!("visit={visit_id}&id={addendum}&text=The+sister+is+Ana%2C+not+Anna.");
    let a = app.call("/api/add_addendum", &sw, &body).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let a = app.call("/api/add_addendum", &sw, &body).await;
    assert_eq!(
        a.status,
        StatusCode::OK,
        "a resend adds it once: {}",
        a.body
    );
    let a = app
        .call(
            "/api/add_addendum",
            &sw,
            &format!("visit={visit_id}&id={}&text=+", uuid::Uuid::now_v7()),
        )
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(a.body["fields"][0]["field"], "text");
    let draft2 = visit(&id, "A second visit, still a draft.");
    save_visit(&app, &sw, draft2.clone()).await;
    let a = app
        .call(
            "/api/add_addendum",
            &sw,
            &format!(
                "visit={}&id={}&text=x",
                draft2["id"].as_str().unwrap(),
                uuid::Uuid::now_v7()
            ),
        )
        .await;
    assert_eq!(a.body["refusal"], "not_signed_yet", "{}", a.body);

    let file = app.call("/api/get_client", &sw, &format!("id={id}")).await;
    assert_eq!(file.status, StatusCode::OK, "{}", file.body);
    let signed = file.body["visits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == visit_id)
        .unwrap()
        .clone();
    assert_eq!(
        signed["narrative"],
        "Told Mrs Lopez in person, with Officer Diaz."
    );
    assert_eq!(signed["status"], "signed");
    assert_eq!(
        signed["checklist"],
        json!(["verify_identity", "in_person", "who_stays"])
    );
    assert_eq!(signed["addenda"].as_array().unwrap().len(), 1);
    assert_eq!(signed["addenda"][0]["text"], "The sister is Ana, not Anna.");

    // The follow-up is due today on the social worker's home screen.
    let due = app.call("/api/follow_ups_due", &sw, "").await;
    assert_eq!(due.status, StatusCode::OK, "{}", due.body);
    assert!(due
        .body
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["client_name"] == "Maria Lopez"));

    // Every step is in the audit trail, without content.
    let mut res = app
        .db
        .query("SELECT VALUE action FROM audit_event WHERE record = $r ORDER BY seq")
        .bind(("r", format!("visit:{visit_id}")))
        .await
        .unwrap();
    let actions: Vec<String> = res.take(0).unwrap();
    assert!(actions.contains(&"visit.save".to_string()));
    assert!(actions.contains(&"visit.sign".to_string()));
    assert!(actions.contains(&"visit.addendum".to_string()));
    let mut res = app.db.query("SELECT * FROM audit_event").await.unwrap();
    let all: Vec<Value> = res.take(0).unwrap();
    let dump = serde_json::to_string(&all).unwrap();
    assert!(
        !dump.contains("Lopez") && !dump.contains("Officer Diaz"),
        "no content in the audit"
    );
}

#[tokio::test]
async fn a_new_client_like_an_existing_one_is_held_back_until_confirmed() {
    let app = spawn().await;
    let sw = app.sign_in("socialworker").await;
    new_client(&app, &sw, client("Maria Lopez", "1961-03-02")).await;

    for (name, dob) in [("lopez, MARIA", ""), ("M. Lopez", "1961-03-02")] {
        let again = client(name, dob);
        let a = app
            .send(json_post(
                "/api/save_client",
                Some(&sw),
                json!({ "draft": again.clone(), "confirmed_new": false }),
            ))
            .await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
        assert_eq!(a.body["saved"], false, "{name} looks like Maria Lopez");
        assert_eq!(a.body["possible_duplicates"][0]["name"], "Maria Lopez");
        let a = app
            .send(json_post(
                "/api/save_client",
                Some(&sw),
                json!({ "draft": again, "confirmed_new": true }),
            ))
            .await;
        assert_eq!(a.body["saved"], true, "confirmed: {}", a.body);
    }
    // Somebody else entirely is not held back.
    new_client(&app, &sw, client("Peter Novak", "1990-01-01")).await;

    // Bad input is refused by field name.
    let mut bad = client("", "1961-13-45");
    bad["telephone"] = json!("call me");
    let a = app
        .send(json_post(
            "/api/save_client",
            Some(&sw),
            json!({ "draft": bad, "confirmed_new": true }),
        ))
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    let named: Vec<&str> = a.body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(named, vec!["name", "date_of_birth", "telephone"]);
}

#[tokio::test]
async fn personal_notes_are_read_by_their_author_alone() {
    let app = spawn().await;
    let sw = app.sign_in("socialworker").await;
    let id = new_client(&app, &sw, client("Maria Lopez", "1961-03-02")).await;
    let note = uuid::Uuid::now_v7();
    let a = app
        .call(
            "/api/add_personal_note",
            &sw,
            &format!("client={id}&id={note}&text=My+impression%3A+guarded+about+the+son."),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let mine = app.call("/api/get_client", &sw, &format!("id={id}")).await;
    assert_eq!(
        mine.body["personal_notes"][0]["text"],
        "My impression: guarded about the son."
    );
    let other = worker_b(&app).await;
    let theirs = app
        .call("/api/get_client", &other, &format!("id={id}"))
        .await;
    assert_eq!(theirs.status, StatusCode::OK, "{}", theirs.body);
    assert_eq!(theirs.body["personal_notes"], json!([]));
    assert!(!theirs.body.to_string().contains("guarded about the son"));
}

#[tokio::test]
async fn officers_and_supervisors_learn_that_there_is_a_contact_never_the_content() {
    let app = spawn().await;
    let sw = app.sign_in("socialworker").await;
    let id = new_client(&app, &sw, client("Maria Lopez", "1961-03-02")).await;
    let v = visit(&id, "CANARY-NARRATIVE grief at the door.");
    save_visit(&app, &sw, v).await;

    for who in ["officer", "supervisor"] {
        let cookie = app.sign_in(who).await;
        let a = app
            .call(
                "/api/contact_check",
                &cookie,
                "name=maria+LOPEZ&date_of_birth=",
            )
            .await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
        assert_eq!(a.body, json!({ "has_contact": true }));
        let a = app
            .call(
                "/api/contact_check",
                &cookie,
                "name=Maria+Lopez&date_of_birth=1970-01-01",
            )
            .await;
        assert_eq!(
            a.body,
            json!({ "has_contact": false }),
            "another birth date"
        );
        let a = app
            .call("/api/contact_check", &cookie, "name=&date_of_birth=soon")
            .await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);

        // Every casework function but the check is refused, the file included.
        for (path, body) in [
            ("/api/get_client", format!("id={id}")),
            ("/api/list_clients", "search=".to_string()),
            ("/api/follow_ups_due", String::new()),
        ] {
            let a = app.call(path, &cookie, &body).await;
            assert_eq!(a.status, StatusCode::FORBIDDEN, "{who} {path}");
            assert!(!a.body.to_string().contains("CANARY-NARRATIVE"));
        }
    }
    // The administrator manages accounts but sees no client content.
    let admin = app.sign_in("admin").await;
    let a = app
        .call("/api/get_client", &admin, &format!("id={id}"))
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn assessments_and_counseling_sessions_are_notes_with_their_own_checklists() {
    let app = spawn().await;
    let sw = app.sign_in("socialworker").await;
    let id = new_client(&app, &sw, client("Dana Price", "1980-05-05")).await;
    for (kind, ticked) in [
        ("clinical_assessment", json!(["presenting", "risk", "plan"])),
        (
            "family_counseling",
            json!(["agreement", "no_guarantee", "policy"]),
        ),
        ("marital_counseling", json!(["agreement"])),
        ("group_counseling", json!(["policy"])),
        ("individual_counseling", json!(["limits"])),
        ("group_guidance", json!(["topic", "privacy"])),
    ] {
        let mut v = visit(&id, &format!("A {kind} session."));
        v["kind"] = json!(kind);
        v["setting"] = json!("station");
        v["checklist"] = ticked.clone();
        let a = app
            .send(json_post(
                "/api/save_visit",
                Some(&sw),
                json!({ "draft": v.clone() }),
            ))
            .await;
        assert_eq!(a.status, StatusCode::OK, "{kind}: {}", a.body);
        let vid = v["id"].as_str().unwrap();
        let a = app.call("/api/sign_visit", &sw, &format!("id={vid}")).await;
        assert_eq!(a.status, StatusCode::OK, "{kind}: {}", a.body);
        // A crisis item does not belong to a session's checklist.
        let mut wrong = visit(&id, "x");
        wrong["kind"] = json!(kind);
        wrong["checklist"] = json!(["verify_identity"]);
        let a = app
            .send(json_post(
                "/api/save_visit",
                Some(&sw),
                json!({ "draft": wrong }),
            ))
            .await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{kind}");
    }
    let file = app.call("/api/get_client", &sw, &format!("id={id}")).await;
    let kinds: Vec<&str> = file.body["visits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.len(), 6, "{kinds:?}");
    assert!(kinds.contains(&"family_counseling") && kinds.contains(&"group_guidance"));
}
