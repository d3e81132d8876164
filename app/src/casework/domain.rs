//! Casework rules (directive 515-S I–II, NASW 1.07): what a client record may hold, the kinds of
//! crisis intervention and their checklists, what a visit note needs, and what may change once it
//! is signed. Plain Rust: the browser runs these checks as the social worker types, the server runs
//! them again on everything it receives.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{ErrorCode, FieldError};
use crate::rules::{device_id, non_empty as optional, optional_date, phone_ok, record_id, text};

/// Labels of records that carry protection beyond the rest (Illinois law and 42 CFR Part 2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Protection {
    Juvenile,
    DomesticViolence,
    /// Substance use disorder records (42 CFR Part 2): no disclosure without a Part 2 consent.
    SubstanceUse,
}

impl Protection {
    pub const ALL: [Protection; 3] = [
        Protection::Juvenile,
        Protection::DomesticViolence,
        Protection::SubstanceUse,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Protection::Juvenile => "juvenile",
            Protection::DomesticViolence => "domestic_violence",
            Protection::SubstanceUse => "substance_use",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Protection::Juvenile => "Juvenile",
            Protection::DomesticViolence => "Domestic violence",
            Protection::SubstanceUse => "Substance use (42 CFR Part 2)",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.code() == code)
    }
}

/// What a note records: the crisis interventions of directive 515-S II.A (at the station or
/// on-site), and the unit's clinical assessments, short-term counseling (individual, family, group,
/// marital) and group guidance (I.B, II.C–D). One note shape serves all: when, where, who was
/// present, narrative, assessment, actions, follow-up, and the checklist of its kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InterventionKind {
    DeathNotification,
    PsychiatricAssessment,
    JuvenileProblem,
    DomesticViolence,
    MentalHealth,
    SubstanceUse,
    Other,
    ClinicalAssessment,
    IndividualCounseling,
    FamilyCounseling,
    GroupCounseling,
    MaritalCounseling,
    GroupGuidance,
}

impl InterventionKind {
    pub const ALL: [InterventionKind; 13] = [
        InterventionKind::DeathNotification,
        InterventionKind::PsychiatricAssessment,
        InterventionKind::JuvenileProblem,
        InterventionKind::DomesticViolence,
        InterventionKind::MentalHealth,
        InterventionKind::SubstanceUse,
        InterventionKind::Other,
        InterventionKind::ClinicalAssessment,
        InterventionKind::IndividualCounseling,
        InterventionKind::FamilyCounseling,
        InterventionKind::GroupCounseling,
        InterventionKind::MaritalCounseling,
        InterventionKind::GroupGuidance,
    ];

    /// A crisis intervention (II.A), rather than an assessment or a counseling session.
    pub fn is_crisis(self) -> bool {
        matches!(
            self,
            InterventionKind::DeathNotification
                | InterventionKind::PsychiatricAssessment
                | InterventionKind::JuvenileProblem
                | InterventionKind::DomesticViolence
                | InterventionKind::MentalHealth
                | InterventionKind::SubstanceUse
                | InterventionKind::Other
        )
    }

