//! The Social Services Resource Directory (directive 515-S II.C: agencies by program, contacts,
//! hours, languages, last verified) and referrals of clients to its agencies, followed up to an
//! outcome (issue 6). The directory is public information: every signed-in person reads it; the
//! social workers keep it. Referrals are casework: the social workers alone.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

pub mod api;
pub mod domain;
#[cfg(feature = "ssr")]
pub mod export;
pub mod hsds;
#[cfg(feature = "ssr")]
pub mod store;
pub mod views;

use domain::ReferralOutcome;

/// A referral as the client's file shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Referral {
    pub id: String,
    pub agency_id: String,
    pub agency_name: String,
    pub agency_telephone: Option<String>,
    pub reason: String,
    pub follow_up_on: Option<NaiveDate>,
    pub outcome: ReferralOutcome,
    pub outcome_note: Option<String>,
    pub made_by_name: String,
    pub made_at: DateTime<Utc>,
}
