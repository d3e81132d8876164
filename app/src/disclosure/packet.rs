//! Exactly what leaves the unit, built from the items chosen and nothing else: a disclosure to a
//! recipient (least information: NASW 1.07c) or a client's copy of their own record (third parties
//! redacted, withheld parts left out and counted: NASW 1.08). Plain Rust; the server seals the
//! packet it built, so a reprint is what left, word for word.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::domain::{redact, redisclosure_notice, InfoKind, ValidDisclosure};
use crate::casework::{ClientDetail, VisitView};
use crate::directory::Referral;

/// How a line is set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Style {
    Title,
    Heading,
    Body,
    Small,
    Rule,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Block {
    pub style: Style,
    pub text: String,
}

/// A document that leaves the unit.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Packet {
    pub title: String,
    pub footer: String,
    pub blocks: Vec<Block>,
}

impl Packet {
    fn push(&mut self, style: Style, text: impl Into<String>) {
        self.blocks.push(Block {
            style,
            text: text.into(),
        });
    }

    /// Every word of it, for checks.
    pub fn text(&self) -> String {
        self.blocks
            .iter()
            .map(|b| b.text.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

fn client_lines(p: &mut Packet, c: &ClientDetail, identity: bool, contact: bool, names: &[String]) {
    if identity {
        p.push(Style::Heading, "Identification");
        p.push(Style::Body, format!("Name: {}", c.summary.name));
        match (c.summary.date_of_birth, c.summary.age) {
            (Some(d), _) => p.push(
                Style::Body,
                format!("Date of birth: {}", d.format("%Y-%m-%d")),
            ),
            (None, Some(a)) => p.push(Style::Body, format!("Age (about): {a}")),
            (None, None) => {}
        }
    }
    if contact {
        p.push(Style::Heading, "Contact");
        if let Some(t) = &c.telephone {
            p.push(Style::Body, format!("Telephone: {t}"));
        }
        if let Some(a) = &c.address {
            p.push(Style::Body, format!("Address: {}", redact(a, names)));
        }
    }
}

/// One visit: for a recipient without where it was or who was present (least information); for the
/// client with both, third parties redacted.
fn visit_lines(p: &mut Packet, v: &VisitView, for_client: bool, names: &[String]) {
    let r = |t: &str| redact(t, names);
    p.push(
        Style::Heading,
        format!(
            "{} - {} UTC",
            v.kind.label(),
            v.occurred_at.format("%Y-%m-%d %H:%M")
        ),
    );
    if for_client {
        if let Some(l) = &v.location {
            p.push(Style::Body, format!("Where: {}", r(l)));
        }
        if let Some(x) = &v.present {
            p.push(Style::Body, format!("Present: {}", r(x)));
        }
    }
    p.push(Style::Body, format!("Narrative: {}", r(&v.narrative)));
    if let Some(a) = &v.assessment {
        p.push(Style::Body, format!("Assessment: {}", r(a)));
    }
    if let Some(a) = &v.actions_taken {
        p.push(Style::Body, format!("Actions taken: {}", r(a)));
    }
    if let Some(at) = v.signed_at {
        p.push(
            Style::Small,
            format!(
                "Signed by {} on {} UTC",
                v.author_name,
                at.format("%Y-%m-%d %H:%M")
            ),
        );
    }
    for a in &v.addenda {
        p.push(
            Style::Body,
            format!(
                "Addendum ({}, {} UTC): {}",
                a.author_name,
                a.at.format("%Y-%m-%d"),
                r(&a.text)
            ),
        );
    }
}

fn referral_lines(p: &mut Packet, r: &Referral, names: &[String]) {
    p.push(
        Style::Heading,
        format!(
            "Referral to {} - {}",
            r.agency_name,
            r.made_at.format("%Y-%m-%d")
        ),
    );
    p.push(Style::Body, format!("Reason: {}", redact(&r.reason, names)));
    p.push(Style::Body, format!("Outcome: {}", r.outcome.label()));
    if let Some(n) = &r.outcome_note {
        p.push(Style::Body, format!("Outcome note: {}", redact(n, names)));
    }
}

/// What a recipient receives: the chosen items only, under the notice.
#[allow(clippy::too_many_arguments)]
pub fn disclosure(
    department: &str,
    d: &ValidDisclosure,
    client: &ClientDetail,
    visits: &[&VisitView],
    referrals: &[&Referral],
    kinds: &[InfoKind],
    made_by: &str,
    made_at: DateTime<Utc>,
) -> Packet {
    let mut p = Packet {
        title: "Disclosure of confidential information".into(),
        footer: format!("{department} - Social Service Unit - confidential"),
        blocks: Vec::new(),
    };
    p.push(Style::Small, department);
    p.push(Style::Title, "Disclosure of confidential information");
    p.push(Style::Body, format!("To: {}", d.recipient));
    p.push(Style::Body, format!("Purpose: {}", d.purpose));
    // The legal note (the harm, the order, why the client was not told) stays in the unit's log.
    p.push(Style::Body, format!("Ground: {}", d.basis.label()));
    p.push(
        Style::Body,
        format!(
            "Disclosed by {made_by} on {} UTC",
            made_at.format("%Y-%m-%d %H:%M")
        ),
    );
    p.push(Style::Rule, "");
    if !d.identity {
        // The recipient must know whom the rest is about; a name alone is the least of it.
        p.push(Style::Body, format!("About: {}", client.summary.name));
    }
    client_lines(&mut p, client, d.identity, d.contact, &[]);
    for v in visits {
        visit_lines(&mut p, v, false, &[]);
    }
    for r in referrals {
        referral_lines(&mut p, r, &[]);
    }
    p.push(Style::Rule, "");
    for line in redisclosure_notice(kinds.contains(&InfoKind::SubstanceUse)) {
        p.push(Style::Small, line);
    }
    p
}

/// A client's copy of their own record: what was not withheld, third parties redacted.
#[allow(clippy::too_many_arguments)]
pub fn client_copy(
    department: &str,
    client: &ClientDetail,
    visits: &[&VisitView],
    referrals: &[&Referral],
    withheld: usize,
    names: &[String],
    reviewed_by: &str,
    at: DateTime<Utc>,
) -> Packet {
    let mut p = Packet {
        title: "Your record".into(),
        footer: format!("{department} - Social Service Unit - copy for the client"),
        blocks: Vec::new(),
    };
    p.push(Style::Small, department);
    p.push(Style::Title, "Your record with the Social Service Unit");
    p.push(
        Style::Body,
        format!(
            "Copy made for {} on {} UTC, reviewed by {reviewed_by}.",
            client.summary.name,
            at.format("%Y-%m-%d")
        ),
    );
    p.push(
        Style::Small,
        "Names of other people in this record have been replaced by [redacted] to protect their privacy (NASW Code of Ethics 1.08b).",
    );
    if withheld > 0 {
        p.push(
            Style::Body,
            format!(
                "{withheld} part(s) of your record are not in this copy. The reason is written in your file; \
                 the social worker will go through it with you on request."
            ),
        );
    }
    p.push(Style::Rule, "");
    client_lines(&mut p, client, true, true, names);
    if let Some(l) = &client.preferred_language {
        p.push(Style::Body, format!("Preferred language: {l}"));
    }
    if let Some(h) = &client.household {
        p.push(Style::Body, format!("Household: {}", redact(h, names)));
    }
    if !visits.is_empty() {
        p.push(Style::Heading, "Visits");
    }
    for v in visits {
        visit_lines(&mut p, v, true, names);
    }
    for r in referrals {
        referral_lines(&mut p, r, names);
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::casework::domain::{InterventionKind, NoteStatus, Setting};
    use crate::casework::{Addendum, ClientSummary};
    use crate::disclosure::domain::{validate_disclosure, DisclosureDraft};

    fn client() -> ClientDetail {
        ClientDetail {
            summary: ClientSummary {
                id: uuid::Uuid::now_v7().to_string(),
                name: "Maria Lopez".into(),
                date_of_birth: chrono::NaiveDate::from_ymd_opt(1961, 3, 2),
                age: None,
                protections: vec![],
            },
            telephone: Some("630-555-0100".into()),
            address: Some("12 Elm Street".into()),
            preferred_language: Some("Spanish".into()),
            household: Some("Luis Lopez, son".into()),
            created_at: Utc::now(),
        }
    }

    fn visit(narrative: &str) -> VisitView {
        VisitView {
            id: uuid::Uuid::now_v7().to_string(),
            kind: InterventionKind::DeathNotification,
            setting: Setting::OnSite,
            occurred_at: Utc::now(),
            location: Some("The family home".into()),
            present: Some("Officer Diaz; Luis Lopez".into()),
            police_report_number: Some("26-1".into()),
            checklist: vec![],
            narrative: narrative.into(),
            assessment: Some("Acute grief".into()),
            actions_taken: None,
            follow_up_on: None,
            status: NoteStatus::Signed,
            author_name: "Rosa Alvarez".into(),
            mine: true,
            signed_at: Some(Utc::now()),
            addenda: vec![Addendum {
                id: "a".into(),
                text: "Luis called back.".into(),
                author_name: "Rosa Alvarez".into(),
                at: Utc::now(),
            }],
        }
    }

    #[test]
    fn a_disclosure_carries_only_what_was_chosen_and_the_notice() {
        let d = validate_disclosure(&DisclosureDraft {
            id: uuid::Uuid::now_v7().to_string(),
            client_id: uuid::Uuid::now_v7().to_string(),
            basis: "consent".into(),
            consent_id: uuid::Uuid::now_v7().to_string(),
            recipient: "Alexian Brothers".into(),
            purpose: "Admission".into(),
            identity: false,
            contact: false,
            visit_ids: vec![uuid::Uuid::now_v7().to_string()],
            client_informed: "before".into(),
            ..Default::default()
        })
        .expect("valid");
        let chosen = visit("Told the widow in person.");
        let p = disclosure(
            "Hanover Park",
            &d,
            &client(),
            &[&chosen],
            &[],
            &[InfoKind::Visits],
            "Rosa Alvarez",
            Utc::now(),
        );
        let text = p.text();
        assert!(text.contains("Told the widow in person."));
        assert!(text.contains("About: Maria Lopez"));
        assert!(text.contains("redisclosure"));
        for absent in [
            "630-555-0100",
            "12 Elm Street",
            "1961",
            "Luis Lopez",
            "The family home",
        ] {
            assert!(!text.contains(absent), "{absent} left the unit");
        }
        assert!(!text.contains("42 CFR"));
    }

    #[test]
    fn a_client_copy_redacts_third_parties() {
        let v = visit("Luis Lopez found his mother; Luis stayed.");
        let names = vec!["Luis Lopez".to_string(), "Luis".to_string()];
        let p = client_copy(
            "Hanover Park",
            &client(),
            &[&v],
            &[],
            1,
            &names,
            "Rosa Alvarez",
            Utc::now(),
        );
        let text = p.text();
        assert!(!text.contains("Luis"), "{text}");
        assert!(text.contains("[redacted] found his mother; [redacted] stayed."));
        assert!(text.contains("Present: Officer Diaz; [redacted]"));
        assert!(text.contains("1 part(s) of your record are not in this copy"));
        assert!(text.contains("Telephone: 630-555-0100"));
    }
}
