//! Consent, disclosure and clients' access to their records, through the router against a real
//! SurrealDB: a consent is refused element by element; nothing leaves without a consent in force
//! that covers it (or a recorded legal exception); what leaves holds the chosen items only, the
//! no-redisclosure notice, and never a personal note; a client's copy redacts third parties and
//! documents what was withheld and why; officers reach none of it.

use crate::casework::{client, new_client, visit};
use crate::common::*;
use crate::directory::agency;
use http::StatusCode;
use serde_json::{json, Value};

fn consent(client: &str, recipient: &str, information: &[&str]) -> Value {
    json!({
        "id": uuid::Uuid::now_v7().to_string(),
        "client_id": client,
        "person": "Maria Lopez",
        "signer": "client",
        "recipient": recipient,
        "purpose": "Continuity of care",
        "information": information,
        "right_to_inspect": true,
        "refusal_consequence": "None: services continue.",
        "expires_on": (chrono::Utc::now().date_naive() + chrono::Duration::days(90)).to_string(),
        "right_to_revoke": true,
        "signature": "Maria Lopez",
        "signed_on": chrono_today(),
        "witness": "Rosa Alvarez, MSW",
    })
}

async fn signed_visit(
    app: &TestApp,
    sw: &str,
    client_id: &str,
    kind: &str,
    narrative: &str,
) -> String {
    let mut v = visit(client_id, narrative);
    v["kind"] = json!(kind);
    v["checklist"] = json!([]);
    v["present"] = json!("Officer Diaz; Luis Lopez");
    let a = app
        .send(json_post(
            "/api/save_visit",
            Some(sw),
            json!({ "draft": v }),
        ))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let id = v["id"].as_str().unwrap().to_string();
    let a = app.call("/api/sign_visit", sw, &format!("id={id}")).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    id
}

fn disclosure(client: &str, basis: &str, consent: &str, recipient: &str, visits: &[&str]) -> Value {
    json!({ "draft": {
        "id": uuid::Uuid::now_v7().to_string(),
        "client_id": client,
        "basis": basis,
        "consent_id": consent,
        "legal_note": if basis == "consent" { "" } else { "Order 26-CV-1142, Cook County Circuit Court" },
        "recipient": recipient,
        "purpose": "Continuity of care",
        "visit_ids": visits,
        "client_informed": "before",
    }})
}

fn get(path: &str, cookie: &str) -> http::Request<axum::body::Body> {
    http::Request::get(path)
        .header(http::header::HOST, "127.0.0.1:3000")
        .header(http::header::COOKIE, cookie)
        .body(axum::body::Body::empty())
        .unwrap()
}

async fn pdf(app: &TestApp, path: &str, cookie: &str) -> String {
    let a = app.send(get(path, cookie)).await;
    assert_eq!(a.status, StatusCode::OK, "{path}: {}", a.body);
    let text = a.body.as_str().unwrap().to_string();
    assert!(text.starts_with("%PDF-1.4"));
    text
}

#[tokio::test]
async fn a_consent_missing_an_element_is_refused_by_name() {
    let app = spawn().await;
    let sw = app.sign_in("socialworker").await;
    let id = new_client(&app, &sw, client("Maria Lopez", "1961-03-02")).await;
    for (field, blank) in [
        ("person", json!("")),
        ("recipient", json!(" ")),
        ("purpose", json!("")),
        ("information", json!([])),
        ("right_to_inspect", json!(false)),
        ("refusal_consequence", json!("")),
        ("expires_on", json!("")),
        ("right_to_revoke", json!(false)),
        ("signature", json!("")),
        ("witness", json!("")),
    ] {
        let mut c = consent(&id, "Alexian Brothers", &["visits"]);
        c[field] = blank;
        let a = app
            .send(json_post(
                "/api/save_consent",
                Some(&sw),
                json!({ "draft": c }),
            ))
            .await;
        assert_eq!(
            a.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {}",
            a.body
        );
        assert_eq!(a.body["fields"][0]["field"], field, "{}", a.body);
        assert_eq!(a.body["fields"].as_array().unwrap().len(), 1, "{}", a.body);
    }
    // A complete one is kept once, even sent twice; its content under that id cannot change.
    let c = consent(&id, "Alexian Brothers", &["visits"]);
    let a = app
        .send(json_post(
            "/api/save_consent",
            Some(&sw),
            json!({ "draft": c.clone() }),
        ))
        .await;
    assert_eq!((a.status, a.body.clone()), (StatusCode::OK, json!(false)));
    let a = app
        .send(json_post(
            "/api/save_consent",
            Some(&sw),
            json!({ "draft": c.clone() }),
        ))
        .await;
    assert_eq!(a.body, json!(true), "already had it");
    let mut other = c.clone();
    other["recipient"] = json!("Somebody Else");
    let a = app
        .send(json_post(
            "/api/save_consent",
            Some(&sw),
            json!({ "draft": other }),
        ))
        .await;
    assert_eq!(a.status, StatusCode::CONFLICT, "{}", a.body);
    // The database refuses an edit of a consent (only a revocation changes it) and its deletion.
    let mut res = app
        .db
        .query("UPDATE type::record('consent', $id) SET information = ['identity', 'contact', 'visits']; DELETE type::record('consent', $id);")
        .bind(("id", c["id"].as_str().unwrap().to_string()))
        .await
        .unwrap();
    assert_eq!(res.take_errors().len(), 2, "both statements are refused");
}

