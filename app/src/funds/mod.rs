//! Emergency Money Fund (directive 515-S III.D): the request form, its rules, its server functions,
//! its storage and its screens.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

pub mod api;
pub mod domain;
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
