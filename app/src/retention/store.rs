//! Retention in SurrealDB: which records are past their period, the disposal rows (no content),
//! and the destruction itself, in one transaction each. Server-only.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use surrealdb::types::SurrealValue;

use super::domain::{is_due, kept_until, may_approve, may_destroy, DisposalStatus, RecordKind};
use super::{DisposalView, DueRecord, RetentionOverview};
use crate::crypto::{Keyring, Place};
use crate::db::{db_error, read_ymd, ymd, Db};
use crate::error::AppError;
use crate::settings::DepartmentSettings;

/// What a fund request's resident details become once destroyed.
pub const DESTROYED: &str = "[destroyed under the retention schedule]";

#[derive(SurrealValue)]
struct Activity {
    c: String,
    at: DateTime<Utc>,
}

/// The last activity of every client file: the latest change to anything about the client.
async fn client_activity(db: &Db) -> Result<BTreeMap<String, DateTime<Utc>>, AppError> {
    let statements = [
        "SELECT record::id(id) AS c, updated_at AS at FROM client",
        "SELECT record::id(client) AS c, updated_at AS at FROM visit",
        "SELECT record::id(visit.client) AS c, at FROM visit_addendum",
        "SELECT record::id(client) AS c, at FROM personal_note",
        "SELECT record::id(client) AS c, updated_at AS at FROM referral",
        "SELECT record::id(client) AS c, recorded_at AS at FROM consent",
        "SELECT record::id(client) AS c, made_at AS at FROM disclosure",
        "SELECT record::id(client) AS c, recorded_at AS at FROM access_request",
    ];
    let mut res = db
        .query(statements.join(";\n"))
        .await
        .map_err(|e| db_error("client activity", e))?;
    let mut last: BTreeMap<String, DateTime<Utc>> = BTreeMap::new();
    for i in 0..statements.len() {
        let rows: Vec<Activity> = res.take(i).map_err(|e| db_error("client activity", e))?;
        for r in rows {
            let at = last.entry(r.c).or_insert(r.at);
            if r.at > *at {
                *at = r.at;
            }
        }
    }
    Ok(last)
}

#[derive(SurrealValue)]
struct FinalRequest {
    c: String,
    at: DateTime<Utc>,
    request_date: String,
    amount_requested: Decimal,
}

#[derive(SurrealValue)]
struct DisposalRead {
    id: String,
    kind: String,
    subject_key: String,
    last_activity: String,
    status: String,
    proposed_by: String,
    proposed_by_name: String,
    proposed_at: DateTime<Utc>,
    approved_by_name: Option<String>,
    approved_at: Option<DateTime<Utc>>,
    destroyed_at: Option<DateTime<Utc>>,
}

const DISPOSAL_FIELDS: &str = "record::id(id) AS id, kind, subject_key, last_activity, status, \
     record::id(proposed_by) AS proposed_by, proposed_by.display_name AS proposed_by_name, \
     proposed_at, approved_by.display_name AS approved_by_name, approved_at, destroyed_at";

async fn disposals(db: &Db) -> Result<Vec<DisposalRead>, AppError> {
    let mut res = db
        .query(format!(
            "SELECT {DISPOSAL_FIELDS} FROM disposal ORDER BY proposed_at DESC"
        ))
        .await
        .map_err(|e| db_error("disposals", e))?;
    res.take(0).map_err(|e| db_error("disposals", e))
}

/// What names the records for the social worker (client names; a fund request by date and amount).
async fn client_names(db: &Db, keys: &Keyring) -> Result<BTreeMap<String, String>, AppError> {
    Ok(crate::casework::store::clients_changed(db, keys, None)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name))
        .collect())
}

