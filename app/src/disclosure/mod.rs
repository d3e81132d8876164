//! What leaves the unit, and on what ground (directive 515-S IV; NASW 1.07 b–d, 1.08; 740 ILCS
//! 110/5; 42 CFR Part 2): consents to disclose, disclosures built item by item and printed with the
//! no-redisclosure notice, and clients' requests to see their own record, answered with a copy in
//! which third parties are redacted and every withheld part is documented with its reason.
//!
//! - [`domain`]: the rules (a consent's nine elements, when a consent covers a disclosure, the
//!   legal exceptions, the review of an access request, redaction). Plain Rust, shared.
//! - [`packet`]: exactly what goes out, built from the chosen items only. Plain Rust.
//! - [`api`]: server functions (the social workers of the unit only, every call audited without
//!   content); `store` (`ssr`): SurrealDB, every confidential field sealed; `export` (`ssr`): the
//!   PDFs, behind a fresh proof of presence; [`views`]: the client's "Consent and disclosure" page.
//!
//! Personal notes are never an input of a packet: no code path can put them in one.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

pub mod api;
pub mod domain;
#[cfg(feature = "ssr")]
pub mod export;
pub mod packet;
#[cfg(feature = "ssr")]
pub mod store;
pub mod views;

use domain::{Basis, ClientInformed, InfoKind, Signer};

/// A consent on file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentView {
    pub id: String,
    pub person: String,
    pub signer: Signer,
    pub recipient: String,
    pub purpose: String,
    pub information: Vec<InfoKind>,
    pub refusal_consequence: String,
    pub expires_on: NaiveDate,
    pub signature: String,
    pub signed_on: NaiveDate,
    pub witness: String,
    pub revoked_at: Option<DateTime<Utc>>,
    pub recorded_by_name: String,
    pub recorded_at: DateTime<Utc>,
}

/// A disclosure made: the log line of what left, to whom, on what ground.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisclosureView {
    pub id: String,
    pub basis: Basis,
    pub consent_id: Option<String>,
    pub legal_note: Option<String>,
    pub recipient: String,
    pub purpose: String,
    pub kinds: Vec<InfoKind>,
    pub items: usize,
    pub client_informed: ClientInformed,
    pub made_by_name: String,
    pub made_at: DateTime<Utc>,
}

/// A part of the record held back from a client's copy, with the reason documented.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WithheldPart {
    pub item: String,
    /// What it is ("Death notification visit of 2026-12-04").
    pub label: String,
    pub reason: String,
}

/// A client's request to see their record, and its review.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessRequestView {
    pub id: String,
    pub requested_by: String,
    pub relation: Signer,
    pub received_on: NaiveDate,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub reviewed_by_name: Option<String>,
    pub withheld: Vec<WithheldPart>,
    /// How many names were redacted from the copy.
    pub redacted_names: usize,
}

/// A record that may be chosen for a disclosure or withheld from a copy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemChoice {
    pub id: String,
    pub is_visit: bool,
    pub label: String,
    /// Part 2 information (a substance use visit).
    pub substance_use: bool,
}

/// Everything the "Consent and disclosure" page of a client shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleaseFile {
    pub client_id: String,
    pub client_name: String,
    pub protections: Vec<crate::casework::domain::Protection>,
    pub consents: Vec<ConsentView>,
    pub disclosures: Vec<DisclosureView>,
    pub access_requests: Vec<AccessRequestView>,
    /// Signed visits and referrals, newest first.
    pub items: Vec<ItemChoice>,
    /// Household members' names (the first part of each line), offered for redaction.
    pub household_names: Vec<String>,
}

/// What a disclosure answered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisclosureMade {
    pub id: String,
    pub kinds: Vec<InfoKind>,
    /// The server already had this very disclosure (a resend).
    pub already_had_it: bool,
}
