//! Appending to and reading the audit chain in SurrealDB. Server-only.

use surrealdb::types::SurrealValue;

use super::{hash, Broken, Event};
use crate::db::{db_error, is_already_there, is_retryable, retry_while, Db};
use crate::error::AppError;

/// How an action ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    Refused,
    Failed,
}

impl Outcome {
    fn code(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Refused => "refused",
            Outcome::Failed => "failed",
        }
    }
}

/// Who and from where: taken from the current request.
#[derive(Clone, Debug, Default)]
pub struct Origin {
    pub actor: String,
    pub device: String,
    pub session: String,
}

/// The origin of the current server-function call.
pub fn origin() -> Origin {
    match leptos::prelude::use_context::<http::request::Parts>() {
        Some(p) => origin_from(p.extensions.get::<crate::auth::CurrentUser>(), &p.headers),
        None => Origin::default(),
    }
}

/// The origin of a plain handler's request.
pub fn origin_from(user: Option<&crate::auth::CurrentUser>, headers: &http::HeaderMap) -> Origin {
    Origin {
        actor: user.map(|u| u.id.clone()).unwrap_or_default(),
        device: headers
            .get(http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.chars().take(160).collect())
            .unwrap_or_else(|| "unknown".into()),
        session: crate::auth::server::session_token(headers)
            .map(|t| crate::auth::server::token_id(&t)[..16].to_string())
            .unwrap_or_default(),
    }
}

#[derive(SurrealValue)]
struct Head {
    seq: i64,
    hash: String,
}

/// Append one event to the chain. A failure is logged and reported; it never carries content.
pub async fn append(
    db: &Db,
    origin: &Origin,
    action: &str,
    record: &str,
    outcome: Outcome,
) -> Result<(), AppError> {
    let at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    // Read the head, then append and move the head in one server-side transaction that first
    // checks the head is still the one read (a compare-and-swap): two round trips, no client-side
    // transaction (which, over a SurrealDB server, costs a session of its own and several round
    // trips while the head is held). Lost races are retried: a write conflict, the head moved, or
    // another writer's event already under this sequence number.
    let lost = |e: &surrealdb::Error| {
        is_retryable(e) || is_already_there(e) || e.message().contains("audit head moved")
    };
    let result = retry_while(lost, || async {
        let mut res = db.query("SELECT seq, hash FROM audit_head:main").await?;
        let head: Option<Head> = res.take::<Vec<Head>>(0)?.into_iter().next();
        let Some(head) = head else {
            return Ok(None);
        };
        let mut e = Event {
            seq: head.seq + 1,
            at: at.clone(),
            actor: origin.actor.clone(),
            action: action.to_string(),
            record: record.to_string(),
            outcome: outcome.code().to_string(),
            device: origin.device.clone(),
            session: origin.session.clone(),
            prev_hash: head.hash.clone(),
            hash: String::new(),
        };
        e.hash = hash(&head.hash, &e);
        db.query(
            "BEGIN;
             IF (SELECT VALUE seq FROM ONLY audit_head:main) != $prev_seq {
                 THROW 'the audit head moved: this transaction can be retried';
             };
             CREATE type::record('audit_event', $seq) CONTENT { seq: $seq, at: $at, actor: $actor, \
                 action: $action, record: $record, outcome: $outcome, device: $device, \
                 session: $sess, prev_hash: $prev_hash, hash: $hash } RETURN NONE;
             UPDATE audit_head:main SET seq = $seq, hash = $hash RETURN NONE;
             COMMIT;",
        )
        .bind(("prev_seq", head.seq))
        .bind(("seq", e.seq))
        .bind(("at", e.at.clone()))
        .bind(("actor", e.actor.clone()))
        .bind(("action", e.action.clone()))
        .bind(("record", e.record.clone()))
        .bind(("outcome", e.outcome.clone()))
        .bind(("device", e.device.clone()))
        .bind(("sess", e.session.clone()))
        .bind(("prev_hash", e.prev_hash.clone()))
        .bind(("hash", e.hash.clone()))
        .await
        .and_then(crate::db::check_cause)?;
        Ok(Some(()))
    })
    .await;
    match result {
        Ok(Some(())) => Ok(()),
        Ok(None) => {
            tracing::error!(action, "audit head missing");
            Err(AppError::Internal)
        }
        Err(e) => Err(db_error("audit append", e)),
    }
}

/// Record an action of the current request (who, device, session from context). Audit failures are
/// logged, not shown: the person's action already happened.
pub async fn record(db: &Db, action: &str, record: &str, outcome: Outcome) {
    let _ = append(db, &origin(), action, record, outcome).await;
}

/// End a server function: audit `action` on `record` with the result's outcome, and answer with the
/// error's HTTP status when it failed.
pub async fn finish<T>(
    db: &Db,
    action: &str,
    record: &str,
    result: Result<T, AppError>,
) -> Result<T, AppError> {
    self::record(db, action, record, outcome_of(&result)).await;
    result.inspect_err(crate::error::set_status)
}

