//! Casework in SurrealDB: clients, visits, addenda and personal notes, every confidential field
//! sealed. Server-only. The rules (who may edit or sign, what a signed note allows) come from
//! [`super::domain`]; the database refuses changes to a signed note as well (migration 0009).

use chrono::{DateTime, NaiveDate, Utc};
use surrealdb::types::{RecordId, SurrealValue};

use super::domain::{
    family_name, may_add_addendum, may_edit, may_sign, name_identity, InterventionKind, NoteStatus,
    Protection, Setting, ValidClient, ValidVisit,
};
use super::{
    Addendum, ClientDetail, ClientFile, ClientSaved, ClientSummary, FollowUp, PersonalNote,
    VisitSaved, VisitView,
};
use crate::crypto::{Keyring, Place};
use crate::db::{db_error, read_ymd, with_retry, ymd, Db};
use crate::error::AppError;

/// Blind index of a name (words in any order, case aside).
fn name_key(keys: &Keyring, name: &str) -> String {
    keys.blind("client-name", &name_identity(name))
}

fn name_dob_key(keys: &Keyring, name: &str, dob: NaiveDate) -> String {
    keys.blind(
        "client-name-dob",
        &format!("{}\u{0}{dob}", name_identity(name)),
    )
}

fn family_dob_key(keys: &Keyring, name: &str, dob: NaiveDate) -> String {
    keys.blind(
        "client-family-dob",
        &format!("{}\u{0}{dob}", family_name(name)),
    )
}

/// Run one statement with its variables (a JSON object) and read its rows.
async fn query<T: SurrealValue>(
    db: &Db,
    op: &str,
    sql: &str,
    vars: serde_json::Value,
) -> Result<Vec<T>, AppError> {
    let mut res = db
        .query(sql)
        .bind(vars)
        .await
        .map_err(|e| db_error(op, e))?;
    res.take(0).map_err(|e| db_error(op, e))
}

#[derive(Clone, SurrealValue)]
struct ClientRow {
    name: String,
    date_of_birth: Option<String>,
    age: Option<i64>,
    telephone: Option<String>,
    address: Option<String>,
    preferred_language: Option<String>,
    household: Option<String>,
    protections: Vec<String>,
    name_key: String,
    name_dob_key: Option<String>,
    family_dob_key: Option<String>,
    created_by: RecordId,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    content_hash: String,
}

#[derive(Clone, SurrealValue)]
struct ClientRead {
    id: String,
    name: String,
    date_of_birth: Option<String>,
    age: Option<i64>,
    telephone: Option<String>,
    address: Option<String>,
    preferred_language: Option<String>,
    household: Option<String>,
    protections: Vec<String>,
    created_at: DateTime<Utc>,
}

const CLIENT_FIELDS: &str = "record::id(id) AS id, name, date_of_birth, age, telephone, address, \
     preferred_language, household, protections, created_at";

fn protections(codes: &[String]) -> Vec<Protection> {
    codes
        .iter()
        .filter_map(|c| Protection::from_code(c))
        .collect()
}

fn client_summary(keys: &Keyring, r: &ClientRead) -> Result<ClientSummary, AppError> {
    let place = Place::new(keys, "client", &r.id);
    Ok(ClientSummary {
        id: r.id.clone(),
        name: place.open("name", &r.name)?,
        date_of_birth: place
            .open_opt("date_of_birth", r.date_of_birth.as_deref())?
            .and_then(|d| read_ymd(&d)),
        age: r.age.and_then(|a| u8::try_from(a).ok()),
        protections: protections(&r.protections),
    })
}

fn client_detail(keys: &Keyring, r: &ClientRead) -> Result<ClientDetail, AppError> {
    let place = Place::new(keys, "client", &r.id);
    Ok(ClientDetail {
        summary: client_summary(keys, r)?,
        telephone: place.open_opt("telephone", r.telephone.as_deref())?,
        address: place.open_opt("address", r.address.as_deref())?,
        preferred_language: r.preferred_language.clone(),
        household: place.open_opt("household", r.household.as_deref())?,
        created_at: r.created_at,
    })
}

