//! Emergency Money Fund (directive 515-S III.D): the request form, its rules, its server functions,
//! its storage and its screens.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

pub mod api;
pub mod cashbox;
pub mod domain;
#[cfg(feature = "ssr")]
pub mod export;
#[cfg(feature = "ssr")]
pub mod fund_store;
pub mod fund_views;
pub mod lifecycle;
#[cfg(feature = "ssr")]
pub mod live;
pub mod report;
pub mod step_views;
#[cfg(feature = "ssr")]
pub mod store;
pub mod views;

use domain::{Purpose, RequestStatus};

/// What the server answers to a submission.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmitOutcome {
    pub id: String,
    pub status: RequestStatus,
    pub needs_chief_approval: bool,
    /// True when the server already had this exact request (a replayed submission).
    pub already_had_it: bool,
}

/// One line of "My requests" or of the supervisor's queue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestSummary {
    pub id: String,
    pub date: String,
    pub requester_name: String,
    pub purpose: Purpose,
    pub amount_requested: Decimal,
    pub status: RequestStatus,
    pub needs_chief_approval: bool,
    pub submitted_at: DateTime<Utc>,
    pub filed_by_name: String,
}

/// A whole request, as Appendix A shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestDetail {
    pub summary: RequestSummary,
    pub age: u8,
    pub sex: Option<String>,
    pub address: String,
    pub telephone: Option<String>,
    pub reason: String,
}

/// One line of a request's timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEntry {
    /// `filed` or an [`lifecycle::ActionKind`] code.
    pub action: String,
    pub label: String,
    pub by_name: String,
    pub at: DateTime<Utc>,
    pub device: String,
    pub reason: Option<String>,
    pub amount: Option<Decimal>,
}

/// A request with its timeline and the steps the reader may take now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestView {
    pub detail: RequestDetail,
    pub timeline: Vec<TimelineEntry>,
    pub actions: Vec<lifecycle::ActionKind>,
    pub amount_disbursed: Option<Decimal>,
    pub signature: Option<String>,
    pub refused_to_sign: Option<String>,
    pub held: Decimal,
}

/// What a step did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepOutcome {
    pub status: RequestStatus,
    /// The fund fell under the department's minimum: replenish it.
    pub below_minimum: bool,
}

/// One ledger line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerLine {
    pub id: String,
    pub seq: i64,
    pub kind: cashbox::EntryKind,
    pub amount: Decimal,
    pub balance_after: Decimal,
    pub request: Option<String>,
    pub reverses: Option<String>,
    pub reference: Option<String>,
    pub by_name: String,
    pub at: DateTime<Utc>,
    pub reversed: bool,
}

/// One counted reconciliation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountLine {
    pub counted: Decimal,
    pub book: Decimal,
    pub variance: Decimal,
    pub counted_by: String,
    pub witness: String,
    pub at: DateTime<Utc>,
}

/// The cash box as its keepers see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FundOverview {
    pub opened: bool,
    pub cash: Decimal,
    pub held: Decimal,
    pub available: Decimal,
    pub minimum: Decimal,
    pub replenish_needed: bool,
    /// Sum of the ledger, computed by the database: always equal to `cash`.
    pub ledger_sum: Decimal,
    pub entries: Vec<LedgerLine>,
    pub counts: Vec<CountLine>,
    pub can_manage: bool,
    pub can_count: bool,
}

/// Purposes in a monthly report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurposeLine {
    pub purpose: Purpose,
    pub requests: u32,
    pub amount: Decimal,
}

/// Directive 515-S III.D.3: the month's report to the Lieutenant. No client names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthlyReport {
    /// YYYY-MM
    pub month: String,
    /// Distinct people who received funds (not requests).
    pub persons: u32,
    pub disbursals: u32,
    pub per_purpose: Vec<PurposeLine>,
    pub total_expended: Decimal,
    pub current_balance: Decimal,
    pub submitted_by: Option<String>,
    pub submitted_at: Option<DateTime<Utc>>,
}
