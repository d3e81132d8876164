//! Consents, disclosures and access requests in SurrealDB, every confidential field sealed.
//! Server-only. What may leave is decided by [`super::domain`]; what leaves is built by
//! [`super::packet`] and sealed here as it was given.

use chrono::{DateTime, NaiveDate, Utc};
use surrealdb::types::{RecordId, SurrealValue};

use super::domain::{
    check_disclosure, kinds_needed, Basis, ClientInformed, ConsentFacts, InfoKind, Signer,
    ValidAccessRequest, ValidAccessReview, ValidConsent, ValidDisclosure,
};
use super::packet::{self, Packet};
use super::{
    AccessRequestView, ConsentView, DisclosureMade, DisclosureView, ItemChoice, ReleaseFile,
    WithheldPart,
};
use crate::casework::domain::{InterventionKind, NoteStatus};
use crate::casework::{ClientFile, VisitView};
use crate::crypto::{Keyring, Place};
use crate::db::{create_once, db_error, read_ymd, ymd, Created, Db};
use crate::directory::Referral;
use crate::error::{AppError, ErrorCode, FieldError};

/// The key of a record link, as the pages use it.
fn record_key_of(r: &RecordId) -> String {
    match &r.key {
        surrealdb::types::RecordIdKey::String(k) => k.clone(),
        surrealdb::types::RecordIdKey::Uuid(u) => u.to_string(),
        other => format!("{other:?}"),
    }
}

fn kinds(codes: &[String]) -> Vec<InfoKind> {
    codes
        .iter()
        .filter_map(|c| InfoKind::from_code(c))
        .collect()
}

/// The stored content hash of a record, if it exists.
async fn stored_hash(db: &Db, table: &str, id: &str) -> Result<Option<String>, AppError> {
    let mut res = db
        .query("SELECT VALUE content_hash FROM type::record($t, $id)")
        .bind(("t", table.to_string()))
        .bind(("id", id.to_string()))
        .await
        .map_err(|e| db_error("read hash", e))?;
    let v: Vec<String> = res.take(0).map_err(|e| db_error("read hash", e))?;
    Ok(v.into_iter().next())
}

/// Create once under the device-made id: the same content again is "already had it" (true), other
/// content under that id a conflict.
async fn create_idempotent(
    db: &Db,
    op: &str,
    table: &str,
    id: &str,
    hash: &str,
    row: impl SurrealValue,
) -> Result<bool, AppError> {
    match create_once(db, op, table, id, row).await? {
        Created::New => Ok(false),
        Created::AlreadyThere => match stored_hash(db, table, id).await? {
            Some(h) if h == hash => Ok(true),
            _ => Err(AppError::Conflict),
        },
    }
}

/// The client's file as the social worker reads it (personal notes are not used here).
async fn file_of(
    db: &Db,
    keys: &Keyring,
    client: &str,
    reader: &str,
) -> Result<ClientFile, AppError> {
    crate::casework::store::client_file(db, keys, client, reader)
        .await?
        .ok_or(AppError::NotFound)
}

#[derive(Clone, SurrealValue)]
struct ConsentRow {
    client: RecordId,
    person: String,
    signer: String,
    recipient: String,
    purpose: String,
    information: Vec<String>,
    right_to_inspect: bool,
    refusal_consequence: String,
    expires_on: String,
    right_to_revoke: bool,
    signature: String,
    signed_on: String,
    witness: String,
    recorded_by: RecordId,
    recorded_at: DateTime<Utc>,
    content_hash: String,
}

/// Record a consent under its device-made id. True when the server already had it.
pub async fn save_consent(
    db: &Db,
    keys: &Keyring,
    c: &ValidConsent,
    by: &str,
) -> Result<bool, AppError> {
    let id = c.id.to_string();
    if !crate::casework::store::client_exists(db, &c.client_id.to_string()).await? {
        return Err(AppError::NotFound);
    }
    let hash = keys.blind(
        "consent-content",
        &serde_json::to_string(c).unwrap_or_default(),
    );
    let place = Place::new(keys, "consent", &id);
    let row = ConsentRow {
        client: RecordId::new("client", c.client_id.to_string()),
        person: place.seal("person", &c.person),
        signer: c.signer.code().to_string(),
        recipient: place.seal("recipient", &c.recipient),
        purpose: place.seal("purpose", &c.purpose),
        information: c.information.iter().map(|k| k.code().to_string()).collect(),
        right_to_inspect: true,
        refusal_consequence: place.seal("refusal_consequence", &c.refusal_consequence),
        expires_on: ymd(c.expires_on),
        right_to_revoke: true,
        signature: place.seal("signature", &c.signature),
        signed_on: ymd(c.signed_on),
        witness: place.seal("witness", &c.witness),
        recorded_by: RecordId::new("person", by.to_string()),
        recorded_at: Utc::now(),
        content_hash: hash.clone(),
    };
    create_idempotent(db, "save consent", "consent", &id, &hash, row).await
}

