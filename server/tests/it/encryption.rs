//! Encryption at rest (ADR 0007): confidential fields are sealed in SurrealDB, the raw database files
//! hold none of a set of planted canaries (while a plaintext control is found, so the scan can see),
//! the schema refuses plaintext, a moved value does not open, keys rotate, a wrong key is refused,
//! and a database from before encryption is sealed at start-up.

use crate::common::*;
use app::crypto::keyring::key_id_of;
use app::crypto::store::{prepare, register, KeyCheckError, SEALED};
use app::crypto::Keyring;
use http::StatusCode;
use serde_json::{json, Value};

const NAME: &str = "Canary Quetzalcoatl Name";
const ADDRESS: &str = "77 Canarywharf Lane";
const PHONE: &str = "630-555-0177";
const REASON: &str = "Canary narrative: the furnace flooded the basement";
const DENIAL: &str = "Canary denial Xylophone";
const REFUSAL: &str = "Canary refusal Marimba";
const BREACH: &str = "Canary breach note Ocelot";
const CLIENT: &str = "Canary Client Tlaloc";
const HOUSEHOLD: &str = "Canary Household Axolotl";
const NARRATIVE: &str = "Canary visit narrative Quokka";
const ASSESSMENT: &str = "Canary assessment Narwhal";
const ADDENDUM: &str = "Canary addendum Okapi";
const PERSONAL: &str = "Canary personal note Tapir";
/// Stored in plaintext on purpose (a staff member's display name is not client content).
const CONTROL: &str = "Plaintext Control Pangolin";

fn find_in_files(dir: &std::path::Path, needle: &[u8]) -> Vec<String> {
    let mut hits = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                if bytes.windows(needle.len()).any(|w| w == needle) {
                    hits.push(path.display().to_string());
                }
            }
        }
    }
    hits
}

