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

/// What kind of record an outbox item is. Only fund requests go through the outbox for now;
/// visit notes follow with issue 6.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    FundRequest,
}

impl RecordKind {
    pub fn code(self) -> &'static str {
        match self {
            RecordKind::FundRequest => "fund_request",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            RecordKind::FundRequest => "Emergency fund request",
        }
    }
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
    /// A store was set up on this device and the browser has since deleted it (storage cleared or
    /// evicted under pressure): what waited there is gone.
    pub evicted: bool,
}

/// The device store as the views use it: the real one in the browser, and on the server (where
/// no handler that calls it ever runs) an answer that there is none.
pub mod device {
    #[cfg(feature = "hydrate")]
    pub use super::vault::{
        check_revoked, enqueue, is_unlocked, items, set_up, settle, status, unlock,
        unlock_with_server, wipe,
    };

    #[cfg(not(feature = "hydrate"))]
    mod none {
        use super::super::{Item, PushResult, RecordKind, Status, VaultError};
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
}