/// Revoke a consent of `client` (once; revoking again changes nothing).
pub async fn revoke_consent(db: &Db, client: &str, id: &str, by: &str) -> Result<(), AppError> {
    let mut res = db
        .query(
            "SELECT VALUE id FROM type::record('consent', $id) WHERE client = type::record('client', $c);
             UPDATE type::record('consent', $id) SET revoked_at = time::now(),
                 revoked_by = type::record('person', $by)
                 WHERE client = type::record('client', $c) AND revoked_at = NONE RETURN NONE;",
        )
        .bind(("id", id.to_string()))
        .bind(("c", client.to_string()))
        .bind(("by", by.to_string()))
        .await
        .and_then(|r| r.check())
        .map_err(|e| db_error("revoke consent", e))?;
    let found: Vec<RecordId> = res.take(0).map_err(|e| db_error("revoke consent", e))?;
    if found.is_empty() {
        return Err(AppError::NotFound);
    }
    Ok(())
}

#[derive(SurrealValue)]
struct ConsentRead {
    id: String,
    client: String,
    person: String,
    signer: String,
    recipient: String,
    purpose: String,
    information: Vec<String>,
    refusal_consequence: String,
    expires_on: String,
    signature: String,
    signed_on: String,
    witness: String,
    revoked_at: Option<DateTime<Utc>>,
    recorded_by_name: String,
    recorded_at: DateTime<Utc>,
}

const CONSENT_FIELDS: &str = "record::id(id) AS id, record::id(client) AS client, person, signer, \
     recipient, purpose, information, refusal_consequence, expires_on, signature, signed_on, \
     witness, revoked_at, recorded_by.display_name AS recorded_by_name, recorded_at";

fn consent_view(keys: &Keyring, r: &ConsentRead) -> Result<ConsentView, AppError> {
    let place = Place::new(keys, "consent", &r.id);
    Ok(ConsentView {
        id: r.id.clone(),
        person: place.open("person", &r.person)?,
        signer: Signer::from_code(&r.signer).unwrap_or(Signer::Client),
        recipient: place.open("recipient", &r.recipient)?,
        purpose: place.open("purpose", &r.purpose)?,
        information: kinds(&r.information),
        refusal_consequence: place.open("refusal_consequence", &r.refusal_consequence)?,
        expires_on: read_ymd(&r.expires_on).unwrap_or(NaiveDate::MIN),
        signature: place.open("signature", &r.signature)?,
        signed_on: read_ymd(&r.signed_on).unwrap_or(NaiveDate::MIN),
        witness: place.open("witness", &r.witness)?,
        revoked_at: r.revoked_at,
        recorded_by_name: r.recorded_by_name.clone(),
        recorded_at: r.recorded_at,
    })
}

/// The consent a disclosure relies on, as the rules need it.
async fn consent_facts(
    db: &Db,
    keys: &Keyring,
    id: &str,
) -> Result<Option<ConsentFacts>, AppError> {
    let mut res = db
        .query(format!(
            "SELECT {CONSENT_FIELDS} FROM type::record('consent', $id)"
        ))
        .bind(("id", id.to_string()))
        .await
        .map_err(|e| db_error("read consent", e))?;
    let rows: Vec<ConsentRead> = res.take(0).map_err(|e| db_error("read consent", e))?;
    let Some(r) = rows.first() else {
        return Ok(None);
    };
    let v = consent_view(keys, r)?;
    Ok(Some(ConsentFacts {
        client_id: r.client.clone(),
        recipient: v.recipient,
        information: v.information,
        expires_on: v.expires_on,
        revoked: v.revoked_at.is_some(),
    }))
}

#[derive(Clone, SurrealValue)]
struct DisclosureRow {
    client: RecordId,
    basis: String,
    consent: Option<RecordId>,
    legal_note: Option<String>,
    recipient: String,
    purpose: String,
    identity: bool,
    contact: bool,
    visit_ids: Vec<String>,
    referral_ids: Vec<String>,
    kinds: Vec<String>,
    client_informed: String,
    packet: String,
    made_by: RecordId,
    made_at: DateTime<Utc>,
    content_hash: String,
}

