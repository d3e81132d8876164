//! Offline work (issue 5, ADR 0009): the app shell kept by the service worker (`public/sw.js`), an
//! encrypted outbox in IndexedDB on the device (`vault`, browser only), and the sync that pushes it
//! (`api::sync_push`): each record applied once by its device-made id, answered one by one.
//!
//! The rules here are plain Rust shared by both sides: what a PIN must be, what a pushed record is
//! and what the server may answer about it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{ErrorCode, FieldError};

pub mod api;
#[cfg(feature = "ssr")]
pub mod devices;
#[cfg(feature = "ssr")]
pub mod pull;
#[cfg(feature = "hydrate")]
pub mod vault;
pub mod views;

/// Wrong PINs in a row after which the device wipes its store.
pub const MAX_WRONG_PINS: u32 = 10;
/// The shortest PIN (CJIS allows a PIN of six digits or more for a device-bound authenticator).
pub const MIN_PIN_DIGITS: usize = 6;
/// The longest batch the server takes in one push.
pub const MAX_BATCH: usize = 50;

/// Check a new PIN: digits only, six to twelve of them, not all the same digit, not a plain run
/// (123456, 654321).
pub fn validate_pin(pin: &str) -> Result<(), FieldError> {
    let p = pin.trim();
    if p.is_empty() {
        return Err(FieldError::new("pin", ErrorCode::Required));
    }
    if !p.chars().all(|c| c.is_ascii_digit()) || p.len() < MIN_PIN_DIGITS || p.len() > 12 {
        return Err(FieldError::new("pin", ErrorCode::PinFormat));
    }
    let digits: Vec<i32> = p.bytes().map(|b| i32::from(b - b'0')).collect();
    let same = digits.windows(2).all(|w| w[0] == w[1]);
    let up = digits.windows(2).all(|w| w[1] - w[0] == 1);
    let down = digits.windows(2).all(|w| w[0] - w[1] == 1);
    if same || up || down {
        return Err(FieldError::new("pin", ErrorCode::PinGuessable));
    }
    Ok(())
}

/// What kind of record an outbox item is: an officer's fund request, or the social worker's
/// crisis visit and the referral made during it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    FundRequest,
    Visit,
    Referral,
}

impl RecordKind {
    pub const ALL: [RecordKind; 3] = [
        RecordKind::FundRequest,
        RecordKind::Visit,
        RecordKind::Referral,
    ];
    pub fn code(self) -> &'static str {
        match self {
            RecordKind::FundRequest => "fund_request",
            RecordKind::Visit => "visit",
            RecordKind::Referral => "referral",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
    pub fn label(self) -> &'static str {
        match self {
            RecordKind::FundRequest => "Emergency fund request",
            RecordKind::Visit => "Crisis visit",
            RecordKind::Referral => "Referral",
        }
    }
}

/// The body of a visit in the outbox: the visit as typed, and whether its author signed it on the
/// device. The server saves it and then signs it; a resend whose answer was lost is "already had
/// it" (the same content, already signed).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VisitRecord {
    pub visit: crate::casework::domain::VisitDraft,
    #[serde(default)]
    pub sign: bool,
}

/// One record pushed from a device's outbox: its device-made id and its body, as the form would
/// have sent it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PushRecord {
    pub kind: RecordKind,
    pub id: String,
    pub body: serde_json::Value,
}

/// The server's answer about one pushed record. Only `Accepted` and `Duplicate` let the item leave
/// the outbox; the others stay, shown on that item, for the user to fix or to ask about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum PushOutcome {
    /// Committed now.
    Accepted,
    /// The server already had this very record (an earlier push whose answer was lost).
    Duplicate,
    /// Bad input, field by field.
    Rejected { fields: Vec<FieldError> },
    /// The same id with other content: never overwritten.
    Conflict,
    /// Not allowed, or a fault: the message says which; try again later or call.
    Failed { message: String },
}

impl PushOutcome {
    /// May the item leave the outbox? Only once the server has committed it.
    pub fn committed(&self) -> bool {
        matches!(self, PushOutcome::Accepted | PushOutcome::Duplicate)
    }
}

