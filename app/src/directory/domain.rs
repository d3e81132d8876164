//! The Social Services Resource Directory (directive 515-S II.C) and referrals: what an agency entry
//! holds, how it is searched (the same function in the browser and on the server), what a referral
//! needs and the outcomes it is followed up to. Plain Rust.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{ErrorCode, FieldError};
use crate::rules::{non_empty as optional, optional_date, phone_ok, record_id, text};

/// The programs of the directive's directory, and what a county list usually adds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Program {
    Detoxification,
    MentalHealth,
    DrugAbuse,
    DomesticViolenceDiversion,
    JuvenileDelinquency,
    Shelter,
    FinancialAssistance,
    Food,
    Medical,
    Counseling,
    Legal,
    Other,
}

impl Program {
    pub const ALL: [Program; 12] = [
        Program::Detoxification,
        Program::MentalHealth,
        Program::DrugAbuse,
        Program::DomesticViolenceDiversion,
        Program::JuvenileDelinquency,
        Program::Shelter,
        Program::FinancialAssistance,
        Program::Food,
        Program::Medical,
        Program::Counseling,
        Program::Legal,
        Program::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Program::Detoxification => "detoxification",
            Program::MentalHealth => "mental_health",
            Program::DrugAbuse => "drug_abuse",
            Program::DomesticViolenceDiversion => "domestic_violence_diversion",
            Program::JuvenileDelinquency => "juvenile_delinquency",
            Program::Shelter => "shelter",
            Program::FinancialAssistance => "financial_assistance",
            Program::Food => "food",
            Program::Medical => "medical",
            Program::Counseling => "counseling",
            Program::Legal => "legal",
            Program::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Program::Detoxification => "Detoxification",
            Program::MentalHealth => "Mental health",
            Program::DrugAbuse => "Drug abuse",
            Program::DomesticViolenceDiversion => "Domestic-violence diversion",
            Program::JuvenileDelinquency => "Juvenile delinquency",
            Program::Shelter => "Shelter",
            Program::FinancialAssistance => "Financial assistance",
            Program::Food => "Food",
            Program::Medical => "Medical",
            Program::Counseling => "Counseling",
            Program::Legal => "Legal aid",
            Program::Other => "Other",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.code() == code.trim())
    }
}

/// An agency as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgencyDraft {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub programs: Vec<String>,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub telephone: String,
    #[serde(default)]
    pub hours: String,
    /// Comma-separated ("English, Spanish").
    #[serde(default)]
    pub languages: String,
    #[serde(default)]
    pub eligibility: String,
    /// `YYYY-MM-DD`: when someone last checked the entry with the agency.
    #[serde(default)]
    pub last_verified: String,
}

/// An agency of the directory (not confidential: public services).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agency {
    pub id: String,
    pub name: String,
    pub programs: Vec<Program>,
    pub address: Option<String>,
    pub telephone: Option<String>,
    pub hours: Option<String>,
    pub languages: Vec<String>,
    pub eligibility: Option<String>,
    pub last_verified: Option<NaiveDate>,
}

/// Check an agency entry. `today` bounds the verification date.
pub fn validate_agency(d: &AgencyDraft, today: NaiveDate) -> Result<Agency, Vec<FieldError>> {
    let mut errors = Vec::new();
    let id = record_id(&mut errors, "id", &d.id).map(|u| u.to_string());
    let name = text(&mut errors, "name", &d.name, 150, true);
    let mut programs = Vec::new();
    for code in &d.programs {
        match Program::from_code(code) {
            Some(p) if !programs.contains(&p) => programs.push(p),
            Some(_) => {}
            None => {
                errors.push(FieldError::new("programs", ErrorCode::InvalidChoice));
                break;
            }
        }
    }
    if programs.is_empty() && !errors.iter().any(|e| e.field == "programs") {
        errors.push(FieldError::new("programs", ErrorCode::NoneChosen));
    }
    let address = text(&mut errors, "address", &d.address, 200, false);
    let telephone = text(&mut errors, "telephone", &d.telephone, 30, false);
    if !telephone.is_empty() && !phone_ok(&telephone) {
        errors.push(FieldError::new("telephone", ErrorCode::InvalidPhone));
    }
    let hours = text(&mut errors, "hours", &d.hours, 200, false);
    let languages_text = text(&mut errors, "languages", &d.languages, 200, false);
    let eligibility = text(&mut errors, "eligibility", &d.eligibility, 500, false);
    let last_verified =
        optional_date(&mut errors, "last_verified", &d.last_verified).filter(|date| {
            let future = *date > today;
            if future {
                errors.push(FieldError::new("last_verified", ErrorCode::DateInFuture));
            }
            !future
        });
    match (id, errors.is_empty()) {
        (Some(id), true) => Ok(Agency {
            id,
            name,
            programs,
            address: optional(address),
            telephone: optional(telephone),
            hours: optional(hours),
            languages: languages_text
                .split([',', ';'])
                .map(|l| l.trim().to_string())
                .filter(|l| !l.is_empty())
                .collect(),
            eligibility: optional(eligibility),
            last_verified,
        }),
        _ => Err(errors),
    }
}

