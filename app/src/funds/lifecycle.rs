//! The request's life as one state machine, shared by browser and server: who may take which step
//! from which state, and what each step does to the cash box. The server runs [`decide`] inside the
//! database transaction that applies the step; the UI calls [`available_actions`] to show only the
//! buttons the signed-in person may press now.
//!
//! ```text
//! submitted ──approve──▶ approved ──disburse──▶ disbursed ──file──▶ filed
//!     │  └──approve (above cap)──▶ awaiting_chief ──chief_approve──▶ approved
//!     │                               └──chief_deny──▶ denied
//!     ├──deny──▶ denied
//!     └──withdraw (filer)──▶ withdrawn
//! ```
//! Approval holds the amount on the fund; disbursal posts it; denial or withdrawal releases it.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::cashbox::{FundError, FundState};
use super::domain::RequestStatus;
use crate::auth::{CurrentUser, Role};
use crate::settings::DepartmentSettings;

pub const REASON_MAX: usize = 1000;
/// An SVG path of the recipient's signature, bounded so a request stays small.
pub const SIGNATURE_MAX: usize = 20_000;

/// The step a person asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    Approve,
    Deny,
    ChiefApprove,
    ChiefDeny,
    Withdraw,
    Disburse,
    File,
    /// Taken by Haven itself, never offered to a person.
    Expire,
}

impl ActionKind {
    pub const ALL: [ActionKind; 8] = [
        ActionKind::Approve,
        ActionKind::Deny,
        ActionKind::ChiefApprove,
        ActionKind::ChiefDeny,
        ActionKind::Withdraw,
        ActionKind::Disburse,
        ActionKind::File,
        ActionKind::Expire,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ActionKind::Approve => "approve",
            ActionKind::Deny => "deny",
            ActionKind::ChiefApprove => "chief_approve",
            ActionKind::ChiefDeny => "chief_deny",
            ActionKind::Withdraw => "withdraw",
            ActionKind::Disburse => "disburse",
            ActionKind::File => "file",
            ActionKind::Expire => "expire",
        }
    }

    pub fn from_code(code: &str) -> Option<ActionKind> {
        ActionKind::ALL.into_iter().find(|a| a.code() == code)
    }

    /// Past tense, for the timeline.
    pub fn done_label(self) -> &'static str {
        match self {
            ActionKind::Approve => "Approved by the supervisor",
            ActionKind::Deny => "Denied by the supervisor",
            ActionKind::ChiefApprove => "Approved by the Chief",
            ActionKind::ChiefDeny => "Denied by the Chief",
            ActionKind::Withdraw => "Withdrawn by the filer",
            ActionKind::Disburse => "Cash disbursed",
            ActionKind::File => "Filed",
            ActionKind::Expire => "Approval lapsed: not disbursed in time, hold released",
        }
    }
}

/// How the recipient acknowledged the cash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Acknowledgement {
    /// The signature drawn on the screen, as an SVG path (`M x y L x y …`).
    Signed {
        signature: String,
    },
    RefusedToSign {
        reason: String,
    },
}

/// A step with what it carries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Step {
    Approve,
    Deny {
        reason: String,
    },
    ChiefApprove,
    ChiefDeny {
        reason: String,
    },
    Withdraw,
    Disburse {
        amount: Decimal,
        acknowledgement: Acknowledgement,
    },
    File,
}

impl Step {
    pub fn kind(&self) -> ActionKind {
        match self {
            Step::Approve => ActionKind::Approve,
            Step::Deny { .. } => ActionKind::Deny,
            Step::ChiefApprove => ActionKind::ChiefApprove,
            Step::ChiefDeny { .. } => ActionKind::ChiefDeny,
            Step::Withdraw => ActionKind::Withdraw,
            Step::Disburse { .. } => ActionKind::Disburse,
            Step::File => ActionKind::File,
        }
    }
}

