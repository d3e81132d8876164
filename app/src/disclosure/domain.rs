//! The rules of what may leave the unit (NASW 1.07 b–d, 1.08; 740 ILCS 110/5; 42 CFR Part 2):
//! what a valid consent holds, when a disclosure is covered by one (or by a recorded legal
//! exception), what a client's request to see their record must document, and how third parties
//! are redacted from the client's copy. Plain Rust: the browser checks as the social worker types,
//! the server checks again inside the call that discloses.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::casework::domain::{name_identity, InterventionKind, Protection};
use crate::error::{ErrorCode, FieldError};
use crate::rules::{device_id, non_empty, optional_date, record_id, text};

/// The kinds of information a consent may name and a disclosure may carry. Household members, the
/// people present at a visit and personal notes are never among them: they are about others, or
/// are the social worker's own (740 ILCS 110/2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InfoKind {
    /// Name and date of birth (or age).
    Identity,
    /// Telephone and address.
    Contact,
    /// Signed crisis-visit notes: kind, date, narrative, assessment, actions, addenda.
    Visits,
    /// Referrals to agencies, with their reasons and outcomes.
    Referrals,
    /// Substance use disorder information (42 CFR Part 2): a consent must name it on its own.
    SubstanceUse,
}

impl InfoKind {
    pub const ALL: [InfoKind; 5] = [
        InfoKind::Identity,
        InfoKind::Contact,
        InfoKind::Visits,
        InfoKind::Referrals,
        InfoKind::SubstanceUse,
    ];

    pub fn code(self) -> &'static str {
        match self {
            InfoKind::Identity => "identity",
            InfoKind::Contact => "contact",
            InfoKind::Visits => "visits",
            InfoKind::Referrals => "referrals",
            InfoKind::SubstanceUse => "substance_use",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            InfoKind::Identity => "Name and date of birth",
            InfoKind::Contact => "Telephone and address",
            InfoKind::Visits => "Crisis-visit notes (signed)",
            InfoKind::Referrals => "Referrals and their outcomes",
            InfoKind::SubstanceUse => "Substance use information (42 CFR Part 2)",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// Who signs a consent: the client, or a person legally authorized to consent for them (NASW
/// 1.07b).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Signer {
    Client,
    Parent,
    Guardian,
    LegalRepresentative,
}

impl Signer {
    pub const ALL: [Signer; 4] = [
        Signer::Client,
        Signer::Parent,
        Signer::Guardian,
        Signer::LegalRepresentative,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Signer::Client => "client",
            Signer::Parent => "parent",
            Signer::Guardian => "guardian",
            Signer::LegalRepresentative => "legal_representative",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Signer::Client => "The client",
            Signer::Parent => "Parent (of a minor)",
            Signer::Guardian => "Guardian",
            Signer::LegalRepresentative => "Legal representative",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// A consent to disclose as typed: the nine elements of 740 ILCS 110/5(b).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsentDraft {
    /// Made on the device (UUIDv7).
    pub id: String,
    pub client_id: String,
    /// 1. The person giving consent…
    pub person: String,
    /// …and who they are to the client (`Signer` code).
    pub signer: String,
    /// 2. Who receives the information.
    pub recipient: String,
    /// 3. What for.
    pub purpose: String,
    /// 4. The specific information (`InfoKind` codes).
    #[serde(default)]
    pub information: Vec<String>,
    /// 5. The person was told they may inspect and copy what is disclosed.
    #[serde(default)]
    pub right_to_inspect: bool,
    /// 6. What follows if they refuse.
    pub refusal_consequence: String,
    /// 7. The calendar date it expires (`YYYY-MM-DD`, the last day it is valid).
    pub expires_on: String,
    /// 8. The person was told they may revoke it.
    #[serde(default)]
    pub right_to_revoke: bool,
    /// 9. The signature (the signer's name as signed) and the date…
    pub signature: String,
    pub signed_on: String,
    /// …and the witness.
    pub witness: String,
}

/// A consent that passed the rules.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidConsent {
    pub id: Uuid,
    pub client_id: Uuid,
    pub person: String,
    pub signer: Signer,
    pub recipient: String,
    pub purpose: String,
    pub information: Vec<InfoKind>,
    pub refusal_consequence: String,
    pub expires_on: NaiveDate,
    pub signature: String,
    pub signed_on: NaiveDate,
    pub witness: String,
}

/// The dates a check compares with. In the browser both are the device's date; on the server,
/// which cannot know the signer's time zone, `latest` is the latest date it may be anywhere the
/// department works (for "not in the future") and `earliest` the earliest (for "not past").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Today {
    pub earliest: NaiveDate,
    pub latest: NaiveDate,
}

