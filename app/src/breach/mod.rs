//! Breach reports (NASW 1.07, 740 ILCS 110, CJIS 5.3 incident response): anyone reports a potential
//! or actual breach in two taps; the Deputy Chief of Support Services sees it at once with the
//! records that could be affected, computed from the audit trail (which client records the reporter
//! touched, from which devices, over the look-back window).
//!
//! - [`api`]: server functions; `store` (`ssr`): storage and the affected-records computation;
//!   [`views`]: the two-tap report screen and the Deputy Chief's list.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub mod api;
#[cfg(feature = "ssr")]
pub mod store;
pub mod views;

/// Days of the reporter's activity that count as possibly exposed.
pub const LOOK_BACK_DAYS: i64 = 30;

/// What happened, as the reporter picks it with one tap.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BreachKind {
    /// A phone, tablet or laptop with Haven on it is lost or stolen.
    LostDevice,
    /// Records were sent or shown to the wrong person.
    MisdirectedDisclosure,
    /// Someone saw or used Haven who should not have.
    UnauthorizedAccess,
    Other,
}

impl BreachKind {
    pub const ALL: [BreachKind; 4] = [
        BreachKind::LostDevice,
        BreachKind::MisdirectedDisclosure,
        BreachKind::UnauthorizedAccess,
        BreachKind::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            BreachKind::LostDevice => "lost_device",
            BreachKind::MisdirectedDisclosure => "misdirected_disclosure",
            BreachKind::UnauthorizedAccess => "unauthorized_access",
            BreachKind::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<BreachKind> {
        BreachKind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            BreachKind::LostDevice => "I lost a phone or tablet (or it was stolen)",
            BreachKind::MisdirectedDisclosure => "Records went to the wrong person",
            BreachKind::UnauthorizedAccess => "Someone saw or used Haven who should not have",
            BreachKind::Other => "Something else",
        }
    }
}

/// The most characters of the optional note.
pub const NOTE_MAX: usize = 500;

/// What the reporter is told.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BreachReceipt {
    pub id: String,
    pub affected_records: usize,
    /// Other sessions of the reporter ended now (a lost device's included).
    pub sessions_ended: usize,
}

/// A report as the Deputy Chief's list shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BreachSummary {
    pub id: String,
    pub kind: BreachKind,
    pub reported_by: String,
    pub reported_at: DateTime<Utc>,
    pub affected_records: usize,
    pub acknowledged: bool,
}

/// One possibly affected record: whose it is and when the reporter last touched it, from where.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AffectedRecord {
    pub record: String,
    /// The person the record is about (the resident), for the breach notice.
    pub person: String,
    pub last_access: String,
    pub device: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BreachDetail {
    pub summary: BreachSummary,
    pub note: String,
    /// The devices the reporter used in the look-back window (the device inventory).
    pub devices: Vec<String>,
    pub affected: Vec<AffectedRecord>,
}

/// Check a report's input; the error names the field.
pub fn validate(kind: &str, note: &str) -> Result<BreachKind, crate::error::AppError> {
    use crate::error::{AppError, ErrorCode, FieldError};
    let mut errors = Vec::new();
    let kind = BreachKind::from_code(kind.trim());
    if kind.is_none() {
        errors.push(FieldError::new("kind", ErrorCode::InvalidChoice));
    }
    if note.chars().count() > NOTE_MAX {
        errors.push(FieldError::new("note", ErrorCode::TooLong).with_limit(NOTE_MAX.to_string()));
    }
    match kind {
        Some(k) if errors.is_empty() => Ok(k),
        _ => Err(AppError::invalid(errors)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_and_bad_input_is_named() {
        for k in BreachKind::ALL {
            assert_eq!(BreachKind::from_code(k.code()), Some(k));
        }
        assert_eq!(validate("lost_device", ""), Ok(BreachKind::LostDevice));
        let e = validate("fire", &"x".repeat(NOTE_MAX + 1)).unwrap_err();
        let fields: Vec<&str> = e.field_errors().iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, vec!["kind", "note"]);
    }
}