    pub fn code(self) -> &'static str {
        match self {
            InterventionKind::DeathNotification => "death_notification",
            InterventionKind::PsychiatricAssessment => "psychiatric_assessment",
            InterventionKind::JuvenileProblem => "juvenile_problem",
            InterventionKind::DomesticViolence => "domestic_violence",
            InterventionKind::MentalHealth => "mental_health",
            InterventionKind::SubstanceUse => "substance_use",
            InterventionKind::Other => "other",
            InterventionKind::ClinicalAssessment => "clinical_assessment",
            InterventionKind::IndividualCounseling => "individual_counseling",
            InterventionKind::FamilyCounseling => "family_counseling",
            InterventionKind::GroupCounseling => "group_counseling",
            InterventionKind::MaritalCounseling => "marital_counseling",
            InterventionKind::GroupGuidance => "group_guidance",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            InterventionKind::DeathNotification => "Death notification",
            InterventionKind::PsychiatricAssessment => "Psychiatric hospitalization assessment",
            InterventionKind::JuvenileProblem => "Juvenile problem",
            InterventionKind::DomesticViolence => "Domestic violence",
            InterventionKind::MentalHealth => "Mental health",
            InterventionKind::SubstanceUse => "Substance use",
            InterventionKind::Other => "Other",
            InterventionKind::ClinicalAssessment => "Clinical assessment",
            InterventionKind::IndividualCounseling => "Individual counseling",
            InterventionKind::FamilyCounseling => "Family counseling",
            InterventionKind::GroupCounseling => "Group counseling",
            InterventionKind::MaritalCounseling => "Marital counseling",
            InterventionKind::GroupGuidance => "Group guidance",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The protection a visit of this kind puts on the client's record.
    pub fn protection(self) -> Option<Protection> {
        match self {
            InterventionKind::JuvenileProblem => Some(Protection::Juvenile),
            InterventionKind::DomesticViolence => Some(Protection::DomesticViolence),
            InterventionKind::SubstanceUse => Some(Protection::SubstanceUse),
            _ => None,
        }
    }

    /// What the social worker ticks on the phone, in order: (code, what it says).
    pub fn checklist(self) -> &'static [(&'static str, &'static str)] {
        match self {
            InterventionKind::DeathNotification => &[
                (
                    "verify_identity",
                    "Identity of the deceased verified with the coroner or the investigating officer",
                ),
                ("next_of_kin", "Next of kin identified and found"),
                ("in_person", "Notified in person, in plain words, with an officer present"),
                ("who_stays", "Someone stays with the family (relative, neighbour, clergy)"),
                ("next_steps", "Told the family what happens next (coroner, funeral home)"),
                ("follow_up", "Follow-up contact arranged"),
            ],
            InterventionKind::PsychiatricAssessment => &[
                ("scene_safe", "Scene safe; means of harm secured"),
                ("risk", "Risk to self and others assessed"),
                ("criteria", "Criteria for voluntary or involuntary admission considered"),
                ("family", "Family or guardian informed"),
                ("transport", "Transport and receiving hospital arranged"),
            ],
            InterventionKind::JuvenileProblem => &[
                ("guardian", "Parent or guardian present or notified"),
                ("safety", "Safety at home assessed"),
                ("school", "School or probation contact noted"),
                ("program", "Referral to a juvenile program considered"),
            ],
            InterventionKind::DomesticViolence => &[
                ("safety_plan", "Safety plan made with the victim"),
                ("children", "Children's safety checked"),
                ("advocate", "Advocate or shelter offered"),
                ("order", "Order of protection explained"),
            ],
            InterventionKind::MentalHealth => &[
                ("risk", "Risk to self and others assessed"),
                ("provider", "Treatment provider and medication noted"),
                ("crisis_line", "Crisis line (988) given"),
            ],
            InterventionKind::SubstanceUse => &[
                ("overdose", "Overdose risk assessed; naloxone offered"),
                ("detox", "Detoxification or treatment program offered"),
                ("part2", "Told that Part 2 records need written consent to be disclosed"),
            ],
            InterventionKind::Other => &[],
            InterventionKind::ClinicalAssessment => &[
                ("presenting", "Presenting problem in the client's words"),
                ("mental_status", "Mental status observed"),
                ("risk", "Risk to self and others assessed"),
                ("supports", "Strengths and supports noted"),
                ("plan", "Recommendation and plan agreed with the client"),
            ],
            InterventionKind::IndividualCounseling => &[
                ("limits", "Confidentiality and its limits discussed (NASW 1.07e)"),
                ("goals", "Goals reviewed"),
                ("next", "Next session or ending agreed"),
            ],
            InterventionKind::FamilyCounseling
            | InterventionKind::GroupCounseling
            | InterventionKind::MaritalCounseling => &[
                (
                    "agreement",
                    "Agreement sought on each person's right to confidentiality (NASW 1.07f)",
                ),
                (
                    "no_guarantee",
                    "Told that the others' keeping of confidences cannot be guaranteed (NASW 1.07f)",
                ),
                (
                    "policy",
                    "Policy on disclosure among the participants explained (NASW 1.07g)",
                ),
                ("goals", "Goals reviewed"),
                ("next", "Next session or ending agreed"),
            ],
            InterventionKind::GroupGuidance => &[
                ("topic", "Topic and purpose introduced"),
                ("privacy", "Participants asked to keep what others share private"),
                ("resources", "Community resources shared"),
            ],
        }
    }
}

/// Where the intervention took place.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Setting {
    OnSite,
    Station,
}