impl Today {
    /// One date: the device's own.
    pub fn on(date: NaiveDate) -> Self {
        Self {
            earliest: date,
            latest: date,
        }
    }
}

/// Check a consent: every missing element is refused by its name.
pub fn validate_consent(d: &ConsentDraft, today: Today) -> Result<ValidConsent, Vec<FieldError>> {
    let mut errors = Vec::new();
    let id = device_id(&mut errors, "id", &d.id);
    let client_id = record_id(&mut errors, "client_id", &d.client_id);
    let person = text(&mut errors, "person", &d.person, 100, true);
    let signer = choice(&mut errors, "signer", &d.signer, Signer::from_code);
    let recipient = text(&mut errors, "recipient", &d.recipient, 200, true);
    let purpose = text(&mut errors, "purpose", &d.purpose, 500, true);
    let information = kinds(&mut errors, "information", &d.information);
    if !d.right_to_inspect {
        errors.push(FieldError::new(
            "right_to_inspect",
            ErrorCode::MustAcknowledge,
        ));
    }
    let consequence = text(
        &mut errors,
        "refusal_consequence",
        &d.refusal_consequence,
        500,
        true,
    );
    let expires_on = required_date(&mut errors, "expires_on", &d.expires_on);
    if expires_on.is_some_and(|e| e < today.earliest) {
        errors.push(FieldError::new("expires_on", ErrorCode::DateInPast));
    }
    if !d.right_to_revoke {
        errors.push(FieldError::new(
            "right_to_revoke",
            ErrorCode::MustAcknowledge,
        ));
    }
    let signature = text(&mut errors, "signature", &d.signature, 100, true);
    let signed_on = required_date(&mut errors, "signed_on", &d.signed_on);
    if signed_on.is_some_and(|s| s > today.latest) {
        errors.push(FieldError::new("signed_on", ErrorCode::DateInFuture));
    }
    if let (Some(s), Some(e)) = (signed_on, expires_on) {
        if e < s {
            errors.push(FieldError::new("expires_on", ErrorCode::BeforeSigned));
        }
    }
    let witness = text(&mut errors, "witness", &d.witness, 100, true);
    if !witness.is_empty() && name_identity(&witness) == name_identity(&signature) {
        // A witness attests somebody else's signature.
        errors.push(FieldError::new("witness", ErrorCode::WitnessIsSigner));
    }
    match (
        id,
        client_id,
        signer,
        expires_on,
        signed_on,
        errors.is_empty(),
    ) {
        (Some(id), Some(client_id), Some(signer), Some(expires_on), Some(signed_on), true) => {
            Ok(ValidConsent {
                id,
                client_id,
                person,
                signer,
                recipient,
                purpose,
                information,
                refusal_consequence: consequence,
                expires_on,
                signature,
                signed_on,
                witness,
            })
        }
        _ => Err(errors),
    }
}

fn required_date(errors: &mut Vec<FieldError>, field: &str, value: &str) -> Option<NaiveDate> {
    if value.trim().is_empty() {
        errors.push(FieldError::new(field, ErrorCode::Required));
        return None;
    }
    optional_date(errors, field, value)
}

fn choice<T>(
    errors: &mut Vec<FieldError>,
    field: &str,
    value: &str,
    parse: fn(&str) -> Option<T>,
) -> Option<T> {
    match value.trim() {
        "" => {
            errors.push(FieldError::new(field, ErrorCode::Required));
            None
        }
        v => {
            let parsed = parse(v);
            if parsed.is_none() {
                errors.push(FieldError::new(field, ErrorCode::InvalidChoice));
            }
            parsed
        }
    }
}

fn kinds(errors: &mut Vec<FieldError>, field: &str, codes: &[String]) -> Vec<InfoKind> {
    let mut out: Vec<InfoKind> = Vec::new();
    for code in codes {
        match InfoKind::from_code(code) {
            Some(k) if !out.contains(&k) => out.push(k),
            Some(_) => {}
            None => {
                errors.push(FieldError::new(field, ErrorCode::InvalidChoice));
                return out;
            }
        }
    }
    if out.is_empty() {
        errors.push(FieldError::new(field, ErrorCode::NoneChosen));
    }
    InfoKind::ALL
        .into_iter()
        .filter(|k| out.contains(k))
        .collect()
}

/// What a consent on file says, as the disclosure check needs it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentFacts {
    pub client_id: String,
    pub recipient: String,
    pub information: Vec<InfoKind>,
    pub expires_on: NaiveDate,
    pub revoked: bool,
}

impl ConsentFacts {
    /// Valid today: not revoked, not past its expiry date.
    pub fn in_force(&self, today: NaiveDate) -> bool {
        !self.revoked && today <= self.expires_on
    }
}

