//! The unit's own records (directive 515-S II.E, III.A–B): in-service training of officers, the
//! victim/witness needs review due at least every review interval (two years by default), and
//! public-information activities with the media relations unit. Plain Rust, shared by browser
//! and server.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{ErrorCode, FieldError};
use crate::rules::{device_id, non_empty, optional_date, text};

fn past_date(
    errors: &mut Vec<FieldError>,
    field: &str,
    value: &str,
    today: NaiveDate,
) -> Option<NaiveDate> {
    if value.trim().is_empty() {
        errors.push(FieldError::new(field, ErrorCode::Required));
        return None;
    }
    let d = optional_date(errors, field, value)?;
    if d > today {
        errors.push(FieldError::new(field, ErrorCode::DateInFuture));
        return None;
    }
    Some(d)
}

/// An in-service training session as typed (II.E).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainingDraft {
    pub id: String,
    pub date: String,
    pub topic: String,
    pub trainer: String,
    /// People of the department roster who attended (person ids).
    #[serde(default)]
    pub attendees: Vec<String>,
    #[serde(default)]
    pub materials: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidTraining {
    pub id: Uuid,
    pub date: NaiveDate,
    pub topic: String,
    pub trainer: String,
    pub attendees: Vec<String>,
    pub materials: Option<String>,
}

pub fn validate_training(
    d: &TrainingDraft,
    today: NaiveDate,
) -> Result<ValidTraining, Vec<FieldError>> {
    let mut errors = Vec::new();
    let id = device_id(&mut errors, "id", &d.id);
    let date = past_date(&mut errors, "date", &d.date, today);
    let topic = text(&mut errors, "topic", &d.topic, 200, true);
    let trainer = text(&mut errors, "trainer", &d.trainer, 100, true);
    let mut attendees: Vec<String> = Vec::new();
    for a in &d.attendees {
        // Person keys are opaque strings made by the server: well formed, not empty.
        let a = a.trim();
        if a.is_empty()
            || a.len() > 64
            || !a
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            errors.push(FieldError::new("attendees", ErrorCode::InvalidChoice));
            break;
        }
        if !attendees.iter().any(|x| x == a) {
            attendees.push(a.to_string());
        }
    }
    if d.attendees.is_empty() {
        errors.push(FieldError::new("attendees", ErrorCode::NoneChosen));
    }
    let materials = text(&mut errors, "materials", &d.materials, 2000, false);
    match (id, date, errors.is_empty()) {
        (Some(id), Some(date), true) => Ok(ValidTraining {
            id,
            date,
            topic,
            trainer,
            attendees,
            materials: non_empty(materials),
        }),
        _ => Err(errors),
    }
}

/// The documented victim/witness needs review (III.B) as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewDraft {
    pub id: String,
    pub reviewed_on: String,
    /// What the needs of victims and witnesses are found to be.
    pub findings: String,
    /// The services reviewed, including other agencies' (to avoid duplicating them).
    pub services: String,
    pub decisions: String,
    /// References to attached documents (file names, locations).
    #[serde(default)]
    pub attachments: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidReview {
    pub id: Uuid,
    pub reviewed_on: NaiveDate,
    pub findings: String,
    pub services: String,
    pub decisions: String,
    pub attachments: Option<String>,
}

pub fn validate_review(d: &ReviewDraft, today: NaiveDate) -> Result<ValidReview, Vec<FieldError>> {
    let mut errors = Vec::new();
    let id = device_id(&mut errors, "id", &d.id);
    let reviewed_on = past_date(&mut errors, "reviewed_on", &d.reviewed_on, today);
    let findings = text(&mut errors, "findings", &d.findings, 5000, true);
    let services = text(&mut errors, "services", &d.services, 5000, true);
    let decisions = text(&mut errors, "decisions", &d.decisions, 5000, true);
    let attachments = text(&mut errors, "attachments", &d.attachments, 2000, false);
    match (id, reviewed_on, errors.is_empty()) {
        (Some(id), Some(reviewed_on), true) => Ok(ValidReview {
            id,
            reviewed_on,
            findings,
            services,
            decisions,
            attachments: non_empty(attachments),
        }),
        _ => Err(errors),
    }
}

/// A public-information activity with the media relations unit (III.A) as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicInfoDraft {
    pub id: String,
    pub date: String,
    /// Press release, radio, social media, community meeting…
    pub medium: String,
    pub audience: String,
    pub material: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidPublicInfo {
    pub id: Uuid,
    pub date: NaiveDate,
    pub medium: String,
    pub audience: String,
    pub material: String,
}

pub fn validate_public_info(
    d: &PublicInfoDraft,
    today: NaiveDate,
) -> Result<ValidPublicInfo, Vec<FieldError>> {
    let mut errors = Vec::new();
    let id = device_id(&mut errors, "id", &d.id);
    let date = past_date(&mut errors, "date", &d.date, today);
    let medium = text(&mut errors, "medium", &d.medium, 100, true);
    let audience = text(&mut errors, "audience", &d.audience, 200, true);
    let material = text(&mut errors, "material", &d.material, 2000, true);
    match (id, date, errors.is_empty()) {
        (Some(id), Some(date), true) => Ok(ValidPublicInfo {
            id,
            date,
            medium,
            audience,
            material,
        }),
        _ => Err(errors),
    }
}