impl Setting {
    pub fn code(self) -> &'static str {
        match self {
            Setting::OnSite => "on_site",
            Setting::Station => "station",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "on_site" => Some(Setting::OnSite),
            "station" => Some(Setting::Station),
            _ => None,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Setting::OnSite => "On-site (the resident's home or the scene)",
            Setting::Station => "At the station",
        }
    }
}

/// A client as typed: only what the service needs (NASW 1.07a).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientDraft {
    /// Made on the device (UUIDv7): sending it twice stores it once.
    pub id: String,
    pub name: String,
    /// `YYYY-MM-DD`; or leave it empty and give an approximate age.
    #[serde(default)]
    pub date_of_birth: String,
    #[serde(default)]
    pub age: String,
    #[serde(default)]
    pub telephone: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub preferred_language: String,
    /// Household members, one per line ("name, relation").
    #[serde(default)]
    pub household: String,
    #[serde(default)]
    pub protections: Vec<String>,
}

/// A client record that passed the rules.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidClient {
    pub id: Uuid,
    pub name: String,
    pub date_of_birth: Option<NaiveDate>,
    pub age: Option<u8>,
    pub telephone: Option<String>,
    pub address: Option<String>,
    pub preferred_language: Option<String>,
    pub household: Option<String>,
    pub protections: Vec<Protection>,
}

/// Check a client draft. `today` is the local date where the check runs.
pub fn validate_client(d: &ClientDraft, today: NaiveDate) -> Result<ValidClient, Vec<FieldError>> {
    let mut errors = Vec::new();
    let id = device_id(&mut errors, "id", &d.id);
    let name = text(&mut errors, "name", &d.name, 100, true);
    let dob = optional_date(&mut errors, "date_of_birth", &d.date_of_birth).filter(|date| {
        let refusal = if *date > today {
            Some(ErrorCode::DateInFuture)
        } else if *date < today - Duration::days(130 * 366) {
            Some(ErrorCode::InvalidDate)
        } else {
            None
        };
        if let Some(code) = refusal {
            errors.push(FieldError::new("date_of_birth", code));
        }
        refusal.is_none()
    });
    let age = match d.age.trim() {
        "" => None,
        v => match v.parse::<u8>() {
            Ok(a) if a <= 120 => Some(a),
            Ok(_) => {
                errors.push(FieldError::new("age", ErrorCode::OutOfRange).with_limit("0 and 120"));
                None
            }
            Err(_) => {
                errors.push(FieldError::new("age", ErrorCode::NotAWholeNumber));
                None
            }
        },
    };
    let telephone = text(&mut errors, "telephone", &d.telephone, 30, false);
    if !telephone.is_empty() && !phone_ok(&telephone) {
        errors.push(FieldError::new("telephone", ErrorCode::InvalidPhone));
    }
    let address = text(&mut errors, "address", &d.address, 200, false);
    let language = text(
        &mut errors,
        "preferred_language",
        &d.preferred_language,
        40,
        false,
    );
    let household = text(&mut errors, "household", &d.household, 1000, false);
    let mut protections = Vec::new();
    for code in &d.protections {
        match Protection::from_code(code) {
            Some(p) if !protections.contains(&p) => protections.push(p),
            Some(_) => {}
            None => errors.push(FieldError::new("protections", ErrorCode::InvalidChoice)),
        }
    }
    match (id, errors.is_empty()) {
        (Some(id), true) => Ok(ValidClient {
            id,
            name,
            date_of_birth: dob,
            age,
            telephone: optional(telephone),
            address: optional(address),
            preferred_language: optional(language),
            household: optional(household),
            protections,
        }),
        _ => Err(errors),
    }
}

/// How a name is compared for "looks like an existing client": case, accents of spacing and
/// punctuation aside, words in any order ("Smith, John" is "John Smith").
pub fn name_identity(name: &str) -> String {
    let lowered = name.to_lowercase();
    let mut words: Vec<String> = lowered
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    words.sort();
    words.join(" ")
}

