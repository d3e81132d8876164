//! The unit's own records (directive 515-S II.E, III.A–B): in-service training sessions for
//! officers (per-officer history), the documented victim/witness needs review with its reminders
//! (90 and 30 days ahead, then overdue) to the social worker and the Deputy Chief, and the
//! public-information activities with the media relations unit. No client content lives here.
//!
//! - [`domain`]: the rules and the reminder. [`api`]: server functions (the social workers keep
//!   these records; the Deputy Chief reads them). `store` (`ssr`). [`views`]: `/unit` and the
//!   home-screen reminder.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

pub mod api;
pub mod domain;
#[cfg(feature = "ssr")]
pub mod store;
pub mod views;

use domain::ReviewReminder;

/// Somebody of the department roster (for attendance).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterPerson {
    pub id: String,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrainingView {
    pub id: String,
    pub date: NaiveDate,
    pub topic: String,
    pub trainer: String,
    pub attendees: Vec<RosterPerson>,
    pub materials: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewView {
    pub id: String,
    pub reviewed_on: NaiveDate,
    pub findings: String,
    pub services: String,
    pub decisions: String,
    pub attachments: Option<String>,
    pub recorded_by_name: String,
    pub recorded_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicInfoView {
    pub id: String,
    pub date: NaiveDate,
    pub medium: String,
    pub audience: String,
    pub material: String,
}

/// Everything the `/unit` page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitRecords {
    pub trainings: Vec<TrainingView>,
    pub reviews: Vec<ReviewView>,
    pub public_info: Vec<PublicInfoView>,
    pub roster: Vec<RosterPerson>,
    pub reminder: Option<ReviewReminder>,
    /// The reader may add records (the social workers).
    pub may_record: bool,
}