/// One line of the server's answer to a push.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushResult {
    pub id: String,
    #[serde(flatten)]
    pub outcome: PushOutcome,
}

/// How far back a pull looks before its cursor. A change is stamped by the database when its
/// transaction writes it, and becomes visible when it commits: one that committed just after a
/// pull, with a stamp just before that pull's cursor, is caught by the next pull's overlap. The
/// device merges by id, so what it is sent twice changes nothing.
pub const PULL_OVERLAP_SECS: i64 = 300;
/// A device keeps the requests its person filed that changed in this many days, no older ones.
pub const HOLD_DAYS: i64 = 30;

/// What a device keeps of a request its person filed, to know where it stands with no signal:
/// the date, the amount and the state. Nothing of the resident (least information): the officer
/// knows whom it was for, a finder of the phone learns nothing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldRequest {
    pub id: String,
    pub date: String,
    pub amount_requested: rust_decimal::Decimal,
    pub status: crate::funds::domain::RequestStatus,
    pub updated_at: DateTime<Utc>,
}

/// What a social worker's device keeps of a client, to choose whom a visit is for with no
/// signal: the id and the name, nothing else of the file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldClient {
    pub id: String,
    pub name: String,
}

/// The server's answer to a pull: what changed since the device's cursor, and the next cursor.
/// Clients and the Resource Directory come only to those who do casework (an officer's phone
/// holds neither).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullAnswer {
    pub cursor: DateTime<Utc>,
    pub requests: Vec<HeldRequest>,
    #[serde(default)]
    pub clients: Vec<HeldClient>,
    #[serde(default)]
    pub agencies: Vec<crate::directory::domain::Agency>,
    /// Clients whose files were destroyed under the retention schedule: the device drops them.
    #[serde(default)]
    pub removed_clients: Vec<String>,
}

/// Everything a device holds from its pulls (sealed on the device) and the cursor of the last.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holding {
    pub cursor: Option<DateTime<Utc>>,
    #[serde(default)]
    pub requests: Vec<HeldRequest>,
    #[serde(default)]
    pub clients: Vec<HeldClient>,
    #[serde(default)]
    pub agencies: Vec<crate::directory::domain::Agency>,
}

impl Holding {
    /// Fold a pull's answer in: requests by [`merge`], clients and agencies replaced by id (the
    /// newest answer wins), each list sorted by name.
    pub fn fold(self, answer: &PullAnswer, now: DateTime<Utc>) -> Holding {
        let mut clients = replace_by_id(self.clients, answer.clients.clone(), |c| c.id.clone());
        clients.retain(|c| !answer.removed_clients.contains(&c.id));
        clients.sort_by_key(|c| c.name.to_lowercase());
        let mut agencies = replace_by_id(self.agencies, answer.agencies.clone(), |a| a.id.clone());
        agencies.sort_by_key(|a| a.name.to_lowercase());
        Holding {
            cursor: Some(answer.cursor),
            requests: merge(self.requests, answer.requests.clone(), now),
            clients,
            agencies,
        }
    }
}

fn replace_by_id<T>(held: Vec<T>, fresh: Vec<T>, id: impl Fn(&T) -> String) -> Vec<T> {
    let mut by_id: std::collections::BTreeMap<String, T> =
        held.into_iter().map(|x| (id(&x), x)).collect();
    for x in fresh {
        by_id.insert(id(&x), x);
    }
    by_id.into_values().collect()
}

/// Read a pull's cursor as the device sent it (RFC 3339, as the server gave it): none, or the
/// instant, or an error that names the field.
pub fn parse_cursor(since: Option<&str>) -> Result<Option<DateTime<Utc>>, FieldError> {
    match since.map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => DateTime::parse_from_rfc3339(t)
            .map(|t| Some(t.with_timezone(&Utc)))
            .map_err(|_| FieldError::new("since", ErrorCode::InvalidDateTime)),
    }
}

/// The instant a pull since `cursor` starts looking from (the overlap before it).
pub fn pull_from(cursor: DateTime<Utc>) -> DateTime<Utc> {
    cursor - chrono::Duration::seconds(PULL_OVERLAP_SECS)
}