/// The last word of a name in its usual order ("John Smith" → "smith"; "Smith, John" → "smith").
pub fn family_name(name: &str) -> String {
    let n = name.trim();
    let family = match n.split_once(',') {
        Some((before, _)) => before,
        None => n.rsplit(char::is_whitespace).next().unwrap_or(n),
    };
    family
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// A crisis-intervention visit as typed on the phone.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VisitDraft {
    /// Made on the device (UUIDv7). Saving again under the same id replaces the draft, until it
    /// is signed.
    pub id: String,
    pub client_id: String,
    pub kind: String,
    pub setting: String,
    /// When it happened, in UTC (RFC 3339): the browser turns its local time into UTC.
    pub occurred_at: String,
    #[serde(default)]
    pub location: String,
    /// Who was present (officers, family, others).
    #[serde(default)]
    pub present: String,
    #[serde(default)]
    pub police_report_number: String,
    #[serde(default)]
    pub checklist: Vec<String>,
    #[serde(default)]
    pub narrative: String,
    #[serde(default)]
    pub assessment: String,
    #[serde(default)]
    pub actions_taken: String,
    /// `YYYY-MM-DD`, local date.
    #[serde(default)]
    pub follow_up_on: String,
}

/// A visit that passed the rules.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidVisit {
    pub id: Uuid,
    pub client_id: Uuid,
    pub kind: InterventionKind,
    pub setting: Setting,
    pub occurred_at: DateTime<Utc>,
    pub location: Option<String>,
    pub present: Option<String>,
    pub police_report_number: Option<String>,
    /// Ticked items, in the checklist's order.
    pub checklist: Vec<String>,
    pub narrative: String,
    pub assessment: Option<String>,
    pub actions_taken: Option<String>,
    pub follow_up_on: Option<NaiveDate>,
}

/// The longest narrative, assessment or addendum kept (a long night's note, not a file dump).
pub const NOTE_MAX_CHARS: usize = 20_000;

/// Check a visit. `now` is the checking side's clock; a visit a few minutes "ahead" is tolerated
/// for clock drift between the phone and the server.
pub fn validate_visit(d: &VisitDraft, now: DateTime<Utc>) -> Result<ValidVisit, Vec<FieldError>> {
    let mut errors = Vec::new();
    let id = device_id(&mut errors, "id", &d.id);
    let client_id = record_id(&mut errors, "client_id", &d.client_id);
    let kind = match d.kind.trim() {
        "" => {
            errors.push(FieldError::new("kind", ErrorCode::Required));
            None
        }
        k => {
            let kind = InterventionKind::from_code(k);
            if kind.is_none() {
                errors.push(FieldError::new("kind", ErrorCode::InvalidChoice));
            }
            kind
        }
    };
    let setting = match d.setting.trim() {
        "" => {
            errors.push(FieldError::new("setting", ErrorCode::Required));
            None
        }
        s => {
            let setting = Setting::from_code(s);
            if setting.is_none() {
                errors.push(FieldError::new("setting", ErrorCode::InvalidChoice));
            }
            setting
        }
    };
    let occurred_at = match d.occurred_at.trim() {
        "" => {
            errors.push(FieldError::new("occurred_at", ErrorCode::Required));
            None
        }
        v => match DateTime::parse_from_rfc3339(v) {
            Ok(t) if t.with_timezone(&Utc) > now + Duration::minutes(10) => {
                errors.push(FieldError::new("occurred_at", ErrorCode::DateInFuture));
                None
            }
            Ok(t) => Some(t.with_timezone(&Utc)),
            Err(_) => {
                errors.push(FieldError::new("occurred_at", ErrorCode::InvalidDateTime));
                None
            }
        },
    };
    let location = text(&mut errors, "location", &d.location, 200, false);
    let present = text(&mut errors, "present", &d.present, 1000, false);
    let report = text(
        &mut errors,
        "police_report_number",
        &d.police_report_number,
        40,
        false,
    );
    let narrative = text(&mut errors, "narrative", &d.narrative, NOTE_MAX_CHARS, true);
    let assessment = text(
        &mut errors,
        "assessment",
        &d.assessment,
        NOTE_MAX_CHARS,
        false,
    );
    let actions = text(
        &mut errors,
        "actions_taken",
        &d.actions_taken,
        NOTE_MAX_CHARS,
        false,
    );
    let follow_up_on = optional_date(&mut errors, "follow_up_on", &d.follow_up_on);
    // Ticked items must belong to this kind's checklist; kept in the checklist's order, once.
    let mut checklist = Vec::new();
    if let Some(kind) = kind {
        for item in &d.checklist {
            if !kind.checklist().iter().any(|(code, _)| code == item) {
                errors.push(FieldError::new("checklist", ErrorCode::InvalidChoice));
                break;
            }
        }
        checklist = kind
            .checklist()
            .iter()
            .filter(|(code, _)| d.checklist.iter().any(|c| c == code))
            .map(|(code, _)| code.to_string())
            .collect();
    }
    match (id, client_id, kind, setting, occurred_at, errors.is_empty()) {
        (Some(id), Some(client_id), Some(kind), Some(setting), Some(occurred_at), true) => {
            Ok(ValidVisit {
                id,
                client_id,
                kind,
                setting,
                occurred_at,
                location: optional(location),
                present: optional(present),
                police_report_number: optional(report),
                checklist,
                narrative,
                assessment: optional(assessment),
                actions_taken: optional(actions),
                follow_up_on,
            })
        }
        _ => Err(errors),
    }
}