/// Clients that look like this one (same name; or same date of birth and family name), other
/// than itself.
async fn look_alikes(
    db: &Db,
    keys: &Keyring,
    c: &ValidClient,
) -> Result<Vec<ClientSummary>, AppError> {
    let mut vars = serde_json::json!({ "id": c.id.to_string(), "name": name_key(keys, &c.name) });
    let by_birth = match c.date_of_birth {
        Some(d) => {
            vars["dob"] = name_dob_key(keys, &c.name, d).into();
            vars["family"] = family_dob_key(keys, &c.name, d).into();
            " OR name_dob_key = $dob OR family_dob_key = $family"
        }
        None => "",
    };
    let sql = format!(
        "SELECT {CLIENT_FIELDS} FROM client WHERE id != type::record('client', $id) AND \
         (name_key = $name{by_birth}) LIMIT 10"
    );
    let rows: Vec<ClientRead> = query(db, "possible duplicates", &sql, vars).await?;
    rows.iter().map(|r| client_summary(keys, r)).collect()
}

/// Store a client under its device-made id. A new client that looks like existing ones is held
/// back (`saved: false`) unless `confirmed_new`; the same id again updates the record.
pub async fn save_client(
    db: &Db,
    keys: &Keyring,
    c: &ValidClient,
    by: &str,
    confirmed_new: bool,
) -> Result<(ClientSaved, bool), AppError> {
    let id = c.id.to_string();
    let existing: Vec<String> = query(
        db,
        "read client",
        "SELECT VALUE content_hash FROM type::record('client', $id)",
        serde_json::json!({ "id": id }),
    )
    .await?;
    let hash = keys.blind(
        "client-content",
        &serde_json::to_string(c).unwrap_or_default(),
    );
    let is_new = existing.is_empty();
    if existing.first() == Some(&hash) {
        return Ok((
            ClientSaved {
                id,
                saved: true,
                possible_duplicates: vec![],
            },
            false,
        ));
    }
    if is_new && !confirmed_new {
        let alikes = look_alikes(db, keys, c).await?;
        if !alikes.is_empty() {
            return Ok((
                ClientSaved {
                    id,
                    saved: false,
                    possible_duplicates: alikes,
                },
                false,
            ));
        }
    }
    let place = Place::new(keys, "client", &id);
    let now = Utc::now();
    let dob = c.date_of_birth.map(ymd);
    let row = ClientRow {
        name: place.seal("name", &c.name),
        date_of_birth: place.seal_opt("date_of_birth", dob.as_deref()),
        age: c.age.map(i64::from),
        telephone: place.seal_opt("telephone", c.telephone.as_deref()),
        address: place.seal_opt("address", c.address.as_deref()),
        preferred_language: c.preferred_language.clone(),
        household: place.seal_opt("household", c.household.as_deref()),
        protections: c.protections.iter().map(|p| p.code().to_string()).collect(),
        name_key: name_key(keys, &c.name),
        name_dob_key: c.date_of_birth.map(|d| name_dob_key(keys, &c.name, d)),
        family_dob_key: c.date_of_birth.map(|d| family_dob_key(keys, &c.name, d)),
        created_by: RecordId::new("person", by.to_string()),
        created_at: now,
        updated_at: now,
        content_hash: hash,
    };
    let sql = if is_new {
        "CREATE type::record('client', $id) CONTENT $row RETURN NONE"
    } else {
        // Keep who made it and when; visits may have added protections since.
        "UPDATE type::record('client', $id) MERGE {
            name: $row.name, date_of_birth: $row.date_of_birth, age: $row.age,
            telephone: $row.telephone, address: $row.address,
            preferred_language: $row.preferred_language, household: $row.household,
            protections: array::union(protections, $row.protections),
            name_key: $row.name_key, name_dob_key: $row.name_dob_key,
            family_dob_key: $row.family_dob_key, updated_at: $row.updated_at,
            content_hash: $row.content_hash
        } RETURN NONE"
    };
    with_retry(|| async {
        db.query(sql)
            .bind(("id", id.clone()))
            .bind(("row", row.clone()))
            .await
            .and_then(|r| r.check())
    })
    .await
    .map_err(|e| db_error("save client", e))?;
    Ok((
        ClientSaved {
            id,
            saved: true,
            possible_duplicates: vec![],
        },
        is_new,
    ))
}