/// Fold pulled changes into what a device holds: a record replaces the one with its id unless the
/// held one is newer (a stale answer never undoes a later state); records last changed more than
/// [`HOLD_DAYS`] before `now` are dropped. Newest first.
pub fn merge(
    held: Vec<HeldRequest>,
    changes: Vec<HeldRequest>,
    now: DateTime<Utc>,
) -> Vec<HeldRequest> {
    let mut by_id: std::collections::BTreeMap<String, HeldRequest> =
        held.into_iter().map(|r| (r.id.clone(), r)).collect();
    for c in changes {
        match by_id.get(&c.id) {
            Some(h) if h.updated_at > c.updated_at => {}
            _ => {
                by_id.insert(c.id.clone(), c);
            }
        }
    }
    let oldest = now - chrono::Duration::days(HOLD_DAYS);
    let mut list: Vec<HeldRequest> = by_id
        .into_values()
        .filter(|r| r.updated_at >= oldest)
        .collect();
    list.sort_by(|a, b| b.updated_at.cmp(&a.updated_at).then(a.id.cmp(&b.id)));
    list
}

/// Why the store could not do what was asked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VaultError {
    /// No PIN was set on this device yet.
    NotSetUp,
    /// The PIN is needed (after a reload).
    Locked,
    WrongPin {
        left: u32,
    },
    /// Too many wrong PINs: the store was wiped.
    Wiped,
    /// The server revoked this device (a lost phone): the store was wiped.
    Revoked,
    /// The browser refused (storage full, private mode, evicted…).
    Storage(String),
}

impl VaultError {
    pub fn message(&self) -> String {
        match self {
            VaultError::NotSetUp => "Set a PIN for this device first.".into(),
            VaultError::Locked => "Enter your PIN to open what waits on this device.".into(),
            VaultError::WrongPin { left } => {
                crate::error::ErrorCode::WrongPin.message(Some(&left.to_string()))
            }
            VaultError::Wiped => {
                "Too many wrong PINs: this device's offline data was wiped. Sign in again.".into()
            }
            VaultError::Revoked => {
                "This device was revoked (reported lost?): what it held offline was wiped.".into()
            }
            VaultError::Storage(what) => format!("This browser's storage refused: {what}."),
        }
    }
}

/// One outbox item as the page shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    pub id: String,
    pub kind: RecordKind,
    pub queued_at: DateTime<Utc>,
    /// The server's last answer when it did not commit the item.
    pub problem: Option<PushOutcome>,
    /// The record as typed (only when the store is unlocked).
    pub body: Option<serde_json::Value>,
}

/// What waits on this device, readable without the PIN.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Status {
    pub set_up: bool,
    pub unlocked: bool,
    pub waiting: usize,
    pub oldest: Option<DateTime<Utc>>,
    pub last_sync: Option<DateTime<Utc>>,
    /// The device holds the state of requests its person filed (sealed: the PIN opens them).
    pub held: bool,
    /// A store was set up on this device and the browser has since deleted it (storage cleared or
    /// evicted under pressure): what waited there is gone.
    pub evicted: bool,
}

/// The device store as the views use it: the real one in the browser, and on the server (where
/// no handler that calls it ever runs) an answer that there is none.
pub mod device {
    #[cfg(feature = "hydrate")]
    pub use super::vault::{
        check_revoked, enqueue, held, hold, is_unlocked, items, set_up, settle, status, unlock,
        unlock_with_server, wipe,
    };

