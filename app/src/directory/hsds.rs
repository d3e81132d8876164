//! The directory as Open Referral HSDS CSV (ADR 0010): one row per service, in HSDS 3.0 field names,
//! with its phone, address, schedule, languages and taxonomy flattened into the row — the join of an
//! HSDS datapackage's `services`, `phones`, `addresses`, `schedules`, `languages` and
//! `taxonomy_terms` that a county list is usually exported as. Plain Rust: parsing and writing.

use super::domain::{Agency, AgencyDraft, Program};
use crate::error::FieldError;

/// The columns, in order.
pub const COLUMNS: [&str; 10] = [
    "id",
    "name",
    "taxonomy_terms",
    "phone",
    "address_1",
    "schedule_description",
    "languages",
    "eligibility_description",
    "last_modified",
    "description",
];

/// The directory as CSV (formula-safe cells).
pub fn to_csv(agencies: &[Agency]) -> String {
    use crate::funds::report::csv_cell;
    let mut out = COLUMNS.map(csv_cell).join(",");
    out.push_str("\r\n");
    for a in agencies {
        let row = [
            a.id.clone(),
            a.name.clone(),
            a.programs
                .iter()
                .map(|p| p.code())
                .collect::<Vec<_>>()
                .join(";"),
            a.telephone.clone().unwrap_or_default(),
            a.address.clone().unwrap_or_default(),
            a.hours.clone().unwrap_or_default(),
            a.languages.join(";"),
            a.eligibility.clone().unwrap_or_default(),
            a.last_verified
                .map(|d| d.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
            String::new(),
        ];
        out.push_str(
            &row.iter()
                .map(|c| csv_cell(c))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push_str("\r\n");
    }
    out
}

/// Split CSV text into rows of cells (RFC 4180: quotes, doubled quotes, CR LF or LF).
pub fn parse_rows(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = text.trim_start_matches('\u{feff}').chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut cell)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => cell.push(c),
        }
    }
    if !cell.is_empty() || !row.is_empty() {
        row.push(cell);
        rows.push(row);
    }
    rows.retain(|r| r.iter().any(|c| !c.trim().is_empty()));
    rows
}

/// A taxonomy term as one of our programs: our codes, our labels, or the words of HSDS' common
/// terms; anything else is "other".
pub fn program_of(term: &str) -> Program {
    let t = term.trim().to_lowercase();
    if let Some(p) = Program::from_code(&t.replace([' ', '-'], "_")) {
        return p;
    }
    if let Some(p) = Program::ALL
        .into_iter()
        .find(|p| p.label().to_lowercase() == t)
    {
        return p;
    }
    let has = |w: &str| t.contains(w);
    match () {
        _ if has("detox") => Program::Detoxification,
        _ if has("mental") => Program::MentalHealth,
        _ if has("substance") || has("drug") || has("addiction") => Program::DrugAbuse,
        _ if has("domestic") => Program::DomesticViolenceDiversion,
        _ if has("juvenile") || has("youth") => Program::JuvenileDelinquency,
        _ if has("shelter") || has("housing") => Program::Shelter,
        _ if has("financial") || has("cash") || has("utility") => Program::FinancialAssistance,
        _ if has("food") || has("meal") || has("pantry") => Program::Food,
        _ if has("medical") || has("health") || has("clinic") => Program::Medical,
        _ if has("counsel") || has("grief") => Program::Counseling,
        _ if has("legal") => Program::Legal,
        _ => Program::Other,
    }
}

/// One refused row of an import: its line in the file and why.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RowError {
    pub line: usize,
    pub fields: Vec<FieldError>,
}

