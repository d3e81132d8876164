//! Agencies and referrals in SurrealDB. Server-only.

use chrono::{DateTime, Utc};
use surrealdb::types::{RecordId, SurrealValue};

use super::domain::{Agency, Program, ReferralOutcome, ValidReferral};
use super::Referral;
use crate::crypto::{Keyring, Place};
use crate::db::{db_error, read_ymd, ymd, Db};
use crate::error::AppError;

#[derive(Clone, SurrealValue)]
struct AgencyRow {
    name: String,
    programs: Vec<String>,
    address: Option<String>,
    telephone: Option<String>,
    hours: Option<String>,
    languages: Vec<String>,
    eligibility: Option<String>,
    last_verified: Option<String>,
    updated_at: DateTime<Utc>,
}

#[derive(SurrealValue)]
struct AgencyRead {
    id: String,
    name: String,
    programs: Vec<String>,
    address: Option<String>,
    telephone: Option<String>,
    hours: Option<String>,
    languages: Vec<String>,
    eligibility: Option<String>,
    last_verified: Option<String>,
}

/// Add or replace an agency entry (by its id).
pub async fn save_agency(db: &Db, a: &Agency) -> Result<(), AppError> {
    let row = AgencyRow {
        name: a.name.clone(),
        programs: a.programs.iter().map(|p| p.code().to_string()).collect(),
        address: a.address.clone(),
        telephone: a.telephone.clone(),
        hours: a.hours.clone(),
        languages: a.languages.clone(),
        eligibility: a.eligibility.clone(),
        last_verified: a.last_verified.map(ymd),
        updated_at: Utc::now(),
    };
    db.query("UPSERT type::record('agency', $id) CONTENT $row RETURN NONE")
        .bind(("id", a.id.clone()))
        .bind(("row", row))
        .await
        .and_then(|r| r.check())
        .map_err(|e| db_error("save agency", e))?;
    Ok(())
}

/// The whole directory, by name.
pub async fn agencies(db: &Db) -> Result<Vec<Agency>, AppError> {
    agencies_changed(db, None).await
}

/// The agencies changed after `after` (all of them with none), by name: what a device that
/// keeps the directory for use with no signal is sent at each pull.
pub async fn agencies_changed(
    db: &Db,
    after: Option<DateTime<Utc>>,
) -> Result<Vec<Agency>, AppError> {
    let filter = if after.is_some() {
        "WHERE updated_at > <datetime> $after"
    } else {
        ""
    };
    let mut res = db
        .query(format!(
            "SELECT record::id(id) AS id, name, programs, address, telephone, hours, languages, \
             eligibility, last_verified FROM agency {filter} ORDER BY name"
        ))
        .bind(("after", after.map(|t| t.to_rfc3339()).unwrap_or_default()))
        .await
        .map_err(|e| db_error("list agencies", e))?;
    let rows: Vec<AgencyRead> = res.take(0).map_err(|e| db_error("list agencies", e))?;
    Ok(rows
        .into_iter()
        .map(|r| Agency {
            id: r.id,
            name: r.name,
            programs: r
                .programs
                .iter()
                .filter_map(|p| Program::from_code(p))
                .collect(),
            address: r.address,
            telephone: r.telephone,
            hours: r.hours,
            languages: r.languages,
            eligibility: r.eligibility,
            last_verified: r.last_verified.as_deref().and_then(read_ymd),
        })
        .collect())
}