/// The outcome of a server function's result, for the audit.
pub fn outcome_of<T>(r: &Result<T, AppError>) -> Outcome {
    match r {
        Ok(_) => Outcome::Ok,
        Err(AppError::Internal) | Err(AppError::Transport { .. }) => Outcome::Failed,
        Err(_) => Outcome::Refused,
    }
}

#[derive(SurrealValue)]
struct EventRow {
    seq: i64,
    at: String,
    actor: String,
    action: String,
    record: String,
    outcome: String,
    device: String,
    session: String,
    prev_hash: String,
    hash: String,
}

/// Read the whole chain and check it. `Ok(Ok(n))`: intact with n events.
pub async fn verify(db: &Db) -> Result<Result<usize, Broken>, AppError> {
    let mut res = db
        .query(
            "SELECT seq, at, actor, action, record, outcome, device, session, prev_hash, hash \
             FROM audit_event ORDER BY seq ASC;
             SELECT seq, hash FROM audit_head:main;",
        )
        .await
        .map_err(|e| db_error("audit verify", e))?;
    let rows: Vec<EventRow> = res.take(0).map_err(|e| db_error("audit verify", e))?;
    let head: Option<Head> = res
        .take::<Vec<Head>>(1)
        .map_err(|e| db_error("audit verify", e))?
        .into_iter()
        .next();
    let events: Vec<Event> = rows
        .into_iter()
        .map(|r| Event {
            seq: r.seq,
            at: r.at,
            actor: r.actor,
            action: r.action,
            record: r.record,
            outcome: r.outcome,
            device: r.device,
            session: r.session,
            prev_hash: r.prev_hash,
            hash: r.hash,
        })
        .collect();
    Ok(super::verify(&events, head.map(|h| h.seq).unwrap_or(0)))
}

#[derive(SurrealValue)]
struct SearchRow {
    seq: i64,
    at: String,
    actor: String,
    action: String,
    record: String,
    outcome: String,
    device: String,
    session: String,
}

#[derive(SurrealValue)]
struct Username {
    id: String,
    username: String,
}

/// Events matching the filter, newest first, at most `limit` (and whether there were more).
pub async fn search(
    db: &Db,
    f: &super::api::AuditFilter,
    limit: usize,
) -> Result<super::api::AuditPage, AppError> {
    let mut conditions = vec!["true".to_string()];
    if !f.username.trim().is_empty() {
        conditions.push(
            "actor IN (SELECT VALUE record::id(id) FROM person WHERE username = $username)".into(),
        );
    }
    if !f.action.trim().is_empty() {
        conditions.push("string::starts_with(action, $action)".into());
    }
    if !f.record.trim().is_empty() {
        conditions.push("string::starts_with(record, $record)".into());
    }
    if !f.outcome.trim().is_empty() {
        conditions.push("outcome = $outcome".into());
    }
    if !f.from.trim().is_empty() {
        conditions.push("at >= $from".into());
    }
    if !f.to.trim().is_empty() {
        // Inclusive: everything before the next day.
        conditions.push("at < $to".into());
    }
    let to_next_day = chrono::NaiveDate::parse_from_str(f.to.trim(), "%Y-%m-%d")
        .ok()
        .and_then(|d| d.succ_opt())
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default();
    let fetch = limit.saturating_add(1).min(1_000_000);
    let sql = format!(
        "SELECT seq, at, actor, action, record, outcome, device, session
         FROM audit_event WHERE {} ORDER BY seq DESC LIMIT {fetch};
         SELECT record::id(id) AS id, username FROM person;",
        conditions.join(" AND ")
    );
    let mut res = db
        .query(sql)
        .bind(("username", f.username.trim().to_lowercase()))
        .bind(("action", f.action.trim().to_string()))
        .bind(("record", f.record.trim().to_string()))
        .bind(("outcome", f.outcome.trim().to_string()))
        .bind(("from", f.from.trim().to_string()))
        .bind(("to", to_next_day))
        .await
        .map_err(|e| db_error("audit search", e))?;
    let mut rows: Vec<SearchRow> = res.take(0).map_err(|e| db_error("audit search", e))?;
    let people: Vec<Username> = res.take(1).map_err(|e| db_error("audit search", e))?;
    let names: std::collections::HashMap<String, String> =
        people.into_iter().map(|p| (p.id, p.username)).collect();
    let truncated = rows.len() > limit;
    rows.truncate(limit);
    Ok(super::api::AuditPage {
        rows: rows
            .into_iter()
            .map(|r| super::api::AuditRow {
                seq: r.seq,
                at: r.at,
                username: names.get(&r.actor).cloned().unwrap_or_default(),
                action: r.action,
                record: r.record,
                outcome: r.outcome,
                device: r.device,
                session: r.session,
            })
            .collect(),
        truncated,
    })
}
