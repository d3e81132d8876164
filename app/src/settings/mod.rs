//! Department settings: every number and title the directive fixes for Hanover Park is a setting here,
//! defaulting to the directive's value, so another department can run Haven with its own.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{AppError, ErrorCode, FieldError};

#[cfg(feature = "ssr")]
pub mod store;

/// What the browser and the server both need to apply the department's rules.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DepartmentSettings {
    pub name: String,
    /// Directive 515-S III.D.2.b: amounts above this need the Chief's (or designee's) approval.
    pub chief_approval_cap: Decimal,
    /// III.D.2.d: the cash box must keep at least this much.
    pub minimum_cash_balance: Decimal,
    /// A sanity ceiling on any single request: above it the request is refused as a typing error.
    pub request_amount_ceiling: Decimal,
    /// III.B: the victim/witness needs review is due at least this often.
    pub victim_review_interval_months: u32,
    /// How many days back an officer may date a request form.
    pub request_date_max_age_days: u32,
    /// An approval not disbursed within this many days lapses and its hold is released.
    pub hold_expiry_days: u32,
    /// A client file is kept this many years after its last activity, then listed for disposal
    /// (NASW 3.04d: as long as state law or contracts require).
    pub casework_retention_years: u32,
    /// A fund request in a final state is kept this many years, then its resident's details are
    /// listed for disposal (the amounts stay in the books).
    pub fund_retention_years: u32,
}

impl Default for DepartmentSettings {
    fn default() -> Self {
        Self {
            name: "Hanover Park Police Department".into(),
            chief_approval_cap: Decimal::new(25, 0),
            minimum_cash_balance: Decimal::new(50, 0),
            request_amount_ceiling: Decimal::new(500, 0),
            victim_review_interval_months: 24,
            request_date_max_age_days: 30,
            hold_expiry_days: 7,
            casework_retention_years: 7,
            fund_retention_years: 5,
        }
    }
}

/// The settings form as typed: text, so that every bad value can be named and kept on screen.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsDraft {
    pub name: String,
    pub chief_approval_cap: String,
    pub minimum_cash_balance: String,
    pub request_amount_ceiling: String,
    pub victim_review_interval_months: String,
    pub request_date_max_age_days: String,
    pub hold_expiry_days: String,
    #[serde(default)]
    pub casework_retention_years: String,
    #[serde(default)]
    pub fund_retention_years: String,
}

impl From<&DepartmentSettings> for SettingsDraft {
    fn from(s: &DepartmentSettings) -> Self {
        Self {
            name: s.name.clone(),
            chief_approval_cap: s.chief_approval_cap.normalize().to_string(),
            minimum_cash_balance: s.minimum_cash_balance.normalize().to_string(),
            request_amount_ceiling: s.request_amount_ceiling.normalize().to_string(),
            victim_review_interval_months: s.victim_review_interval_months.to_string(),
            request_date_max_age_days: s.request_date_max_age_days.to_string(),
            hold_expiry_days: s.hold_expiry_days.to_string(),
            casework_retention_years: s.casework_retention_years.to_string(),
            fund_retention_years: s.fund_retention_years.to_string(),
        }
    }
}

/// The largest amount any setting may hold (a typing guard, far above any emergency fund).
const MONEY_LIMIT: i64 = 100_000;

fn money(
    errors: &mut Vec<FieldError>,
    field: &'static str,
    value: &str,
    zero_allowed: bool,
) -> Decimal {
    let v = value.trim();
    if zero_allowed && v.trim_start_matches('$').trim().parse::<Decimal>() == Ok(Decimal::ZERO) {
        return Decimal::ZERO;
    }
    match crate::funds::domain::parse_amount(v, Decimal::new(MONEY_LIMIT, 0)) {
        Ok(d) => d,
        Err((code, limit)) => {
            let mut e = FieldError::new(field, code);
            if let Some(l) = limit {
                e = e.with_limit(l);
            }
            errors.push(e);
            Decimal::ZERO
        }
    }
}

fn whole(
    errors: &mut Vec<FieldError>,
    field: &'static str,
    value: &str,
    range: std::ops::RangeInclusive<u32>,
) -> u32 {
    let v = value.trim();
    if v.is_empty() {
        errors.push(FieldError::new(field, ErrorCode::Required));
        return 0;
    }
    match v.parse::<u32>() {
        Ok(n) if range.contains(&n) => n,
        Ok(_) => {
            errors.push(
                FieldError::new(field, ErrorCode::OutOfRange).with_limit(format!(
                    "{} and {}",
                    range.start(),
                    range.end()
                )),
            );
            0
        }
        Err(_) => {
            errors.push(FieldError::new(field, ErrorCode::NotAWholeNumber));
            0
        }
    }
}