    #[cfg(not(feature = "hydrate"))]
    mod none {
        use super::super::{Holding, Item, PullAnswer, PushResult, RecordKind, Status, VaultError};
        fn absent() -> VaultError {
            VaultError::Storage("no device store on the server".into())
        }
        pub async fn set_up(_pin: &str) -> Result<(), VaultError> {
            Err(absent())
        }
        pub async fn unlock(_pin: &str) -> Result<(), VaultError> {
            Err(absent())
        }
        pub fn is_unlocked() -> bool {
            false
        }
        pub async fn enqueue(
            _kind: RecordKind,
            _id: &str,
            _body: &serde_json::Value,
        ) -> Result<(), VaultError> {
            Err(absent())
        }
        pub async fn items() -> Result<Vec<Item>, VaultError> {
            Err(absent())
        }
        pub async fn status() -> Result<Status, VaultError> {
            Err(absent())
        }
        pub async fn settle(_answers: &[PushResult]) -> Result<(), VaultError> {
            Err(absent())
        }
        pub async fn wipe() {}
        pub async fn hold(_answer: &PullAnswer) -> Result<(), VaultError> {
            Err(absent())
        }
        pub async fn held() -> Result<Holding, VaultError> {
            Err(absent())
        }
        pub async fn unlock_with_server() -> Result<(), VaultError> {
            Err(absent())
        }
        pub async fn check_revoked() -> Result<(), VaultError> {
            Ok(())
        }
    }
    #[cfg(not(feature = "hydrate"))]
    pub use none::*;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pin_is_six_to_twelve_digits_and_not_a_guess() {
        assert_eq!(validate_pin("280461"), Ok(()));
        assert_eq!(validate_pin("902814736251"), Ok(()));
        for (pin, code) in [
            ("", ErrorCode::Required),
            ("12345", ErrorCode::PinFormat),
            ("12a456", ErrorCode::PinFormat),
            ("1234567890123", ErrorCode::PinFormat),
            ("000000", ErrorCode::PinGuessable),
            ("123456", ErrorCode::PinGuessable),
            ("987654", ErrorCode::PinGuessable),
        ] {
            assert_eq!(validate_pin(pin).map_err(|e| e.code), Err(code), "{pin:?}");
        }
    }

    #[test]
    fn only_a_commit_lets_an_item_leave_the_outbox() {
        assert!(PushOutcome::Accepted.committed());
        assert!(PushOutcome::Duplicate.committed());
        assert!(!PushOutcome::Conflict.committed());
        assert!(!PushOutcome::Rejected { fields: vec![] }.committed());
        assert!(!PushOutcome::Failed {
            message: String::new()
        }
        .committed());
    }

    fn held(id: &str, status: crate::funds::domain::RequestStatus, at: &str) -> HeldRequest {
        HeldRequest {
            id: id.into(),
            date: "2026-12-01".into(),
            amount_requested: rust_decimal::Decimal::new(2000, 2),
            status,
            updated_at: at.parse().expect("time"),
        }
    }

    #[test]
    fn a_pull_adds_and_updates_but_a_stale_answer_never_undoes_a_later_state() {
        use crate::funds::domain::RequestStatus::*;
        let now: DateTime<Utc> = "2026-12-04T12:00:00Z".parse().expect("now");
        let mine = vec![
            held("a", Approved, "2026-12-04T10:00:00Z"),
            held("b", Submitted, "2026-12-04T09:00:00Z"),
        ];
        let changes = vec![
            // an older copy of a (sent again by the overlap, or by a lagging server)
            held("a", Submitted, "2026-12-04T09:30:00Z"),
            held("b", Denied, "2026-12-04T11:00:00Z"),
            held("c", Submitted, "2026-12-04T11:30:00Z"),
        ];
        let merged = merge(mine, changes, now);
        let got: Vec<(&str, crate::funds::domain::RequestStatus)> =
            merged.iter().map(|r| (r.id.as_str(), r.status)).collect();
        assert_eq!(got, vec![("c", Submitted), ("b", Denied), ("a", Approved)]);
    }

    #[test]
    fn a_device_keeps_no_request_older_than_the_hold() {
        use crate::funds::domain::RequestStatus::*;
        let now: DateTime<Utc> = "2026-12-04T12:00:00Z".parse().expect("now");
        let mine = vec![
            held("old", Disbursed, "2026-11-03T11:59:59Z"),
            held("recent", Approved, "2026-11-05T00:00:00Z"),
        ];
        let merged = merge(mine, vec![], now);
        assert_eq!(merged.len(), 1);
        assert_eq!(merged[0].id, "recent");
    }

