//! Sealed fields in SurrealDB: which they are, the key check at start-up, and re-sealing (after an
//! upgrade from plaintext, and when a key rotates). Server-only.

use surrealdb::types::SurrealValue;

use super::keyring::{is_sealed, key_id_of, Keyring};
use super::{aad, Place};
use crate::db::Db;

/// Every sealed field, per table. Migration 0008 makes the schema refuse plaintext in each of them;
/// [`reseal`] walks this list, so a field sealed in code but missing here would never rotate: the
/// rotation test reads every listed field back.
pub const SEALED: &[(&str, &[&str])] = &[
    (
        "fund_request",
        &[
            "requester_name",
            "address",
            "telephone",
            "reason",
            "signature",
            "refused_to_sign",
        ],
    ),
    ("request_event", &["reason"]),
    ("breach_report", &["note"]),
    ("person", &["totp_secret"]),
    ("session", &["ceremony"]),
    (
        "client",
        &["name", "date_of_birth", "telephone", "address", "household"],
    ),
    (
        "visit",
        &[
            "location",
            "present",
            "narrative",
            "assessment",
            "actions_taken",
        ],
    ),
    ("visit_addendum", &["text"]),
    ("personal_note", &["text"]),
    ("device_vault", &["secret"]),
    ("referral", &["reason", "outcome_note"]),
    (
        "consent",
        &[
            "person",
            "recipient",
            "purpose",
            "refusal_consequence",
            "signature",
            "witness",
        ],
    ),
    (
        "disclosure",
        &["legal_note", "recipient", "purpose", "packet"],
    ),
    ("access_request", &["requested_by", "withheld", "copy"]),
];

/// What the key check seals: opening it proves a key is the one the database was sealed with.
const CHECK: &str = "haven-key-check";

/// Why Haven refuses to start with these keys. Names key ids, never keys.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyCheckError {
    #[error(
        "the data key {0} in the key file is not the key this database was sealed with (wrong key file?)"
    )]
    WrongKey(String),
    #[error("the database holds values sealed under data key {0}, which is not in the key file")]
    MissingKey(String),
    #[error("the blind-index key in the key file is not the one this database was built with")]
    WrongIndexKey,
    #[error("database: {0}")]
    Database(String),
}

fn db_err(e: surrealdb::Error) -> KeyCheckError {
    KeyCheckError::Database(crate::error::redact(&e.to_string()))
}

#[derive(SurrealValue)]
struct KeyRow {
    id: String,
    check: String,
    retired: bool,
}

/// Whether this database has ever recorded a data key (a new database has not: Haven may then make
/// a key file; an old one must be given its keys).
pub async fn has_keys(db: &Db) -> Result<bool, KeyCheckError> {
    let mut res = db
        .query("RETURN count(SELECT id FROM data_key)")
        .await
        .map_err(db_err)?;
    let n: Option<i64> = res.take(0).map_err(db_err)?;
    Ok(n.unwrap_or(0) > 0)
}

/// Check the keys against the database and record the current one if it is new. Refuses a key
/// that is not the database's, a missing key that still seals values, and another blind-index key.
pub async fn register(db: &Db, keys: &Keyring) -> Result<(), KeyCheckError> {
    let mut res = db
        .query(
            "SELECT record::id(id) AS id, check, retired_at != NONE AS retired FROM data_key;
             SELECT VALUE index_check FROM key_state:default;",
        )
        .await
        .map_err(db_err)?;
    let rows: Vec<KeyRow> = res.take(0).map_err(db_err)?;
    let index_check: Vec<String> = res.take(1).map_err(db_err)?;
    let held = keys.key_ids();
    for row in &rows {
        if held.contains(&row.id.as_str()) {
            match keys.open(&aad("data_key", "check", &row.id), &row.check) {
                Ok(v) if v == CHECK => {}
                _ => return Err(KeyCheckError::WrongKey(row.id.clone())),
            }
        } else if !row.retired {
            return Err(KeyCheckError::MissingKey(row.id.clone()));
        }
    }
    let index = keys.blind("key-check", CHECK);
    match index_check.first() {
        Some(stored) if *stored != index => return Err(KeyCheckError::WrongIndexKey),
        Some(_) => {}
        None => {
            db.query("CREATE key_state:default CONTENT { index_check: $index }")
                .bind(("index", index))
                .await
                .and_then(|r| r.check())
                .map_err(db_err)?;
        }
    }
    let current = keys.current_id().to_string();
    if !rows.iter().any(|r| r.id == current) {
        let check = keys.seal(&aad("data_key", "check", &current), CHECK);
        db.query(
            "CREATE type::record('data_key', $id) CONTENT { check: $check, added_at: time::now() }",
        )
        .bind(("id", current))
        .bind(("check", check))
        .await
        .and_then(|r| r.check())
        .map_err(db_err)?;
    }
    Ok(())
}

/// What [`reseal`] did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Resealed {
    /// Values sealed now that were plaintext (a database from before encryption at rest).
    pub from_plaintext: usize,
    /// Values re-sealed under the current key that were under an older one.
    pub from_old_keys: usize,
}

