//! Fund requests in SurrealDB. Server-only.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use surrealdb::types::{RecordId, SurrealValue};

use super::domain::{Purpose, RequestStatus, ValidRequest};
use super::{RequestDetail, RequestSummary, SubmitOutcome};
use crate::crypto::{Keyring, Place};
use crate::db::{db_error, with_retry, Db};
use crate::error::AppError;

#[derive(Clone, SurrealValue)]
struct NewRow {
    request_date: String,
    requester_name: String,
    age: i64,
    sex: Option<String>,
    address: String,
    telephone: Option<String>,
    reason: String,
    purpose: String,
    amount_requested: Decimal,
    needs_chief_approval: bool,
    status: String,
    filed_by: RecordId,
    submitted_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    content_hash: String,
    filed_device: String,
    person_key: String,
}

/// Same filer, same content → same hash: how a replay is told from a conflict. Keyed (the blind
/// index key): a plain hash beside the id would let a guessed name and address be confirmed.
fn content_hash(keys: &Keyring, req: &ValidRequest, filer: &str) -> String {
    let content = serde_json::to_string(req).unwrap_or_default();
    keys.blind("request-content", &format!("{filer}\u{0}{content}"))
}

/// The keyed blind index of a recipient: the same person (name and address, case and spacing
/// aside) gives the same key, so the monthly report counts people without opening a name.
pub fn person_key(keys: &Keyring, name: &str, address: &str) -> String {
    keys.blind("person", &super::report::person_identity(name, address))
}

#[derive(SurrealValue)]
struct Existing {
    content_hash: String,
    status: String,
    needs_chief_approval: bool,
}

/// Store a validated request under its device-made id, once.
pub async fn insert(
    db: &Db,
    keys: &Keyring,
    req: &ValidRequest,
    filer: &str,
    device: &str,
) -> Result<SubmitOutcome, AppError> {
    let id = req.id.to_string();
    let hash = content_hash(keys, req, filer);
    let now = Utc::now();
    let place = Place::new(keys, "fund_request", &id);
    let row = NewRow {
        request_date: req.date.format("%Y-%m-%d").to_string(),
        requester_name: place.seal("requester_name", &req.requester_name),
        age: i64::from(req.age),
        sex: req.sex.map(|s| s.code().to_string()),
        address: place.seal("address", &req.address),
        telephone: place.seal_opt("telephone", req.telephone.as_deref()),
        reason: place.seal("reason", &req.reason),
        purpose: req.purpose.code().to_string(),
        amount_requested: req.amount_requested,
        needs_chief_approval: req.needs_chief_approval,
        status: RequestStatus::Submitted.code().to_string(),
        filed_by: RecordId::new("person", filer.to_string()),
        submitted_at: now,
        updated_at: now,
        content_hash: hash.clone(),
        filed_device: device.to_string(),
        person_key: person_key(keys, &req.requester_name, &req.address),
    };
    let created = with_retry(|| async {
        db.query("CREATE type::record('fund_request', $id) CONTENT $row RETURN NONE")
            .bind(("id", id.clone()))
            .bind(("row", row.clone()))
            .await
            .and_then(|r| r.check())
    })
    .await;
    match created {
        Ok(_) => Ok(SubmitOutcome {
            id,
            status: RequestStatus::Submitted,
            needs_chief_approval: req.needs_chief_approval,
            already_had_it: false,
        }),
        Err(e) if crate::db::is_already_there(&e) => {
            let mut res = db
                .query(
                    "SELECT content_hash, status, needs_chief_approval \
                     FROM type::record('fund_request', $id)",
                )
                .bind(("id", id.clone()))
                .await
                .map_err(|e| db_error("read existing request", e))?;
            let existing: Vec<Existing> = res
                .take(0)
                .map_err(|e| db_error("read existing request", e))?;
            match existing.into_iter().next() {
                Some(x) if x.content_hash == hash => Ok(SubmitOutcome {
                    id,
                    status: RequestStatus::from_code(&x.status).unwrap_or(RequestStatus::Submitted),
                    needs_chief_approval: x.needs_chief_approval,
                    already_had_it: true,
                }),
                _ => Err(AppError::Conflict),
            }
        }
        Err(e) => Err(db_error("insert request", e)),
    }
}

