//! Casework (directive 515-S I–II, NASW 1.07/1.08): clients, crisis-intervention visits with their
//! checklists, signed notes and addenda, the social worker's personal notes, and what officers may
//! know ("has a social-services contact — call the social worker"), never the content.
//!
//! Who sees what (the policy table in `auth::policy`): the social workers of the unit see every
//! client and every visit (unit-wide); only the author edits or signs a draft; a personal note is
//! read by its author alone and is never part of an export, a disclosure or a client's copy.
//! Officers and supervisors reach one function here, [`api::contact_check`], which answers yes or
//! no.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

pub mod api;
pub mod domain;
#[cfg(feature = "ssr")]
pub mod store;
pub mod views;
pub mod visit_views;

use domain::{InterventionKind, NoteStatus, Protection, Setting};

/// One line of the client list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientSummary {
    pub id: String,
    pub name: String,
    pub date_of_birth: Option<NaiveDate>,
    pub age: Option<u8>,
    pub protections: Vec<Protection>,
}

/// What saving a client answered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientSaved {
    pub id: String,
    /// False when the server held it back because it looks like existing clients (listed here):
    /// the social worker opens one of them or confirms it is somebody else.
    pub saved: bool,
    pub possible_duplicates: Vec<ClientSummary>,
}

/// A client record as the social worker reads it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientDetail {
    pub summary: ClientSummary,
    pub telephone: Option<String>,
    pub address: Option<String>,
    pub preferred_language: Option<String>,
    pub household: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A correction or addition to a signed note, shown beside it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Addendum {
    pub id: String,
    pub text: String,
    pub author_name: String,
    pub at: DateTime<Utc>,
}

/// A crisis-intervention visit as the social worker reads it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitView {
    pub id: String,
    pub kind: InterventionKind,
    pub setting: Setting,
    pub occurred_at: DateTime<Utc>,
    pub location: Option<String>,
    pub present: Option<String>,
    pub police_report_number: Option<String>,
    pub checklist: Vec<String>,
    pub narrative: String,
    pub assessment: Option<String>,
    pub actions_taken: Option<String>,
    pub follow_up_on: Option<NaiveDate>,
    pub status: NoteStatus,
    pub author_name: String,
    /// The reader wrote it (and so may edit or sign it while it is a draft).
    pub mine: bool,
    pub signed_at: Option<DateTime<Utc>>,
    pub addenda: Vec<Addendum>,
}

/// A personal note (740 ILCS 110/2: the therapist's own impressions): only its author reads it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonalNote {
    pub id: String,
    pub text: String,
    pub at: DateTime<Utc>,
}

/// A client's whole file, for the social worker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientFile {
    pub client: ClientDetail,
    pub visits: Vec<VisitView>,
    /// The reader's own personal notes on this client, and nobody else's.
    pub personal_notes: Vec<PersonalNote>,
}

/// What saving a visit answered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitSaved {
    pub id: String,
    pub status: NoteStatus,
    /// The server already had this very content (a resend).
    pub already_had_it: bool,
}

/// A follow-up that is due, for the social worker's home screen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUp {
    pub client_id: String,
    pub client_name: String,
    pub visit_id: String,
    pub kind: InterventionKind,
    pub due: NaiveDate,
}

/// The only answer an officer or a supervisor gets about casework.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactCheck {
    pub has_contact: bool,
}

impl ContactCheck {
    pub fn message(&self) -> &'static str {
        if self.has_contact {
            "This person has a social-services contact — call the social worker."
        } else {
            "No social-services contact found under this name."
        }
    }
}
