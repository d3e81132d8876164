//! The hash chain: each event's hash covers the one before. Server-only.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The hash before the first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One stored event, as the chain sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub seq: i64,
    /// UTC, microsecond precision, RFC 3339.
    pub at: String,
    /// The person's record key; empty for Haven itself or an unknown username.
    pub actor: String,
    /// What was done, e.g. `sign_in`, `request.read`, `request.approve`, `fund.replenish`.
    pub action: String,
    /// Which record (table:key), or empty.
    pub record: String,
    /// `ok`, `refused` or `failed`.
    pub outcome: String,
    pub device: String,
    /// The first 16 hex digits of the session's id (itself a hash of the cookie), or empty.
    pub session: String,
    pub prev_hash: String,
    pub hash: String,
}

/// The hash of an event's fields chained to the previous hash.
pub fn hash(prev_hash: &str, e: &Event) -> String {
    let mut h = Sha256::new();
    for part in [
        prev_hash,
        &e.seq.to_string(),
        &e.at,
        &e.actor,
        &e.action,
        &e.record,
        &e.outcome,
        &e.device,
        &e.session,
    ] {
        h.update(part.as_bytes());
        h.update([0x1f]);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Where the chain breaks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Broken {
    /// An event's sequence number is not the one expected (an event was deleted or inserted).
    Gap { expected: i64, found: i64 },
    /// An event does not point at the previous event's hash.
    PrevHash { seq: i64 },
    /// An event's content no longer matches its hash (it was edited).
    Hash { seq: i64 },
    /// The head record does not match the last event (events were cut from the end).
    Head { head_seq: i64, last_seq: i64 },
}

impl std::fmt::Display for Broken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Broken::Gap { expected, found } => {
                write!(
                    f,
                    "event #{expected} is missing (found #{found} in its place)"
                )
            }
            Broken::PrevHash { seq } => {
                write!(f, "event #{seq} does not follow the event before it")
            }
            Broken::Hash { seq } => write!(f, "event #{seq} was altered after it was written"),
            Broken::Head { head_seq, last_seq } => write!(
                f,
                "the chain ends at #{last_seq} but the head says #{head_seq}: events were removed"
            ),
        }
    }
}

/// Check a chain in `seq` order, against the head's last sequence number. Returns the number of
/// events, or the first broken link.
pub fn verify(events: &[Event], head_seq: i64) -> Result<usize, Broken> {
    let mut prev = GENESIS.to_string();
    for (i, e) in events.iter().enumerate() {
        let expected = i64::try_from(i).unwrap_or(i64::MAX) + 1;
        if e.seq != expected {
            return Err(Broken::Gap {
                expected,
                found: e.seq,
            });
        }
        if e.prev_hash != prev {
            return Err(Broken::PrevHash { seq: e.seq });
        }
        if hash(&prev, e) != e.hash {
            return Err(Broken::Hash { seq: e.seq });
        }
        prev = e.hash.clone();
    }
    let last = events.last().map(|e| e.seq).unwrap_or(0);
    if last != head_seq {
        return Err(Broken::Head {
            head_seq,
            last_seq: last,
        });
    }
    Ok(events.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<Event> {
        let mut prev = GENESIS.to_string();
        (1..=n)
            .map(|seq| {
                let mut e = Event {
                    seq,
                    at: format!("2026-12-03T10:00:{seq:02}.000000Z"),
                    actor: "p1".into(),
                    action: "request.read".into(),
                    record: format!("fund_request:{seq}"),
                    outcome: "ok".into(),
                    device: "phone".into(),
                    session: "abcd".into(),
                    prev_hash: prev.clone(),
                    hash: String::new(),
                };
                e.hash = hash(&prev, &e);
                prev = e.hash.clone();
                e
            })
            .collect()
    }

    #[test]
    fn an_intact_chain_verifies() {
        assert_eq!(verify(&chain(5), 5), Ok(5));
        assert_eq!(verify(&[], 0), Ok(0));
    }

    #[test]
    fn an_edit_is_caught_at_its_event() {
        let mut c = chain(5);
        c[2].action = "request.approve".into();
        assert_eq!(verify(&c, 5), Err(Broken::Hash { seq: 3 }));
    }

    #[test]
    fn a_rehashed_edit_is_caught_at_the_next_event() {
        let mut c = chain(5);
        c[2].outcome = "refused".into();
        c[2].hash = hash(&c[2].prev_hash.clone(), &c[2]);
        assert_eq!(verify(&c, 5), Err(Broken::PrevHash { seq: 4 }));
    }

    #[test]
    fn deletions_are_caught() {
        let mut c = chain(5);
        c.remove(1);
        assert_eq!(
            verify(&c, 5),
            Err(Broken::Gap {
                expected: 2,
                found: 3
            })
        );
        let mut c = chain(5);
        c.pop();
        assert_eq!(
            verify(&c, 5),
            Err(Broken::Head {
                head_seq: 5,
                last_seq: 4
            })
        );
    }
}