/// Does the agency match a search? Every word of `query` must appear in its name, address,
/// languages, eligibility or programs (case aside); `program`, when given, must be one of its.
pub fn matches(a: &Agency, query: &str, program: Option<Program>) -> bool {
    if program.is_some_and(|p| !a.programs.contains(&p)) {
        return false;
    }
    let haystack = format!(
        "{} {} {} {} {}",
        a.name,
        a.address.as_deref().unwrap_or_default(),
        a.languages.join(" "),
        a.eligibility.as_deref().unwrap_or_default(),
        a.programs
            .iter()
            .map(|p| p.label())
            .collect::<Vec<_>>()
            .join(" ")
    )
    .to_lowercase();
    query
        .to_lowercase()
        .split_whitespace()
        .all(|w| haystack.contains(w))
}

/// Search the directory: matching agencies, by name.
pub fn search<'a>(all: &'a [Agency], query: &str, program: Option<Program>) -> Vec<&'a Agency> {
    let mut found: Vec<&Agency> = all.iter().filter(|a| matches(a, query, program)).collect();
    found.sort_by_key(|a| a.name.to_lowercase());
    found
}

/// Where a referral stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferralOutcome {
    /// Made; not yet followed up.
    Pending,
    /// The client reached the agency and is being served.
    Connected,
    /// The client did not go.
    NoShow,
    /// The agency could not serve (eligibility, waiting list…).
    NotServed,
    /// The client declined.
    Declined,
}

impl ReferralOutcome {
    pub const ALL: [ReferralOutcome; 5] = [
        ReferralOutcome::Pending,
        ReferralOutcome::Connected,
        ReferralOutcome::NoShow,
        ReferralOutcome::NotServed,
        ReferralOutcome::Declined,
    ];
    pub fn code(self) -> &'static str {
        match self {
            ReferralOutcome::Pending => "pending",
            ReferralOutcome::Connected => "connected",
            ReferralOutcome::NoShow => "no_show",
            ReferralOutcome::NotServed => "not_served",
            ReferralOutcome::Declined => "declined",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            ReferralOutcome::Pending => "Waiting for follow-up",
            ReferralOutcome::Connected => "Connected with the agency",
            ReferralOutcome::NoShow => "Did not go",
            ReferralOutcome::NotServed => "Agency could not serve",
            ReferralOutcome::Declined => "Client declined",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.code() == code.trim())
    }
}

/// A referral as typed: which client, which agency, why, when to follow up.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReferralDraft {
    pub id: String,
    pub client_id: String,
    pub agency_id: String,
    pub reason: String,
    #[serde(default)]
    pub follow_up_on: String,
}

/// A referral that passed the rules.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidReferral {
    pub id: Uuid,
    pub client_id: Uuid,
    pub agency_id: Uuid,
    pub reason: String,
    pub follow_up_on: Option<NaiveDate>,
}