/// Check the settings form: every number in range, the cap positive, the cash floor not negative,
/// the request ceiling at least the cap. Every refused field is named at once.
pub fn validate(d: &SettingsDraft) -> Result<DepartmentSettings, Vec<FieldError>> {
    let mut errors = Vec::new();
    let name = d.name.trim().to_string();
    if name.is_empty() {
        errors.push(FieldError::new("name", ErrorCode::Required));
    } else if name.chars().count() > 100 {
        errors.push(FieldError::new("name", ErrorCode::TooLong).with_limit("100"));
    }
    let chief_approval_cap = money(
        &mut errors,
        "chief_approval_cap",
        &d.chief_approval_cap,
        false,
    );
    let minimum_cash_balance = money(
        &mut errors,
        "minimum_cash_balance",
        &d.minimum_cash_balance,
        true,
    );
    let request_amount_ceiling = money(
        &mut errors,
        "request_amount_ceiling",
        &d.request_amount_ceiling,
        false,
    );
    if !errors
        .iter()
        .any(|e| e.field == "chief_approval_cap" || e.field == "request_amount_ceiling")
        && request_amount_ceiling < chief_approval_cap
    {
        errors.push(
            FieldError::new("request_amount_ceiling", ErrorCode::BelowCap)
                .with_limit(chief_approval_cap.normalize().to_string()),
        );
    }
    let victim_review_interval_months = whole(
        &mut errors,
        "victim_review_interval_months",
        &d.victim_review_interval_months,
        1..=120,
    );
    let request_date_max_age_days = whole(
        &mut errors,
        "request_date_max_age_days",
        &d.request_date_max_age_days,
        0..=365,
    );
    let hold_expiry_days = whole(&mut errors, "hold_expiry_days", &d.hold_expiry_days, 1..=90);
    let casework_retention_years = whole(
        &mut errors,
        "casework_retention_years",
        &d.casework_retention_years,
        1..=100,
    );
    let fund_retention_years = whole(
        &mut errors,
        "fund_retention_years",
        &d.fund_retention_years,
        1..=100,
    );
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(DepartmentSettings {
        name,
        chief_approval_cap,
        minimum_cash_balance,
        request_amount_ceiling,
        victim_review_interval_months,
        request_date_max_age_days,
        hold_expiry_days,
        casework_retention_years,
        fund_retention_years,
    })
}

impl DepartmentSettings {
    /// The names of the settings that differ between `self` and `other` (for the audit trail).
    pub fn changed(&self, other: &DepartmentSettings) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.name != other.name {
            out.push("name");
        }
        if self.chief_approval_cap != other.chief_approval_cap {
            out.push("chief_approval_cap");
        }
        if self.minimum_cash_balance != other.minimum_cash_balance {
            out.push("minimum_cash_balance");
        }
        if self.request_amount_ceiling != other.request_amount_ceiling {
            out.push("request_amount_ceiling");
        }
        if self.victim_review_interval_months != other.victim_review_interval_months {
            out.push("victim_review_interval_months");
        }
        if self.request_date_max_age_days != other.request_date_max_age_days {
            out.push("request_date_max_age_days");
        }
        if self.hold_expiry_days != other.hold_expiry_days {
            out.push("hold_expiry_days");
        }
        if self.casework_retention_years != other.casework_retention_years {
            out.push("casework_retention_years");
        }
        if self.fund_retention_years != other.fund_retention_years {
            out.push("fund_retention_years");
        }
        out
    }
}

/// The signed-in person's department settings (the form needs the cap and the ceiling).
#[leptos::server(endpoint = "department_settings", prefix = "/api")]
pub async fn get_department_settings() -> Result<DepartmentSettings, AppError> {
    let result = async {
        let state = crate::db::state()?;
        crate::auth::policy::require("/api/department_settings")?;
        store::load(&state.db).await
    }
    .await;
    result.inspect_err(crate::error::set_status)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(e: &[FieldError]) -> Vec<(&str, ErrorCode)> {
        e.iter().map(|f| (f.field.as_str(), f.code)).collect()
    }

    #[test]
    fn the_defaults_pass_their_own_form() {
        let d = DepartmentSettings::default();
        assert_eq!(validate(&SettingsDraft::from(&d)), Ok(d));
    }

    #[test]
    fn every_bad_setting_is_named() {
        let d = SettingsDraft {
            name: " ".into(),
            chief_approval_cap: "-5".into(),
            minimum_cash_balance: "abc".into(),
            request_amount_ceiling: "10.005".into(),
            victim_review_interval_months: "0".into(),
            request_date_max_age_days: "2.5".into(),
            hold_expiry_days: "".into(),
            casework_retention_years: "0".into(),
            fund_retention_years: "x".into(),
        };
        assert_eq!(
            fields(&validate(&d).unwrap_err()),
            vec![
                ("name", ErrorCode::Required),
                ("chief_approval_cap", ErrorCode::MustBePositive),
                ("minimum_cash_balance", ErrorCode::NotANumber),
                ("request_amount_ceiling", ErrorCode::TooManyDecimals),
                ("victim_review_interval_months", ErrorCode::OutOfRange),
                ("request_date_max_age_days", ErrorCode::NotAWholeNumber),
                ("hold_expiry_days", ErrorCode::Required),
                ("casework_retention_years", ErrorCode::OutOfRange),
                ("fund_retention_years", ErrorCode::NotAWholeNumber),
            ]
        );
    }

    #[test]
    fn the_ceiling_is_at_least_the_cap_and_the_floor_may_be_zero() {
        let mut d = SettingsDraft::from(&DepartmentSettings::default());
        d.chief_approval_cap = "40".into();
        d.request_amount_ceiling = "30".into();
        let e = validate(&d).unwrap_err();
        assert_eq!(
            fields(&e),
            vec![("request_amount_ceiling", ErrorCode::BelowCap)]
        );
        assert_eq!(
            e[0].message(),
            "Must be at least the Chief's approval cap ($40)."
        );
        d.request_amount_ceiling = "40".into();
        d.minimum_cash_balance = "0".into();
        let ok = validate(&d).unwrap();
        assert_eq!(ok.minimum_cash_balance, Decimal::ZERO);
        assert_eq!(
            ok.changed(&DepartmentSettings::default()),
            vec![
                "chief_approval_cap",
                "minimum_cash_balance",
                "request_amount_ceiling"
            ]
        );
    }

    #[test]
    fn defaults_are_the_directives_numbers() {
        let s = DepartmentSettings::default();
        assert_eq!(s.chief_approval_cap, Decimal::new(25, 0));
        assert_eq!(s.minimum_cash_balance, Decimal::new(50, 0));
        assert_eq!(s.victim_review_interval_months, 24);
        assert_eq!((s.casework_retention_years, s.fund_retention_years), (7, 5));
    }
}
