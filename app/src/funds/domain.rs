//! The Emergency Request For Funds (directive 515-S, Appendix A) as plain Rust: the draft as typed, the
//! rules that turn it into a valid request, and the request's states. No Leptos, no I/O: the browser
//! runs these as the officer types and the server runs them again on submit.

use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{ErrorCode, FieldError};
use crate::rules::{device_id, phone_ok, text};
use crate::settings::DepartmentSettings;

pub const NAME_MAX: usize = 100;
pub const ADDRESS_MAX: usize = 200;
pub const PHONE_MAX: usize = 32;
pub const REASON_MAX: usize = 1000;
pub const AGE_MAX: u8 = 120;

/// Directive 515-S III.D.1: immediate assistance must be for one of these.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    Food,
    Transportation,
    Shelter,
    Clothing,
    Medical,
}

impl Purpose {
    pub const ALL: [Purpose; 5] = [
        Purpose::Food,
        Purpose::Transportation,
        Purpose::Shelter,
        Purpose::Clothing,
        Purpose::Medical,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Purpose::Food => "food",
            Purpose::Transportation => "transportation",
            Purpose::Shelter => "shelter",
            Purpose::Clothing => "clothing",
            Purpose::Medical => "medical",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Purpose::Food => "Food",
            Purpose::Transportation => "Transportation",
            Purpose::Shelter => "Shelter",
            Purpose::Clothing => "Clothing",
            Purpose::Medical => "Medical",
        }
    }

    pub fn from_code(code: &str) -> Option<Purpose> {
        Purpose::ALL.into_iter().find(|p| p.code() == code)
    }
}

/// The form's "M/F" box. Left empty when not recorded (least information: NASW 1.07a).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Sex {
    M,
    F,
}

impl Sex {
    pub fn code(self) -> &'static str {
        match self {
            Sex::M => "M",
            Sex::F => "F",
        }
    }
}

/// A request's place in its life (DESIGN.md capability 1). Transitions belong to the fund's
/// state machine; filing makes a request `Submitted`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    Submitted,
    AwaitingChief,
    Approved,
    Denied,
    Withdrawn,
    Disbursed,
    Filed,
    /// Approved but not disbursed in time: the hold went back to the fund.
    Expired,
}

impl RequestStatus {
    pub const ALL: [RequestStatus; 8] = [
        RequestStatus::Submitted,
        RequestStatus::AwaitingChief,
        RequestStatus::Approved,
        RequestStatus::Denied,
        RequestStatus::Withdrawn,
        RequestStatus::Disbursed,
        RequestStatus::Filed,
        RequestStatus::Expired,
    ];

    pub fn code(self) -> &'static str {
        match self {
            RequestStatus::Submitted => "submitted",
            RequestStatus::AwaitingChief => "awaiting_chief",
            RequestStatus::Approved => "approved",
            RequestStatus::Denied => "denied",
            RequestStatus::Withdrawn => "withdrawn",
            RequestStatus::Disbursed => "disbursed",
            RequestStatus::Filed => "filed",
            RequestStatus::Expired => "expired",
        }
    }

    pub fn from_code(code: &str) -> Option<RequestStatus> {
        RequestStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            RequestStatus::Submitted => "Submitted — awaiting supervisor",
            RequestStatus::AwaitingChief => "Awaiting Chief's approval",
            RequestStatus::Approved => "Approved",
            RequestStatus::Denied => "Denied",
            RequestStatus::Withdrawn => "Withdrawn",
            RequestStatus::Disbursed => "Disbursed",
            RequestStatus::Filed => "Filed",
            RequestStatus::Expired => "Expired — approval lapsed",
        }
    }
}

/// The form as typed: every value is the text of its input, so nothing typed is ever lost to a parse
/// error, and every refusal can name its field. This is also the wire format of a submission.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RequestDraft {
    /// UUIDv7 made on the device when the form is first submitted; the same on every retry.
    pub id: String,
    /// YYYY-MM-DD
    pub date: String,
    pub requester_name: String,
    pub age: String,
    /// "", "M" or "F"
    pub sex: String,
    pub address: String,
    pub telephone: String,
    pub reason: String,
    /// one of the purpose codes
    pub purpose: String,
    /// dollars, e.g. "20" or "12.50" (a leading "$" is allowed)
    pub amount_requested: String,
}