/// Every client of the unit whose name contains `search` (case aside), by name. Names are sealed,
/// so the filter runs after opening them: a unit's caseload is hundreds, not millions.
pub async fn list_clients(
    db: &Db,
    keys: &Keyring,
    search: &str,
) -> Result<Vec<ClientSummary>, AppError> {
    let rows: Vec<ClientRead> = query(
        db,
        "list clients",
        &format!("SELECT {CLIENT_FIELDS} FROM client"),
        serde_json::json!({}),
    )
    .await?;
    let needle = search.trim().to_lowercase();
    let mut list: Vec<ClientSummary> = rows
        .iter()
        .map(|r| client_summary(keys, r))
        .collect::<Result<_, _>>()?;
    list.retain(|c| needle.is_empty() || c.name.to_lowercase().contains(&needle));
    list.sort_by_key(|c| c.name.to_lowercase());
    Ok(list)
}

/// The clients changed after `after` (all of them with none), as a social worker's device keeps
/// them to choose whom a visit is for with no signal: id and name only.
pub async fn clients_changed(
    db: &Db,
    keys: &Keyring,
    after: Option<DateTime<Utc>>,
) -> Result<Vec<crate::offline::HeldClient>, AppError> {
    let filter = if after.is_some() {
        "WHERE updated_at > <datetime> $after"
    } else {
        ""
    };
    let rows: Vec<ClientRead> = query(
        db,
        "clients changed",
        &format!("SELECT {CLIENT_FIELDS} FROM client {filter}"),
        serde_json::json!({ "after": after.map(|t| t.to_rfc3339()).unwrap_or_default() }),
    )
    .await?;
    rows.iter()
        .map(|r| {
            client_summary(keys, r).map(|c| crate::offline::HeldClient {
                id: c.id,
                name: c.name,
            })
        })
        .collect()
}

/// Whether anybody of this name (and date of birth, when given) is a client: the officers' check.
pub async fn has_contact(
    db: &Db,
    keys: &Keyring,
    name: &str,
    dob: Option<NaiveDate>,
) -> Result<bool, AppError> {
    let (sql, key) = match dob {
        Some(d) => (
            "SELECT VALUE id FROM client WHERE name_dob_key = $key LIMIT 1",
            name_dob_key(keys, name, d),
        ),
        None => (
            "SELECT VALUE id FROM client WHERE name_key = $key LIMIT 1",
            name_key(keys, name),
        ),
    };
    let found: Vec<RecordId> =
        query(db, "contact check", sql, serde_json::json!({ "key": key })).await?;
    Ok(!found.is_empty())
}

#[derive(Clone, SurrealValue)]
struct VisitRow {
    client: RecordId,
    kind: String,
    setting: String,
    occurred_at: DateTime<Utc>,
    location: Option<String>,
    present: Option<String>,
    police_report_number: Option<String>,
    checklist: Vec<String>,
    narrative: String,
    assessment: Option<String>,
    actions_taken: Option<String>,
    follow_up_on: Option<String>,
    status: String,
    author: RecordId,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    content_hash: String,
}

#[derive(SurrealValue)]
struct StoredVisit {
    status: String,
    author: String,
    content_hash: String,
}

async fn stored_visit(db: &Db, id: &str) -> Result<Option<StoredVisit>, AppError> {
    let rows: Vec<StoredVisit> = query(
        db,
        "read visit",
        "SELECT status, record::id(author) AS author, content_hash \
         FROM type::record('visit', $id)",
        serde_json::json!({ "id": id }),
    )
    .await?;
    Ok(rows.into_iter().next())
}

pub(crate) async fn client_exists(db: &Db, id: &str) -> Result<bool, AppError> {
    let found: Vec<RecordId> = query(
        db,
        "read client",
        "SELECT VALUE id FROM type::record('client', $id)",
        serde_json::json!({ "id": id }),
    )
    .await?;
    Ok(!found.is_empty())
}