/// The records past their period (without a disposal under way) and every disposal. Client names
/// only when `with_names` (the social workers; the Deputy Chief approves by kind, key and dates).
pub async fn overview(
    db: &Db,
    keys: &Keyring,
    settings: &DepartmentSettings,
    today: NaiveDate,
    with_names: bool,
) -> Result<RetentionOverview, AppError> {
    let all = disposals(db).await?;
    let under_way = |kind: RecordKind, key: &str| {
        all.iter()
            .any(|d| d.kind == kind.code() && d.subject_key == key)
    };
    let names = if with_names {
        client_names(db, keys).await?
    } else {
        BTreeMap::new()
    };
    let mut due = Vec::new();
    for (key, at) in client_activity(db).await? {
        let last = at.date_naive();
        let years = settings.casework_retention_years;
        if is_due(last, years, today) && !under_way(RecordKind::ClientFile, &key) {
            due.push(DueRecord {
                kind: RecordKind::ClientFile,
                label: names.get(&key).cloned(),
                key,
                last_activity: last,
                kept_until: kept_until(last, years),
            });
        }
    }
    let mut res = db
        .query(
            "SELECT record::id(id) AS c, updated_at AS at, request_date, amount_requested
                 FROM fund_request
                 WHERE status IN ['filed', 'denied', 'withdrawn', 'expired'] AND disposed_at = NONE",
        )
        .await
        .map_err(|e| db_error("final requests", e))?;
    let requests: Vec<FinalRequest> = res.take(0).map_err(|e| db_error("final requests", e))?;
    for r in requests {
        let last = r.at.date_naive();
        let years = settings.fund_retention_years;
        if is_due(last, years, today) && !under_way(RecordKind::FundRequest, &r.c) {
            due.push(DueRecord {
                kind: RecordKind::FundRequest,
                label: Some(format!(
                    "Request of {}, ${}",
                    r.request_date,
                    r.amount_requested.round_dp(2)
                )),
                key: r.c,
                last_activity: last,
                kept_until: kept_until(last, years),
            });
        }
    }
    due.sort_by_key(|d| d.last_activity);
    let disposals = all
        .into_iter()
        .map(|d| {
            let kind = RecordKind::from_code(&d.kind).unwrap_or(RecordKind::ClientFile);
            DisposalView {
                label: match kind {
                    RecordKind::ClientFile => names.get(&d.subject_key).cloned(),
                    RecordKind::FundRequest => None,
                },
                id: d.id,
                kind,
                key: d.subject_key,
                last_activity: read_ymd(&d.last_activity).unwrap_or(today),
                status: DisposalStatus::from_code(&d.status).unwrap_or(DisposalStatus::Proposed),
                proposed_by_name: d.proposed_by_name,
                proposed_at: d.proposed_at,
                approved_by_name: d.approved_by_name,
                approved_at: d.approved_at,
                destroyed_at: d.destroyed_at,
            }
        })
        .collect();
    Ok(RetentionOverview { due, disposals })
}

/// Propose the disposal of a record that is past its period. Returns the disposal's id.
pub async fn propose(
    db: &Db,
    keys: &Keyring,
    settings: &DepartmentSettings,
    today: NaiveDate,
    kind: RecordKind,
    key: &str,
    by: &str,
) -> Result<String, AppError> {
    let current = overview(db, keys, settings, today, false).await?;
    let Some(due) = current.due.iter().find(|d| d.kind == kind && d.key == key) else {
        let under_way = current
            .disposals
            .iter()
            .any(|d| d.kind == kind && d.key == key);
        return Err(AppError::DisposalRefused {
            refusal: if under_way {
                super::domain::DisposalRefusal::AlreadyProposed
            } else {
                super::domain::DisposalRefusal::NotDue
            },
        });
    };
    let id = format!("{}_{}", kind.code(), key);
    let created = db
        .query(
            "CREATE type::record('disposal', $id) CONTENT { kind: $kind, subject_key: $key,
                 last_activity: $last, status: 'proposed', proposed_by: type::record('person', $by),
                 proposed_at: time::now() } RETURN NONE",
        )
        .bind(("id", id.clone()))
        .bind(("kind", kind.code().to_string()))
        .bind(("key", key.to_string()))
        .bind(("last", ymd(due.last_activity)))
        .bind(("by", by.to_string()))
        .await
        .and_then(|r| r.check());
    match created {
        Ok(_) => Ok(id),
        Err(e) if crate::db::is_already_there(&e) => Err(AppError::DisposalRefused {
            refusal: super::domain::DisposalRefusal::AlreadyProposed,
        }),
        Err(e) => Err(db_error("propose disposal", e)),
    }
}

async fn disposal(db: &Db, id: &str) -> Result<DisposalRead, AppError> {
    let mut res = db
        .query(format!(
            "SELECT {DISPOSAL_FIELDS} FROM type::record('disposal', $id)"
        ))
        .bind(("id", id.to_string()))
        .await
        .map_err(|e| db_error("read disposal", e))?;
    let rows: Vec<DisposalRead> = res.take(0).map_err(|e| db_error("read disposal", e))?;
    rows.into_iter().next().ok_or(AppError::NotFound)
}

/// Approve a proposed disposal (somebody else than its proposer).
pub async fn approve(db: &Db, id: &str, by: &str) -> Result<(), AppError> {
    let d = disposal(db, id).await?;
    let status = DisposalStatus::from_code(&d.status).unwrap_or(DisposalStatus::Destroyed);
    may_approve(status, &d.proposed_by, by)
        .map_err(|refusal| AppError::DisposalRefused { refusal })?;
    let mut res = db
        .query(
            "UPDATE type::record('disposal', $id) SET status = 'approved',
                 approved_by = type::record('person', $by), approved_at = time::now()
                 WHERE status = 'proposed' RETURN VALUE status",
        )
        .bind(("id", id.to_string()))
        .bind(("by", by.to_string()))
        .await
        .and_then(|r| r.check())
        .map_err(|e| db_error("approve disposal", e))?;
    let done: Vec<String> = res.take(0).map_err(|e| db_error("approve disposal", e))?;
    if done.is_empty() {
        return Err(AppError::DisposalRefused {
            refusal: super::domain::DisposalRefusal::NotProposed,
        });
    }
    Ok(())
}

