//! The monthly fund report (directive 515-S III.D.3) as plain Rust: from the month's disbursals to
//! persons, purposes and amounts; and its CSV, safe against formula injection.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use rust_decimal::Decimal;

use super::domain::Purpose;
use super::{MonthlyReport, PurposeLine};

/// One disbursal in the month, as the report needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Disbursal {
    /// Who received it, as the keyed blind index of [`person_identity`] (never a name): only
    /// compared, to count distinct people.
    pub person: String,
    pub purpose: Purpose,
    /// Net cash handed over (a reversed disbursal counts 0 and is left out).
    pub amount: Decimal,
}

/// `YYYY-MM` → the month's first instant and the next month's, in UTC.
pub fn month_bounds(month: &str) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let (y, m) = month.split_once('-')?;
    if y.len() != 4 || m.len() != 2 {
        return None;
    }
    let (y, m): (i32, u32) = (y.parse().ok()?, m.parse().ok()?);
    let start = NaiveDate::from_ymd_opt(y, m, 1)?;
    let next = if m == 12 {
        NaiveDate::from_ymd_opt(y + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(y, m + 1, 1)?
    };
    Some((
        Utc.from_utc_datetime(&start.and_hms_opt(0, 0, 0)?),
        Utc.from_utc_datetime(&next.and_hms_opt(0, 0, 0)?),
    ))
}

/// The audit's name for a month's report (`monthly_report:YYYY-MM`; at most 7 characters of input).
pub fn month_record(month: &str) -> String {
    format!(
        "monthly_report:{}",
        month.chars().take(7).collect::<String>()
    )
}

/// Who a recipient is for counting: name and address with case and spacing normalised. Only its
/// keyed blind index is stored (`funds::store::person_key`).
pub fn person_identity(name: &str, address: &str) -> String {
    let norm = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    format!("{}|{}", norm(name), norm(address))
}

/// Build the report from the month's disbursals and the fund's current cash.
pub fn build(month: &str, disbursals: &[Disbursal], current_balance: Decimal) -> MonthlyReport {
    let given: Vec<&Disbursal> = disbursals
        .iter()
        .filter(|d| d.amount > Decimal::ZERO)
        .collect();
    let persons: HashSet<&str> = given.iter().map(|d| d.person.as_str()).collect();
    let mut per: BTreeMap<usize, (u32, Decimal)> = BTreeMap::new();
    for d in &given {
        let idx = Purpose::ALL
            .iter()
            .position(|p| *p == d.purpose)
            .unwrap_or(0);
        let e = per.entry(idx).or_insert((0, Decimal::ZERO));
        e.0 += 1;
        e.1 += d.amount;
    }
    MonthlyReport {
        month: month.to_string(),
        persons: u32::try_from(persons.len()).unwrap_or(u32::MAX),
        disbursals: u32::try_from(given.len()).unwrap_or(u32::MAX),
        per_purpose: Purpose::ALL
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let (requests, amount) = per.get(&i).copied().unwrap_or((0, Decimal::ZERO));
                PurposeLine {
                    purpose: *p,
                    requests,
                    amount,
                }
            })
            .collect(),
        total_expended: given.iter().map(|d| d.amount).sum(),
        current_balance,
        submitted_by: None,
        submitted_at: None,
    }
}

/// A CSV cell: quoted, and a leading `= + - @` (or tab/CR) neutralised with `'` so a spreadsheet never
/// runs it as a formula.
pub fn csv_cell(value: &str) -> String {
    let v = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    };
    format!("\"{}\"", v.replace('"', "\"\""))
}

/// The report as CSV (no client names: there are none in it).
pub fn to_csv(r: &MonthlyReport) -> String {
    let mut out = String::new();
    let mut row = |cells: &[String]| {
        out.push_str(
            &cells
                .iter()
                .map(|c| csv_cell(c))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push_str("\r\n");
    };
    row(&["month".into(), r.month.clone()]);
    row(&["persons who received funds".into(), r.persons.to_string()]);
    row(&["disbursals".into(), r.disbursals.to_string()]);
    row(&["total expended".into(), format!("{:.2}", r.total_expended)]);
    row(&[
        "current balance".into(),
        format!("{:.2}", r.current_balance),
    ]);
    row(&["purpose".into(), "requests".into(), "amount".into()]);
    for p in &r.per_purpose {
        row(&[
            p.purpose.label().to_string(),
            p.requests.to_string(),
            format!("{:.2}", p.amount),
        ]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(name: &str, address: &str, purpose: Purpose, dollars: i64) -> Disbursal {
        // In the database this is the keyed blind index of the identity: equal exactly when these are.
        Disbursal {
            person: person_identity(name, address),
            purpose,
            amount: Decimal::new(dollars, 0),
        }
    }

    #[test]
    fn persons_are_distinct_people_not_requests() {
        let r = build(
            "2026-12",
            &[
                d("Maria Lopez", "100 Main St", Purpose::Food, 20),
                d(" maria  LOPEZ", "100 main st", Purpose::Transportation, 10),
                d("John Roe", "7 Elm Ct", Purpose::Food, 40),
            ],
            Decimal::new(130, 0),
        );
        assert_eq!(r.persons, 2);
        assert_eq!(r.disbursals, 3);
        assert_eq!(r.total_expended, Decimal::new(70, 0));
        let food = &r.per_purpose[0];
        assert_eq!(
            (food.purpose, food.requests, food.amount),
            (Purpose::Food, 2, Decimal::new(60, 0))
        );
        assert_eq!(
            r.per_purpose.len(),
            5,
            "every purpose is listed, even with none"
        );
    }

    #[test]
    fn reversed_disbursals_are_left_out() {
        let mut x = d("A", "B", Purpose::Medical, 20);
        x.amount = Decimal::ZERO;
        let r = build("2026-12", &[x], Decimal::new(100, 0));
        assert_eq!((r.persons, r.total_expended), (0, Decimal::ZERO));
    }

    #[test]
    fn month_bounds_cover_exactly_the_month() {
        let (a, b) = month_bounds("2026-12").unwrap();
        assert_eq!(a.to_rfc3339(), "2026-12-01T00:00:00+00:00");
        assert_eq!(b.to_rfc3339(), "2027-01-01T00:00:00+00:00");
        assert!(month_bounds("2026-13").is_none());
        assert!(month_bounds("26-1").is_none());
    }

    #[test]
    fn csv_cells_cannot_become_formulas() {
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("-5"), "\"'-5\"");
        assert_eq!(csv_cell("@SUM"), "\"'@SUM\"");
        assert_eq!(csv_cell("Food"), "\"Food\"");
        let csv = to_csv(&build("2026-12", &[], Decimal::new(75, 0)));
        assert!(csv.contains("\"current balance\",\"75.00\""), "{csv}");
    }
}