/// What the server knows of a request when a step is asked for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestFacts {
    pub status: RequestStatus,
    pub amount_requested: Decimal,
    pub needs_chief_approval: bool,
    pub filed_by: String,
    /// Who approved (supervisor, then chief): they may not disburse it.
    pub approvers: Vec<String>,
    /// The amount on hold for this request (0 when none).
    pub held: Decimal,
}

/// Why a step was refused. Serialized as a code the UI turns into a sentence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum TransitionError {
    /// The request is no longer in a state where this step applies (someone else acted first).
    #[error("not allowed in this state")]
    WrongState { status: RequestStatus },
    /// The person lacks the role for this step.
    #[error("role required")]
    RoleRequired,
    /// Separation of duties: e.g. approving one's own request, disbursing what one approved.
    #[error("separation of duties")]
    SeparationOfDuties,
    #[error("reason required")]
    ReasonRequired,
    #[error("reason too long")]
    ReasonTooLong,
    #[error("signature required")]
    SignatureRequired,
    #[error("signature too large")]
    SignatureTooLarge,
    #[error("amount invalid")]
    AmountInvalid,
    /// More than approved (or more than the cap without the Chief's approval).
    #[error("amount above approved")]
    AboveApproved,
    #[error("fund: {0}")]
    Fund(#[from] FundError),
}

impl TransitionError {
    /// The HTTP status the server answers with.
    pub fn status(&self) -> u16 {
        match self {
            TransitionError::WrongState { .. }
            | TransitionError::Fund(FundError::Insufficient { .. }) => 409,
            TransitionError::RoleRequired | TransitionError::SeparationOfDuties => 403,
            _ => 422,
        }
    }

    pub fn message(&self) -> String {
        match self {
            TransitionError::WrongState { status } => format!(
                "This request is now \u{201c}{}\u{201d}: someone acted on it first. Nothing was changed.",
                status.label()
            ),
            TransitionError::RoleRequired => "Your role does not allow this step.".into(),
            TransitionError::SeparationOfDuties => {
                "Separation of duties: you cannot take this step on a request you filed or approved."
                    .into()
            }
            TransitionError::ReasonRequired => "Give a reason.".into(),
            TransitionError::ReasonTooLong => format!("The reason is longer than {REASON_MAX} characters."),
            TransitionError::SignatureRequired => {
                "The recipient's signature is missing: have them sign, or record that they refused.".into()
            }
            TransitionError::SignatureTooLarge => "The signature is too large; clear it and sign again.".into(),
            TransitionError::AmountInvalid => "Enter the amount handed over: more than $0, at most two decimals.".into(),
            TransitionError::AboveApproved => "The amount is more than was approved.".into(),
            TransitionError::Fund(e) => e.message(),
        }
    }
}

/// The outcome of an allowed step: the request's new state and what happens to the fund.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Effect {
    pub status: RequestStatus,
    /// The fund after the step.
    pub fund: FundState,
    /// The request's hold after the step.
    pub held: Decimal,
    /// Cash handed over (a disbursal): a ledger entry of `-amount`.
    pub disbursed: Option<Decimal>,
    /// The fund is now under the department's minimum: raise a "replenish" task.
    pub below_minimum: bool,
}

fn role_for(kind: ActionKind, user: &CurrentUser) -> bool {
    match kind {
        ActionKind::Approve | ActionKind::Deny => user.has(Role::Supervisor),
        ActionKind::ChiefApprove | ActionKind::ChiefDeny => {
            user.has(Role::Chief) || user.has(Role::ChiefDesignee)
        }
        ActionKind::Withdraw => true,
        ActionKind::Disburse | ActionKind::File => user.has(Role::SocialWorker),
        ActionKind::Expire => false,
    }
}

