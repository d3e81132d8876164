//! Breach reports in SurrealDB, and the records they could affect. Server-only.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use surrealdb::types::SurrealValue;

use super::{
    AffectedRecord, BreachDetail, BreachKind, BreachReceipt, BreachSummary, LOOK_BACK_DAYS,
};
use crate::auth::CurrentUser;
use crate::db::{db_error, Db};
use crate::error::AppError;

#[derive(SurrealValue)]
struct Touch {
    record: String,
    at: String,
    device: String,
}

#[derive(Clone, Debug, PartialEq, Eq, SurrealValue)]
struct AffectedRow {
    record: String,
    last_access: String,
    device: String,
}

/// What the reporter touched in the look-back window: client records (newest access of each) and
/// the devices used. Read from the audit trail, which records every read and change of a record.
async fn exposure(db: &Db, person: &str) -> Result<(Vec<AffectedRow>, Vec<String>), AppError> {
    let since = (Utc::now() - chrono::Duration::days(LOOK_BACK_DAYS))
        .to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    let mut res = db
        .query(
            "SELECT record, at, device FROM audit_event \
             WHERE actor = $pid AND at >= $since ORDER BY seq DESC",
        )
        .bind(("pid", person.to_string()))
        .bind(("since", since))
        .await
        .map_err(|e| db_error("breach exposure", e))?;
    let touches: Vec<Touch> = res.take(0).map_err(|e| db_error("breach exposure", e))?;
    let mut records: BTreeMap<String, AffectedRow> = BTreeMap::new();
    let mut devices: Vec<String> = Vec::new();
    for t in touches {
        if !devices.contains(&t.device) {
            devices.push(t.device.clone());
        }
        if t.record.starts_with("fund_request:") && !records.contains_key(&t.record) {
            records.insert(
                t.record.clone(),
                AffectedRow {
                    record: t.record,
                    last_access: t.at,
                    device: t.device,
                },
            );
        }
    }
    Ok((records.into_values().collect(), devices))
}

/// File a report. A lost device or an unauthorized use also ends every other session of the
/// reporter at once (the lost phone's among them); the one reporting stays signed in.
pub async fn report(
    db: &Db,
    keys: &crate::crypto::Keyring,
    reporter: &CurrentUser,
    session_id: &str,
    device: &str,
    kind: BreachKind,
    note: &str,
) -> Result<BreachReceipt, AppError> {
    let (affected, devices) = exposure(db, &reporter.id).await?;
    let mut sessions_ended = 0;
    if matches!(
        kind,
        BreachKind::LostDevice | BreachKind::UnauthorizedAccess
    ) {
        let mut res = db
            .query(
                "DELETE session WHERE person = type::record('person', $pid) \
                 AND id != type::record('session', $sid) RETURN BEFORE",
            )
            .bind(("pid", reporter.id.clone()))
            .bind(("sid", session_id.to_string()))
            .await
            .map_err(|e| db_error("breach sessions", e))?;
        let ended: Vec<serde_json::Value> =
            res.take(0).map_err(|e| db_error("breach sessions", e))?;
        sessions_ended = ended.len();
    }
    let id = uuid::Uuid::now_v7().to_string();
    let count = affected.len();
    db.query(
        "CREATE type::record('breach_report', $id) CONTENT { kind: $kind, note: $note, \
         reported_by: type::record('person', $pid), reported_at: time::now(), device: $device, \
         devices: $devices, affected: $affected, acknowledged_by: NONE } RETURN NONE",
    )
    .bind(("id", id.clone()))
    .bind(("kind", kind.code().to_string()))
    .bind((
        "note",
        crate::crypto::Place::new(keys, "breach_report", &id).seal("note", note.trim()),
    ))
    .bind(("pid", reporter.id.clone()))
    .bind(("device", device.to_string()))
    .bind(("devices", devices))
    .bind(("affected", affected))
    .await
    .and_then(|r| r.check())
    .map_err(|e| db_error("breach report", e))?;
    Ok(BreachReceipt {
        id,
        affected_records: count,
        sessions_ended,
    })
}

