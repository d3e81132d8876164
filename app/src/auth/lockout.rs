//! Lockout (CJIS 5.5.3): 5 failed sign-ins within 15 minutes lock the account until an administrator
//! releases it. Plain Rust; the server applies it in a transaction on the person record.

use chrono::{DateTime, Duration, Utc};

pub const MAX_FAILURES: usize = 5;
pub const WINDOW_MINUTES: i64 = 15;

/// The failures to keep after one more at `now`, and whether the account is now locked.
pub fn after_failure(previous: &[DateTime<Utc>], now: DateTime<Utc>) -> (Vec<DateTime<Utc>>, bool) {
    let since = now - Duration::minutes(WINDOW_MINUTES);
    let mut recent: Vec<DateTime<Utc>> = previous.iter().copied().filter(|t| *t > since).collect();
    recent.push(now);
    let locked = recent.len() >= MAX_FAILURES;
    (recent, locked)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_failures_within_fifteen_minutes_lock() {
        let t0 = Utc::now();
        let mut fails = Vec::new();
        for i in 0..4 {
            let (f, locked) = after_failure(&fails, t0 + Duration::minutes(i * 3));
            assert!(!locked, "failure {}", i + 1);
            fails = f;
        }
        let (_, locked) = after_failure(&fails, t0 + Duration::minutes(12));
        assert!(locked);
    }

    #[test]
    fn old_failures_do_not_count() {
        let t0 = Utc::now();
        let old: Vec<_> = (0..4).map(|i| t0 + Duration::minutes(i)).collect();
        let (kept, locked) = after_failure(&old, t0 + Duration::minutes(20));
        assert!(!locked);
        assert_eq!(kept.len(), 1);
    }
}
