//! Department settings: every number and title the directive fixes for Hanover Park is a setting here,
//! defaulting to the directive's value, so another department can run Haven with its own.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

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
        }
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

    #[test]
    fn defaults_are_the_directives_numbers() {
        let s = DepartmentSettings::default();
        assert_eq!(s.chief_approval_cap, Decimal::new(25, 0));
        assert_eq!(s.minimum_cash_balance, Decimal::new(50, 0));
        assert_eq!(s.victim_review_interval_months, 24);
    }
}