#[derive(SurrealValue)]
struct SummaryRow {
    id: String,
    kind: String,
    reported_by: String,
    reported_at: DateTime<Utc>,
    affected: i64,
    acknowledged: bool,
}

const SUMMARY: &str =
    "SELECT record::id(id) AS id, kind, reported_by.display_name AS reported_by, \
     reported_at, array::len(affected) AS affected, acknowledged_by != NONE AS acknowledged \
     FROM breach_report";

fn summary(r: SummaryRow) -> BreachSummary {
    BreachSummary {
        id: r.id,
        kind: BreachKind::from_code(&r.kind).unwrap_or(BreachKind::Other),
        reported_by: r.reported_by,
        reported_at: r.reported_at,
        affected_records: usize::try_from(r.affected).unwrap_or(0),
        acknowledged: r.acknowledged,
    }
}

/// Every report, newest first.
pub async fn list(db: &Db) -> Result<Vec<BreachSummary>, AppError> {
    let mut res = db
        .query(format!("{SUMMARY} ORDER BY reported_at DESC"))
        .await
        .map_err(|e| db_error("breach list", e))?;
    let rows: Vec<SummaryRow> = res.take(0).map_err(|e| db_error("breach list", e))?;
    Ok(rows.into_iter().map(summary).collect())
}

#[derive(SurrealValue)]
struct DetailRow {
    note: String,
    devices: Vec<String>,
    affected: Vec<AffectedRow>,
}

/// One report with the people whose records could be affected (for the breach notice).
pub async fn detail(
    db: &Db,
    keys: &crate::crypto::Keyring,
    id: &str,
) -> Result<Option<BreachDetail>, AppError> {
    let mut res = db
        .query(format!(
            "{SUMMARY} WHERE id = type::record('breach_report', $id);
             SELECT note, devices, affected FROM type::record('breach_report', $id);"
        ))
        .bind(("id", id.to_string()))
        .await
        .map_err(|e| db_error("breach detail", e))?;
    let head: Option<SummaryRow> = res
        .take::<Vec<SummaryRow>>(0)
        .map_err(|e| db_error("breach detail", e))?
        .into_iter()
        .next();
    let body: Option<DetailRow> = res
        .take::<Vec<DetailRow>>(1)
        .map_err(|e| db_error("breach detail", e))?
        .into_iter()
        .next();
    let (Some(head), Some(body)) = (head, body) else {
        return Ok(None);
    };
    let mut affected = Vec::with_capacity(body.affected.len());
    for a in body.affected {
        let key = a.record.trim_start_matches("fund_request:");
        let person = crate::funds::store::get(db, keys, key)
            .await?
            .map(|(d, _)| d.summary.requester_name)
            .unwrap_or_default();
        affected.push(AffectedRecord {
            record: a.record,
            person,
            last_access: a.last_access,
            device: a.device,
        });
    }
    Ok(Some(BreachDetail {
        summary: summary(head),
        note: crate::crypto::Place::new(keys, "breach_report", id).open("note", &body.note)?,
        devices: body.devices,
        affected,
    }))
}

/// The Deputy Chief has taken the report in hand. False when there is no such report.
pub async fn acknowledge(db: &Db, id: &str, by: &str) -> Result<bool, AppError> {
    let mut res = db
        .query(
            "UPDATE type::record('breach_report', $id) SET acknowledged_by = \
             type::record('person', $by), acknowledged_at = time::now() \
             WHERE acknowledged_by = NONE RETURN VALUE record::id(id)",
        )
        .bind(("id", id.to_string()))
        .bind(("by", by.to_string()))
        .await
        .map_err(|e| db_error("breach acknowledge", e))?;
    let ids: Vec<String> = res.take(0).map_err(|e| db_error("breach acknowledge", e))?;
    Ok(!ids.is_empty())
}
