//! Retention and disposal rules (NASW 1.07n, 3.04d): each kind of record is kept for the
//! department's period after its last activity; past it, the record is listed for disposal; a
//! disposal is proposed by a social worker, approved by somebody else (the Deputy Chief of Support
//! Services, who directs the unit), and only then carried out. Plain Rust.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// The kinds of records with a retention period (department settings).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// A client and everything about them: notes, addenda, personal notes, referrals, consents,
    /// disclosures, access requests. Destroyed whole.
    ClientFile,
    /// An Emergency Request For Funds in a final state. The resident's details are destroyed; the
    /// amounts stay in the fund's books, which are never rewritten.
    FundRequest,
}

impl RecordKind {
    pub const ALL: [RecordKind; 2] = [RecordKind::ClientFile, RecordKind::FundRequest];
    pub fn code(self) -> &'static str {
        match self {
            RecordKind::ClientFile => "client_file",
            RecordKind::FundRequest => "fund_request",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            RecordKind::ClientFile => "Client file",
            RecordKind::FundRequest => "Emergency fund request",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
    /// The table of the record itself.
    pub fn table(self) -> &'static str {
        match self {
            RecordKind::ClientFile => "client",
            RecordKind::FundRequest => "fund_request",
        }
    }
}

/// The last day a record must be kept: `years` after its last activity.
pub fn kept_until(last_activity: NaiveDate, years: u32) -> NaiveDate {
    last_activity
        .checked_add_months(Months::new(years.saturating_mul(12)))
        .unwrap_or(NaiveDate::MAX)
}

/// Past its retention period on `today`?
pub fn is_due(last_activity: NaiveDate, years: u32, today: NaiveDate) -> bool {
    today > kept_until(last_activity, years)
}

/// Where a disposal stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DisposalStatus {
    Proposed,
    Approved,
    Destroyed,
}

impl DisposalStatus {
    pub fn code(self) -> &'static str {
        match self {
            DisposalStatus::Proposed => "proposed",
            DisposalStatus::Approved => "approved",
            DisposalStatus::Destroyed => "destroyed",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        [
            DisposalStatus::Proposed,
            DisposalStatus::Approved,
            DisposalStatus::Destroyed,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }
    pub fn label(self) -> &'static str {
        match self {
            DisposalStatus::Proposed => "Proposed, waiting for approval",
            DisposalStatus::Approved => "Approved, to be destroyed",
            DisposalStatus::Destroyed => "Destroyed",
        }
    }
}

/// Why a disposal step was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DisposalRefusal {
    /// Still inside its retention period (or not in a final state).
    NotDue,
    /// Already proposed (or further).
    AlreadyProposed,
    /// The one who proposed a disposal cannot approve it.
    OwnProposal,
    /// Only a proposed disposal can be approved.
    NotProposed,
    /// Nothing is destroyed before its approval is recorded.
    NotApproved,
}

impl DisposalRefusal {
    pub fn message(self) -> &'static str {
        match self {
            DisposalRefusal::NotDue => "This record is still inside its retention period.",
            DisposalRefusal::AlreadyProposed => "A disposal of this record is already under way.",
            DisposalRefusal::OwnProposal => {
                "Somebody else than the person who proposed it must approve a disposal."
            }
            DisposalRefusal::NotProposed => "Only a proposed disposal can be approved.",
            DisposalRefusal::NotApproved => {
                "Nothing is destroyed before the disposal's approval is recorded."
            }
        }
    }
}

/// May `approver` approve a disposal proposed by `proposer`, now `status`?
pub fn may_approve(
    status: DisposalStatus,
    proposer: &str,
    approver: &str,
) -> Result<(), DisposalRefusal> {
    match status {
        DisposalStatus::Proposed if proposer == approver => Err(DisposalRefusal::OwnProposal),
        DisposalStatus::Proposed => Ok(()),
        _ => Err(DisposalRefusal::NotProposed),
    }
}

/// May the record be destroyed now?
pub fn may_destroy(status: DisposalStatus) -> Result<(), DisposalRefusal> {
    match status {
        DisposalStatus::Approved => Ok(()),
        _ => Err(DisposalRefusal::NotApproved),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn a_record_is_due_the_day_after_its_period_ends() {
        assert_eq!(kept_until(d(2019, 12, 4), 7), d(2026, 12, 4));
        assert!(!is_due(d(2019, 12, 4), 7, d(2026, 12, 4)));
        assert!(is_due(d(2019, 12, 4), 7, d(2026, 12, 5)));
        // A leap day ends on the last day of February.
        assert_eq!(kept_until(d(2020, 2, 29), 1), d(2021, 2, 28));
        assert!(!is_due(d(2026, 1, 1), 0, d(2026, 1, 1)));
    }

    #[test]
    fn a_disposal_needs_somebody_elses_approval_before_anything_is_destroyed() {
        assert_eq!(
            may_destroy(DisposalStatus::Proposed),
            Err(DisposalRefusal::NotApproved)
        );
        assert_eq!(
            may_approve(DisposalStatus::Proposed, "rosa", "rosa"),
            Err(DisposalRefusal::OwnProposal)
        );
        assert_eq!(may_approve(DisposalStatus::Proposed, "rosa", "jo"), Ok(()));
        assert_eq!(may_destroy(DisposalStatus::Approved), Ok(()));
        assert_eq!(
            may_approve(DisposalStatus::Destroyed, "rosa", "jo"),
            Err(DisposalRefusal::NotProposed)
        );
        assert_eq!(
            may_destroy(DisposalStatus::Destroyed),
            Err(DisposalRefusal::NotApproved)
        );
    }

    #[test]
    fn kinds_read_back_from_their_codes() {
        for k in RecordKind::ALL {
            assert_eq!(RecordKind::from_code(k.code()), Some(k));
        }
    }
}
