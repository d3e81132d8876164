//! The cash box and request steps in SurrealDB. Server-only.
//!
//! Every step and every money movement runs in one interactive transaction that reads the request
//! and the single `fund:default` record, lets the shared domain code ([`super::lifecycle::decide`],
//! [`super::cashbox`]) decide, and writes the request, the fund record (always: `version += 1`), the
//! timeline event and the ledger entry together. Two concurrent moves therefore both write
//! `fund:default`; SurrealDB lets one commit and fails the other with a retryable conflict, which
//! [`with_retry`] runs again on fresh data — where the rules may now refuse it (the "you lost" case).

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use surrealdb::types::SurrealValue;

use super::cashbox::{self, EntryKind, FundError, FundState};
use super::domain::{Purpose, RequestStatus};
use super::lifecycle::{self, Acknowledgement, RequestFacts, Step, TransitionError};
use super::{
    CountLine, FundOverview, LedgerLine, MonthlyReport, RequestView, StepOutcome, TimelineEntry,
};
use crate::auth::{policy, CurrentUser, Role};
use crate::crypto::{Keyring, Place};
use crate::db::{db_error, with_retry, Db};
use crate::error::AppError;
use crate::settings::DepartmentSettings;

#[derive(SurrealValue)]
struct FactsRow {
    status: String,
    amount_requested: Decimal,
    needs_chief_approval: bool,
    filed_by: String,
    approvers: Vec<String>,
    held: Decimal,
}

#[derive(SurrealValue)]
struct FundRow {
    cash: Decimal,
    held: Decimal,
    opened: bool,
    disbursed_since_count: Vec<String>,
}

impl FactsRow {
    fn facts(&self) -> RequestFacts {
        RequestFacts {
            status: RequestStatus::from_code(&self.status).unwrap_or(RequestStatus::Submitted),
            amount_requested: self.amount_requested,
            needs_chief_approval: self.needs_chief_approval,
            filed_by: self.filed_by.clone(),
            approvers: self.approvers.clone(),
            held: self.held,
        }
    }
}

impl FundRow {
    fn state(&self) -> FundState {
        FundState {
            cash: self.cash,
            held: self.held,
        }
    }
}

const FACTS: &str = "SELECT status, amount_requested, needs_chief_approval, \
     record::id(filed_by) AS filed_by, approvers, held FROM type::record('fund_request', $id)";
const FUND: &str = "SELECT cash, held, opened, disbursed_since_count FROM fund:default";

/// Inside a transaction: the request's facts and the fund, or `None` when the request is gone.
async fn read_facts(
    tx: &surrealdb::method::Transaction<surrealdb::engine::any::Any>,
    id: &str,
) -> Result<Option<(FactsRow, FundRow)>, surrealdb::Error> {
    let mut res = tx
        .query(format!("{FACTS}; {FUND};"))
        .bind(("id", id.to_string()))
        .await?;
    let facts = res.take::<Vec<FactsRow>>(0)?.into_iter().next();
    let fund = res.take::<Vec<FundRow>>(1)?.into_iter().next();
    Ok(facts.zip(fund))
}

/// A domain refusal travels through the retry loop as data, not as a database error.
type Attempt<T> = Result<Result<T, AppError>, surrealdb::Error>;

fn refused(r: TransitionError) -> AppError {
    AppError::Refused { refusal: r }
}

fn settle<T>(op: &str, r: Attempt<T>) -> Result<T, AppError> {
    match r {
        Ok(inner) => inner,
        Err(e) => Err(db_error(op, e)),
    }
}