fn visit_label(v: &VisitView) -> String {
    format!(
        "{} visit of {}",
        v.kind.label(),
        v.occurred_at.format("%Y-%m-%d")
    )
}

fn referral_label(r: &Referral) -> String {
    format!(
        "Referral to {} of {}",
        r.agency_name,
        r.made_at.format("%Y-%m-%d")
    )
}

/// Disclose: check every chosen item belongs to the client (signed visits only), that the ground
/// covers what they carry, build the packet from them alone, and log it with the packet sealed.
#[allow(clippy::too_many_arguments)]
pub async fn disclose(
    db: &Db,
    keys: &Keyring,
    d: &ValidDisclosure,
    by: &str,
    by_name: &str,
    today: NaiveDate,
    department: &str,
) -> Result<DisclosureMade, AppError> {
    let id = d.id.to_string();
    let client = d.client_id.to_string();
    let hash = keys.blind(
        "disclosure-content",
        &format!("{by}\u{0}{}", serde_json::to_string(d).unwrap_or_default()),
    );
    if let Some(h) = stored_hash(db, "disclosure", &id).await? {
        return if h == hash {
            Ok(DisclosureMade {
                id,
                kinds: vec![],
                already_had_it: true,
            })
        } else {
            Err(AppError::Conflict)
        };
    }
    let file = file_of(db, keys, &client, by).await?;
    let referrals = crate::directory::store::referrals_of(db, keys, &client).await?;
    let mut errors = Vec::new();
    let visits: Vec<&VisitView> = d
        .visit_ids
        .iter()
        .filter_map(|vid| {
            let found = file
                .visits
                .iter()
                .find(|v| v.id == vid.to_string() && v.status == NoteStatus::Signed);
            if found.is_none() {
                errors.push(FieldError::new("visit_ids", ErrorCode::InvalidChoice));
            }
            found
        })
        .collect();
    let chosen_referrals: Vec<&Referral> = d
        .referral_ids
        .iter()
        .filter_map(|rid| {
            let found = referrals.iter().find(|r| r.id == rid.to_string());
            if found.is_none() {
                errors.push(FieldError::new("referral_ids", ErrorCode::InvalidChoice));
            }
            found
        })
        .collect();
    if !errors.is_empty() {
        errors.dedup();
        return Err(AppError::invalid(errors));
    }
    let visit_kinds: Vec<InterventionKind> = visits.iter().map(|v| v.kind).collect();
    let needed = kinds_needed(d, &visit_kinds, &file.client.summary.protections);
    let consent = match d.consent_id {
        Some(c) => consent_facts(db, keys, &c.to_string()).await?,
        None => None,
    };
    check_disclosure(d, consent.as_ref(), &needed, today)
        .map_err(|refusal| AppError::DisclosureRefused { refusal })?;
    let now = Utc::now();
    let packet = packet::disclosure(
        department,
        d,
        &file.client,
        &visits,
        &chosen_referrals,
        &needed,
        by_name,
        now,
    );
    let place = Place::new(keys, "disclosure", &id);
    let row = DisclosureRow {
        client: RecordId::new("client", client.clone()),
        basis: d.basis.code().to_string(),
        consent: d
            .consent_id
            .filter(|_| d.basis == Basis::Consent)
            .map(|c| RecordId::new("consent", c.to_string())),
        legal_note: place.seal_opt("legal_note", d.legal_note.as_deref()),
        recipient: place.seal("recipient", &d.recipient),
        purpose: place.seal("purpose", &d.purpose),
        identity: d.identity,
        contact: d.contact,
        visit_ids: d.visit_ids.iter().map(|v| v.to_string()).collect(),
        referral_ids: d.referral_ids.iter().map(|v| v.to_string()).collect(),
        kinds: needed.iter().map(|k| k.code().to_string()).collect(),
        client_informed: d.client_informed.code().to_string(),
        packet: place.seal(
            "packet",
            &serde_json::to_string(&packet).unwrap_or_default(),
        ),
        made_by: RecordId::new("person", by.to_string()),
        made_at: now,
        content_hash: hash.clone(),
    };
    let already = create_idempotent(db, "disclose", "disclosure", &id, &hash, row).await?;
    Ok(DisclosureMade {
        id,
        kinds: needed,
        already_had_it: already,
    })
}