/// When the next needs review falls due: `months` after the last.
pub fn next_review_due(last: NaiveDate, months: u32) -> NaiveDate {
    last.checked_add_months(Months::new(months))
        .unwrap_or(NaiveDate::MAX)
}

/// How far ahead the reminders start: 90 days, then again at 30.
pub const FIRST_REMINDER_DAYS: i64 = 90;
pub const SECOND_REMINDER_DAYS: i64 = 30;

/// What the social worker and the Deputy Chief are told about the next review.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ReviewReminder {
    /// No review was ever recorded: one is due now.
    NeverDone,
    /// Due in `days` (90 or fewer); `urgent` from 30 days on.
    Due {
        due: NaiveDate,
        days: i64,
        urgent: bool,
    },
    /// Past due by `days`.
    Overdue { due: NaiveDate, days: i64 },
}

impl ReviewReminder {
    pub fn message(&self) -> String {
        match self {
            ReviewReminder::NeverDone => {
                "No victim/witness needs review is on record: one is due now (directive 515-S III.B)."
                    .into()
            }
            ReviewReminder::Due { due, days, .. } => format!(
                "The victim/witness needs review is due in {days} day(s), on {}.",
                due.format("%Y-%m-%d")
            ),
            ReviewReminder::Overdue { due, days } => format!(
                "The victim/witness needs review is overdue by {days} day(s): it was due on {}.",
                due.format("%Y-%m-%d")
            ),
        }
    }
}

/// The reminder to show on `today`, if any: nothing more than 90 days ahead.
pub fn reminder(last: Option<NaiveDate>, months: u32, today: NaiveDate) -> Option<ReviewReminder> {
    let Some(last) = last else {
        return Some(ReviewReminder::NeverDone);
    };
    let due = next_review_due(last, months);
    let days = (due - today).num_days();
    if days < 0 {
        Some(ReviewReminder::Overdue { due, days: -days })
    } else if days <= FIRST_REMINDER_DAYS {
        Some(ReviewReminder::Due {
            due,
            days,
            urgent: days <= SECOND_REMINDER_DAYS,
        })
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn reminders_start_90_days_ahead_turn_urgent_at_30_and_then_say_overdue() {
        let today = d(2026, 12, 4);
        assert_eq!(reminder(None, 24, today), Some(ReviewReminder::NeverDone));
        // Reviewed 2025-01-02: next due 2027-01-02, in 29 days.
        assert_eq!(
            reminder(Some(d(2025, 1, 2)), 24, today),
            Some(ReviewReminder::Due {
                due: d(2027, 1, 2),
                days: 29,
                urgent: true
            })
        );
        assert_eq!(
            reminder(Some(d(2025, 3, 4)), 24, today),
            Some(ReviewReminder::Due {
                due: d(2027, 3, 4),
                days: 90,
                urgent: false
            })
        );
        assert_eq!(reminder(Some(d(2025, 3, 5)), 24, today), None);
        assert_eq!(
            reminder(Some(d(2024, 12, 1)), 24, today),
            Some(ReviewReminder::Overdue {
                due: d(2026, 12, 1),
                days: 3
            })
        );
        // The interval is the department's: a yearly review.
        assert_eq!(
            reminder(Some(d(2026, 1, 2)), 12, today),
            Some(ReviewReminder::Due {
                due: d(2027, 1, 2),
                days: 29,
                urgent: true
            })
        );
        assert!(reminder(Some(d(2025, 1, 2)), 24, today)
            .expect("due")
            .message()
            .contains("due in 29 day(s)"));
    }

    #[test]
    fn each_unit_record_names_its_missing_fields() {
        let today = d(2026, 12, 4);
        let fields = |e: Vec<FieldError>| e.into_iter().map(|f| f.field).collect::<Vec<_>>();
        let t = validate_training(
            &TrainingDraft {
                id: Uuid::now_v7().to_string(),
                date: "2027-01-01".into(),
                ..Default::default()
            },
            today,
        )
        .expect_err("invalid");
        assert_eq!(fields(t), vec!["date", "topic", "trainer", "attendees"]);
        let r = validate_review(
            &ReviewDraft {
                id: Uuid::now_v7().to_string(),
                ..Default::default()
            },
            today,
        )
        .expect_err("invalid");
        assert_eq!(
            fields(r),
            vec!["reviewed_on", "findings", "services", "decisions"]
        );
        let p = validate_public_info(
            &PublicInfoDraft {
                id: "x".into(),
                date: "2026-12-01".into(),
                ..Default::default()
            },
            today,
        )
        .expect_err("invalid");
        assert_eq!(fields(p), vec!["id", "medium", "audience", "material"]);
        let ok = validate_training(
            &TrainingDraft {
                id: Uuid::now_v7().to_string(),
                date: "2026-11-30".into(),
                topic: "The role of social work in a police setting".into(),
                trainer: "Rosa Rivera, MSW".into(),
                attendees: vec!["abc".into(), "abc".into(), "def".into()],
                materials: String::new(),
            },
            today,
        )
        .expect("valid");
        assert_eq!(ok.attendees, vec!["abc", "def"]);
    }
}