#[derive(Clone, SurrealValue)]
struct ReferralRow {
    client: RecordId,
    agency: RecordId,
    reason: String,
    follow_up_on: Option<String>,
    outcome: String,
    made_by: RecordId,
    made_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

async fn exists(db: &Db, table: &str, id: &str) -> Result<bool, AppError> {
    let mut res = db
        .query("SELECT VALUE id FROM type::record($t, $id)")
        .bind(("t", table.to_string()))
        .bind(("id", id.to_string()))
        .await
        .map_err(|e| db_error("exists", e))?;
    let found: Vec<RecordId> = res.take(0).map_err(|e| db_error("exists", e))?;
    Ok(!found.is_empty())
}

/// Refer a client to an agency, once per device-made id. `Ok(true)`: it was already there (the
/// same referral sent again); the same id with other content is a conflict.
pub async fn refer(db: &Db, keys: &Keyring, r: &ValidReferral, by: &str) -> Result<bool, AppError> {
    let (client, agency) = (r.client_id.to_string(), r.agency_id.to_string());
    if !exists(db, "client", &client).await? || !exists(db, "agency", &agency).await? {
        return Err(AppError::NotFound);
    }
    let id = r.id.to_string();
    let now = Utc::now();
    let row = ReferralRow {
        client: RecordId::new("client", client),
        agency: RecordId::new("agency", agency),
        reason: Place::new(keys, "referral", &id).seal("reason", &r.reason),
        follow_up_on: r.follow_up_on.map(ymd),
        outcome: ReferralOutcome::Pending.code().to_string(),
        made_by: RecordId::new("person", by.to_string()),
        made_at: now,
        updated_at: now,
    };
    match crate::db::create_once(db, "refer", "referral", &id, row.clone()).await? {
        crate::db::Created::New => Ok(false),
        crate::db::Created::AlreadyThere => same_referral(db, keys, &id, &row, &r.reason).await,
    }
}

#[derive(SurrealValue)]
struct StoredReferral {
    client: RecordId,
    agency: RecordId,
    reason: String,
    follow_up_on: Option<String>,
    made_by: RecordId,
}

/// A referral id that is already there: "already had it" (`Ok(true)`) when it is this very
/// referral (a resend whose answer was lost), a conflict when it is another.
async fn same_referral(
    db: &Db,
    keys: &Keyring,
    id: &str,
    row: &ReferralRow,
    reason: &str,
) -> Result<bool, AppError> {
    let mut res = db
        .query(
            "SELECT client, agency, reason, follow_up_on, made_by \
             FROM ONLY type::record('referral', $id)",
        )
        .bind(("id", id.to_string()))
        .await
        .map_err(|e| db_error("read referral", e))?;
    let stored: Option<StoredReferral> = res.take(0).map_err(|e| db_error("read referral", e))?;
    let Some(s) = stored else {
        return Err(AppError::Conflict);
    };
    let same = s.client == row.client
        && s.agency == row.agency
        && s.follow_up_on == row.follow_up_on
        && s.made_by == row.made_by
        && Place::new(keys, "referral", id).open("reason", &s.reason)? == reason;
    if same {
        Ok(true)
    } else {
        Err(AppError::Conflict)
    }
}

/// Record how a referral turned out.
pub async fn set_outcome(
    db: &Db,
    keys: &Keyring,
    id: &str,
    outcome: ReferralOutcome,
    note: Option<&str>,
) -> Result<(), AppError> {
    let note = Place::new(keys, "referral", id).seal_opt("outcome_note", note);
    let mut res = db
        .query(
            "UPDATE type::record('referral', $id) SET outcome = $o, outcome_note = $n, \
             updated_at = time::now() RETURN VALUE id",
        )
        .bind(("id", id.to_string()))
        .bind(("o", outcome.code().to_string()))
        .bind(("n", note))
        .await
        .map_err(|e| db_error("referral outcome", e))?;
    let done: Vec<RecordId> = res.take(0).map_err(|e| db_error("referral outcome", e))?;
    if done.is_empty() {
        return Err(AppError::NotFound);
    }
    Ok(())
}

#[derive(SurrealValue)]
struct ReferralRead {
    id: String,
    agency_id: String,
    agency_name: String,
    agency_telephone: Option<String>,
    reason: String,
    follow_up_on: Option<String>,
    outcome: String,
    outcome_note: Option<String>,
    made_by_name: String,
    made_at: DateTime<Utc>,
}

/// A client's referrals, newest first.
pub async fn referrals_of(
    db: &Db,
    keys: &Keyring,
    client: &str,
) -> Result<Vec<Referral>, AppError> {
    let mut res = db
        .query(
            "SELECT record::id(id) AS id, record::id(agency) AS agency_id, agency.name AS agency_name,
                 agency.telephone AS agency_telephone, reason, follow_up_on, outcome, outcome_note,
                 made_by.display_name AS made_by_name, made_at
             FROM referral WHERE client = type::record('client', $c) ORDER BY made_at DESC",
        )
        .bind(("c", client.to_string()))
        .await
        .map_err(|e| db_error("referrals", e))?;
    let rows: Vec<ReferralRead> = res.take(0).map_err(|e| db_error("referrals", e))?;
    rows.into_iter()
        .map(|r| {
            let place = Place::new(keys, "referral", &r.id);
            Ok(Referral {
                reason: place.open("reason", &r.reason)?,
                outcome_note: place.open_opt("outcome_note", r.outcome_note.as_deref())?,
                id: r.id,
                agency_id: r.agency_id,
                agency_name: r.agency_name,
                agency_telephone: r.agency_telephone,
                follow_up_on: r.follow_up_on.as_deref().and_then(read_ymd),
                outcome: ReferralOutcome::from_code(&r.outcome).unwrap_or(ReferralOutcome::Pending),
                made_by_name: r.made_by_name,
                made_at: r.made_at,
            })
        })
        .collect()
}