impl RequestDraft {
    pub const FIELDS: [&'static str; 10] = [
        "id",
        "date",
        "requester_name",
        "age",
        "sex",
        "address",
        "telephone",
        "reason",
        "purpose",
        "amount_requested",
    ];

    /// Read a submission from arbitrary JSON, naming every field that is unknown or not text.
    /// Numbers are accepted for `age` and `amount_requested` and read as their text.
    pub fn from_json(value: &serde_json::Value) -> Result<RequestDraft, Vec<FieldError>> {
        let Some(obj) = value.as_object() else {
            return Err(vec![FieldError::new("draft", ErrorCode::WrongType)]);
        };
        let mut errors = Vec::new();
        let mut draft = RequestDraft::default();
        for (key, val) in obj {
            let text = match val {
                serde_json::Value::String(s) => Some(s.clone()),
                serde_json::Value::Number(n) if key == "age" || key == "amount_requested" => {
                    Some(n.to_string())
                }
                serde_json::Value::Null => Some(String::new()),
                _ => None,
            };
            let slot = match key.as_str() {
                "id" => &mut draft.id,
                "date" => &mut draft.date,
                "requester_name" => &mut draft.requester_name,
                "age" => &mut draft.age,
                "sex" => &mut draft.sex,
                "address" => &mut draft.address,
                "telephone" => &mut draft.telephone,
                "reason" => &mut draft.reason,
                "purpose" => &mut draft.purpose,
                "amount_requested" => &mut draft.amount_requested,
                _ => {
                    errors.push(FieldError::new(key.clone(), ErrorCode::UnknownField));
                    continue;
                }
            };
            match text {
                Some(t) => *slot = t,
                None => errors.push(FieldError::new(key.clone(), ErrorCode::WrongType)),
            }
        }
        if errors.is_empty() {
            Ok(draft)
        } else {
            Err(errors)
        }
    }
}

/// A request that passed every rule; what the server stores.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidRequest {
    pub id: Uuid,
    pub date: NaiveDate,
    pub requester_name: String,
    pub age: u8,
    pub sex: Option<Sex>,
    pub address: String,
    pub telephone: Option<String>,
    pub reason: String,
    pub purpose: Purpose,
    pub amount_requested: Decimal,
    /// Above the department's cap: the Chief (or designee) must approve before any disbursal.
    pub needs_chief_approval: bool,
}

/// Parse a dollar amount: > 0, at most two decimals, not above the ceiling.
pub fn parse_amount(value: &str, ceiling: Decimal) -> Result<Decimal, (ErrorCode, Option<String>)> {
    let v = value.trim();
    let v = v.strip_prefix('$').unwrap_or(v).trim();
    if v.is_empty() {
        return Err((ErrorCode::Required, None));
    }
    // Plain decimal notation only: no exponents, no thousands separators, no signs but '-'.
    if !v
        .chars()
        .all(|c| c.is_ascii_digit() || c == '.' || c == '-')
    {
        return Err((ErrorCode::NotANumber, None));
    }
    let amount = Decimal::from_str(v).map_err(|_| (ErrorCode::NotANumber, None))?;
    if amount <= Decimal::ZERO {
        return Err((ErrorCode::MustBePositive, None));
    }
    if amount.normalize().scale() > 2 {
        return Err((ErrorCode::TooManyDecimals, None));
    }
    if amount > ceiling {
        return Err((
            ErrorCode::AboveCeiling,
            Some(ceiling.normalize().to_string()),
        ));
    }
    Ok(amount.round_dp(2))
}