/// Take a step on a request for `user`.
pub async fn apply_step(
    db: &Db,
    keys: &Keyring,
    id: &str,
    user: &CurrentUser,
    step: &Step,
    device: &str,
    settings: &DepartmentSettings,
) -> Result<StepOutcome, AppError> {
    let result: Attempt<StepOutcome> = with_retry(|| async {
        let tx = db.clone().begin().await?;
        let Some((facts, fund)) = read_facts(&tx, id).await? else {
            tx.cancel().await?;
            return Ok(Err(AppError::NotFound));
        };
        if !policy::can_view_request(user, &facts.filed_by) {
            tx.cancel().await?;
            return Ok(Err(AppError::NotFound));
        }
        let before = facts.facts();
        let effect = match lifecycle::decide(&before, &fund.state(), user, step, settings) {
            Ok(e) => e,
            Err(r) => {
                tx.cancel().await?;
                return Ok(Err(refused(r)));
            }
        };
        let mut approvers = facts.approvers.clone();
        if matches!(step, Step::Approve | Step::ChiefApprove) {
            approvers.push(user.id.clone());
        }
        let (reason, amount) = match step {
            Step::Deny { reason } | Step::ChiefDeny { reason } => {
                (Some(reason.trim().to_string()), None)
            }
            Step::Disburse {
                amount,
                acknowledgement: Acknowledgement::RefusedToSign { reason },
            } => (Some(reason.trim().to_string()), Some(*amount)),
            Step::Disburse { amount, .. } => (None, Some(*amount)),
            _ => (None, None),
        };
        let (signature, refused_to_sign) = match step {
            Step::Disburse {
                acknowledgement: Acknowledgement::Signed { signature },
                ..
            } => (Some(signature.clone()), None),
            Step::Disburse {
                acknowledgement: Acknowledgement::RefusedToSign { reason },
                ..
            } => (None, Some(reason.trim().to_string())),
            _ => (None, None),
        };
        // Sealed for their places: the request's fields, and the new timeline event's reason.
        let event_id = uuid::Uuid::now_v7().to_string();
        let on_request = Place::new(keys, "fund_request", id);
        let signature = on_request.seal_opt("signature", signature.as_deref());
        let refused_to_sign = on_request.seal_opt("refused_to_sign", refused_to_sign.as_deref());
        let reason = Place::new(keys, "request_event", &event_id).seal_opt("reason", reason.as_deref());
        let disbursing = effect.disbursed.is_some();
        let mut sql = String::from(
            "UPDATE type::record('fund_request', $id) SET status = $status, held = $req_held, \
             approvers = $approvers, updated_at = time::now()",
        );
        if disbursing {
            sql.push_str(
                ", amount_disbursed = $amount, signature = $signature, \
                 refused_to_sign = $refused_to_sign, disbursed_at = time::now()",
            );
        }
        sql.push_str(
            " RETURN NONE;
             LET $v = (UPDATE fund:default SET cash = $cash, held = $fund_held, version += 1, \
                 replenish_needed = $below, updated_at = time::now()",
        );
        if disbursing {
            sql.push_str(", disbursed_since_count = array::union(disbursed_since_count, [$me])");
        }
        sql.push_str(
            " RETURN VALUE version)[0];
             CREATE type::record('request_event', $event_id) CONTENT { request: $id, \
                 action: $action, from_status: $from, to_status: $status, by: type::record('person', $me), at: time::now(), \
                 device: $device, reason: $reason, amount: $amount };",
        );
        if disbursing {
            sql.push_str(
                "CREATE ledger_entry CONTENT { seq: $v, kind: 'disbursement', amount: -$amount, \
                 balance_after: $cash, request: $id, by: type::record('person', $me), \
                 at: time::now() };",
            );
        }
        tx.query(sql)
            .bind(("id", id.to_string()))
            .bind(("status", effect.status.code().to_string()))
            .bind(("from", before.status.code().to_string()))
            .bind(("req_held", effect.held))
            .bind(("approvers", approvers))
            .bind(("amount", amount))
            .bind(("signature", signature))
            .bind(("refused_to_sign", refused_to_sign))
            .bind(("cash", effect.fund.cash))
            .bind(("fund_held", effect.fund.held))
            .bind(("below", effect.below_minimum))
            .bind(("me", user.id.clone()))
            .bind(("action", step.kind().code().to_string()))
            .bind(("device", device.to_string()))
            .bind(("reason", reason.clone()))
            .bind(("event_id", event_id.clone()))
            .await?
            .check()?;
        tx.commit().await?;
        Ok(Ok(StepOutcome {
            status: effect.status,
            below_minimum: effect.below_minimum,
        }))
    })
    .await;
    settle("request step", result)
}

#[derive(SurrealValue)]
struct ViewRow {
    status: String,
    amount_requested: Decimal,
    needs_chief_approval: bool,
    filed_by: String,
    filed_by_name: String,
    approvers: Vec<String>,
    held: Decimal,
    amount_disbursed: Option<Decimal>,
    signature: Option<String>,
    refused_to_sign: Option<String>,
    submitted_at: DateTime<Utc>,
    filed_device: String,
}

#[derive(SurrealValue)]
struct EventRow {
    k: String,
    action: String,
    by_name: String,
    at: DateTime<Utc>,
    device: String,
    reason: Option<String>,
    amount: Option<Decimal>,
}

/// A request with its timeline and the reader's available steps. `None` when it does not exist or
/// the reader may not see it.
pub async fn request_view(
    db: &Db,
    keys: &Keyring,
    id: &str,
    user: &CurrentUser,
) -> Result<Option<RequestView>, AppError> {
    let Some((detail, filed_by)) = super::store::get(db, keys, id).await? else {
        return Ok(None);
    };
    if !policy::can_view_request(user, &filed_by) {
        return Ok(None);
    }
    let mut res = db
        .query(
            "SELECT status, amount_requested, needs_chief_approval, record::id(filed_by) AS filed_by, \
             filed_by.display_name AS filed_by_name, approvers, held, amount_disbursed, signature, \
             refused_to_sign, submitted_at, filed_device FROM type::record('fund_request', $id);
             SELECT record::id(id) AS k, action, (by.display_name ?? 'Haven (automatic)') AS by_name, \
             at, device, reason, amount FROM request_event \
             WHERE request = $id ORDER BY at ASC;",
        )
        .bind(("id", id.to_string()))
        .await
        .map_err(|e| db_error("request view", e))?;
    let row: Option<ViewRow> = res
        .take::<Vec<ViewRow>>(0)
        .map_err(|e| db_error("request view", e))?
        .into_iter()
        .next();
    let events: Vec<EventRow> = res.take(1).map_err(|e| db_error("request view", e))?;
    let Some(row) = row else { return Ok(None) };
    let facts = FactsRow {
        status: row.status.clone(),
        amount_requested: row.amount_requested,
        needs_chief_approval: row.needs_chief_approval,
        filed_by: row.filed_by.clone(),
        approvers: row.approvers.clone(),
        held: row.held,
    }
    .facts();
    let mut timeline = vec![TimelineEntry {
        action: "filed".into(),
        label: "Filed".into(),
        by_name: row.filed_by_name.clone(),
        at: row.submitted_at,
        device: row.filed_device.clone(),
        reason: None,
        amount: Some(row.amount_requested),
    }];
    for e in events {
        let label = lifecycle::ActionKind::from_code(&e.action)
            .map(|a| a.done_label().to_string())
            .unwrap_or_else(|| e.action.clone());
        let reason =
            Place::new(keys, "request_event", &e.k).open_opt("reason", e.reason.as_deref())?;
        timeline.push(TimelineEntry {
            action: e.action,
            label,
            by_name: e.by_name,
            at: e.at,
            device: e.device,
            reason,
            amount: e.amount,
        });
    }
    let on_request = Place::new(keys, "fund_request", id);
    let signature = on_request.open_opt("signature", row.signature.as_deref())?;
    let refused_to_sign = on_request.open_opt("refused_to_sign", row.refused_to_sign.as_deref())?;
    Ok(Some(RequestView {
        detail,
        timeline,
        actions: lifecycle::available_actions(&facts, user),
        amount_disbursed: row.amount_disbursed,
        signature,
        refused_to_sign,
        held: row.held,
    }))
}

#[derive(SurrealValue)]
struct StaleRow {
    id: String,
}

/// Let approvals older than the department's `hold_expiry_days` lapse: each in its own transaction
/// on the fund record, so a disbursal racing it either happens first or finds the request expired.
/// Returns how many lapsed. Run by the server every few minutes (any number of servers may run it).
pub async fn expire_stale(db: &Db, settings: &DepartmentSettings) -> Result<usize, AppError> {
    let cutoff = Utc::now() - chrono::Duration::days(i64::from(settings.hold_expiry_days));
    let mut res = db
        .query(
            "SELECT record::id(id) AS id FROM fund_request \
             WHERE status IN ['approved', 'awaiting_chief'] AND updated_at < $cutoff",
        )
        .bind(("cutoff", cutoff))
        .await
        .map_err(|e| db_error("find stale approvals", e))?;
    let stale: Vec<StaleRow> = res
        .take(0)
        .map_err(|e| db_error("find stale approvals", e))?;
    let mut lapsed = 0;
    for row in stale {
        let id = row.id;
        let result: Attempt<bool> = with_retry(|| async {
            let tx = db.clone().begin().await?;
            let Some((facts, fund)) = read_facts(&tx, &id).await? else {
                tx.cancel().await?;
                return Ok(Ok(false));
            };
            let before = facts.facts();
            let Ok(effect) = lifecycle::expire(&before, &fund.state()) else {
                tx.cancel().await?;
                return Ok(Ok(false));
            };
            tx.query(
                "UPDATE type::record('fund_request', $id) SET status = $status, held = 0dec, \
                     updated_at = time::now() RETURN NONE;
                 UPDATE fund:default SET held = $fund_held, version += 1, \
                     replenish_needed = $below, updated_at = time::now() RETURN NONE;
                 CREATE request_event CONTENT { request: $id, action: 'expire', from_status: $from, \
                     to_status: $status, by: NONE, at: time::now(), device: 'Haven', \
                     reason: NONE, amount: $released };",
            )
            .bind(("id", id.clone()))
            .bind(("status", effect.status.code().to_string()))
            .bind(("from", before.status.code().to_string()))
            .bind(("fund_held", effect.fund.held))
            .bind(("below", effect.fund.available() < settings.minimum_cash_balance))
            .bind(("released", before.held))
            .await?
            .check()?;
            tx.commit().await?;
            Ok(Ok(true))
        })
        .await;
        if settle("expire approval", result)? {
            lapsed += 1;
        }
    }
    Ok(lapsed)
}

/// A money movement that is not a request step: open, replenish, reverse.
pub enum Movement {
    Open { amount: Decimal },
    Replenish { amount: Decimal, reference: String },
    Reverse { entry: String },
}

#[derive(SurrealValue)]
struct EntryRow {
    amount: Decimal,
    kind: String,
    reversed: bool,
}

/// Post a movement to the ledger (social worker only).
pub async fn post_movement(
    db: &Db,
    user: &CurrentUser,
    movement: &Movement,
    settings: &DepartmentSettings,
) -> Result<FundState, AppError> {
    if !user.has(Role::SocialWorker) {
        return Err(AppError::Forbidden);
    }
    let result: Attempt<FundState> = with_retry(|| async {
        let tx = db.clone().begin().await?;
        let mut res = tx.query(FUND).await?;
        let Some(fund) = res.take::<Vec<FundRow>>(0)?.into_iter().next() else {
            tx.cancel().await?;
            return Ok(Err(AppError::Internal));
        };
        let state = fund.state();
        let fund_err = |e: FundError| refused(TransitionError::Fund(e));
        let (kind, amount, reference, reverses, next) = match movement {
            Movement::Open { amount } => {
                if fund.opened {
                    tx.cancel().await?;
                    return Ok(Err(fund_err(FundError::AlreadyOpened)));
                }
                match state.replenish(*amount) {
                    Ok(n) => (EntryKind::Opening, *amount, None, None, n),
                    Err(e) => {
                        tx.cancel().await?;
                        return Ok(Err(fund_err(e)));
                    }
                }
            }
            Movement::Replenish { amount, reference } => {
                if !fund.opened {
                    tx.cancel().await?;
                    return Ok(Err(fund_err(FundError::NotOpened)));
                }
                match state.replenish(*amount) {
                    Ok(n) => (
                        EntryKind::Replenishment,
                        *amount,
                        Some(reference.trim().to_string()),
                        None,
                        n,
                    ),
                    Err(e) => {
                        tx.cancel().await?;
                        return Ok(Err(fund_err(e)));
                    }
                }
            }
            Movement::Reverse { entry } => {
                let mut r = tx
                    .query(
                        "SELECT amount, kind, \
                         (count(SELECT id FROM ledger_entry WHERE reverses = $entry) > 0) AS reversed \
                         FROM type::record('ledger_entry', $entry)",
                    )
                    .bind(("entry", entry.clone()))
                    .await?;
                let Some(row) = r.take::<Vec<EntryRow>>(0)?.into_iter().next() else {
                    tx.cancel().await?;
                    return Ok(Err(AppError::NotFound));
                };
                if row.reversed || row.kind == EntryKind::Reversal.code() || row.kind == EntryKind::Disbursement.code() {
                    // A disbursal is corrected through its request, never behind its back.
                    tx.cancel().await?;
                    return Ok(Err(fund_err(FundError::Inconsistent)));
                }
                match state.reverse(row.amount) {
                    Ok(n) => (EntryKind::Reversal, -row.amount, None, Some(entry.clone()), n),
                    Err(e) => {
                        tx.cancel().await?;
                        return Ok(Err(fund_err(e)));
                    }
                }
            }
        };
        let below = next.available() < settings.minimum_cash_balance;
        tx.query(
            "LET $v = (UPDATE fund:default SET cash = $cash, version += 1, opened = true, \
                 replenish_needed = $below, updated_at = time::now() RETURN VALUE version)[0];
             CREATE type::record('ledger_entry', $eid) CONTENT { seq: $v, kind: $kind, amount: $amount, \
                 balance_after: $cash, reference: $reference, reverses: $reverses, \
                 by: type::record('person', $me), at: time::now() };",
        )
        .bind(("cash", next.cash))
        .bind(("below", below))
        .bind(("eid", uuid::Uuid::now_v7().to_string()))
        .bind(("kind", kind.code().to_string()))
        .bind(("amount", amount))
        .bind(("reference", reference))
        .bind(("reverses", reverses))
        .bind(("me", user.id.clone()))
        .await?
        .check()?;
        tx.commit().await?;
        Ok(Ok(next))
    })
    .await;
    settle("fund movement", result)
}

#[derive(SurrealValue)]
struct WitnessRow {
    id: String,
    roles: Vec<String>,
}

/// Record a physical count with a witness. Neither may have disbursed since the last count.
pub async fn count_cash(
    db: &Db,
    user: &CurrentUser,
    counted: Decimal,
    witness_username: &str,
) -> Result<CountLine, AppError> {
    if !policy::can_count(user) {
        return Err(AppError::Forbidden);
    }
    let result: Attempt<CountLine> = with_retry(|| async {
        let tx = db.clone().begin().await?;
        let mut res = tx
            .query(format!(
                "{FUND}; SELECT record::id(id) AS id, roles FROM person \
                 WHERE username = $w AND active = true;"
            ))
            .bind(("w", witness_username.trim().to_lowercase()))
            .await?;
        let Some(fund) = res.take::<Vec<FundRow>>(0)?.into_iter().next() else {
            tx.cancel().await?;
            return Ok(Err(AppError::Internal));
        };
        let witness: Option<WitnessRow> = res.take::<Vec<WitnessRow>>(1)?.into_iter().next();
        let Some(witness) = witness.filter(|w| !w.roles.is_empty()) else {
            tx.cancel().await?;
            return Ok(Err(AppError::invalid(vec![crate::error::FieldError::new(
                "witness",
                crate::error::ErrorCode::InvalidChoice,
            )])));
        };
        if witness.id == user.id || fund.disbursed_since_count.contains(&user.id) {
            tx.cancel().await?;
            return Ok(Err(refused(TransitionError::SeparationOfDuties)));
        }
        let c = match cashbox::count(&fund.state(), counted) {
            Ok(c) => c,
            Err(e) => {
                tx.cancel().await?;
                return Ok(Err(refused(TransitionError::Fund(e))));
            }
        };
        tx.query(
            "UPDATE fund:default SET version += 1, disbursed_since_count = [], updated_at = time::now();
             CREATE reconciliation CONTENT { counted: $counted, book: $book, variance: $variance, \
                 counted_by: type::record('person', $me), witness: type::record('person', $witness), \
                 at: time::now() };",
        )
        .bind(("counted", c.counted))
        .bind(("book", c.book))
        .bind(("variance", c.variance))
        .bind(("me", user.id.clone()))
        .bind(("witness", witness.id.clone()))
        .await?
        .check()?;
        tx.commit().await?;
        Ok(Ok(CountLine {
            counted: c.counted,
            book: c.book,
            variance: c.variance,
            counted_by: user.display_name.clone(),
            witness: witness_username.to_string(),
            at: Utc::now(),
        }))
    })
    .await;
    settle("count cash", result)
}

#[derive(SurrealValue)]
struct LedgerRow {
    id: String,
    seq: i64,
    kind: String,
    amount: Decimal,
    balance_after: Decimal,
    request: Option<String>,
    reverses: Option<String>,
    reference: Option<String>,
    by_name: String,
    at: DateTime<Utc>,
}

#[derive(SurrealValue)]
struct CountRow {
    counted: Decimal,
    book: Decimal,
    variance: Decimal,
    counted_by: String,
    witness: String,
    at: DateTime<Utc>,
}

#[derive(SurrealValue)]
struct FundFull {
    cash: Decimal,
    held: Decimal,
    opened: bool,
    replenish_needed: bool,
}

/// The fund, its ledger (newest first) and its counts.
pub async fn overview(
    db: &Db,
    user: &CurrentUser,
    settings: &DepartmentSettings,
) -> Result<FundOverview, AppError> {
    if !policy::can_view_fund(user) {
        return Err(AppError::Forbidden);
    }
    let mut res = db
        .query(
            "SELECT cash, held, opened, replenish_needed FROM fund:default;
             SELECT record::id(id) AS id, seq, kind, amount, balance_after, request, reverses, \
                 reference, by.display_name AS by_name, at FROM ledger_entry ORDER BY seq DESC LIMIT 200;
             RETURN math::sum(SELECT VALUE amount FROM ledger_entry) + 0dec;
             SELECT counted, book, variance, counted_by.display_name AS counted_by, \
                 witness.display_name AS witness, at FROM reconciliation ORDER BY at DESC LIMIT 20;",
        )
        .await
        .map_err(|e| db_error("fund overview", e))?;
    let fund: Option<FundFull> = res
        .take::<Vec<FundFull>>(0)
        .map_err(|e| db_error("fund overview", e))?
        .into_iter()
        .next();
    let rows: Vec<LedgerRow> = res.take(1).map_err(|e| db_error("fund overview", e))?;
    let sum: Option<Decimal> = res.take(2).map_err(|e| db_error("fund overview", e))?;
    let counts: Vec<CountRow> = res.take(3).map_err(|e| db_error("fund overview", e))?;
    let fund = fund.ok_or(AppError::Internal)?;
    let reversed: Vec<String> = rows.iter().filter_map(|r| r.reverses.clone()).collect();
    Ok(FundOverview {
        opened: fund.opened,
        cash: fund.cash,
        held: fund.held,
        available: fund.cash - fund.held,
        minimum: settings.minimum_cash_balance,
        replenish_needed: fund.replenish_needed,
        ledger_sum: sum.unwrap_or(Decimal::ZERO),
        entries: rows
            .into_iter()
            .map(|r| LedgerLine {
                reversed: reversed.contains(&r.id),
                id: r.id,
                seq: r.seq,
                kind: EntryKind::from_code(&r.kind).unwrap_or(EntryKind::Reversal),
                amount: r.amount,
                balance_after: r.balance_after,
                request: r.request,
                reverses: r.reverses,
                reference: r.reference,
                by_name: r.by_name,
                at: r.at,
            })
            .collect(),
        counts: counts
            .into_iter()
            .map(|c| CountLine {
                counted: c.counted,
                book: c.book,
                variance: c.variance,
                counted_by: c.counted_by,
                witness: c.witness,
                at: c.at,
            })
            .collect(),
        can_manage: user.has(Role::SocialWorker),
        can_count: policy::can_count(user),
    })
}

#[derive(SurrealValue)]
struct DisbursalRow {
    person: String,
    purpose: String,
    amount: Decimal,
}

#[derive(SurrealValue)]
struct SubmittedRow {
    report: serde_json::Value,
    by_name: String,
    submitted_at: DateTime<Utc>,
}

/// The month's report computed from the ledger (disbursals of the month, net of reversals).
pub async fn compute_report(db: &Db, month: &str) -> Result<MonthlyReport, AppError> {
    let (start, end) = super::report::month_bounds(month).ok_or_else(|| {
        AppError::invalid(vec![crate::error::FieldError::new(
            "month",
            crate::error::ErrorCode::InvalidDate,
        )])
    })?;
    let mut res = db
        .query(
            "SELECT (request.person_key ?? record::id(request)) AS person, \
                 request.purpose AS purpose, -amount AS amount FROM ( \
                 SELECT type::record('fund_request', request) AS request, amount FROM ledger_entry \
                 WHERE kind = 'disbursement' AND at >= $start AND at < $end);
             SELECT VALUE cash FROM fund:default;",
        )
        .bind(("start", start))
        .bind(("end", end))
        .await
        .map_err(|e| db_error("monthly report", e))?;
    let rows: Vec<DisbursalRow> = res.take(0).map_err(|e| db_error("monthly report", e))?;
    let cash: Vec<Decimal> = res.take(1).map_err(|e| db_error("monthly report", e))?;
    let disbursals: Vec<super::report::Disbursal> = rows
        .into_iter()
        .map(|r| super::report::Disbursal {
            person: r.person,
            purpose: Purpose::from_code(&r.purpose).unwrap_or(Purpose::Food),
            amount: r.amount,
        })
        .collect();
    Ok(super::report::build(
        month,
        &disbursals,
        cash.first().copied().unwrap_or(Decimal::ZERO),
    ))
}

/// The month's report: the stored snapshot if it was submitted, else computed now.
pub async fn monthly_report(db: &Db, month: &str) -> Result<MonthlyReport, AppError> {
    let mut res = db
        .query(
            "SELECT report, submitted_by.display_name AS by_name, submitted_at FROM monthly_report \
             WHERE month = $month",
        )
        .bind(("month", month.to_string()))
        .await
        .map_err(|e| db_error("monthly report", e))?;
    let stored: Option<SubmittedRow> = res
        .take::<Vec<SubmittedRow>>(0)
        .map_err(|e| db_error("monthly report", e))?
        .into_iter()
        .next();
    match stored {
        Some(s) => {
            let mut r: MonthlyReport =
                serde_json::from_value(s.report).map_err(|_| AppError::Internal)?;
            r.submitted_by = Some(s.by_name);
            r.submitted_at = Some(s.submitted_at);
            Ok(r)
        }
        None => compute_report(db, month).await,
    }
}

/// Send the month's report to the Lieutenant: store the snapshot with who and when, once.
pub async fn submit_report(
    db: &Db,
    user: &CurrentUser,
    month: &str,
) -> Result<MonthlyReport, AppError> {
    let report = compute_report(db, month).await?;
    let json = serde_json::to_value(&report).map_err(|_| AppError::Internal)?;
    let created = db
        .query(
            "CREATE monthly_report CONTENT { month: $month, report: $report, \
             submitted_by: type::record('person', $me), submitted_at: time::now() }",
        )
        .bind(("month", month.to_string()))
        .bind(("report", json))
        .bind(("me", user.id.clone()))
        .await
        .and_then(|r| r.check());
    match created {
        Ok(_) => monthly_report(db, month).await,
        Err(e) if e.message().contains("already contains") || e.is_already_exists() => {
            Err(AppError::Conflict)
        }
        Err(e) => Err(db_error("submit report", e)),
    }
}