/// Save a visit under its device-made id: a new draft, or new content over the author's own
/// draft. A signed note refuses any change; the same content again is "already had it".
pub async fn save_visit(
    db: &Db,
    keys: &Keyring,
    v: &ValidVisit,
    by: &str,
) -> Result<VisitSaved, AppError> {
    let id = v.id.to_string();
    if !client_exists(db, &v.client_id.to_string()).await? {
        return Err(AppError::NotFound);
    }
    let hash = keys.blind(
        "visit-content",
        &format!("{by}\u{0}{}", serde_json::to_string(v).unwrap_or_default()),
    );
    let existing = stored_visit(db, &id).await?;
    if let Some(x) = &existing {
        let status = NoteStatus::from_code(&x.status).unwrap_or(NoteStatus::Signed);
        if x.content_hash == hash {
            return Ok(VisitSaved {
                id,
                status,
                already_had_it: true,
            });
        }
        may_edit(status, &x.author, by).map_err(|refusal| AppError::NoteRefused { refusal })?;
    }
    let place = Place::new(keys, "visit", &id);
    let now = Utc::now();
    let row = VisitRow {
        client: RecordId::new("client", v.client_id.to_string()),
        kind: v.kind.code().to_string(),
        setting: v.setting.code().to_string(),
        occurred_at: v.occurred_at,
        location: place.seal_opt("location", v.location.as_deref()),
        present: place.seal_opt("present", v.present.as_deref()),
        police_report_number: v.police_report_number.clone(),
        checklist: v.checklist.clone(),
        narrative: place.seal("narrative", &v.narrative),
        assessment: place.seal_opt("assessment", v.assessment.as_deref()),
        actions_taken: place.seal_opt("actions_taken", v.actions_taken.as_deref()),
        follow_up_on: v.follow_up_on.map(ymd),
        status: NoteStatus::Draft.code().to_string(),
        author: RecordId::new("person", by.to_string()),
        created_at: now,
        updated_at: now,
        content_hash: hash,
    };
    let protection = v.kind.protection().map(|p| p.code().to_string());
    // The draft is replaced only while it is still a draft of this author: checked again inside
    // the transaction, so a signature on another device in between wins.
    let sql = if existing.is_none() {
        "BEGIN;
         CREATE type::record('visit', $id) CONTENT $row RETURN NONE;
         IF $protection != NONE {
             UPDATE $row.client SET protections = array::union(protections, [$protection]) RETURN NONE;
         };
         COMMIT;"
    } else {
        "BEGIN;
         LET $before = (SELECT status, author FROM ONLY type::record('visit', $id));
         IF $before.status != 'draft' OR $before.author != $row.author {
             THROW 'not an editable draft';
         };
         UPDATE type::record('visit', $id) MERGE $row.{client, kind, setting, occurred_at,
             location, present, police_report_number, checklist, narrative, assessment,
             actions_taken, follow_up_on, status, author, content_hash, updated_at}
             RETURN NONE;
         IF $protection != NONE {
             UPDATE $row.client SET protections = array::union(protections, [$protection]) RETURN NONE;
         };
         COMMIT;"
    };
    let saved = with_retry(|| async {
        db.query(sql)
            .bind(("id", id.clone()))
            .bind(("row", row.clone()))
            .bind(("protection", protection.clone()))
            .await
            .and_then(|r| r.check())
    })
    .await;
    match saved {
        Ok(_) => Ok(VisitSaved {
            id,
            status: NoteStatus::Draft,
            already_had_it: false,
        }),
        Err(e) if crate::db::is_already_there(&e) => Err(AppError::Conflict),
        Err(e)
            if e.message().contains("not an editable draft") || e.message().contains("locked") =>
        {
            Err(AppError::NoteRefused {
                refusal: super::domain::NoteRefusal::Signed,
            })
        }
        Err(e) => Err(db_error("save visit", e)),
    }
}