/// Check a draft against the department's rules. `today` is the local date where the check runs;
/// a date one day ahead is tolerated for time zones.
pub fn validate(
    draft: &RequestDraft,
    settings: &DepartmentSettings,
    today: NaiveDate,
) -> Result<ValidRequest, Vec<FieldError>> {
    let mut errors = Vec::new();

    let id = device_id(&mut errors, "id", &draft.id);

    let date = match NaiveDate::parse_from_str(draft.date.trim(), "%Y-%m-%d") {
        _ if draft.date.trim().is_empty() => {
            errors.push(FieldError::new("date", ErrorCode::Required));
            None
        }
        Ok(d) if d > today + chrono::Duration::days(1) => {
            errors.push(FieldError::new("date", ErrorCode::DateInFuture));
            None
        }
        Ok(d)
            if d < today
                - chrono::Duration::days(i64::from(settings.request_date_max_age_days)) =>
        {
            errors.push(
                FieldError::new("date", ErrorCode::DateTooOld)
                    .with_limit(settings.request_date_max_age_days.to_string()),
            );
            None
        }
        Ok(d) => Some(d),
        Err(_) => {
            errors.push(FieldError::new("date", ErrorCode::InvalidDate));
            None
        }
    };

    let requester_name = text(
        &mut errors,
        "requester_name",
        &draft.requester_name,
        NAME_MAX,
        true,
    );

    let age_text = draft.age.trim();
    let age = if age_text.is_empty() {
        errors.push(FieldError::new("age", ErrorCode::Required));
        None
    } else {
        match age_text.parse::<i64>() {
            Ok(a) if (0..=i64::from(AGE_MAX)).contains(&a) => u8::try_from(a).ok(),
            Ok(_) => {
                errors.push(
                    FieldError::new("age", ErrorCode::OutOfRange)
                        .with_limit(format!("0 and {AGE_MAX}")),
                );
                None
            }
            Err(_) => {
                errors.push(FieldError::new("age", ErrorCode::NotAWholeNumber));
                None
            }
        }
    };

    let sex = match draft.sex.trim() {
        "" => None,
        "M" | "m" => Some(Sex::M),
        "F" | "f" => Some(Sex::F),
        _ => {
            errors.push(FieldError::new("sex", ErrorCode::InvalidChoice));
            None
        }
    };

    let address = text(&mut errors, "address", &draft.address, ADDRESS_MAX, true);

    let telephone = text(&mut errors, "telephone", &draft.telephone, PHONE_MAX, false);
    if !telephone.is_empty() && telephone.chars().count() <= PHONE_MAX && !phone_ok(&telephone) {
        errors.push(FieldError::new("telephone", ErrorCode::InvalidPhone));
    }

    let reason = text(&mut errors, "reason", &draft.reason, REASON_MAX, true);

    let purpose = match draft.purpose.trim() {
        "" => {
            errors.push(FieldError::new("purpose", ErrorCode::Required));
            None
        }
        code => {
            let p = Purpose::from_code(code);
            if p.is_none() {
                errors.push(FieldError::new("purpose", ErrorCode::InvalidChoice));
            }
            p
        }
    };

    let amount = match parse_amount(&draft.amount_requested, settings.request_amount_ceiling) {
        Ok(a) => Some(a),
        Err((code, limit)) => {
            let mut e = FieldError::new("amount_requested", code);
            e.limit = limit;
            errors.push(e);
            None
        }
    };

    match (id, date, age, purpose, amount) {
        (Some(id), Some(date), Some(age), Some(purpose), Some(amount)) if errors.is_empty() => {
            Ok(ValidRequest {
                id,
                date,
                requester_name,
                age,
                sex,
                address,
                telephone: (!telephone.is_empty()).then_some(telephone),
                reason,
                purpose,
                amount_requested: amount,
                needs_chief_approval: amount > settings.chief_approval_cap,
            })
        }
        _ => Err(errors),
    }
}