/// A sealed packet, opened.
fn open_packet(place: Place<'_>, field: &str, sealed: &str) -> Result<Packet, AppError> {
    let json = place.open(field, sealed)?;
    serde_json::from_str(&json).map_err(|_| AppError::Internal)
}

/// What a disclosure gave, word for word, with the id of its client.
pub async fn disclosure_packet(
    db: &Db,
    keys: &Keyring,
    id: &str,
) -> Result<Option<Packet>, AppError> {
    let mut res = db
        .query("SELECT VALUE packet FROM type::record('disclosure', $id)")
        .bind(("id", id.to_string()))
        .await
        .map_err(|e| db_error("read disclosure", e))?;
    let rows: Vec<String> = res.take(0).map_err(|e| db_error("read disclosure", e))?;
    rows.first()
        .map(|p| open_packet(Place::new(keys, "disclosure", id), "packet", p))
        .transpose()
}

#[derive(Clone, SurrealValue)]
struct AccessRow {
    client: RecordId,
    requested_by: String,
    relation: String,
    received_on: String,
    recorded_by: RecordId,
    recorded_at: DateTime<Utc>,
    content_hash: String,
}

/// Record a client's request to see their record. True when the server already had it.
pub async fn record_access_request(
    db: &Db,
    keys: &Keyring,
    a: &ValidAccessRequest,
    by: &str,
) -> Result<bool, AppError> {
    let id = a.id.to_string();
    if !crate::casework::store::client_exists(db, &a.client_id.to_string()).await? {
        return Err(AppError::NotFound);
    }
    let hash = keys.blind(
        "access-request-content",
        &serde_json::to_string(a).unwrap_or_default(),
    );
    let row = AccessRow {
        client: RecordId::new("client", a.client_id.to_string()),
        requested_by: Place::new(keys, "access_request", &id).seal("requested_by", &a.requested_by),
        relation: a.relation.code().to_string(),
        received_on: ymd(a.received_on),
        recorded_by: RecordId::new("person", by.to_string()),
        recorded_at: Utc::now(),
        content_hash: hash.clone(),
    };
    create_idempotent(
        db,
        "record access request",
        "access_request",
        &id,
        &hash,
        row,
    )
    .await
}

/// Review an access request (once): the copy is built from the client's signed visits and
/// referrals minus those withheld, the listed names redacted; the copy and the reasons are sealed.
pub async fn review_access_request(
    db: &Db,
    keys: &Keyring,
    r: &ValidAccessReview,
    by: &str,
    by_name: &str,
    department: &str,
) -> Result<(), AppError> {
    let id = r.request_id.to_string();
    let mut res = db
        .query(
            "SELECT record::id(client) AS client, reviewed_at FROM type::record('access_request', $id)",
        )
        .bind(("id", id.clone()))
        .await
        .map_err(|e| db_error("read access request", e))?;
    #[derive(SurrealValue)]
    struct Pending {
        client: String,
        reviewed_at: Option<DateTime<Utc>>,
    }
    let rows: Vec<Pending> = res
        .take(0)
        .map_err(|e| db_error("read access request", e))?;
    let Some(pending) = rows.into_iter().next() else {
        return Err(AppError::NotFound);
    };
    if pending.reviewed_at.is_some() {
        return Err(AppError::Conflict);
    }
    let file = file_of(db, keys, &pending.client, by).await?;
    let referrals = crate::directory::store::referrals_of(db, keys, &pending.client).await?;
    let signed: Vec<&VisitView> = file
        .visits
        .iter()
        .filter(|v| v.status == NoteStatus::Signed)
        .collect();
    // Each withheld item must be a part of this record; it is documented with its label.
    let mut parts = Vec::new();
    for (item, reason) in &r.withheld {
        let item = item.to_string();
        let label = signed
            .iter()
            .find(|v| v.id == item)
            .map(|v| visit_label(v))
            .or_else(|| referrals.iter().find(|x| x.id == item).map(referral_label))
            .ok_or_else(|| {
                AppError::invalid(vec![FieldError::new("withheld", ErrorCode::InvalidChoice)])
            })?;
        parts.push(WithheldPart {
            item,
            label,
            reason: reason.clone(),
        });
    }
    let held = |id: &str| parts.iter().any(|p| p.item == id);
    let visits: Vec<&VisitView> = signed.into_iter().filter(|v| !held(&v.id)).collect();
    let given_referrals: Vec<&Referral> = referrals.iter().filter(|x| !held(&x.id)).collect();
    let now = Utc::now();
    let copy = packet::client_copy(
        department,
        &file.client,
        &visits,
        &given_referrals,
        parts.len(),
        &r.third_parties,
        by_name,
        now,
    );
    let place = Place::new(keys, "access_request", &id);
    let withheld = place.seal(
        "withheld",
        &serde_json::to_string(&parts).unwrap_or_default(),
    );
    let copy = place.seal("copy", &serde_json::to_string(&copy).unwrap_or_default());
    let mut res = db
        .query(
            "UPDATE type::record('access_request', $id) SET reviewed_at = $now,
                 reviewed_by = type::record('person', $by), withheld = $withheld,
                 redacted_names = $names, copy = $copy
                 WHERE reviewed_at = NONE RETURN VALUE record::id(id)",
        )
        .bind(("id", id))
        .bind(("now", now))
        .bind(("by", by.to_string()))
        .bind(("withheld", withheld))
        .bind(("names", i64::try_from(r.third_parties.len()).unwrap_or(0)))
        .bind(("copy", copy))
        .await
        .and_then(|r| r.check())
        .map_err(|e| db_error("review access request", e))?;
    let done: Vec<String> = res
        .take(0)
        .map_err(|e| db_error("review access request", e))?;
    if done.is_empty() {
        // Reviewed on another device in between.
        return Err(AppError::Conflict);
    }
    Ok(())
}