/// On what ground information leaves without (or with) the client's consent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// A valid, unexpired, unrevoked consent that covers it.
    Consent,
    /// To prevent serious, foreseeable and imminent harm (NASW 1.07c; 740 ILCS 110/11).
    ImminentHarm,
    /// A court order (740 ILCS 110/10; for Part 2 records, 42 CFR 2.64).
    CourtOrder,
}

impl Basis {
    pub const ALL: [Basis; 3] = [Basis::Consent, Basis::ImminentHarm, Basis::CourtOrder];
    pub fn code(self) -> &'static str {
        match self {
            Basis::Consent => "consent",
            Basis::ImminentHarm => "imminent_harm",
            Basis::CourtOrder => "court_order",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Basis::Consent => "The client's written consent",
            Basis::ImminentHarm => "Legal exception: to prevent serious, imminent harm",
            Basis::CourtOrder => "Legal exception: court order",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|b| b.code() == code)
    }
}

/// Whether the client was told of the disclosure (NASW 1.07d).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientInformed {
    Before,
    After,
    NotFeasible,
}

impl ClientInformed {
    pub const ALL: [ClientInformed; 3] = [
        ClientInformed::Before,
        ClientInformed::After,
        ClientInformed::NotFeasible,
    ];
    pub fn code(self) -> &'static str {
        match self {
            ClientInformed::Before => "before",
            ClientInformed::After => "after",
            ClientInformed::NotFeasible => "not_feasible",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            ClientInformed::Before => "Told before the disclosure",
            ClientInformed::After => "Will be told after the disclosure",
            ClientInformed::NotFeasible => "Not feasible to tell (reason in the legal note)",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }
}

/// A disclosure as the social worker builds it: the ground, the recipient, and each item chosen.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisclosureDraft {
    /// Made on the device (UUIDv7).
    pub id: String,
    pub client_id: String,
    /// `Basis` code.
    pub basis: String,
    /// The consent relied on, when the basis is consent.
    #[serde(default)]
    pub consent_id: String,
    /// For a legal exception: what it is (the harm, the court and order number).
    #[serde(default)]
    pub legal_note: String,
    pub recipient: String,
    pub purpose: String,
    #[serde(default)]
    pub identity: bool,
    #[serde(default)]
    pub contact: bool,
    /// Signed visits chosen, by id.
    #[serde(default)]
    pub visit_ids: Vec<String>,
    /// Referrals chosen, by id.
    #[serde(default)]
    pub referral_ids: Vec<String>,
    /// `ClientInformed` code.
    pub client_informed: String,
}

/// A disclosure that passed the field rules (the ground is checked against the records next).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidDisclosure {
    pub id: Uuid,
    pub client_id: Uuid,
    pub basis: Basis,
    pub consent_id: Option<Uuid>,
    pub legal_note: Option<String>,
    pub recipient: String,
    pub purpose: String,
    pub identity: bool,
    pub contact: bool,
    pub visit_ids: Vec<Uuid>,
    pub referral_ids: Vec<Uuid>,
    pub client_informed: ClientInformed,
}

/// Check a disclosure's fields.
pub fn validate_disclosure(d: &DisclosureDraft) -> Result<ValidDisclosure, Vec<FieldError>> {
    let mut errors = Vec::new();
    let id = device_id(&mut errors, "id", &d.id);
    let client_id = record_id(&mut errors, "client_id", &d.client_id);
    let basis = choice(&mut errors, "basis", &d.basis, Basis::from_code);
    let consent_id = match basis {
        Some(Basis::Consent) => record_id(&mut errors, "consent_id", &d.consent_id),
        _ => None,
    };
    let note = text(
        &mut errors,
        "legal_note",
        &d.legal_note,
        1000,
        matches!(basis, Some(Basis::ImminentHarm | Basis::CourtOrder)),
    );
    let recipient = text(&mut errors, "recipient", &d.recipient, 200, true);
    let purpose = text(&mut errors, "purpose", &d.purpose, 500, true);
    let ids = |errors: &mut Vec<FieldError>, field: &str, list: &[String]| {
        let mut out: Vec<Uuid> = Vec::new();
        for v in list {
            match record_id(errors, field, v) {
                Some(u) if !out.contains(&u) => out.push(u),
                Some(_) => {}
                None => break,
            }
        }
        out
    };
    let visit_ids = ids(&mut errors, "visit_ids", &d.visit_ids);
    let referral_ids = ids(&mut errors, "referral_ids", &d.referral_ids);
    if !d.identity && !d.contact && visit_ids.is_empty() && referral_ids.is_empty() {
        errors.push(FieldError::new("items", ErrorCode::NoneChosen));
    }
    let informed = choice(
        &mut errors,
        "client_informed",
        &d.client_informed,
        ClientInformed::from_code,
    );
    if informed == Some(ClientInformed::NotFeasible) && note.is_empty() {
        errors.push(FieldError::new("legal_note", ErrorCode::Required));
    }
    match (id, client_id, basis, informed, errors.is_empty()) {
        (Some(id), Some(client_id), Some(basis), Some(client_informed), true) => {
            Ok(ValidDisclosure {
                id,
                client_id,
                basis,
                consent_id,
                legal_note: non_empty(note),
                recipient,
                purpose,
                identity: d.identity,
                contact: d.contact,
                visit_ids,
                referral_ids,
                client_informed,
            })
        }
        _ => Err(errors),
    }
}