#[tokio::test]
async fn nothing_leaves_without_a_consent_that_covers_it_and_what_leaves_is_only_what_was_chosen() {
    let app = spawn().await;
    let sw = app.sign_in("socialworker").await;
    let id = new_client(&app, &sw, client("Maria Lopez", "1961-03-02")).await;
    let chosen = signed_visit(
        &app,
        &sw,
        &id,
        "death_notification",
        "CHOSEN-NARRATIVE told in person",
    )
    .await;
    let other = signed_visit(
        &app,
        &sw,
        &id,
        "mental_health",
        "UNCHOSEN-NARRATIVE about the son",
    )
    .await;
    let a = app
        .call(
            "/api/add_personal_note",
            &sw,
            &format!(
                "client={id}&id={}&text=PERSONAL-CANARY+my+impression",
                uuid::Uuid::now_v7()
            ),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let recipient = "Alexian Brothers Behavioral Health";

    // No consent: refused, and nothing is logged as sent.
    let a = app
        .send(json_post(
            "/api/disclose",
            Some(&sw),
            disclosure(
                &id,
                "consent",
                &uuid::Uuid::now_v7().to_string(),
                recipient,
                &[&chosen],
            ),
        ))
        .await;
    assert_eq!(a.status, StatusCode::CONFLICT, "{}", a.body);
    assert_eq!(a.body["refusal"]["reason"], "no_consent", "{}", a.body);

    // A consent for identity only does not cover a visit note; another recipient is not covered.
    let narrow = consent(&id, recipient, &["identity"]);
    app.send(json_post(
        "/api/save_consent",
        Some(&sw),
        json!({ "draft": narrow.clone() }),
    ))
    .await;
    let a = app
        .send(json_post(
            "/api/disclose",
            Some(&sw),
            disclosure(
                &id,
                "consent",
                narrow["id"].as_str().unwrap(),
                recipient,
                &[&chosen],
            ),
        ))
        .await;
    assert_eq!(a.body["refusal"]["reason"], "not_covered", "{}", a.body);
    assert_eq!(a.body["refusal"]["missing"], json!(["visits"]));
    let wide = consent(&id, recipient, &["identity", "visits"]);
    app.send(json_post(
        "/api/save_consent",
        Some(&sw),
        json!({ "draft": wide.clone() }),
    ))
    .await;
    let wide_id = wide["id"].as_str().unwrap();
    let a = app
        .send(json_post(
            "/api/disclose",
            Some(&sw),
            disclosure(&id, "consent", wide_id, "Cook County Jail", &[&chosen]),
        ))
        .await;
    assert_eq!(a.body["refusal"]["reason"], "other_recipient", "{}", a.body);

    // Covered: it goes out, with the chosen visit alone and the notice.
    let ok = disclosure(
        &id,
        "consent",
        wide_id,
        "alexian brothers behavioral health",
        &[&chosen],
    );
    let a = app
        .send(json_post("/api/disclose", Some(&sw), ok.clone()))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    // The name always goes with it, so identity is among the kinds (and the consent names it).
    assert_eq!(a.body["kinds"], json!(["identity", "visits"]));
    let made = a.body["id"].as_str().unwrap().to_string();
    let a = app.send(json_post("/api/disclose", Some(&sw), ok)).await;
    assert_eq!(
        a.body["already_had_it"], true,
        "a resend is logged once: {}",
        a.body
    );
    let paper = pdf(
        &app,
        &format!("/api/disclosures/{made}/disclosure.pdf"),
        &sw,
    )
    .await;
    assert!(paper.contains("CHOSEN-NARRATIVE"), "the chosen note");
    assert!(paper.contains("redisclosure"), "the notice");
    for absent in [
        "UNCHOSEN-NARRATIVE",
        "PERSONAL-CANARY",
        "630-555-0199",
        "Elm Street",
        "Luis Lopez",
        "1961",
    ] {
        assert!(!paper.contains(absent), "{absent} left the unit");
    }
    let _ = other;

    // Revoked: nothing more leaves under it.
    let a = app
        .call(
            "/api/revoke_consent",
            &sw,
            &format!("client={id}&id={wide_id}"),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let a = app
        .send(json_post(
            "/api/disclose",
            Some(&sw),
            disclosure(&id, "consent", wide_id, recipient, &[&chosen]),
        ))
        .await;
    assert_eq!(a.body["refusal"]["reason"], "revoked", "{}", a.body);

    // The log shows each disclosure with its ground; officers get none of it.
    let file = app
        .call("/api/release_file", &sw, &format!("client={id}"))
        .await;
    assert_eq!(file.status, StatusCode::OK, "{}", file.body);
    assert_eq!(
        file.body["disclosures"].as_array().unwrap().len(),
        1,
        "{}",
        file.body
    );
    assert_eq!(file.body["disclosures"][0]["basis"], "consent");
    assert!(
        file.body["consents"][0]["revoked_at"].is_string()
            || file.body["consents"][1]["revoked_at"].is_string()
    );
    let officer = app.sign_in("officer").await;
    let a = app
        .call("/api/release_file", &officer, &format!("client={id}"))
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    let a = app
        .send(get(
            &format!("/api/disclosures/{made}/disclosure.pdf"),
            &officer,
        ))
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn part2_information_leaves_only_under_a_consent_naming_it_or_a_court_order() {
    let app = spawn().await;
    let sw = app.sign_in("socialworker").await;
    let id = new_client(&app, &sw, client("Sam Ortiz", "1990-01-01")).await;
    let su = signed_visit(
        &app,
        &sw,
        &id,
        "substance_use",
        "PART2-NARRATIVE detox offered",
    )
    .await;
    let recipient = "Gateway Treatment";
    let c = consent(&id, recipient, &["identity", "visits"]);
    app.send(json_post(
        "/api/save_consent",
        Some(&sw),
        json!({ "draft": c.clone() }),
    ))
    .await;
    let a = app
        .send(json_post(
            "/api/disclose",
            Some(&sw),
            disclosure(&id, "consent", c["id"].as_str().unwrap(), recipient, &[&su]),
        ))
        .await;
    assert_eq!(
        a.body["refusal"]["missing"],
        json!(["substance_use"]),
        "{}",
        a.body
    );
    let a = app
        .send(json_post(
            "/api/disclose",
            Some(&sw),
            disclosure(&id, "imminent_harm", "", recipient, &[&su]),
        ))
        .await;
    assert_eq!(
        a.body["refusal"]["reason"], "part2_needs_consent_or_order",
        "{}",
        a.body
    );
    let a = app
        .send(json_post(
            "/api/disclose",
            Some(&sw),
            disclosure(&id, "court_order", "", "Cook County Circuit Court", &[&su]),
        ))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let paper = pdf(
        &app,
        &format!(
            "/api/disclosures/{}/disclosure.pdf",
            a.body["id"].as_str().unwrap()
        ),
        &sw,
    )
    .await;
    assert!(paper.contains("PART2-NARRATIVE"));
    assert!(paper.contains("42 CFR part 2"), "the Part 2 notice");
    assert!(paper.contains("court order"), "the legal ground");
    assert!(
        !paper.contains("26-CV-1142"),
        "the legal note stays in the unit's log"
    );
    // The log shows it, legal note included (a disclosure without a consent reads back too).
    let file = app
        .call("/api/release_file", &sw, &format!("client={id}"))
        .await;
    assert_eq!(file.status, StatusCode::OK, "{}", file.body);
    let logged = &file.body["disclosures"][0];
    assert_eq!(logged["basis"], "court_order");
    assert!(logged["consent_id"].is_null());
    assert_eq!(
        logged["legal_note"],
        "Order 26-CV-1142, Cook County Circuit Court"
    );
}

#[tokio::test]
async fn a_clients_copy_redacts_third_parties_and_documents_what_was_withheld() {
    let app = spawn().await;
    let sw = app.sign_in("socialworker").await;
    let id = new_client(&app, &sw, client("Maria Lopez", "1961-03-02")).await;
    let given = signed_visit(
        &app,
        &sw,
        &id,
        "death_notification",
        "Luis Lopez found her; GIVEN-NARRATIVE",
    )
    .await;
    let held = signed_visit(
        &app,
        &sw,
        &id,
        "mental_health",
        "WITHHELD-NARRATIVE the neighbour's report",
    )
    .await;
    let a = app
        .send(json_post(
            "/api/save_agency",
            Some(&sw),
            agency("Hope Pantry", &["food"]),
        ))
        .await;
    let pantry = a.body["id"].as_str().unwrap().to_string();
    let a = app
        .send(json_post(
            "/api/refer_client",
            Some(&sw),
            json!({ "draft": { "id": uuid::Uuid::now_v7().to_string(), "client_id": id,
                "agency_id": pantry, "reason": "REFERRAL-REASON food for the week" } }),
        ))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    app.call(
        "/api/add_personal_note",
        &sw,
        &format!(
            "client={id}&id={}&text=PERSONAL-CANARY",
            uuid::Uuid::now_v7()
        ),
    )
    .await;

    let request = uuid::Uuid::now_v7().to_string();
    let a = app
        .send(json_post(
            "/api/record_access_request",
            Some(&sw),
            json!({ "draft": { "id": request, "client_id": id, "requested_by": "Maria Lopez",
                "relation": "client", "received_on": chrono_today() } }),
        ))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);

    // A withheld part needs its reason.
    let a = app
        .send(json_post(
            "/api/review_access_request",
            Some(&sw),
            json!({ "review": { "request_id": request, "third_parties": "Luis Lopez",
                "withheld": [{ "item": held, "reason": "" }] } }),
        ))
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.body);
    assert_eq!(a.body["fields"][0]["field"], format!("withheld.{held}"));
    let review = json!({ "review": { "request_id": request, "third_parties": "Luis Lopez",
        "withheld": [{ "item": held, "reason": "Would expose the reporting neighbour to harm" }] } });
    let a = app
        .send(json_post(
            "/api/review_access_request",
            Some(&sw),
            review.clone(),
        ))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let a = app
        .send(json_post("/api/review_access_request", Some(&sw), review))
        .await;
    assert_eq!(a.status, StatusCode::CONFLICT, "reviewed once: {}", a.body);

    let copy = pdf(
        &app,
        &format!("/api/access-requests/{request}/client-copy.pdf"),
        &sw,
    )
    .await;
    assert!(copy.contains("GIVEN-NARRATIVE"), "the given visit");
    assert!(copy.contains("REFERRAL-REASON"), "the referral");
    assert!(
        copy.contains("[redacted] found her"),
        "the third party redacted"
    );
    assert!(copy.contains("1 part\\(s\\) of your record are not in this copy"));
    for absent in ["WITHHELD-NARRATIVE", "PERSONAL-CANARY", "Luis"] {
        assert!(!copy.contains(absent), "{absent} is in the client's copy");
    }
    let _ = given;

    // The request and the reason for withholding are documented in the client's file.
    let file = app
        .call("/api/release_file", &sw, &format!("client={id}"))
        .await;
    let r = &file.body["access_requests"][0];
    assert_eq!(r["withheld"][0]["item"], held.as_str());
    assert_eq!(
        r["withheld"][0]["reason"],
        "Would expose the reporting neighbour to harm"
    );
    assert_eq!(r["redacted_names"], 1);
    assert!(r["reviewed_at"].is_string());

    // Sealed at rest: the copy and the reason are not in the database in plain text.
    let mut res = app
        .db
        .query("SELECT VALUE [withheld, copy] FROM type::record('access_request', $id)")
        .bind(("id", request.clone()))
        .await
        .unwrap();
    let raw: Vec<Value> = res.take(0).unwrap();
    let raw = serde_json::to_string(&raw).unwrap();
    assert!(
        !raw.contains("neighbour") && !raw.contains("GIVEN-NARRATIVE"),
        "{raw}"
    );
}
