//! Reading the department record (created with the directive's defaults by the first migration).

use rust_decimal::Decimal;
use surrealdb::types::SurrealValue;

use super::DepartmentSettings;
use crate::db::{db_error, Db};
use crate::error::AppError;

#[derive(SurrealValue)]
struct Row {
    name: String,
    chief_approval_cap: Decimal,
    minimum_cash_balance: Decimal,
    request_amount_ceiling: Decimal,
    victim_review_interval_months: i64,
    request_date_max_age_days: i64,
    hold_expiry_days: Option<i64>,
    casework_retention_years: Option<i64>,
    fund_retention_years: Option<i64>,
}

pub async fn load(db: &Db) -> Result<DepartmentSettings, AppError> {
    let mut res = db
        .query("SELECT * OMIT id FROM ONLY department:default")
        .await
        .map_err(|e| db_error("load settings", e))?;
    let row: Option<Row> = res.take(0).map_err(|e| db_error("load settings", e))?;
    let Some(row) = row else {
        return Ok(DepartmentSettings::default());
    };
    Ok(DepartmentSettings {
        name: row.name,
        chief_approval_cap: row.chief_approval_cap,
        minimum_cash_balance: row.minimum_cash_balance,
        request_amount_ceiling: row.request_amount_ceiling,
        victim_review_interval_months: u32::try_from(row.victim_review_interval_months)
            .unwrap_or(24),
        request_date_max_age_days: u32::try_from(row.request_date_max_age_days).unwrap_or(30),
        hold_expiry_days: row
            .hold_expiry_days
            .and_then(|d| u32::try_from(d).ok())
            .unwrap_or(7),
        casework_retention_years: row
            .casework_retention_years
            .and_then(|d| u32::try_from(d).ok())
            .unwrap_or(7),
        fund_retention_years: row
            .fund_retention_years
            .and_then(|d| u32::try_from(d).ok())
            .unwrap_or(5),
    })
}