/// The client's copy as it was given.
pub async fn access_copy(db: &Db, keys: &Keyring, id: &str) -> Result<Option<Packet>, AppError> {
    let mut res = db
        .query("SELECT VALUE copy FROM type::record('access_request', $id) WHERE copy != NONE")
        .bind(("id", id.to_string()))
        .await
        .map_err(|e| db_error("read client copy", e))?;
    let rows: Vec<String> = res.take(0).map_err(|e| db_error("read client copy", e))?;
    rows.first()
        .map(|p| open_packet(Place::new(keys, "access_request", id), "copy", p))
        .transpose()
}

#[derive(SurrealValue)]
struct DisclosureRead {
    id: String,
    basis: String,
    /// Read as a link: `record::id(NONE)` fails in SurrealDB 3, and a disclosure under a legal
    /// exception has no consent.
    consent: Option<RecordId>,
    legal_note: Option<String>,
    recipient: String,
    purpose: String,
    kinds: Vec<String>,
    visit_ids: Vec<String>,
    referral_ids: Vec<String>,
    identity: bool,
    contact: bool,
    client_informed: String,
    made_by_name: String,
    made_at: DateTime<Utc>,
}

#[derive(SurrealValue)]
struct AccessRead {
    id: String,
    requested_by: String,
    relation: String,
    received_on: String,
    reviewed_at: Option<DateTime<Utc>>,
    reviewed_by_name: Option<String>,
    withheld: Option<String>,
    redacted_names: Option<i64>,
}

