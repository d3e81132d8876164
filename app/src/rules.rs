//! The field rules every form shares, plain Rust run by the browser and by the server alike: text
//! of a bounded length, optional dates, telephone numbers, and the ids records are filed under.
//! Each pushes a [`FieldError`] naming its field and gives back what it could read.

use chrono::NaiveDate;
use uuid::Uuid;

use crate::error::{ErrorCode, FieldError};

/// Trim; refuse empty when required and anything longer than `max` characters.
pub(crate) fn text(
    errors: &mut Vec<FieldError>,
    field: &str,
    value: &str,
    max: usize,
    required: bool,
) -> String {
    let v = value.trim();
    if required && v.is_empty() {
        errors.push(FieldError::new(field, ErrorCode::Required));
    } else if v.chars().count() > max {
        errors.push(FieldError::new(field, ErrorCode::TooLong).with_limit(max.to_string()));
    }
    v.to_string()
}

/// An optional `YYYY-MM-DD`: empty is no date; anything else must be a date, or `field` is refused.
pub(crate) fn optional_date(
    errors: &mut Vec<FieldError>,
    field: &str,
    value: &str,
) -> Option<NaiveDate> {
    match value.trim() {
        "" => None,
        v => match NaiveDate::parse_from_str(v, "%Y-%m-%d") {
            Ok(date) => Some(date),
            Err(_) => {
                errors.push(FieldError::new(field, ErrorCode::InvalidDate));
                None
            }
        },
    }
}

/// Trimmed text that is empty is no value.
pub(crate) fn non_empty(v: String) -> Option<String> {
    (!v.is_empty()).then_some(v)
}

/// Telephone: digits and the usual punctuation, 7 to 15 digits (E.164's maximum).
pub(crate) fn phone_ok(v: &str) -> bool {
    let digits = v.chars().filter(char::is_ascii_digit).count();
    let allowed = v
        .chars()
        .all(|c| c.is_ascii_digit() || " +-().x".contains(c));
    allowed && (7..=15).contains(&digits)
}

/// The id a device made for a new record: a UUIDv7 (time-ordered), or `field` is refused.
pub(crate) fn device_id(errors: &mut Vec<FieldError>, field: &str, value: &str) -> Option<Uuid> {
    match Uuid::parse_str(value.trim()) {
        Ok(id) if id.get_version_num() == 7 => Some(id),
        _ => {
            errors.push(FieldError::new(field, ErrorCode::InvalidId));
            None
        }
    }
}

/// The id of an existing record a form points at (any UUID): required, and well formed.
pub(crate) fn record_id(errors: &mut Vec<FieldError>, field: &str, value: &str) -> Option<Uuid> {
    match Uuid::parse_str(value.trim()) {
        Ok(id) => Some(id),
        Err(_) => {
            errors.push(FieldError::new(
                field,
                if value.trim().is_empty() {
                    ErrorCode::Required
                } else {
                    ErrorCode::InvalidId
                },
            ));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_device_id_is_a_uuid_v7_and_a_record_id_any_uuid() {
        let mut errors = Vec::new();
        let v7 = "01939e3c-7a10-7cc0-8d2f-6f4e2b1a9c00";
        let v4 = "9b2f3c1e-5d4a-4b8e-9f00-1c2d3e4f5a6b";
        assert!(device_id(&mut errors, "id", v7).is_some());
        assert!(device_id(&mut errors, "id", v4).is_none());
        assert!(record_id(&mut errors, "client_id", v4).is_some());
        assert!(record_id(&mut errors, "client_id", " ").is_none());
        assert!(record_id(&mut errors, "agency_id", "nope").is_none());
        let got: Vec<(&str, ErrorCode)> =
            errors.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            got,
            vec![
                ("id", ErrorCode::InvalidId),
                ("client_id", ErrorCode::Required),
                ("agency_id", ErrorCode::InvalidId),
            ]
        );
    }

    #[test]
    fn text_is_trimmed_bounded_and_required_when_asked() {
        let mut errors = Vec::new();
        assert_eq!(text(&mut errors, "name", "  Ana  ", 10, true), "Ana");
        text(&mut errors, "name", " ", 10, true);
        text(&mut errors, "note", "abcdefghijk", 10, false);
        assert_eq!(optional_date(&mut errors, "on", ""), None);
        assert_eq!(optional_date(&mut errors, "on", "2026-02-30"), None);
        let got: Vec<(&str, ErrorCode)> =
            errors.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            got,
            vec![
                ("name", ErrorCode::Required),
                ("note", ErrorCode::TooLong),
                ("on", ErrorCode::InvalidDate),
            ]
        );
        assert!(phone_ok("(630) 555-0142"));
        assert!(!phone_ok("555-01"));
        assert_eq!(non_empty(String::new()), None);
    }
}