/// Sign a draft: from now on it is locked. Signing a signed note again is refused.
pub async fn sign_visit(db: &Db, id: &str, by: &str) -> Result<VisitSaved, AppError> {
    let Some(x) = stored_visit(db, id).await? else {
        return Err(AppError::NotFound);
    };
    let status = NoteStatus::from_code(&x.status).unwrap_or(NoteStatus::Signed);
    may_sign(status, &x.author, by).map_err(|refusal| AppError::NoteRefused { refusal })?;
    let res = db
        .query(
            "UPDATE type::record('visit', $id) SET status = 'signed', signed_at = time::now() \
             WHERE status = 'draft' AND author = type::record('person', $by) RETURN VALUE status",
        )
        .bind(("id", id.to_string()))
        .bind(("by", by.to_string()))
        .await
        .and_then(|r| r.check());
    let mut res = res.map_err(|e| db_error("sign visit", e))?;
    let signed: Vec<String> = res.take(0).map_err(|e| db_error("sign visit", e))?;
    if signed.is_empty() {
        return Err(AppError::NoteRefused {
            refusal: super::domain::NoteRefusal::Signed,
        });
    }
    Ok(VisitSaved {
        id: id.to_string(),
        status: NoteStatus::Signed,
        already_had_it: false,
    })
}

#[derive(Clone, SurrealValue)]
struct AddendumRow {
    visit: RecordId,
    text: String,
    author: RecordId,
    at: DateTime<Utc>,
}

/// Add an addendum to a signed note, under its device-made id (once).
pub async fn add_addendum(
    db: &Db,
    keys: &Keyring,
    visit: &str,
    addendum: &str,
    text: &str,
    by: &str,
) -> Result<(), AppError> {
    let Some(x) = stored_visit(db, visit).await? else {
        return Err(AppError::NotFound);
    };
    let status = NoteStatus::from_code(&x.status).unwrap_or(NoteStatus::Draft);
    may_add_addendum(status).map_err(|refusal| AppError::NoteRefused { refusal })?;
    let row = AddendumRow {
        visit: RecordId::new("visit", visit.to_string()),
        text: Place::new(keys, "visit_addendum", addendum).seal("text", text),
        author: RecordId::new("person", by.to_string()),
        at: Utc::now(),
    };
    // A resend of the same addendum (the id is the device's) finds it there.
    crate::db::create_once(db, "add addendum", "visit_addendum", addendum, row)
        .await
        .map(|_| ())
}

#[derive(Clone, SurrealValue)]
struct PersonalRow {
    client: RecordId,
    author: RecordId,
    text: String,
    at: DateTime<Utc>,
}

/// Add a personal note of `by` on a client, under its device-made id (once).
pub async fn add_personal_note(
    db: &Db,
    keys: &Keyring,
    client: &str,
    id: &str,
    text: &str,
    by: &str,
) -> Result<(), AppError> {
    if !client_exists(db, client).await? {
        return Err(AppError::NotFound);
    }
    let row = PersonalRow {
        client: RecordId::new("client", client.to_string()),
        author: RecordId::new("person", by.to_string()),
        text: Place::new(keys, "personal_note", id).seal("text", text),
        at: Utc::now(),
    };
    crate::db::create_once(db, "add personal note", "personal_note", id, row)
        .await
        .map(|_| ())
}

#[derive(SurrealValue)]
struct VisitRead {
    id: String,
    kind: String,
    setting: String,
    occurred_at: DateTime<Utc>,
    location: Option<String>,
    present: Option<String>,
    police_report_number: Option<String>,
    checklist: Vec<String>,
    narrative: String,
    assessment: Option<String>,
    actions_taken: Option<String>,
    follow_up_on: Option<String>,
    status: String,
    author: String,
    author_name: String,
    signed_at: Option<DateTime<Utc>>,
}

#[derive(SurrealValue)]
struct AddendumRead {
    id: String,
    visit: String,
    text: String,
    author_name: String,
    at: DateTime<Utc>,
}

#[derive(SurrealValue)]
struct PersonalRead {
    id: String,
    text: String,
    at: DateTime<Utc>,
}