/// Seal every plaintext value of a sealed field and re-seal, under the current key, every value
/// sealed under another key. Each record's fields change in one statement. Run with every Haven
/// server stopped (a running server would keep sealing under its old key).
pub async fn reseal(db: &Db, keys: &Keyring) -> Result<Resealed, KeyCheckError> {
    let mut done = Resealed::default();
    let current = keys.current_id();
    for (table, fields) in SEALED {
        let select = format!(
            "SELECT record::id(id) AS k, {} FROM type::table($t) ORDER BY id LIMIT 500 START $start",
            fields.join(", ")
        );
        let mut start = 0i64;
        loop {
            let mut res = db
                .query(select.as_str())
                .bind(("t", table.to_string()))
                .bind(("start", start))
                .await
                .map_err(db_err)?;
            let rows: Vec<serde_json::Value> = res.take(0).map_err(db_err)?;
            if rows.is_empty() {
                break;
            }
            start += i64::try_from(rows.len()).unwrap_or(i64::MAX);
            for row in rows {
                let Some(key) = row.get("k").and_then(|k| k.as_str()) else {
                    continue;
                };
                let place = Place::new(keys, table, key);
                let mut changes = serde_json::Map::new();
                for field in *fields {
                    let Some(value) = row.get(*field).and_then(|v| v.as_str()) else {
                        continue;
                    };
                    if !is_sealed(value) {
                        changes.insert((*field).into(), place.seal(field, value).into());
                        done.from_plaintext += 1;
                    } else if key_id_of(value) != Some(current) {
                        let plain = keys.open(&aad(table, field, key), value).map_err(|e| {
                            KeyCheckError::Database(format!("{table}.{field} of {key}: {e}"))
                        })?;
                        changes.insert((*field).into(), place.seal(field, &plain).into());
                        done.from_old_keys += 1;
                    }
                }
                if changes.is_empty() {
                    continue;
                }
                db.query("UPDATE type::record($t, $k) MERGE $changes RETURN NONE")
                    .bind(("t", table.to_string()))
                    .bind(("k", key.to_string()))
                    .bind(("changes", serde_json::Value::Object(changes)))
                    .await
                    .and_then(|r| r.check())
                    .map_err(db_err)?;
            }
        }
    }
    Ok(done)
}

/// After [`reseal`]: the keys other than the current one seal nothing any more; mark them retired
/// (they may then leave the key file). Returns their ids.
pub async fn retire_old_keys(db: &Db, keys: &Keyring) -> Result<Vec<String>, KeyCheckError> {
    let mut res = db
        .query(
            "UPDATE data_key SET retired_at = time::now() \
             WHERE retired_at = NONE AND record::id(id) != $current RETURN VALUE record::id(id)",
        )
        .bind(("current", keys.current_id().to_string()))
        .await
        .map_err(db_err)?;
    res.take(0).map_err(db_err)
}

/// Fill the blind person index of requests stored before it existed (from their sealed name and
/// address). Returns how many were filled.
pub async fn backfill_person_keys(db: &Db, keys: &Keyring) -> Result<usize, KeyCheckError> {
    #[derive(SurrealValue)]
    struct Row {
        k: String,
        requester_name: String,
        address: String,
    }
    let mut res = db
        .query(
            "SELECT record::id(id) AS k, requester_name, address FROM fund_request \
             WHERE person_key = NONE",
        )
        .await
        .map_err(db_err)?;
    let rows: Vec<Row> = res.take(0).map_err(db_err)?;
    for r in &rows {
        let place = Place::new(keys, "fund_request", &r.k);
        let (Ok(name), Ok(address)) = (
            place.open("requester_name", &r.requester_name),
            place.open("address", &r.address),
        ) else {
            return Err(KeyCheckError::Database(format!(
                "fund_request {} does not open",
                r.k
            )));
        };
        db.query("UPDATE type::record('fund_request', $k) SET person_key = $pk RETURN NONE")
            .bind(("k", r.k.clone()))
            .bind(("pk", crate::funds::store::person_key(keys, &name, &address)))
            .await
            .and_then(|r| r.check())
            .map_err(db_err)?;
    }
    Ok(rows.len())
}

/// Start-up, after the migrations: check the keys, record a new one, and seal what an older
/// version of Haven stored as plaintext.
pub async fn prepare(db: &Db, keys: &Keyring) -> Result<Resealed, KeyCheckError> {
    register(db, keys).await?;
    let mut res = db
        .query("SELECT VALUE plaintext_sealed_at != NONE FROM key_state:default")
        .await
        .map_err(db_err)?;
    let sealed: Vec<bool> = res.take(0).map_err(db_err)?;
    if sealed.first().copied().unwrap_or(false) {
        return Ok(Resealed::default());
    }
    let done = reseal(db, keys).await?;
    backfill_person_keys(db, keys).await?;
    db.query("UPDATE key_state:default SET plaintext_sealed_at = time::now() RETURN NONE")
        .await
        .and_then(|r| r.check())
        .map_err(db_err)?;
    Ok(done)
}