/// Carry out an approved disposal: a client file is deleted whole (its blind indexes with it); a
/// fund request keeps its amounts and loses its resident's details. The disposal row records who
/// and when; nothing of the content stays.
pub async fn destroy(db: &Db, keys: &Keyring, id: &str, by: &str) -> Result<(), AppError> {
    let d = disposal(db, id).await?;
    let status = DisposalStatus::from_code(&d.status).unwrap_or(DisposalStatus::Proposed);
    may_destroy(status).map_err(|refusal| AppError::DisposalRefused { refusal })?;
    let kind = RecordKind::from_code(&d.kind).unwrap_or(RecordKind::ClientFile);
    // The client may have come back since the proposal: anything newer than the activity the
    // disposal was approved on stops it (propose again once that is past its period too).
    if kind == RecordKind::ClientFile {
        let last = client_activity(db).await?.remove(&d.subject_key);
        // Unreadable (never written so): refuse rather than destroy.
        let proposed_on = read_ymd(&d.last_activity).unwrap_or(NaiveDate::MIN);
        if last.is_some_and(|at| at.date_naive() > proposed_on) {
            return Err(AppError::DisposalRefused {
                refusal: super::domain::DisposalRefusal::NotDue,
            });
        }
    }
    let check = "IF (SELECT VALUE status FROM ONLY type::record('disposal', $id)) != 'approved' {
             THROW 'not approved';
         };";
    let finish = "UPDATE type::record('disposal', $id) SET status = 'destroyed',
             destroyed_by = type::record('person', $by), destroyed_at = time::now() RETURN NONE;";
    let result = match kind {
        RecordKind::ClientFile => {
            let sql = format!(
                "BEGIN;
                 {check}
                 LET $c = type::record('client', $key);
                 DELETE visit_addendum WHERE visit.client = $c RETURN NONE;
                 DELETE personal_note WHERE client = $c RETURN NONE;
                 DELETE referral WHERE client = $c RETURN NONE;
                 DELETE disclosure WHERE client = $c RETURN NONE;
                 DELETE consent WHERE client = $c RETURN NONE;
                 DELETE access_request WHERE client = $c RETURN NONE;
                 DELETE visit WHERE client = $c RETURN NONE;
                 DELETE $c RETURN NONE;
                 {finish}
                 COMMIT;"
            );
            db.query(sql)
                .bind(("id", id.to_string()))
                .bind(("key", d.subject_key.clone()))
                .bind(("by", by.to_string()))
                .await
                .and_then(crate::db::check_cause)
        }
        RecordKind::FundRequest => {
            let place = Place::new(keys, "fund_request", &d.subject_key);
            let sql = format!(
                "BEGIN;
                 {check}
                 UPDATE type::record('fund_request', $key) SET requester_name = $name,
                     age = 0, sex = NONE,
                     address = $address, telephone = NONE, reason = $reason, signature = NONE,
                     refused_to_sign = NONE, person_key = NONE, disposed_at = time::now()
                     RETURN NONE;
                 UPDATE request_event SET reason = NONE WHERE request = $key RETURN NONE;
                 {finish}
                 COMMIT;"
            );
            db.query(sql)
                .bind(("id", id.to_string()))
                .bind(("key", d.subject_key.clone()))
                .bind(("by", by.to_string()))
                .bind(("name", place.seal("requester_name", DESTROYED)))
                .bind(("address", place.seal("address", DESTROYED)))
                .bind(("reason", place.seal("reason", DESTROYED)))
                .await
                .and_then(crate::db::check_cause)
        }
    };
    result.map_err(|e| {
        if e.message().contains("not approved") {
            AppError::DisposalRefused {
                refusal: super::domain::DisposalRefusal::NotApproved,
            }
        } else {
            db_error("destroy", e)
        }
    })?;
    Ok(())
}

/// The client files destroyed after `after` (all with none), so devices drop what they hold.
pub async fn destroyed_clients(
    db: &Db,
    after: Option<DateTime<Utc>>,
) -> Result<Vec<String>, AppError> {
    let filter = if after.is_some() {
        " AND destroyed_at > <datetime> $after"
    } else {
        ""
    };
    let mut res = db
        .query(format!(
            "SELECT VALUE subject_key FROM disposal WHERE kind = 'client_file' AND status = 'destroyed'{filter}"
        ))
        .bind((
            "after",
            after.map(|t| t.to_rfc3339()).unwrap_or_default(),
        ))
        .await
        .map_err(|e| db_error("destroyed clients", e))?;
    res.take(0).map_err(|e| db_error("destroyed clients", e))
}