/// Everything the client's "Consent and disclosure" page shows.
pub async fn release_file(
    db: &Db,
    keys: &Keyring,
    client: &str,
    reader: &str,
) -> Result<ReleaseFile, AppError> {
    let file = file_of(db, keys, client, reader).await?;
    let referrals = crate::directory::store::referrals_of(db, keys, client).await?;
    let mut res = db
        .query(format!(
            "SELECT {CONSENT_FIELDS} FROM consent WHERE client = type::record('client', $c)
                 ORDER BY recorded_at DESC;
             SELECT record::id(id) AS id, basis, consent, legal_note,
                 recipient, purpose, kinds, visit_ids, referral_ids, identity, contact,
                 client_informed, made_by.display_name AS made_by_name, made_at
                 FROM disclosure WHERE client = type::record('client', $c) ORDER BY made_at DESC;
             SELECT record::id(id) AS id, requested_by, relation, received_on, reviewed_at,
                 reviewed_by.display_name AS reviewed_by_name, withheld, redacted_names
                 FROM access_request WHERE client = type::record('client', $c)
                 ORDER BY recorded_at DESC;"
        ))
        .bind(("c", client.to_string()))
        .await
        .map_err(|e| db_error("release file", e))?;
    let consents: Vec<ConsentRead> = res.take(0).map_err(|e| db_error("release file", e))?;
    let disclosures: Vec<DisclosureRead> = res.take(1).map_err(|e| db_error("release file", e))?;
    let requests: Vec<AccessRead> = res.take(2).map_err(|e| db_error("release file", e))?;
    let consents = consents
        .iter()
        .map(|r| consent_view(keys, r))
        .collect::<Result<Vec<_>, _>>()?;
    let disclosures = disclosures
        .into_iter()
        .map(|r| {
            let place = Place::new(keys, "disclosure", &r.id);
            Ok(DisclosureView {
                basis: Basis::from_code(&r.basis).unwrap_or(Basis::Consent),
                consent_id: r.consent.map(|c| record_key_of(&c)),
                legal_note: place.open_opt("legal_note", r.legal_note.as_deref())?,
                recipient: place.open("recipient", &r.recipient)?,
                purpose: place.open("purpose", &r.purpose)?,
                kinds: kinds(&r.kinds),
                items: r.visit_ids.len()
                    + r.referral_ids.len()
                    + usize::from(r.identity)
                    + usize::from(r.contact),
                client_informed: ClientInformed::from_code(&r.client_informed)
                    .unwrap_or(ClientInformed::Before),
                made_by_name: r.made_by_name,
                made_at: r.made_at,
                id: r.id,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    let access_requests = requests
        .into_iter()
        .map(|r| {
            let place = Place::new(keys, "access_request", &r.id);
            let withheld = match place.open_opt("withheld", r.withheld.as_deref())? {
                Some(json) => serde_json::from_str(&json).map_err(|_| AppError::Internal)?,
                None => Vec::new(),
            };
            Ok(AccessRequestView {
                requested_by: place.open("requested_by", &r.requested_by)?,
                relation: Signer::from_code(&r.relation).unwrap_or(Signer::Client),
                received_on: read_ymd(&r.received_on).unwrap_or(NaiveDate::MIN),
                reviewed_at: r.reviewed_at,
                reviewed_by_name: r.reviewed_by_name,
                withheld,
                redacted_names: r
                    .redacted_names
                    .and_then(|n| usize::try_from(n).ok())
                    .unwrap_or(0),
                id: r.id,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    let mut items: Vec<ItemChoice> = file
        .visits
        .iter()
        .filter(|v| v.status == NoteStatus::Signed)
        .map(|v| ItemChoice {
            id: v.id.clone(),
            is_visit: true,
            label: visit_label(v),
            substance_use: v.kind == InterventionKind::SubstanceUse,
        })
        .collect();
    items.extend(referrals.iter().map(|r| ItemChoice {
        id: r.id.clone(),
        is_visit: false,
        label: referral_label(r),
        substance_use: false,
    }));
    let household_names = file
        .client
        .household
        .as_deref()
        .unwrap_or_default()
        .lines()
        .filter_map(|l| {
            let name = l.split([',', '(']).next().unwrap_or_default().trim();
            (name.chars().count() >= 2).then(|| name.to_string())
        })
        .collect::<Vec<String>>();
    // People present at visits (officers among them: the social worker strikes who may stay),
    // and each person's given name alone ("Tomas stayed").
    let mut household_names = household_names;
    for v in &file.visits {
        for p in v.present.as_deref().unwrap_or_default().split([';', ',']) {
            let p = p.trim();
            if p.chars().count() >= 2 && !household_names.iter().any(|n| n == p) {
                household_names.push(p.to_string());
            }
        }
    }
    let given: Vec<String> = household_names
        .iter()
        .filter_map(|n| {
            n.split_whitespace()
                .next()
                .filter(|g| *g != n)
                .map(str::to_string)
        })
        .filter(|g| g.chars().count() >= 3)
        .collect();
    for g in given {
        if !household_names.contains(&g) {
            household_names.push(g);
        }
    }
    Ok(ReleaseFile {
        client_id: client.to_string(),
        client_name: file.client.summary.name.clone(),
        protections: file.client.summary.protections.clone(),
        consents,
        disclosures,
        access_requests,
        items,
        household_names,
    })
}

/// The client a disclosure or an access request belongs to (for the PDFs' audit line).
pub async fn client_of(db: &Db, table: &str, id: &str) -> Result<Option<String>, AppError> {
    let mut res = db
        .query("SELECT VALUE record::id(client) FROM type::record($t, $id)")
        .bind(("t", table.to_string()))
        .bind(("id", id.to_string()))
        .await
        .map_err(|e| db_error("read owner", e))?;
    let rows: Vec<String> = res.take(0).map_err(|e| db_error("read owner", e))?;
    Ok(rows.into_iter().next())
}