/// The kinds of information a disclosure carries, given the kinds of the visits chosen and the
/// client's protection labels. The name always goes (the recipient must know whom it is about), so
/// identity is always among them; a substance-use visit, or any visit or referral of a client with the
/// Part 2 label, is substance use information.
pub fn kinds_needed(
    d: &ValidDisclosure,
    visit_kinds: &[InterventionKind],
    protections: &[Protection],
) -> Vec<InfoKind> {
    // The recipient always learns whom it is about (at least the name): identity is always
    // carried, and a consent must name it.
    let mut needed = vec![InfoKind::Identity];
    if d.contact {
        needed.push(InfoKind::Contact);
    }
    if !d.visit_ids.is_empty() {
        needed.push(InfoKind::Visits);
    }
    if !d.referral_ids.is_empty() {
        needed.push(InfoKind::Referrals);
    }
    let part2_client = protections.contains(&Protection::SubstanceUse)
        && (!d.visit_ids.is_empty() || !d.referral_ids.is_empty());
    if part2_client || visit_kinds.contains(&InterventionKind::SubstanceUse) {
        needed.push(InfoKind::SubstanceUse);
    }
    needed
}

/// Why a disclosure was refused. The social worker sees which; nothing leaves.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum DisclosureRefusal {
    /// No consent of this client under that id.
    NoConsent,
    Revoked,
    Expired,
    /// The consent names another recipient.
    OtherRecipient,
    /// The consent does not name these kinds of information.
    NotCovered {
        missing: Vec<InfoKind>,
    },
    /// Part 2 information leaves only with a consent naming it, or a court order.
    Part2NeedsConsentOrOrder,
}

impl DisclosureRefusal {
    pub fn message(&self) -> String {
        match self {
            DisclosureRefusal::NoConsent => {
                "There is no consent of this client to rely on. Record one first, or a legal exception."
                    .into()
            }
            DisclosureRefusal::Revoked => "That consent was revoked: nothing may leave under it.".into(),
            DisclosureRefusal::Expired => "That consent has expired: nothing may leave under it.".into(),
            DisclosureRefusal::OtherRecipient => {
                "That consent names another recipient: it does not cover this one.".into()
            }
            DisclosureRefusal::NotCovered { missing } => format!(
                "The consent does not cover: {}. Leave those items out, or record a consent that names them.",
                missing.iter().map(|k| k.label()).collect::<Vec<_>>().join("; ")
            ),
            DisclosureRefusal::Part2NeedsConsentOrOrder => {
                "Substance use information (42 CFR Part 2) leaves only with a consent naming it or a court order."
                    .into()
            }
        }
    }
}

/// May this disclosure go out? `consent` is the one it relies on (when the basis is consent), as
/// found among this client's consents; `needed` the kinds it carries ([`kinds_needed`]).
pub fn check_disclosure(
    d: &ValidDisclosure,
    consent: Option<&ConsentFacts>,
    needed: &[InfoKind],
    today: NaiveDate,
) -> Result<(), DisclosureRefusal> {
    match d.basis {
        Basis::Consent => {
            let c = consent
                .filter(|c| c.client_id == d.client_id.to_string())
                .ok_or(DisclosureRefusal::NoConsent)?;
            if c.revoked {
                return Err(DisclosureRefusal::Revoked);
            }
            if !c.in_force(today) {
                return Err(DisclosureRefusal::Expired);
            }
            if name_identity(&c.recipient) != name_identity(&d.recipient) {
                return Err(DisclosureRefusal::OtherRecipient);
            }
            let missing: Vec<InfoKind> = needed
                .iter()
                .copied()
                .filter(|k| !c.information.contains(k))
                .collect();
            if missing.is_empty() {
                Ok(())
            } else {
                Err(DisclosureRefusal::NotCovered { missing })
            }
        }
        Basis::ImminentHarm if needed.contains(&InfoKind::SubstanceUse) => {
            Err(DisclosureRefusal::Part2NeedsConsentOrOrder)
        }
        Basis::ImminentHarm | Basis::CourtOrder => Ok(()),
    }
}