/// A client's file as `reader` may see it: the record, every visit with its addenda, and the
/// reader's own personal notes (nobody else's).
pub async fn client_file(
    db: &Db,
    keys: &Keyring,
    id: &str,
    reader: &str,
) -> Result<Option<ClientFile>, AppError> {
    let mut res = db
        .query(format!(
            "SELECT {CLIENT_FIELDS} FROM type::record('client', $id);
             SELECT record::id(id) AS id, kind, setting, occurred_at, location, present,
                 police_report_number, checklist, narrative, assessment, actions_taken,
                 follow_up_on, status, record::id(author) AS author,
                 author.display_name AS author_name, signed_at
                 FROM visit WHERE client = type::record('client', $id) ORDER BY occurred_at DESC;
             SELECT record::id(id) AS id, record::id(visit) AS visit, text,
                 author.display_name AS author_name, at
                 FROM visit_addendum WHERE visit.client = type::record('client', $id) ORDER BY at;
             SELECT record::id(id) AS id, text, at FROM personal_note
                 WHERE client = type::record('client', $id)
                 AND author = type::record('person', $reader) ORDER BY at;"
        ))
        .bind(("id", id.to_string()))
        .bind(("reader", reader.to_string()))
        .await
        .map_err(|e| db_error("client file", e))?;
    let clients: Vec<ClientRead> = res.take(0).map_err(|e| db_error("client file", e))?;
    let Some(client) = clients.first() else {
        return Ok(None);
    };
    let visits: Vec<VisitRead> = res.take(1).map_err(|e| db_error("client file", e))?;
    let addenda: Vec<AddendumRead> = res.take(2).map_err(|e| db_error("client file", e))?;
    let personal: Vec<PersonalRead> = res.take(3).map_err(|e| db_error("client file", e))?;
    let mut views = Vec::with_capacity(visits.len());
    for v in &visits {
        let place = Place::new(keys, "visit", &v.id);
        let mut mine = Vec::new();
        for a in addenda.iter().filter(|a| a.visit == v.id) {
            mine.push(Addendum {
                id: a.id.clone(),
                text: Place::new(keys, "visit_addendum", &a.id).open("text", &a.text)?,
                author_name: a.author_name.clone(),
                at: a.at,
            });
        }
        views.push(VisitView {
            id: v.id.clone(),
            kind: InterventionKind::from_code(&v.kind).unwrap_or(InterventionKind::Other),
            setting: Setting::from_code(&v.setting).unwrap_or(Setting::OnSite),
            occurred_at: v.occurred_at,
            location: place.open_opt("location", v.location.as_deref())?,
            present: place.open_opt("present", v.present.as_deref())?,
            police_report_number: v.police_report_number.clone(),
            checklist: v.checklist.clone(),
            narrative: place.open("narrative", &v.narrative)?,
            assessment: place.open_opt("assessment", v.assessment.as_deref())?,
            actions_taken: place.open_opt("actions_taken", v.actions_taken.as_deref())?,
            follow_up_on: v.follow_up_on.as_deref().and_then(read_ymd),
            status: NoteStatus::from_code(&v.status).unwrap_or(NoteStatus::Signed),
            author_name: v.author_name.clone(),
            mine: v.author == reader,
            signed_at: v.signed_at,
            addenda: mine,
        });
    }
    let personal_notes = personal
        .iter()
        .map(|p| {
            Ok(PersonalNote {
                id: p.id.clone(),
                text: Place::new(keys, "personal_note", &p.id).open("text", &p.text)?,
                at: p.at,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    Ok(Some(ClientFile {
        client: client_detail(keys, client)?,
        visits: views,
        personal_notes,
    }))
}

#[derive(SurrealValue)]
struct FollowUpRead {
    client_id: String,
    client_name: String,
    visit_id: String,
    kind: String,
    follow_up_on: String,
}

/// Follow-ups due on or before `today`, the earliest first.
pub async fn follow_ups_due(
    db: &Db,
    keys: &Keyring,
    today: NaiveDate,
) -> Result<Vec<FollowUp>, AppError> {
    let rows: Vec<FollowUpRead> = query(
        db,
        "follow-ups",
        "SELECT record::id(client) AS client_id, client.name AS client_name,
             record::id(id) AS visit_id, kind, follow_up_on
             FROM visit WHERE follow_up_on != NONE AND follow_up_on <= $today
             ORDER BY follow_up_on",
        serde_json::json!({ "today": ymd(today) }),
    )
    .await?;
    rows.iter()
        .map(|r| {
            Ok(FollowUp {
                client_name: Place::new(keys, "client", &r.client_id)
                    .open("name", &r.client_name)?,
                client_id: r.client_id.clone(),
                visit_id: r.visit_id.clone(),
                kind: InterventionKind::from_code(&r.kind).unwrap_or(InterventionKind::Other),
                due: read_ymd(&r.follow_up_on).unwrap_or(today),
            })
        })
        .collect()
}