/// From which state a step may be taken.
fn state_for(kind: ActionKind) -> RequestStatus {
    match kind {
        ActionKind::Approve | ActionKind::Deny | ActionKind::Withdraw => RequestStatus::Submitted,
        ActionKind::ChiefApprove | ActionKind::ChiefDeny => RequestStatus::AwaitingChief,
        ActionKind::Disburse | ActionKind::Expire => RequestStatus::Approved,
        ActionKind::File => RequestStatus::Disbursed,
    }
}

/// Who may take `kind` on this request, leaving aside the fund and the step's details.
pub fn check_actor(
    facts: &RequestFacts,
    user: &CurrentUser,
    kind: ActionKind,
) -> Result<(), TransitionError> {
    if facts.status != state_for(kind) {
        return Err(TransitionError::WrongState {
            status: facts.status,
        });
    }
    if !role_for(kind, user) {
        return Err(TransitionError::RoleRequired);
    }
    match kind {
        ActionKind::Withdraw if user.id != facts.filed_by => Err(TransitionError::RoleRequired),
        ActionKind::Approve
        | ActionKind::Deny
        | ActionKind::ChiefApprove
        | ActionKind::ChiefDeny
            if user.id == facts.filed_by =>
        {
            Err(TransitionError::SeparationOfDuties)
        }
        ActionKind::Disburse if facts.approvers.contains(&user.id) => {
            Err(TransitionError::SeparationOfDuties)
        }
        _ => Ok(()),
    }
}

/// The steps this person may take on this request now (the UI shows just these).
pub fn available_actions(facts: &RequestFacts, user: &CurrentUser) -> Vec<ActionKind> {
    ActionKind::ALL
        .into_iter()
        .filter(|k| check_actor(facts, user, *k).is_ok())
        .collect()
}

fn reason(text: &str) -> Result<(), TransitionError> {
    let t = text.trim();
    if t.is_empty() {
        Err(TransitionError::ReasonRequired)
    } else if t.chars().count() > REASON_MAX {
        Err(TransitionError::ReasonTooLong)
    } else {
        Ok(())
    }
}

/// Decide a step: refuse it with a reason, or say exactly what it changes.
pub fn decide(
    facts: &RequestFacts,
    fund: &FundState,
    user: &CurrentUser,
    step: &Step,
    settings: &DepartmentSettings,
) -> Result<Effect, TransitionError> {
    check_actor(facts, user, step.kind())?;
    let minimum = settings.minimum_cash_balance;
    let unchanged = |status| Effect {
        status,
        fund: fund.clone(),
        held: facts.held,
        disbursed: None,
        below_minimum: false,
    };
    let release = |status| -> Result<Effect, TransitionError> {
        let fund = fund.release(facts.held)?;
        Ok(Effect {
            status,
            fund,
            held: Decimal::ZERO,
            disbursed: None,
            below_minimum: false,
        })
    };
    match step {
        Step::Approve => {
            let fund_after = fund.hold(facts.amount_requested)?;
            Ok(Effect {
                status: if facts.needs_chief_approval {
                    RequestStatus::AwaitingChief
                } else {
                    RequestStatus::Approved
                },
                below_minimum: fund_after.available() < minimum,
                fund: fund_after,
                held: facts.amount_requested,
                disbursed: None,
            })
        }
        Step::Deny { reason: r } | Step::ChiefDeny { reason: r } => {
            reason(r)?;
            release(RequestStatus::Denied)
        }
        Step::ChiefApprove => Ok(unchanged(RequestStatus::Approved)),
        Step::Withdraw => release(RequestStatus::Withdrawn),
        Step::Disburse {
            amount,
            acknowledgement,
        } => {
            match acknowledgement {
                Acknowledgement::Signed { signature } => {
                    if signature.trim().is_empty() {
                        return Err(TransitionError::SignatureRequired);
                    }
                    if signature.len() > SIGNATURE_MAX {
                        return Err(TransitionError::SignatureTooLarge);
                    }
                }
                Acknowledgement::RefusedToSign { reason: r } => reason(r)?,
            }
            if *amount <= Decimal::ZERO || amount.normalize().scale() > 2 {
                return Err(TransitionError::AmountInvalid);
            }
            if *amount > facts.held || *amount > facts.amount_requested {
                return Err(TransitionError::AboveApproved);
            }
            let fund_after = fund.post(facts.held, *amount)?;
            Ok(Effect {
                status: RequestStatus::Disbursed,
                below_minimum: fund_after.available() < minimum,
                fund: fund_after,
                held: Decimal::ZERO,
                disbursed: Some(*amount),
            })
        }
        Step::File => Ok(unchanged(RequestStatus::Filed)),
    }
}