/// The rows of an HSDS CSV as agency drafts, with their line numbers. Columns are found by their
/// HSDS names, in any order; a file without `name` is refused as a whole. `id_for` turns the
/// file's service id into ours (an HSDS id is often not a UUID).
pub fn drafts(
    text: &str,
    id_for: impl Fn(&str) -> String,
) -> Result<Vec<(usize, AgencyDraft)>, FieldError> {
    let rows = parse_rows(text);
    let Some((header, body)) = rows.split_first() else {
        return Err(FieldError::new("csv", crate::error::ErrorCode::Required));
    };
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    let Some(name_col) = col("name") else {
        return Err(
            FieldError::new("csv", crate::error::ErrorCode::MissingColumn).with_limit("name"),
        );
    };
    let get = |row: &[String], name: &str| {
        col(name)
            .and_then(|i| row.get(i))
            .map(|v| v.trim().trim_start_matches('\'').to_string())
            .unwrap_or_default()
    };
    Ok(body
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let mut programs: Vec<String> = get(row, "taxonomy_terms")
                .split([';', '|'])
                .filter(|t| !t.trim().is_empty())
                .map(|t| program_of(t).code().to_string())
                .collect();
            programs.dedup();
            let source_id = get(row, "id");
            let name = row.get(name_col).cloned().unwrap_or_default();
            (
                i + 2,
                AgencyDraft {
                    id: id_for(if source_id.is_empty() {
                        &name
                    } else {
                        &source_id
                    }),
                    name,
                    programs,
                    address: get(row, "address_1"),
                    telephone: get(row, "phone"),
                    hours: get(row, "schedule_description"),
                    languages: get(row, "languages").replace(';', ","),
                    eligibility: get(row, "eligibility_description"),
                    last_verified: get(row, "last_modified").chars().take(10).collect(),
                },
            )
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 4).expect("date")
    }

    #[test]
    fn quotes_commas_and_new_lines_survive_a_round_trip() {
        let a = Agency {
            id: uuid::Uuid::now_v7().to_string(),
            name: "Smith, \"Jones\" & Co".into(),
            programs: vec![Program::Food, Program::Shelter],
            address: Some("1 Main St\nSuite 2".into()),
            telephone: Some("+1 630 555 0100".into()),
            hours: None,
            languages: vec!["English".into(), "Spanish".into()],
            eligibility: None,
            last_verified: NaiveDate::from_ymd_opt(2026, 11, 1),
        };
        let csv = to_csv(std::slice::from_ref(&a));
        assert!(csv.contains("\"'+1 630 555 0100\""), "formula-safe: {csv}");
        let back = drafts(&csv, |id| id.to_string()).expect("parsed");
        assert_eq!(back.len(), 1);
        let (line, d) = &back[0];
        assert_eq!(*line, 2);
        let v = super::super::domain::validate_agency(d, today()).expect("valid");
        assert_eq!(v.name, a.name);
        assert_eq!(v.programs, a.programs);
        assert_eq!(v.address, a.address);
        assert_eq!(v.telephone.as_deref(), Some("+1 630 555 0100"));
        assert_eq!(v.languages, a.languages);
        assert_eq!(v.last_verified, a.last_verified);
    }

    #[test]
    fn a_county_file_maps_its_terms_and_needs_a_name_column() {
        let csv = "name,phone,taxonomy_terms,languages,id\r\n\
                   Northwest Food Pantry,630-555-0123,Emergency Food|Meals,English;Polish,svc-17\r\n\
                   Youth Outreach,,Juvenile Justice Services,,svc-18\r\n";
        let rows = drafts(csv, |id| format!("id:{id}")).expect("parsed");
        assert_eq!(rows[0].1.id, "id:svc-17");
        assert_eq!(rows[0].1.programs, vec!["food"]);
        assert_eq!(rows[0].1.languages, "English,Polish");
        assert_eq!(rows[1].1.programs, vec!["juvenile_delinquency"]);
        assert_eq!(program_of("Astrology"), Program::Other);
        assert_eq!(program_of("Mental health"), Program::MentalHealth);
        let e = drafts("title,phone\r\nx,y\r\n", |i| i.to_string()).expect_err("no name column");
        assert_eq!(e.field, "csv");
        assert_eq!(e.limit.as_deref(), Some("name"));
    }
}