pub fn validate_referral(d: &ReferralDraft) -> Result<ValidReferral, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut uuid = |field: &str, v: &str| record_id(&mut errors, field, v);
    let id = uuid("id", &d.id);
    let client_id = uuid("client_id", &d.client_id);
    let agency_id = uuid("agency_id", &d.agency_id);
    let reason = text(&mut errors, "reason", &d.reason, 2000, true);
    let follow_up_on = optional_date(&mut errors, "follow_up_on", &d.follow_up_on);
    match (id, client_id, agency_id, errors.is_empty()) {
        (Some(id), Some(client_id), Some(agency_id), true) => Ok(ValidReferral {
            id,
            client_id,
            agency_id,
            reason,
            follow_up_on,
        }),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 4).expect("date")
    }

    fn agency() -> AgencyDraft {
        AgencyDraft {
            id: Uuid::now_v7().to_string(),
            name: "Alexian Brothers Behavioral Health".into(),
            programs: vec!["mental_health".into(), "detoxification".into()],
            address: "1650 Moon Lake Blvd, Hoffman Estates".into(),
            telephone: "(847) 882-1600".into(),
            languages: "English, Spanish".into(),
            last_verified: "2026-11-30".into(),
            ..Default::default()
        }
    }

    fn fields(e: Vec<FieldError>) -> Vec<(String, ErrorCode)> {
        e.into_iter().map(|f| (f.field, f.code)).collect()
    }

    #[test]
    fn an_agency_needs_a_name_and_a_program() {
        let a = validate_agency(&agency(), today()).expect("valid");
        assert_eq!(a.languages, vec!["English", "Spanish"]);
        assert_eq!(
            a.programs,
            vec![Program::MentalHealth, Program::Detoxification]
        );
        let bad = AgencyDraft {
            id: "x".into(),
            name: String::new(),
            programs: vec![],
            telephone: "none".into(),
            last_verified: "2027-01-01".into(),
            ..Default::default()
        };
        assert_eq!(
            fields(validate_agency(&bad, today()).expect_err("invalid")),
            vec![
                ("id".into(), ErrorCode::InvalidId),
                ("name".into(), ErrorCode::Required),
                ("programs".into(), ErrorCode::NoneChosen),
                ("telephone".into(), ErrorCode::InvalidPhone),
                ("last_verified".into(), ErrorCode::DateInFuture),
            ]
        );
        let unknown = AgencyDraft {
            programs: vec!["astrology".into()],
            ..agency()
        };
        assert_eq!(
            fields(validate_agency(&unknown, today()).expect_err("invalid")),
            vec![("programs".into(), ErrorCode::InvalidChoice)]
        );
    }

    #[test]
    fn search_needs_every_word_and_the_program() {
        let a = validate_agency(&agency(), today()).expect("valid");
        let shelter = validate_agency(
            &AgencyDraft {
                id: Uuid::now_v7().to_string(),
                name: "Bridge Communities".into(),
                programs: vec!["shelter".into()],
                ..Default::default()
            },
            today(),
        )
        .expect("valid");
        let all = vec![shelter.clone(), a.clone()];
        assert_eq!(search(&all, "spanish detox", None).len(), 1);
        assert_eq!(search(&all, "SPANISH", Some(Program::Shelter)).len(), 0);
        assert_eq!(
            search(&all, "", Some(Program::Shelter))[0].name,
            "Bridge Communities"
        );
        assert_eq!(
            search(&all, "", None)[0].name,
            "Alexian Brothers Behavioral Health"
        );
        assert!(search(&all, "moon lake", None).len() == 1);
    }

    #[test]
    fn a_referral_names_client_agency_and_reason() {
        let ok = ReferralDraft {
            id: Uuid::now_v7().to_string(),
            client_id: Uuid::now_v7().to_string(),
            agency_id: Uuid::now_v7().to_string(),
            reason: "Grief counseling for the widow.".into(),
            follow_up_on: "2026-12-11".into(),
        };
        assert!(validate_referral(&ok).is_ok());
        let bad = ReferralDraft {
            agency_id: String::new(),
            reason: " ".into(),
            follow_up_on: "next week".into(),
            ..ok
        };
        assert_eq!(
            fields(validate_referral(&bad).expect_err("invalid")),
            vec![
                ("agency_id".into(), ErrorCode::Required),
                ("reason".into(), ErrorCode::Required),
                ("follow_up_on".into(), ErrorCode::InvalidDate),
            ]
        );
        for o in ReferralOutcome::ALL {
            assert_eq!(ReferralOutcome::from_code(o.code()), Some(o));
        }
    }
}