/// The notice printed on everything that leaves (740 ILCS 110/5(d) and, with Part 2 information,
/// the notice of 42 CFR 2.32).
pub fn redisclosure_notice(part2: bool) -> Vec<&'static str> {
    let mut lines = vec![
        "CONFIDENTIAL. This information has been disclosed to you from records protected by the",
        "Illinois Mental Health and Developmental Disabilities Confidentiality Act (740 ILCS 110).",
        "Further disclosure (redisclosure) without the specific written consent of the person to",
        "whom it pertains, or as otherwise permitted by law, is prohibited.",
    ];
    if part2 {
        lines.extend([
            "42 CFR part 2: This record which has been disclosed to you is protected by federal",
            "confidentiality rules (42 CFR part 2). The federal rules prohibit you from making any",
            "further disclosure of this record unless further disclosure is expressly permitted by",
            "the written consent of the individual whose information is being disclosed in this",
            "record or, is otherwise permitted by 42 CFR part 2.",
        ]);
    }
    lines
}

/// A client's (or their representative's) request to see their own record (NASW 1.08), as
/// received.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessRequestDraft {
    /// Made on the device (UUIDv7).
    pub id: String,
    pub client_id: String,
    /// Who asked (the client, or who is entitled to ask for them).
    pub requested_by: String,
    /// `Signer` code: who they are to the client.
    pub relation: String,
    /// `YYYY-MM-DD`.
    pub received_on: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidAccessRequest {
    pub id: Uuid,
    pub client_id: Uuid,
    pub requested_by: String,
    pub relation: Signer,
    pub received_on: NaiveDate,
}

pub fn validate_access_request(
    d: &AccessRequestDraft,
    today: NaiveDate,
) -> Result<ValidAccessRequest, Vec<FieldError>> {
    let mut errors = Vec::new();
    let id = device_id(&mut errors, "id", &d.id);
    let client_id = record_id(&mut errors, "client_id", &d.client_id);
    let requested_by = text(&mut errors, "requested_by", &d.requested_by, 100, true);
    let relation = choice(&mut errors, "relation", &d.relation, Signer::from_code);
    let received_on = required_date(&mut errors, "received_on", &d.received_on);
    if received_on.is_some_and(|r| r > today) {
        errors.push(FieldError::new("received_on", ErrorCode::DateInFuture));
    }
    match (id, client_id, relation, received_on, errors.is_empty()) {
        (Some(id), Some(client_id), Some(relation), Some(received_on), true) => {
            Ok(ValidAccessRequest {
                id,
                client_id,
                requested_by,
                relation,
                received_on,
            })
        }
        _ => Err(errors),
    }
}

/// One part of the record held back from the client's copy, and why (documented in the file).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Withheld {
    /// The visit or referral id.
    pub item: String,
    pub reason: String,
}

/// The social worker's review of an access request.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessReviewDraft {
    pub request_id: String,
    /// Names of other people to redact from the copy, one per line (household members, people
    /// present, anyone named in a note).
    #[serde(default)]
    pub third_parties: String,
    #[serde(default)]
    pub withheld: Vec<Withheld>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidAccessReview {
    pub request_id: Uuid,
    pub third_parties: Vec<String>,
    pub withheld: Vec<(Uuid, String)>,
}

/// Check a review: each withheld part needs its reason (NASW 1.08a: "the rationale for withholding
/// … should be documented"), refused under `withheld.<item id>`.
pub fn validate_access_review(d: &AccessReviewDraft) -> Result<ValidAccessReview, Vec<FieldError>> {
    let mut errors = Vec::new();
    let request_id = record_id(&mut errors, "request_id", &d.request_id);
    let names = text(&mut errors, "third_parties", &d.third_parties, 2000, false);
    let third_parties: Vec<String> = names
        .lines()
        .map(|l| l.trim().to_string())
        .filter(|l| l.chars().count() >= 2)
        .collect();
    let mut withheld: Vec<(Uuid, String)> = Vec::new();
    for w in &d.withheld {
        let mut item_errors = Vec::new();
        let Some(item) = record_id(&mut item_errors, "withheld", &w.item) else {
            errors.extend(item_errors);
            continue;
        };
        let field = format!("withheld.{item}");
        let reason = text(&mut errors, &field, &w.reason, 1000, true);
        if !reason.is_empty() && !withheld.iter().any(|(i, _)| *i == item) {
            withheld.push((item, reason));
        }
    }
    match (request_id, errors.is_empty()) {
        (Some(request_id), true) => Ok(ValidAccessReview {
            request_id,
            third_parties,
            withheld,
        }),
        _ => Err(errors),
    }
}

/// What stands in for a redacted name.
pub const REDACTED: &str = "[redacted]";