/// A request full of canaries, one denied with a canary reason, one disbursed with a canary
/// refusal, a breach note: every kind of sealed field gets a value.
async fn plant(app: &TestApp) -> (String, String) {
    let officer = app.sign_in("officer").await;
    let sgt = app.sign_in("supervisor").await;
    let sw = app.sign_in("socialworker").await;
    let mut d = draft("20");
    d["requester_name"] = json!(NAME);
    d["address"] = json!(ADDRESS);
    d["telephone"] = json!(PHONE);
    d["reason"] = json!(REASON);
    let a = app.submit(&officer, d.clone()).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let kept = d["id"].as_str().unwrap().to_string();
    let denied = app.file(&officer, "Someone Denied", "15").await;
    let a = app
        .step(&sgt, &denied, json!({ "action": "deny", "reason": DENIAL }))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let a = app
        .fund_move(&sw, json!({ "kind": "open", "amount": "200" }))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(
        app.step(&sgt, &kept, json!({ "action": "approve" }))
            .await
            .status,
        StatusCode::OK
    );
    let a = app
        .step(
            &sw,
            &kept,
            json!({ "action": "disburse", "amount": "20",
                    "acknowledgement": { "kind": "refused_to_sign", "reason": REFUSAL } }),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let a = app
        .call(
            "/api/report_breach",
            &officer,
            &format!("kind=other&note={}", BREACH.replace(' ', "+")),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);

    // Casework: a client, a signed visit with an addendum, a personal note.
    let client = uuid::Uuid::now_v7().to_string();
    let a = app
        .send(json_post(
            "/api/save_client",
            Some(&sw),
            json!({ "draft": { "id": client, "name": CLIENT, "date_of_birth": "1970-05-05",
                "telephone": PHONE, "address": ADDRESS, "household": HOUSEHOLD },
                "confirmed_new": true }),
        ))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let visit = uuid::Uuid::now_v7().to_string();
    let a = app
        .send(json_post(
            "/api/save_visit",
            Some(&sw),
            json!({ "draft": { "id": visit, "client_id": client, "kind": "mental_health",
                "setting": "on_site", "occurred_at": "2026-01-02T03:04:05Z",
                "location": ADDRESS, "present": CLIENT, "narrative": NARRATIVE,
                "assessment": ASSESSMENT, "actions_taken": NARRATIVE } }),
        ))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let a = app
        .call("/api/sign_visit", &sw, &format!("id={visit}"))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let a = app
        .call(
            "/api/add_addendum",
            &sw,
            &format!(
                "visit={visit}&id={}&text={}",
                uuid::Uuid::now_v7(),
                ADDENDUM.replace(' ', "+")
            ),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let a = app
        .call(
            "/api/add_personal_note",
            &sw,
            &format!(
                "client={client}&id={}&text={}",
                uuid::Uuid::now_v7(),
                PERSONAL.replace(' ', "+")
            ),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    (kept, denied)
}

#[tokio::test]
async fn confidential_fields_are_sealed_and_the_raw_files_hold_no_canary() {
    let app = spawn().await;
    app::auth::server::create_person(
        &app.db,
        "pangolin",
        CONTROL,
        "a long and unusual phrase",
        &[app::auth::Role::Officer],
    )
    .await
    .unwrap();
    let (kept, denied) = plant(&app).await;

    // The people who may read it still read it as it was written.
    let sw = app.sign_in("socialworker").await;
    let v = app
        .call("/api/get_request", &sw, &format!("id={kept}"))
        .await;
    assert_eq!(v.status, StatusCode::OK, "{}", v.body);
    assert_eq!(v.body["detail"]["summary"]["requester_name"], NAME);
    assert_eq!(v.body["detail"]["address"], ADDRESS);
    assert_eq!(v.body["detail"]["telephone"], PHONE);
    assert_eq!(v.body["detail"]["reason"], REASON);
    assert_eq!(v.body["refused_to_sign"], REFUSAL);
    let v = app
        .call("/api/get_request", &sw, &format!("id={denied}"))
        .await;
    assert!(
        v.body["timeline"].to_string().contains(DENIAL),
        "{}",
        v.body
    );

    // In the database every sealed field is `hv1:k1:…`.
    for (table, fields) in SEALED {
        for field in *fields {
            let mut res = app
                .db
                .query(format!(
                    "SELECT VALUE {field} FROM {table} WHERE {field} != NONE"
                ))
                .await
                .unwrap();
            let values: Vec<String> = res.take(0).unwrap();
            for v in values {
                assert_eq!(key_id_of(&v), Some("k1"), "{table}.{field} is not sealed");
            }
        }
    }

    // The raw files: the control is there (the scan sees plaintext), no canary is.
    let totp = app.totp_secret_text("officer").unwrap();
    assert!(
        !find_in_files(&app.db_dir, CONTROL.as_bytes()).is_empty(),
        "the plaintext control was not found: the scan proves nothing"
    );
    for canary in [
        NAME,
        ADDRESS,
        PHONE,
        REASON,
        DENIAL,
        REFUSAL,
        BREACH,
        CLIENT,
        HOUSEHOLD,
        NARRATIVE,
        ASSESSMENT,
        ADDENDUM,
        PERSONAL,
        totp.as_str(),
    ] {
        let hits = find_in_files(&app.db_dir, canary.as_bytes());
        assert!(hits.is_empty(), "{canary:?} in plaintext in {hits:?}");
    }
}

#[tokio::test]
async fn the_schema_refuses_plaintext_and_a_moved_value_does_not_open() {
    let app = spawn().await;
    let (kept, denied) = plant(&app).await;
    let res = app
        .db
        .query("UPDATE type::record('fund_request', $id) SET address = '1 Plain St'")
        .bind(("id", kept.clone()))
        .await
        .and_then(|r| r.check());
    assert!(res.is_err(), "plaintext accepted in a sealed field");

    // Copy one request's sealed name onto another: it does not open there, and the answer is a
    // plain server error that carries nothing of either.
    app.db
        .query(
            "UPDATE type::record('fund_request', $to) SET requester_name = \
             (SELECT VALUE requester_name FROM type::record('fund_request', $from))[0]",
        )
        .bind(("to", denied.clone()))
        .bind(("from", kept.clone()))
        .await
        .unwrap()
        .check()
        .unwrap();
    let sw = app.sign_in("socialworker").await;
    let v = app
        .call("/api/get_request", &sw, &format!("id={denied}"))
        .await;
    assert_eq!(v.status, StatusCode::INTERNAL_SERVER_ERROR, "{}", v.body);
    assert!(!v.body.to_string().contains(NAME));
    assert!(!v.body.to_string().contains("hv1:"));
}

#[tokio::test]
async fn keys_rotate_old_values_are_resealed_and_a_wrong_key_is_refused() {
    let app = spawn().await;
    let (kept, _) = plant(&app).await;
    let old: Keyring = (*app.keys).clone();

    // Another key file is refused, naming the key id.
    assert_eq!(
        register(&app.db, &Keyring::generate()).await,
        Err(KeyCheckError::WrongKey("k1".into()))
    );

    let new = old.with_new_key();
    let (current, resealed, retired) = server::keys::reseal_under(&app.db, &new).await.unwrap();
    assert_eq!(current, "k2");
    assert!(resealed >= 8, "only {resealed} values re-sealed");
    assert_eq!(retired, vec!["k1".to_string()]);
    for (table, fields) in SEALED {
        for field in *fields {
            let mut res = app
                .db
                .query(format!(
                    "SELECT VALUE {field} FROM {table} WHERE {field} != NONE"
                ))
                .await
                .unwrap();
            let values: Vec<String> = res.take(0).unwrap();
            for v in values {
                assert_eq!(key_id_of(&v), Some("k2"), "{table}.{field} left under k1");
            }
        }
    }
    // The new keys open everything (the timeline's reasons too); the old ones nothing.
    let (detail, _) = app::funds::store::get(&app.db, &new, &kept)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            detail.summary.requester_name.as_str(),
            detail.reason.as_str()
        ),
        (NAME, REASON)
    );
    assert!(app::funds::store::get(&app.db, &old, &kept).await.is_err());
    // The old key file (without k2) no longer starts Haven; the new one without k1 does.
    assert_eq!(
        register(&app.db, &old).await,
        Err(KeyCheckError::MissingKey("k2".into()))
    );
    assert_eq!(
        register(&app.db, &new.without(&["k1".into()])).await,
        Ok(())
    );
    // Re-sealing left the append-only timeline append-only.
    let res = app
        .db
        .query("UPDATE request_event SET action = 'approve'")
        .await
        .and_then(|r| r.check());
    assert!(res.is_err(), "a timeline event was changed");
    assert_eq!(
        app::audit::store::verify(&app.db)
            .await
            .unwrap()
            .map(|_| ()),
        Ok(())
    );
}

#[tokio::test]
async fn a_database_from_before_encryption_is_sealed_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = app::db::DbConfig {
        url: format!("surrealkv://{}", dir.path().join("old.db").display()),
        namespace: "haven".into(),
        database: "test".into(),
        username: None,
        password: None,
    };
    let db = app::db::connect(&cfg).await.unwrap();
    app::db::migrations::run_up_to(&db, 7).await.unwrap();
    app::auth::server::seed_demo(&db).await.unwrap();
    // What Haven before migration 0008 stored: plaintext.
    db.query(
        "LET $officer = (SELECT VALUE id FROM person WHERE username = 'officer')[0];
         LET $sgt = (SELECT VALUE id FROM person WHERE username = 'supervisor')[0];
         CREATE fund_request:old1 CONTENT { request_date: '2026-11-02', requester_name: $name, \
         age: 40, address: $address, telephone: $phone, reason: $reason, purpose: 'food', \
         amount_requested: 10dec, needs_chief_approval: false, status: 'denied', \
         filed_by: $officer, submitted_at: time::now(), updated_at: time::now(), \
         content_hash: 'h', filed_device: 'old phone', held: 0dec, approvers: [] };
         CREATE request_event:e1 CONTENT { request: 'old1', action: 'deny', \
         from_status: 'submitted', to_status: 'denied', by: $sgt, at: time::now(), \
         device: 'tablet', reason: $denial };",
    )
    .bind(("name", NAME))
    .bind(("address", ADDRESS))
    .bind(("phone", PHONE))
    .bind(("reason", REASON))
    .bind(("denial", DENIAL))
    .await
    .unwrap()
    .check()
    .unwrap();

    app::db::migrations::run(&db).await.unwrap();
    let keys = Keyring::generate();
    let done = prepare(&db, &keys).await.unwrap();
    assert_eq!(done.from_plaintext, 5, "{done:?}");
    let mut res = db
        .query("SELECT requester_name, address, telephone, reason, person_key FROM fund_request:old1; SELECT VALUE reason FROM request_event:e1")
        .await
        .unwrap();
    let row: Vec<Value> = res.take(0).unwrap();
    let text = row[0].to_string();
    assert!(!text.contains("Canary"), "{text}");
    assert_eq!(
        row[0]["person_key"],
        json!(app::funds::store::person_key(&keys, NAME, ADDRESS))
    );
    let reason: Vec<String> = res.take(1).unwrap();
    assert_eq!(key_id_of(&reason[0]), Some("k1"));
    let (detail, _) = app::funds::store::get(&db, &keys, "old1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(detail.summary.requester_name, NAME);
    assert_eq!(detail.telephone.as_deref(), Some(PHONE));
    // Once: the next start does not walk the tables again.
    assert_eq!(prepare(&db, &keys).await.unwrap().from_plaintext, 0);
}

#[test]
fn the_command_line_makes_a_key_file_rotates_and_refuses_a_missing_one() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("surrealkv://{}", dir.path().join("haven.db").display());
    let key_file = dir.path().join("keys").join("haven.key");
    let haven = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_haven"))
            .args(args)
            .env("HAVEN_DB_URL", &url)
            .env("HAVEN_KEY_FILE", &key_file)
            .env_remove("HAVEN_DATA_KEYS")
            .output()
            .unwrap()
    };
    let out = haven(&["migrate"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&key_file).unwrap();
    assert_eq!(Keyring::parse(&text).unwrap().key_ids(), vec!["k1"]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the key file is readable by others");
    }

    let out = haven(&["rotate-key"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("sealed under data key k2"), "{said}");
    assert!(said.contains("retired: k1"), "{said}");
    let text = std::fs::read_to_string(&key_file).unwrap();
    assert_eq!(Keyring::parse(&text).unwrap().key_ids(), vec!["k1", "k2"]);

    std::fs::remove_file(&key_file).unwrap();
    let out = haven(&["migrate"]);
    assert!(!out.status.success(), "started without its keys");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("no key file at"), "{said}");
    assert!(
        !key_file.exists(),
        "a new key would have been made for an old database"
    );
}