    #[test]
    fn a_cursor_is_an_rfc3339_instant_or_nothing() {
        assert_eq!(parse_cursor(None), Ok(None));
        assert_eq!(parse_cursor(Some(" ")), Ok(None));
        assert_eq!(
            parse_cursor(Some("2026-12-04T13:00:00+01:00")),
            Ok(Some("2026-12-04T12:00:00Z".parse().expect("t")))
        );
        assert_eq!(
            parse_cursor(Some("yesterday")).map_err(|e| (e.field, e.code)),
            Err(("since".to_string(), ErrorCode::InvalidDateTime))
        );
    }

    #[test]
    fn a_pull_looks_back_by_the_overlap() {
        let cursor: DateTime<Utc> = "2026-12-04T12:00:00Z".parse().expect("cursor");
        assert_eq!(
            pull_from(cursor),
            "2026-12-04T11:55:00Z"
                .parse::<DateTime<Utc>>()
                .expect("from")
        );
    }

    #[test]
    fn a_push_result_reads_as_one_flat_object() {
        let r = PushResult {
            id: "x".into(),
            outcome: PushOutcome::Accepted,
        };
        assert_eq!(
            serde_json::to_value(&r).expect("json"),
            serde_json::json!({ "id": "x", "outcome": "accepted" })
        );
    }

    #[test]
    fn a_pull_replaces_clients_and_agencies_by_id_and_keeps_them_by_name() {
        let cursor: DateTime<Utc> = "2026-12-04T12:00:00Z".parse().expect("cursor");
        let client = |id: &str, name: &str| HeldClient {
            id: id.into(),
            name: name.into(),
        };
        let agency = |id: &str, name: &str| crate::directory::domain::Agency {
            id: id.into(),
            name: name.into(),
            programs: vec![],
            address: None,
            telephone: None,
            hours: None,
            languages: vec![],
            eligibility: None,
            last_verified: None,
        };
        let held = Holding {
            cursor: None,
            requests: vec![],
            clients: vec![client("a", "Zed Old"), client("b", "Mary Held")],
            agencies: vec![agency("x", "Shelter")],
        };
        let answer = PullAnswer {
            cursor,
            requests: vec![],
            clients: vec![client("a", "Anna Renamed"), client("c", "carl New")],
            agencies: vec![agency("y", "Food pantry")],
            removed_clients: vec![],
        };
        let now = cursor;
        let folded = held.fold(&answer, now);
        assert_eq!(folded.cursor, Some(cursor));
        let names: Vec<&str> = folded.clients.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["Anna Renamed", "carl New", "Mary Held"]);
        // A client file destroyed under the retention schedule leaves the device too.
        let destroyed = PullAnswer {
            cursor,
            requests: vec![],
            clients: vec![],
            agencies: vec![],
            removed_clients: vec!["b".into()],
        };
        let names: Vec<String> = folded
            .clone()
            .fold(&destroyed, now)
            .clients
            .into_iter()
            .map(|c| c.name)
            .collect();
        assert_eq!(names, ["Anna Renamed", "carl New"]);
        let agencies: Vec<&str> = folded.agencies.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(agencies, ["Food pantry", "Shelter"]);
    }

    #[test]
    fn record_kinds_read_back_from_their_codes() {
        for k in RecordKind::ALL {
            assert_eq!(RecordKind::from_code(k.code()), Some(k));
        }
        assert_eq!(RecordKind::from_code("note"), None);
    }

    #[test]
    fn a_visit_record_refuses_fields_it_does_not_know() {
        let ok = serde_json::json!({ "visit": { "id": "v", "client_id": "c", "kind": "other",
            "setting": "on_site", "occurred_at": "2026-12-04T01:00:00Z" }, "sign": true });
        let r: VisitRecord = serde_json::from_value(ok).expect("visit record");
        assert!(r.sign);
        let extra = serde_json::json!({ "visit": { "id": "v", "client_id": "c", "kind": "other",
            "setting": "on_site", "occurred_at": "2026-12-04T01:00:00Z" }, "author": "x" });
        assert!(serde_json::from_value::<VisitRecord>(extra).is_err());
    }
}