/// The state of a note: a draft may be saved again; a signed note is locked for good.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoteStatus {
    Draft,
    Signed,
}

impl NoteStatus {
    pub fn code(self) -> &'static str {
        match self {
            NoteStatus::Draft => "draft",
            NoteStatus::Signed => "signed",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "draft" => Some(NoteStatus::Draft),
            "signed" => Some(NoteStatus::Signed),
            _ => None,
        }
    }
}

/// Why a change to a note was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoteRefusal {
    /// Signed notes are locked; corrections are addenda.
    Signed,
    /// Only the author changes or signs a draft.
    NotTheAuthor,
    /// Addenda go on signed notes (a draft is simply edited).
    NotSignedYet,
}

impl NoteRefusal {
    pub fn message(self) -> &'static str {
        match self {
            NoteRefusal::Signed => {
                "This note is signed and cannot be changed. Add an addendum to correct it."
            }
            NoteRefusal::NotTheAuthor => "Only the author of a draft can change or sign it.",
            NoteRefusal::NotSignedYet => "This note is still a draft: edit it instead.",
        }
    }
}

/// May `who` save new content over a stored note (same id)?
pub fn may_edit(status: NoteStatus, author: &str, who: &str) -> Result<(), NoteRefusal> {
    match status {
        NoteStatus::Signed => Err(NoteRefusal::Signed),
        NoteStatus::Draft if author != who => Err(NoteRefusal::NotTheAuthor),
        NoteStatus::Draft => Ok(()),
    }
}

/// May `who` sign it?
pub fn may_sign(status: NoteStatus, author: &str, who: &str) -> Result<(), NoteRefusal> {
    may_edit(status, author, who)
}

/// May an addendum be added? Only to a signed note.
pub fn may_add_addendum(status: NoteStatus) -> Result<(), NoteRefusal> {
    match status {
        NoteStatus::Signed => Ok(()),
        NoteStatus::Draft => Err(NoteRefusal::NotSignedYet),
    }
}

/// Check the text of an addendum or a personal note.
pub fn validate_note_text(field: &str, value: &str) -> Result<String, Vec<FieldError>> {
    let mut errors = Vec::new();
    let v = text(&mut errors, field, value, NOTE_MAX_CHARS, true);
    if errors.is_empty() {
        Ok(v)
    } else {
        Err(errors)
    }
}

/// Check the officers' contact check: a name, and a date of birth when known.
pub fn validate_contact_check(
    name: &str,
    date_of_birth: &str,
) -> Result<(String, Option<NaiveDate>), Vec<FieldError>> {
    let mut errors = Vec::new();
    let name = text(&mut errors, "name", name, 100, true);
    let dob = optional_date(&mut errors, "date_of_birth", date_of_birth);
    if errors.is_empty() {
        Ok((name, dob))
    } else {
        Err(errors)
    }
}