#[derive(SurrealValue)]
struct SummaryRow {
    id: String,
    request_date: String,
    requester_name: String,
    purpose: String,
    amount_requested: Decimal,
    status: String,
    needs_chief_approval: bool,
    submitted_at: DateTime<Utc>,
    filed_by_name: String,
    filed_by: String,
    age: i64,
    sex: Option<String>,
    address: String,
    telephone: Option<String>,
    reason: String,
}

const SELECT: &str = "SELECT record::id(id) AS id, request_date, requester_name, purpose, \
     amount_requested, status, needs_chief_approval, submitted_at, \
     filed_by.display_name AS filed_by_name, record::id(filed_by) AS filed_by, age, sex, address, \
     telephone, reason";

fn summary(keys: &Keyring, r: &SummaryRow) -> Result<RequestSummary, AppError> {
    Ok(RequestSummary {
        id: r.id.clone(),
        date: r.request_date.clone(),
        requester_name: Place::new(keys, "fund_request", &r.id)
            .open("requester_name", &r.requester_name)?,
        purpose: Purpose::from_code(&r.purpose).unwrap_or(Purpose::Food),
        amount_requested: r.amount_requested,
        status: RequestStatus::from_code(&r.status).unwrap_or(RequestStatus::Submitted),
        needs_chief_approval: r.needs_chief_approval,
        submitted_at: r.submitted_at,
        filed_by_name: r.filed_by_name.clone(),
    })
}

async fn rows(
    db: &Db,
    op: &str,
    sql: String,
    vars: impl SurrealValue,
) -> Result<Vec<SummaryRow>, AppError> {
    let mut res = db
        .query(sql)
        .bind(vars)
        .await
        .map_err(|e| db_error(op, e))?;
    res.take(0).map_err(|e| db_error(op, e))
}

/// Requests filed by one person, newest first.
pub async fn filed_by(
    db: &Db,
    keys: &Keyring,
    person: &str,
) -> Result<Vec<RequestSummary>, AppError> {
    let sql = format!(
        "{SELECT} FROM fund_request WHERE filed_by = type::record('person', $person) ORDER BY submitted_at DESC"
    );
    let rows = rows(db, "my requests", sql, ("person", person.to_string())).await?;
    rows.iter().map(|r| summary(keys, r)).collect()
}

/// Requests in the given states, oldest first.
pub async fn queue(
    db: &Db,
    keys: &Keyring,
    statuses: &[RequestStatus],
) -> Result<Vec<RequestSummary>, AppError> {
    let sql =
        format!("{SELECT} FROM fund_request WHERE status IN $waiting ORDER BY submitted_at ASC");
    let waiting: Vec<String> = statuses.iter().map(|s| s.code().to_string()).collect();
    let rows = rows(db, "queue", sql, ("waiting", waiting)).await?;
    rows.iter().map(|r| summary(keys, r)).collect()
}

/// One request and the record key of its filer.
pub async fn get(
    db: &Db,
    keys: &Keyring,
    id: &str,
) -> Result<Option<(RequestDetail, String)>, AppError> {
    let sql = format!("{SELECT} FROM type::record('fund_request', $id)");
    let rows = rows(db, "get request", sql, ("id", id.to_string())).await?;
    let Some(r) = rows.into_iter().next() else {
        return Ok(None);
    };
    let place = Place::new(keys, "fund_request", &r.id);
    Ok(Some((
        RequestDetail {
            summary: summary(keys, &r)?,
            age: u8::try_from(r.age).unwrap_or(0),
            sex: r.sex.clone(),
            address: place.open("address", &r.address)?,
            telephone: place.open_opt("telephone", r.telephone.as_deref())?,
            reason: place.open("reason", &r.reason)?,
        },
        r.filed_by.clone(),
    )))
}
