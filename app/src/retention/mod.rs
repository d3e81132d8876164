//! Retention and secure disposal (NASW 1.07n, 3.04d): client files and fund requests past the
//! department's retention period are listed; a social worker proposes a disposal, the Deputy
//! Chief approves it (seeing kinds, keys and dates, never names), and a social worker then carries
//! it out. A destroyed client file leaves nothing but its disposal row and the audit trail's ids;
//! a fund request keeps its amounts for the books and loses its resident's details.
//!
//! - [`domain`]: periods, who may approve, nothing destroyed before approval. Plain Rust.
//! - [`api`]: server functions, audited; `store` (`ssr`): SurrealDB; [`views`]: `/retention`.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

pub mod api;
pub mod domain;
#[cfg(feature = "ssr")]
pub mod store;
pub mod views;

use domain::{DisposalStatus, RecordKind};

/// A record past its retention period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DueRecord {
    pub kind: RecordKind,
    pub key: String,
    /// The client's name (social workers only) or the request's date and amount.
    pub label: Option<String>,
    pub last_activity: NaiveDate,
    pub kept_until: NaiveDate,
}

/// A disposal, proposed, approved or carried out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisposalView {
    pub id: String,
    pub kind: RecordKind,
    pub key: String,
    pub label: Option<String>,
    pub last_activity: NaiveDate,
    pub status: DisposalStatus,
    pub proposed_by_name: String,
    pub proposed_at: DateTime<Utc>,
    pub approved_by_name: Option<String>,
    pub approved_at: Option<DateTime<Utc>>,
    pub destroyed_at: Option<DateTime<Utc>>,
}

/// The retention screen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionOverview {
    pub due: Vec<DueRecord>,
    pub disposals: Vec<DisposalView>,
}