/// An approval that lapsed (not disbursed within the department's days): release its hold.
/// Applies to approved requests and to those still waiting for the Chief.
pub fn expire(facts: &RequestFacts, fund: &FundState) -> Result<Effect, TransitionError> {
    if !matches!(
        facts.status,
        RequestStatus::Approved | RequestStatus::AwaitingChief
    ) {
        return Err(TransitionError::WrongState {
            status: facts.status,
        });
    }
    Ok(Effect {
        status: RequestStatus::Expired,
        fund: fund.release(facts.held)?,
        held: Decimal::ZERO,
        disbursed: None,
        below_minimum: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lapsed_approval_releases_its_hold_and_nobody_can_expire_by_hand() {
        let mut f = facts(RequestStatus::Approved, 20);
        f.held = Decimal::new(20, 0);
        let held = FundState {
            cash: Decimal::new(100, 0),
            held: Decimal::new(20, 0),
        };
        let e = expire(&f, &held).unwrap();
        assert_eq!(e.status, RequestStatus::Expired);
        assert_eq!(e.fund.held, Decimal::ZERO);
        assert_eq!(e.fund.cash, Decimal::new(100, 0));
        assert!(matches!(
            expire(&facts(RequestStatus::Disbursed, 20), &held),
            Err(TransitionError::WrongState { .. })
        ));
        let mut everyone = user("x", Role::SocialWorker);
        everyone.roles = Role::ALL.to_vec();
        assert!(!available_actions(&f, &everyone).contains(&ActionKind::Expire));
    }

    fn user(id: &str, role: Role) -> CurrentUser {
        CurrentUser {
            id: id.into(),
            username: id.into(),
            display_name: id.into(),
            roles: vec![role],
        }
    }

    fn facts(status: RequestStatus, amount: i64) -> RequestFacts {
        RequestFacts {
            status,
            amount_requested: Decimal::new(amount, 0),
            needs_chief_approval: Decimal::new(amount, 0) > Decimal::new(25, 0),
            filed_by: "diaz".into(),
            approvers: vec![],
            held: Decimal::ZERO,
        }
    }

    fn fund(cash: i64) -> FundState {
        FundState {
            cash: Decimal::new(cash, 0),
            held: Decimal::ZERO,
        }
    }

    fn settings() -> DepartmentSettings {
        DepartmentSettings::default()
    }

    fn signed() -> Acknowledgement {
        Acknowledgement::Signed {
            signature: "M 1 1 L 5 5".into(),
        }
    }

    #[test]
    fn supervisor_approval_holds_the_amount() {
        let e = decide(
            &facts(RequestStatus::Submitted, 20),
            &fund(200),
            &user("sgt", Role::Supervisor),
            &Step::Approve,
            &settings(),
        )
        .unwrap();
        assert_eq!(e.status, RequestStatus::Approved);
        assert_eq!(e.fund.held, Decimal::new(20, 0));
        assert_eq!(e.fund.available(), Decimal::new(180, 0));
        assert_eq!(e.held, Decimal::new(20, 0));
        assert!(!e.below_minimum);
    }

    #[test]
    fn above_the_cap_goes_to_the_chief_before_any_disbursal() {
        let f = facts(RequestStatus::Submitted, 40);
        let sgt = user("sgt", Role::Supervisor);
        let e = decide(&f, &fund(200), &sgt, &Step::Approve, &settings()).unwrap();
        assert_eq!(e.status, RequestStatus::AwaitingChief);
        let awaiting = RequestFacts {
            status: e.status,
            held: e.held,
            approvers: vec!["sgt".into()],
            ..f
        };
        let sw = user("rivera", Role::SocialWorker);
        assert_eq!(available_actions(&awaiting, &sw), vec![]);
        let step = Step::Disburse {
            amount: Decimal::new(40, 0),
            acknowledgement: signed(),
        };
        assert!(matches!(
            decide(&awaiting, &e.fund, &sw, &step, &settings()),
            Err(TransitionError::WrongState { .. })
        ));
        let chief = user("hale", Role::Chief);
        assert_eq!(
            available_actions(&awaiting, &chief),
            vec![ActionKind::ChiefApprove, ActionKind::ChiefDeny]
        );
        let e2 = decide(&awaiting, &e.fund, &chief, &Step::ChiefApprove, &settings()).unwrap();
        assert_eq!(e2.status, RequestStatus::Approved);
        let approved = RequestFacts {
            status: e2.status,
            ..awaiting
        };
        let e3 = decide(&approved, &e2.fund, &sw, &step, &settings()).unwrap();
        assert_eq!(e3.status, RequestStatus::Disbursed);
        assert_eq!(e3.fund.cash, Decimal::new(160, 0));
        assert_eq!(e3.fund.held, Decimal::ZERO);
    }

    #[test]
    fn the_filer_cannot_approve_and_the_approver_cannot_disburse() {
        let mut f = facts(RequestStatus::Submitted, 20);
        f.filed_by = "sgt".into();
        let sgt = user("sgt", Role::Supervisor);
        assert_eq!(
            decide(&f, &fund(100), &sgt, &Step::Approve, &settings()),
            Err(TransitionError::SeparationOfDuties)
        );
        let mut approved = facts(RequestStatus::Approved, 20);
        approved.approvers = vec!["rivera".into()];
        approved.held = Decimal::new(20, 0);
        let mut both = user("rivera", Role::SocialWorker);
        both.roles.push(Role::Supervisor);
        let step = Step::Disburse {
            amount: Decimal::new(20, 0),
            acknowledgement: signed(),
        };
        let held = FundState {
            cash: Decimal::new(100, 0),
            held: Decimal::new(20, 0),
        };
        assert_eq!(
            decide(&approved, &held, &both, &step, &settings()),
            Err(TransitionError::SeparationOfDuties)
        );
    }

    #[test]
    fn only_the_filer_withdraws_and_only_before_a_decision() {
        let f = facts(RequestStatus::Submitted, 20);
        let diaz = user("diaz", Role::Officer);
        let kim = user("kim", Role::Officer);
        assert_eq!(available_actions(&f, &diaz), vec![ActionKind::Withdraw]);
        assert_eq!(available_actions(&f, &kim), vec![]);
        let approved = facts(RequestStatus::Approved, 20);
        assert_eq!(available_actions(&approved, &diaz), vec![]);
    }

    #[test]
    fn denial_needs_a_reason_and_releases_the_hold() {
        let mut f = facts(RequestStatus::AwaitingChief, 40);
        f.held = Decimal::new(40, 0);
        let held = FundState {
            cash: Decimal::new(100, 0),
            held: Decimal::new(40, 0),
        };
        let chief = user("hale", Role::Chief);
        assert_eq!(
            decide(
                &f,
                &held,
                &chief,
                &Step::ChiefDeny { reason: " ".into() },
                &settings()
            ),
            Err(TransitionError::ReasonRequired)
        );
        let e = decide(
            &f,
            &held,
            &chief,
            &Step::ChiefDeny {
                reason: "Other assistance found".into(),
            },
            &settings(),
        )
        .unwrap();
        assert_eq!(e.status, RequestStatus::Denied);
        assert_eq!(e.fund.held, Decimal::ZERO);
        assert_eq!(e.fund.cash, Decimal::new(100, 0));
    }

    #[test]
    fn approval_beyond_available_cash_is_refused_and_below_minimum_warns() {
        let sgt = user("sgt", Role::Supervisor);
        let f = facts(RequestStatus::Submitted, 20);
        assert!(matches!(
            decide(&f, &fund(15), &sgt, &Step::Approve, &settings()),
            Err(TransitionError::Fund(FundError::Insufficient { .. }))
        ));
        let e = decide(&f, &fund(60), &sgt, &Step::Approve, &settings()).unwrap();
        assert!(e.below_minimum, "60 - 20 = 40 < 50");
    }

    #[test]
    fn disbursal_rules() {
        let sw = user("rivera", Role::SocialWorker);
        let mut f = facts(RequestStatus::Approved, 20);
        f.held = Decimal::new(20, 0);
        let held = FundState {
            cash: Decimal::new(100, 0),
            held: Decimal::new(20, 0),
        };
        let go = |amount: Decimal, ack: Acknowledgement| {
            decide(
                &f,
                &held,
                &sw,
                &Step::Disburse {
                    amount,
                    acknowledgement: ack,
                },
                &settings(),
            )
        };
        assert_eq!(
            go(Decimal::new(21, 0), signed()),
            Err(TransitionError::AboveApproved)
        );
        assert_eq!(
            go(Decimal::ZERO, signed()),
            Err(TransitionError::AmountInvalid)
        );
        assert_eq!(
            go(Decimal::new(1001, 3), signed()),
            Err(TransitionError::AmountInvalid)
        );
        assert_eq!(
            go(
                Decimal::new(20, 0),
                Acknowledgement::Signed {
                    signature: "".into()
                }
            ),
            Err(TransitionError::SignatureRequired)
        );
        let e = go(
            Decimal::new(15, 0),
            Acknowledgement::RefusedToSign {
                reason: "Hands injured".into(),
            },
        )
        .unwrap();
        // Less than approved: the rest of the hold goes back to the fund.
        assert_eq!(e.fund.cash, Decimal::new(85, 0));
        assert_eq!(e.fund.held, Decimal::ZERO);
        assert_eq!(e.disbursed, Some(Decimal::new(15, 0)));
    }

    #[test]
    fn a_decided_request_cannot_be_decided_again() {
        let sgt = user("sgt2", Role::Supervisor);
        for status in [
            RequestStatus::Approved,
            RequestStatus::Denied,
            RequestStatus::Withdrawn,
            RequestStatus::Disbursed,
        ] {
            let f = facts(status, 20);
            assert_eq!(
                decide(&f, &fund(100), &sgt, &Step::Approve, &settings()),
                Err(TransitionError::WrongState { status })
            );
        }
    }

    #[test]
    fn codes_round_trip() {
        for a in ActionKind::ALL {
            assert_eq!(ActionKind::from_code(a.code()), Some(a));
        }
    }
}

#[cfg(test)]
mod wire_tests {
    use super::*;

    #[test]
    fn a_fund_refusal_crosses_the_wire_with_distinct_tags() {
        let r = TransitionError::Fund(FundError::Insufficient {
            available: Decimal::new(5, 0),
        });
        let json =
            serde_json::to_string(&crate::error::AppError::Refused { refusal: r.clone() }).unwrap();
        assert_eq!(json.matches("\"code\"").count(), 1, "{json}");
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["refusal"]["code"], "fund");
        assert_eq!(v["refusal"]["fund_error"], "insufficient");
        let back: crate::error::AppError = serde_json::from_str(&json).unwrap();
        assert_eq!(back, crate::error::AppError::Refused { refusal: r });
    }
}