/// Replace every occurrence of each name (case aside, whole words only) by [`REDACTED`]. Longer
/// names go first, so "Ana Lopez" is taken whole before "Ana".
pub fn redact(text: &str, names: &[String]) -> String {
    let mut sorted: Vec<&String> = names.iter().filter(|n| !n.trim().is_empty()).collect();
    sorted.sort_by_key(|n| std::cmp::Reverse(n.chars().count()));
    let mut out = text.to_string();
    for name in sorted {
        out = redact_one(&out, name.trim());
    }
    out
}

fn redact_one(text: &str, name: &str) -> String {
    let hay: Vec<char> = text.chars().collect();
    let needle: Vec<char> = name.chars().collect();
    let lower = |c: &char| c.to_lowercase().collect::<String>();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < hay.len() {
        let fits = i + needle.len() <= hay.len()
            && hay[i..i + needle.len()]
                .iter()
                .zip(&needle)
                .all(|(a, b)| lower(a) == lower(b));
        let starts_word = i == 0 || !hay[i - 1].is_alphanumeric();
        let ends_word = hay
            .get(i + needle.len())
            .is_none_or(|c| !c.is_alphanumeric());
        if fits && starts_word && ends_word {
            out.push_str(REDACTED);
            i += needle.len();
        } else {
            out.push(hay[i]);
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 4).expect("date")
    }

    fn consent() -> ConsentDraft {
        ConsentDraft {
            id: Uuid::now_v7().to_string(),
            client_id: Uuid::now_v7().to_string(),
            person: "Maria Lopez".into(),
            signer: "client".into(),
            recipient: "Alexian Brothers Behavioral Health".into(),
            purpose: "Continuity of care after the crisis visit".into(),
            information: vec!["visits".into(), "identity".into()],
            right_to_inspect: true,
            refusal_consequence: "None: services continue whatever the answer.".into(),
            expires_on: "2027-06-01".into(),
            right_to_revoke: true,
            signature: "Maria Lopez".into(),
            signed_on: "2026-12-04".into(),
            witness: "Rosa Alvarez, MSW".into(),
        }
    }

    fn fields(e: Vec<FieldError>) -> Vec<String> {
        e.into_iter().map(|f| f.field).collect()
    }

    #[test]
    fn a_complete_consent_passes_with_its_kinds_in_order() {
        let c = validate_consent(&consent(), Today::on(today())).expect("valid");
        assert_eq!(c.information, vec![InfoKind::Identity, InfoKind::Visits]);
        assert_eq!(c.signer, Signer::Client);
    }

    #[test]
    fn each_missing_element_of_a_consent_is_refused_by_name() {
        // 740 ILCS 110/5(b), one element at a time.
        type Blank = Box<dyn Fn(&mut ConsentDraft)>;
        let cases: Vec<(&str, Blank)> = vec![
            ("person", Box::new(|c| c.person.clear())),
            ("signer", Box::new(|c| c.signer.clear())),
            ("recipient", Box::new(|c| c.recipient.clear())),
            ("purpose", Box::new(|c| c.purpose.clear())),
            ("information", Box::new(|c| c.information.clear())),
            ("right_to_inspect", Box::new(|c| c.right_to_inspect = false)),
            (
                "refusal_consequence",
                Box::new(|c| c.refusal_consequence.clear()),
            ),
            ("expires_on", Box::new(|c| c.expires_on.clear())),
            ("right_to_revoke", Box::new(|c| c.right_to_revoke = false)),
            ("signature", Box::new(|c| c.signature.clear())),
            ("signed_on", Box::new(|c| c.signed_on.clear())),
            ("witness", Box::new(|c| c.witness.clear())),
        ];
        for (field, blank) in cases {
            let mut c = consent();
            blank(&mut c);
            let e = validate_consent(&c, Today::on(today())).expect_err(field);
            assert_eq!(fields(e.clone()), vec![field.to_string()], "{field}");
            assert!(
                matches!(
                    e[0].code,
                    ErrorCode::Required | ErrorCode::NoneChosen | ErrorCode::MustAcknowledge
                ),
                "{field}: {:?}",
                e[0].code
            );
        }
    }

    #[test]
    fn a_consent_cannot_be_expired_dated_ahead_or_self_witnessed() {
        let past = ConsentDraft {
            expires_on: "2026-12-03".into(),
            signed_on: "2026-12-01".into(),
            ..consent()
        };
        let e = validate_consent(&past, Today::on(today())).expect_err("expired");
        assert_eq!(
            (e[0].field.as_str(), e[0].code),
            ("expires_on", ErrorCode::DateInPast)
        );
        let ahead = ConsentDraft {
            signed_on: "2026-12-05".into(),
            ..consent()
        };
        let e = validate_consent(&ahead, Today::on(today())).expect_err("ahead");
        assert_eq!(
            (e[0].field.as_str(), e[0].code),
            ("signed_on", ErrorCode::DateInFuture)
        );
        let own = ConsentDraft {
            witness: "maria LOPEZ".into(),
            ..consent()
        };
        let e = validate_consent(&own, Today::on(today())).expect_err("own witness");
        assert_eq!(
            (e[0].field.as_str(), e[0].code),
            ("witness", ErrorCode::WitnessIsSigner)
        );
        let bad_kind = ConsentDraft {
            information: vec!["everything".into()],
            ..consent()
        };
        assert_eq!(
            fields(validate_consent(&bad_kind, Today::on(today())).expect_err("kind")),
            vec!["information"]
        );
    }

    fn disclosure(basis: &str, client: Uuid) -> ValidDisclosure {
        let d = DisclosureDraft {
            id: Uuid::now_v7().to_string(),
            client_id: client.to_string(),
            basis: basis.into(),
            consent_id: Uuid::now_v7().to_string(),
            legal_note: "Threat against a named neighbour tonight".into(),
            recipient: "alexian brothers behavioral health".into(),
            purpose: "Admission".into(),
            identity: true,
            visit_ids: vec![Uuid::now_v7().to_string()],
            client_informed: "before".into(),
            ..Default::default()
        };
        validate_disclosure(&d).expect("valid")
    }

    fn facts(client: Uuid) -> ConsentFacts {
        ConsentFacts {
            client_id: client.to_string(),
            recipient: "Alexian Brothers Behavioral Health".into(),
            information: vec![InfoKind::Identity, InfoKind::Visits],
            expires_on: NaiveDate::from_ymd_opt(2027, 6, 1).expect("date"),
            revoked: false,
        }
    }

    #[test]
    fn a_disclosure_goes_out_only_under_a_consent_in_force_that_covers_it() {
        let client = Uuid::now_v7();
        let d = disclosure("consent", client);
        let needed = kinds_needed(&d, &[InterventionKind::DeathNotification], &[]);
        assert_eq!(needed, vec![InfoKind::Identity, InfoKind::Visits]);
        let ok = facts(client);
        assert_eq!(check_disclosure(&d, Some(&ok), &needed, today()), Ok(()));
        assert_eq!(
            check_disclosure(&d, None, &needed, today()),
            Err(DisclosureRefusal::NoConsent)
        );
        let other_client = facts(Uuid::now_v7());
        assert_eq!(
            check_disclosure(&d, Some(&other_client), &needed, today()),
            Err(DisclosureRefusal::NoConsent)
        );
        let revoked = ConsentFacts {
            revoked: true,
            ..facts(client)
        };
        assert_eq!(
            check_disclosure(&d, Some(&revoked), &needed, today()),
            Err(DisclosureRefusal::Revoked)
        );
        let later = NaiveDate::from_ymd_opt(2027, 6, 2).expect("date");
        assert_eq!(
            check_disclosure(&d, Some(&ok), &needed, later),
            Err(DisclosureRefusal::Expired)
        );
        let last_day = NaiveDate::from_ymd_opt(2027, 6, 1).expect("date");
        assert_eq!(check_disclosure(&d, Some(&ok), &needed, last_day), Ok(()));
        let elsewhere = ConsentFacts {
            recipient: "Cook County Jail".into(),
            ..facts(client)
        };
        assert_eq!(
            check_disclosure(&d, Some(&elsewhere), &needed, today()),
            Err(DisclosureRefusal::OtherRecipient)
        );
        let narrow = ConsentFacts {
            information: vec![InfoKind::Identity],
            ..facts(client)
        };
        assert_eq!(
            check_disclosure(&d, Some(&narrow), &needed, today()),
            Err(DisclosureRefusal::NotCovered {
                missing: vec![InfoKind::Visits]
            })
        );
    }

    #[test]
    fn the_name_always_goes_so_identity_is_always_carried() {
        let client = Uuid::now_v7();
        let d = ValidDisclosure {
            identity: false,
            ..disclosure("consent", client)
        };
        let needed = kinds_needed(&d, &[InterventionKind::DeathNotification], &[]);
        assert_eq!(needed, vec![InfoKind::Identity, InfoKind::Visits]);
        let visits_only = ConsentFacts {
            information: vec![InfoKind::Visits],
            ..facts(client)
        };
        assert_eq!(
            check_disclosure(&d, Some(&visits_only), &needed, today()),
            Err(DisclosureRefusal::NotCovered {
                missing: vec![InfoKind::Identity]
            })
        );
    }

    #[test]
    fn an_expiry_is_checked_against_the_earliest_date_a_signature_against_the_latest() {
        // On the server: UTC 2026-12-05 00:30 is still 2026-12-04 in Illinois.
        let server = Today {
            earliest: today(),
            latest: today() + chrono::Duration::days(2),
        };
        let expiring_today = ConsentDraft {
            expires_on: "2026-12-04".into(),
            signed_on: "2026-12-04".into(),
            ..consent()
        };
        assert!(validate_consent(&expiring_today, server).is_ok());
        let signed_tomorrow = ConsentDraft {
            signed_on: "2026-12-05".into(),
            ..consent()
        };
        assert!(validate_consent(&signed_tomorrow, server).is_ok());
        assert!(validate_consent(&signed_tomorrow, Today::on(today())).is_err());
    }

    #[test]
    fn part2_information_needs_a_consent_naming_it_or_a_court_order() {
        let client = Uuid::now_v7();
        let d = disclosure("consent", client);
        let needed = kinds_needed(&d, &[InterventionKind::SubstanceUse], &[]);
        assert!(needed.contains(&InfoKind::SubstanceUse));
        assert_eq!(
            check_disclosure(&d, Some(&facts(client)), &needed, today()),
            Err(DisclosureRefusal::NotCovered {
                missing: vec![InfoKind::SubstanceUse]
            })
        );
        // A Part 2 client's other visits are Part 2 information too.
        let labelled = kinds_needed(
            &d,
            &[InterventionKind::MentalHealth],
            &[Protection::SubstanceUse],
        );
        assert!(labelled.contains(&InfoKind::SubstanceUse));
        let harm = disclosure("imminent_harm", client);
        assert_eq!(
            check_disclosure(&harm, None, &needed, today()),
            Err(DisclosureRefusal::Part2NeedsConsentOrOrder)
        );
        let order = disclosure("court_order", client);
        assert_eq!(check_disclosure(&order, None, &needed, today()), Ok(()));
        let plain = kinds_needed(&harm, &[InterventionKind::MentalHealth], &[]);
        assert_eq!(check_disclosure(&harm, None, &plain, today()), Ok(()));
    }

    #[test]
    fn a_disclosure_is_refused_field_by_field() {
        let e = validate_disclosure(&DisclosureDraft {
            id: Uuid::now_v7().to_string(),
            client_id: Uuid::now_v7().to_string(),
            basis: "court_order".into(),
            client_informed: "later".into(),
            ..Default::default()
        })
        .expect_err("invalid");
        assert_eq!(
            fields(e),
            vec![
                "legal_note",
                "recipient",
                "purpose",
                "items",
                "client_informed"
            ]
        );
        let e = validate_disclosure(&DisclosureDraft {
            id: Uuid::now_v7().to_string(),
            client_id: Uuid::now_v7().to_string(),
            basis: "consent".into(),
            recipient: "x".into(),
            purpose: "y".into(),
            contact: true,
            client_informed: "not_feasible".into(),
            ..Default::default()
        })
        .expect_err("invalid");
        assert_eq!(fields(e), vec!["consent_id", "legal_note"]);
    }

    #[test]
    fn each_withheld_part_needs_its_reason() {
        let item = Uuid::now_v7();
        let e = validate_access_review(&AccessReviewDraft {
            request_id: Uuid::now_v7().to_string(),
            third_parties: "Luis Lopez\n\n".into(),
            withheld: vec![Withheld {
                item: item.to_string(),
                reason: " ".into(),
            }],
        })
        .expect_err("no reason");
        assert_eq!(fields(e), vec![format!("withheld.{item}")]);
        let ok = validate_access_review(&AccessReviewDraft {
            request_id: Uuid::now_v7().to_string(),
            third_parties: "Luis Lopez\n\n".into(),
            withheld: vec![Withheld {
                item: item.to_string(),
                reason: "Names the reporting neighbour".into(),
            }],
        })
        .expect("valid");
        assert_eq!(ok.third_parties, vec!["Luis Lopez"]);
        assert_eq!(ok.withheld.len(), 1);
    }

    #[test]
    fn redaction_takes_whole_names_case_aside() {
        let names = vec![
            "Ana".to_string(),
            "Ana Lopez".to_string(),
            "Luis".to_string(),
        ];
        assert_eq!(
            redact(
                "ANA LOPEZ called; Luis stayed. Anabel and Luisa did not.",
                &names
            ),
            "[redacted] called; [redacted] stayed. Anabel and Luisa did not."
        );
        assert_eq!(redact("ana came back", &names), "[redacted] came back");
        assert_eq!(redact("nothing here", &[]), "nothing here");
    }

    #[test]
    fn the_notice_forbids_redisclosure_and_names_part2_when_needed() {
        let plain = redisclosure_notice(false).join(" ");
        assert!(plain.contains("redisclosure"));
        assert!(!plain.contains("42 CFR"));
        assert!(redisclosure_notice(true)
            .join(" ")
            .contains("42 CFR part 2"));
    }
}