/// Follow-ups due by `today` (inclusive), the earliest first.
pub fn due(follow_ups: &[(NaiveDate, String)], today: NaiveDate) -> Vec<(NaiveDate, String)> {
    let mut v: Vec<_> = follow_ups
        .iter()
        .filter(|(d, _)| *d <= today)
        .cloned()
        .collect();
    v.sort();
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 4).expect("date")
    }

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-12-04T08:00:00Z")
            .expect("time")
            .with_timezone(&Utc)
    }

    fn client() -> ClientDraft {
        ClientDraft {
            id: Uuid::now_v7().to_string(),
            name: "Maria Lopez".into(),
            date_of_birth: "1961-03-02".into(),
            telephone: "630-555-0100".into(),
            ..Default::default()
        }
    }

    fn visit() -> VisitDraft {
        VisitDraft {
            id: Uuid::now_v7().to_string(),
            client_id: Uuid::now_v7().to_string(),
            kind: "death_notification".into(),
            setting: "on_site".into(),
            occurred_at: "2026-12-04T02:10:00Z".into(),
            checklist: vec!["in_person".into(), "verify_identity".into()],
            narrative: "Notified the widow with Officer Diaz.".into(),
            ..Default::default()
        }
    }

    fn fields(e: Vec<FieldError>) -> Vec<(String, ErrorCode)> {
        e.into_iter().map(|f| (f.field, f.code)).collect()
    }

    #[test]
    fn a_client_needs_a_name_and_a_device_id_and_nothing_else() {
        let ok = validate_client(&client(), today()).expect("valid");
        assert_eq!(ok.name, "Maria Lopez");
        assert_eq!(ok.date_of_birth, NaiveDate::from_ymd_opt(1961, 3, 2));
        assert_eq!(ok.address, None);
        let bad = ClientDraft {
            id: "not-an-id".into(),
            name: "  ".into(),
            ..Default::default()
        };
        assert_eq!(
            fields(validate_client(&bad, today()).expect_err("invalid")),
            vec![
                ("id".into(), ErrorCode::InvalidId),
                ("name".into(), ErrorCode::Required)
            ]
        );
    }

    #[test]
    fn client_fields_are_refused_by_name() {
        let bad = ClientDraft {
            date_of_birth: "2027-01-01".into(),
            age: "abc".into(),
            telephone: "call me".into(),
            protections: vec!["vip".into()],
            ..client()
        };
        assert_eq!(
            fields(validate_client(&bad, today()).expect_err("invalid")),
            vec![
                ("date_of_birth".into(), ErrorCode::DateInFuture),
                ("age".into(), ErrorCode::NotAWholeNumber),
                ("telephone".into(), ErrorCode::InvalidPhone),
                ("protections".into(), ErrorCode::InvalidChoice),
            ]
        );
        let old = ClientDraft {
            age: "121".into(),
            ..client()
        };
        assert_eq!(
            fields(validate_client(&old, today()).expect_err("invalid")),
            vec![("age".into(), ErrorCode::OutOfRange)]
        );
    }

    #[test]
    fn names_compare_without_case_order_or_punctuation() {
        assert_eq!(name_identity("Smith, John"), name_identity("john  SMITH"));
        assert_ne!(name_identity("John Smith"), name_identity("Jon Smith"));
        assert_eq!(family_name("John Smith"), "smith");
        assert_eq!(family_name("Smith, John"), "smith");
        assert_eq!(family_name("O'Brien"), "obrien");
    }

    #[test]
    fn a_visit_keeps_only_its_kinds_checklist_in_order() {
        let v = validate_visit(&visit(), now()).expect("valid");
        assert_eq!(v.checklist, vec!["verify_identity", "in_person"]);
        assert_eq!(v.kind, InterventionKind::DeathNotification);
        let foreign = VisitDraft {
            checklist: vec!["safety_plan".into()],
            ..visit()
        };
        assert_eq!(
            fields(validate_visit(&foreign, now()).expect_err("invalid")),
            vec![("checklist".into(), ErrorCode::InvalidChoice)]
        );
    }

    #[test]
    fn a_visit_is_refused_field_by_field() {
        let bad = VisitDraft {
            kind: "séance".into(),
            setting: String::new(),
            occurred_at: "yesterday".into(),
            narrative: String::new(),
            follow_up_on: "soon".into(),
            checklist: vec![],
            ..visit()
        };
        assert_eq!(
            fields(validate_visit(&bad, now()).expect_err("invalid")),
            vec![
                ("kind".into(), ErrorCode::InvalidChoice),
                ("setting".into(), ErrorCode::Required),
                ("occurred_at".into(), ErrorCode::InvalidDateTime),
                ("narrative".into(), ErrorCode::Required),
                ("follow_up_on".into(), ErrorCode::InvalidDate),
            ]
        );
        let future = VisitDraft {
            occurred_at: "2026-12-04T09:00:00Z".into(),
            ..visit()
        };
        assert_eq!(
            fields(validate_visit(&future, now()).expect_err("invalid")),
            vec![("occurred_at".into(), ErrorCode::DateInFuture)]
        );
        let long = VisitDraft {
            narrative: "x".repeat(NOTE_MAX_CHARS + 1),
            ..visit()
        };
        assert_eq!(
            fields(validate_visit(&long, now()).expect_err("invalid")),
            vec![("narrative".into(), ErrorCode::TooLong)]
        );
    }

    #[test]
    fn local_offsets_become_utc() {
        let v = validate_visit(
            &VisitDraft {
                occurred_at: "2026-12-03T20:10:00-06:00".into(),
                ..visit()
            },
            now(),
        )
        .expect("valid");
        assert_eq!(v.occurred_at.to_rfc3339(), "2026-12-04T02:10:00+00:00");
    }

    #[test]
    fn a_signed_note_is_locked_and_only_grows_by_addenda() {
        assert_eq!(may_edit(NoteStatus::Draft, "rosa", "rosa"), Ok(()));
        assert_eq!(
            may_edit(NoteStatus::Draft, "rosa", "sam"),
            Err(NoteRefusal::NotTheAuthor)
        );
        assert_eq!(
            may_edit(NoteStatus::Signed, "rosa", "rosa"),
            Err(NoteRefusal::Signed)
        );
        assert_eq!(
            may_sign(NoteStatus::Signed, "rosa", "rosa"),
            Err(NoteRefusal::Signed)
        );
        assert_eq!(may_add_addendum(NoteStatus::Signed), Ok(()));
        assert_eq!(
            may_add_addendum(NoteStatus::Draft),
            Err(NoteRefusal::NotSignedYet)
        );
    }

    #[test]
    fn protected_kinds_label_the_record() {
        assert_eq!(
            InterventionKind::SubstanceUse.protection(),
            Some(Protection::SubstanceUse)
        );
        assert_eq!(InterventionKind::DeathNotification.protection(), None);
        for kind in InterventionKind::ALL {
            assert_eq!(InterventionKind::from_code(kind.code()), Some(kind));
        }
    }

    #[test]
    fn counseling_with_several_people_asks_for_their_confidentiality_agreement() {
        for kind in [
            InterventionKind::FamilyCounseling,
            InterventionKind::GroupCounseling,
            InterventionKind::MaritalCounseling,
        ] {
            assert!(!kind.is_crisis());
            let codes: Vec<&str> = kind.checklist().iter().map(|(c, _)| *c).collect();
            assert!(
                codes.contains(&"agreement") && codes.contains(&"policy"),
                "{kind:?}"
            );
        }
        assert!(InterventionKind::DeathNotification.is_crisis());
        let session = VisitDraft {
            kind: "family_counseling".into(),
            setting: "station".into(),
            checklist: vec!["policy".into(), "agreement".into()],
            ..visit()
        };
        let v = validate_visit(&session, now()).expect("valid");
        assert_eq!(v.checklist, vec!["agreement", "policy"]);
        assert_eq!(v.kind.protection(), None);
    }

    #[test]
    fn follow_ups_due_today_or_earlier_come_first() {
        let d = |day| NaiveDate::from_ymd_opt(2026, 12, day).expect("date");
        let list = vec![
            (d(9), "later".to_string()),
            (d(4), "today".to_string()),
            (d(1), "overdue".to_string()),
        ];
        assert_eq!(
            due(&list, today()),
            vec![(d(1), "overdue".to_string()), (d(4), "today".to_string())]
        );
    }

    #[test]
    fn the_contact_check_needs_a_name_and_a_real_date() {
        assert_eq!(
            fields(validate_contact_check("", "31/12/1960").expect_err("invalid")),
            vec![
                ("name".into(), ErrorCode::Required),
                ("date_of_birth".into(), ErrorCode::InvalidDate)
            ]
        );
        assert_eq!(
            validate_contact_check(" Maria Lopez ", "").expect("valid"),
            ("Maria Lopez".to_string(), None)
        );
    }

    #[test]
    fn an_addendum_needs_text() {
        assert_eq!(
            fields(validate_note_text("text", " ").expect_err("invalid")),
            vec![("text".into(), ErrorCode::Required)]
        );
        assert_eq!(validate_note_text("text", " ok ").expect("valid"), "ok");
    }
}
