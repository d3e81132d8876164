//! The server's half of each device store: a random secret per device (sealed at rest) that wraps
//! the store's data key a second time, and its revocation. Server-only.

use base64::Engine;
use chrono::{DateTime, Utc};
use rand::RngCore;
use surrealdb::types::{RecordId, SurrealValue};

use crate::crypto::{Keyring, Place};
use crate::db::{db_error, Db};
use crate::error::AppError;

#[derive(SurrealValue)]
struct Row {
    person: String,
    secret: String,
    revoked: bool,
}

#[derive(Clone, SurrealValue)]
struct NewRow {
    person: RecordId,
    secret: String,
    created_at: DateTime<Utc>,
}

/// What the server knows of a device.
#[derive(Debug, PartialEq, Eq)]
pub enum Known {
    /// Not enrolled (or not this person's): answered like "not found".
    Unknown,
    Revoked,
    /// The device's secret, base64.
    Secret(String),
}

async fn find(db: &Db, keys: &Keyring, device: &str) -> Result<Option<(String, Known)>, AppError> {
    let mut res = db
        .query(
            "SELECT record::id(person) AS person, secret, revoked_at != NONE AS revoked \
             FROM type::record('device_vault', $id)",
        )
        .bind(("id", device.to_string()))
        .await
        .map_err(|e| db_error("read device", e))?;
    let rows: Vec<Row> = res.take(0).map_err(|e| db_error("read device", e))?;
    let Some(r) = rows.into_iter().next() else {
        return Ok(None);
    };
    let known = if r.revoked {
        Known::Revoked
    } else {
        Known::Secret(Place::new(keys, "device_vault", device).open("secret", &r.secret)?)
    };
    Ok(Some((r.person, known)))
}

/// Enrol a device of `person` (or give back its secret when it already is).
pub async fn enrol(db: &Db, keys: &Keyring, device: &str, person: &str) -> Result<Known, AppError> {
    if let Some((owner, known)) = find(db, keys, device).await? {
        return Ok(if owner == person {
            known
        } else {
            Known::Unknown
        });
    }
    let mut secret = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut secret);
    let text = base64::engine::general_purpose::STANDARD.encode(secret);
    let row = NewRow {
        person: RecordId::new("person", person.to_string()),
        secret: Place::new(keys, "device_vault", device).seal("secret", &text),
        created_at: Utc::now(),
    };
    db.query("CREATE type::record('device_vault', $id) CONTENT $row RETURN NONE")
        .bind(("id", device.to_string()))
        .bind(("row", row))
        .await
        .and_then(|r| r.check())
        .map_err(|e| db_error("enrol device", e))?;
    Ok(Known::Secret(text))
}

/// The device's secret for its own person, or that it was revoked.
pub async fn secret(
    db: &Db,
    keys: &Keyring,
    device: &str,
    person: &str,
) -> Result<Known, AppError> {
    match find(db, keys, device).await? {
        Some((owner, known)) if owner == person => {
            let _ = db
                .query("UPDATE type::record('device_vault', $id) SET last_seen = time::now() RETURN NONE")
                .bind(("id", device.to_string()))
                .await;
            Ok(known)
        }
        _ => Ok(Known::Unknown),
    }
}

/// Was this device revoked? Records that it was told (it wipes itself now).
pub async fn revoked(db: &Db, device: &str) -> Result<bool, AppError> {
    let mut res = db
        .query(
            "UPDATE type::record('device_vault', $id) SET wiped_at = time::now() \
             WHERE revoked_at != NONE RETURN VALUE true",
        )
        .bind(("id", device.to_string()))
        .await
        .map_err(|e| db_error("device check", e))?;
    let hit: Vec<bool> = res.take(0).map_err(|e| db_error("device check", e))?;
    Ok(!hit.is_empty())
}

/// Revoke every device of a person. Returns how many were still live (None: no such person).
pub async fn revoke_all(db: &Db, username: &str) -> Result<Option<usize>, AppError> {
    let mut res = db
        .query("SELECT VALUE record::id(id) FROM person WHERE username = $u")
        .bind(("u", username.to_string()))
        .await
        .map_err(|e| db_error("revoke devices", e))?;
    let people: Vec<String> = res.take(0).map_err(|e| db_error("revoke devices", e))?;
    let Some(person) = people.into_iter().next() else {
        return Ok(None);
    };
    let mut res = db
        .query(
            "UPDATE device_vault SET revoked_at = time::now() \
             WHERE person = type::record('person', $p) AND revoked_at = NONE RETURN VALUE id",
        )
        .bind(("p", person))
        .await
        .map_err(|e| db_error("revoke devices", e))?;
    let ids: Vec<RecordId> = res.take(0).map_err(|e| db_error("revoke devices", e))?;
    Ok(Some(ids.len()))
}