/// Whether a typed amount is above the cap (for the notice under the field while typing).
pub fn above_cap(amount: &str, settings: &DepartmentSettings) -> bool {
    parse_amount(amount, settings.request_amount_ceiling)
        .map(|a| a > settings.chief_approval_cap)
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 3).unwrap_or_default()
    }

    fn good() -> RequestDraft {
        RequestDraft {
            id: Uuid::now_v7().to_string(),
            date: "2026-12-03".into(),
            requester_name: "  Maria Lopez ".into(),
            age: "34".into(),
            sex: "F".into(),
            address: "100 Main St, Hanover Park".into(),
            telephone: "(630) 555-0100".into(),
            reason: "Stranded after a house fire; needs a meal tonight.".into(),
            purpose: "food".into(),
            amount_requested: "20.00".into(),
        }
    }

    fn codes(draft: &RequestDraft) -> Vec<(String, ErrorCode)> {
        match validate(draft, &DepartmentSettings::default(), today()) {
            Ok(_) => vec![],
            Err(errs) => errs.into_iter().map(|e| (e.field, e.code)).collect(),
        }
    }

    fn one(field: &str, code: ErrorCode) -> Vec<(String, ErrorCode)> {
        vec![(field.to_string(), code)]
    }

    #[test]
    fn a_complete_form_is_valid_and_trimmed() {
        let v = validate(&good(), &DepartmentSettings::default(), today());
        let v = v.unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(v.requester_name, "Maria Lopez");
        assert_eq!(v.amount_requested, Decimal::new(2000, 2));
        assert_eq!(v.purpose, Purpose::Food);
        assert_eq!(v.sex, Some(Sex::F));
        assert!(!v.needs_chief_approval);
    }

    #[test]
    fn amount_rules() {
        let ceiling = Decimal::new(500, 0);
        assert_eq!(parse_amount("$12.5", ceiling), Ok(Decimal::new(1250, 2)));
        assert_eq!(parse_amount("25.000", ceiling), Ok(Decimal::new(25, 0)));
        assert_eq!(parse_amount("", ceiling), Err((ErrorCode::Required, None)));
        assert_eq!(
            parse_amount("abc", ceiling),
            Err((ErrorCode::NotANumber, None))
        );
        assert_eq!(
            parse_amount("1e3", ceiling),
            Err((ErrorCode::NotANumber, None))
        );
        assert_eq!(
            parse_amount("1,000", ceiling),
            Err((ErrorCode::NotANumber, None))
        );
        assert_eq!(
            parse_amount("0", ceiling),
            Err((ErrorCode::MustBePositive, None))
        );
        assert_eq!(
            parse_amount("-5", ceiling),
            Err((ErrorCode::MustBePositive, None))
        );
        assert_eq!(
            parse_amount("12.345", ceiling),
            Err((ErrorCode::TooManyDecimals, None))
        );
        assert_eq!(
            parse_amount("500.01", ceiling),
            Err((ErrorCode::AboveCeiling, Some("500".into())))
        );
        assert_eq!(parse_amount("500", ceiling), Ok(Decimal::new(500, 0)));
    }

    #[test]
    fn above_the_cap_is_accepted_but_flagged() {
        let mut d = good();
        d.amount_requested = "25.01".into();
        let v = validate(&d, &DepartmentSettings::default(), today());
        assert!(v.map(|v| v.needs_chief_approval).unwrap_or(false));
        d.amount_requested = "25".into();
        let v = validate(&d, &DepartmentSettings::default(), today());
        assert!(!v.map(|v| v.needs_chief_approval).unwrap_or(true));
    }

    #[test]
    fn the_cap_is_a_department_setting() {
        let settings = DepartmentSettings {
            chief_approval_cap: Decimal::new(40, 0),
            ..DepartmentSettings::default()
        };
        let mut d = good();
        d.amount_requested = "30".into();
        let v = validate(&d, &settings, today());
        assert!(!v.map(|v| v.needs_chief_approval).unwrap_or(true));
        assert!(above_cap("40.01", &settings));
    }

    #[test]
    fn purpose_must_be_one_of_the_five() {
        let mut d = good();
        d.purpose = "rent".into();
        assert_eq!(codes(&d), one("purpose", ErrorCode::InvalidChoice));
        d.purpose = "".into();
        assert_eq!(codes(&d), one("purpose", ErrorCode::Required));
        for p in Purpose::ALL {
            d.purpose = p.code().into();
            assert!(codes(&d).is_empty());
        }
    }

    #[test]
    fn reason_required_and_bounded() {
        let mut d = good();
        d.reason = "   ".into();
        assert_eq!(codes(&d), one("reason", ErrorCode::Required));
        d.reason = "x".repeat(REASON_MAX + 1);
        assert_eq!(codes(&d), one("reason", ErrorCode::TooLong));
        d.reason = "é".repeat(REASON_MAX);
        assert!(codes(&d).is_empty(), "bounded in characters, not bytes");
    }

    #[test]
    fn age_between_0_and_120() {
        let mut d = good();
        for (age, expect) in [
            ("0", None),
            ("120", None),
            ("121", Some(ErrorCode::OutOfRange)),
            ("-1", Some(ErrorCode::OutOfRange)),
            ("3.5", Some(ErrorCode::NotAWholeNumber)),
            ("", Some(ErrorCode::Required)),
        ] {
            d.age = age.into();
            let got = codes(&d);
            match expect {
                None => assert!(got.is_empty(), "{age}: {got:?}"),
                Some(code) => assert_eq!(got, one("age", code), "{age}"),
            }
        }
    }

    #[test]
    fn names_phone_and_address_bounded() {
        let mut d = good();
        d.requester_name = "x".repeat(NAME_MAX + 1);
        assert_eq!(codes(&d), one("requester_name", ErrorCode::TooLong));
        let mut d = good();
        d.address = "".into();
        assert_eq!(codes(&d), one("address", ErrorCode::Required));
        let mut d = good();
        d.telephone = "call me".into();
        assert_eq!(codes(&d), one("telephone", ErrorCode::InvalidPhone));
        d.telephone = "".into();
        assert!(codes(&d).is_empty(), "telephone is optional");
        d.telephone = "9".repeat(PHONE_MAX + 1);
        assert_eq!(codes(&d), one("telephone", ErrorCode::TooLong));
    }

    #[test]
    fn sex_as_on_the_form_or_blank() {
        let mut d = good();
        d.sex = "".into();
        assert!(codes(&d).is_empty());
        d.sex = "X".into();
        assert_eq!(codes(&d), one("sex", ErrorCode::InvalidChoice));
    }

    #[test]
    fn date_rules() {
        let mut d = good();
        d.date = "2026-12-04".into();
        assert!(
            codes(&d).is_empty(),
            "one day ahead is tolerated for time zones"
        );
        d.date = "2026-12-05".into();
        assert_eq!(codes(&d), one("date", ErrorCode::DateInFuture));
        d.date = "2026-10-01".into();
        assert_eq!(codes(&d), one("date", ErrorCode::DateTooOld));
        d.date = "12/03/2026".into();
        assert_eq!(codes(&d), one("date", ErrorCode::InvalidDate));
    }

    #[test]
    fn id_must_be_a_uuid_v7() {
        let mut d = good();
        d.id = Uuid::nil().to_string();
        assert_eq!(codes(&d), one("id", ErrorCode::InvalidId));
        d.id = "not-a-uuid".into();
        assert_eq!(codes(&d), one("id", ErrorCode::InvalidId));
    }

    #[test]
    fn every_error_is_reported_at_once() {
        let d = RequestDraft::default();
        let fields: Vec<String> = codes(&d).into_iter().map(|(f, _)| f).collect();
        for f in [
            "id",
            "date",
            "requester_name",
            "age",
            "address",
            "reason",
            "purpose",
            "amount_requested",
        ] {
            assert!(
                fields.contains(&f.to_string()),
                "{f} missing from {fields:?}"
            );
        }
    }

    #[test]
    fn json_submissions_name_unknown_and_mistyped_fields() {
        let v = serde_json::json!({
            "requester_name": "A", "amount_requested": 12.5, "age": 30, "is_admin": true,
            "reason": ["x"]
        });
        let errs = RequestDraft::from_json(&v).err().unwrap_or_default();
        assert!(errs.contains(&FieldError::new("is_admin", ErrorCode::UnknownField)));
        assert!(errs.contains(&FieldError::new("reason", ErrorCode::WrongType)));
        let v = serde_json::json!({ "amount_requested": 12.5, "age": 30 });
        let d = RequestDraft::from_json(&v).unwrap_or_default();
        assert_eq!(d.amount_requested, "12.5");
        assert_eq!(d.age, "30");
        assert!(RequestDraft::from_json(&serde_json::json!([1])).is_err());
    }

    #[test]
    fn the_wire_format_rejects_unknown_fields() {
        let r: Result<RequestDraft, _> = serde_json::from_str(r#"{"date":"x","extra":1}"#);
        assert!(r.is_err());
    }
}
