//! The password rule (NIST SP 800-63B, as CJIS 5.6.2.1.1 adopts it): at least 15 characters, up to 128,
//! any characters, no composition rules; refused when it is a known common or breached password, a
//! single character or short pattern repeated, or contains the username. Plain Rust, shared.

pub const MIN_CHARS: usize = 15;
pub const MAX_CHARS: usize = 128;

/// A bundled list of common and breached passwords long enough to pass the length rule: our own
/// picks plus every entry of 15+ characters in the breach-derived frequency list of zxcvbn-ts
/// (`@zxcvbn-ts/language-common` 4.1.3, `passwords.json`, MIT). Compared case-insensitively.
/// Kept short on purpose: this module is also compiled into the browser bundle.
const COMMON: &str = include_str!("common-passwords.txt");

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    TooShort,
    TooLong,
    Common,
    Repetitive,
    ContainsUsername,
}

impl Problem {
    /// The code that crosses the wire.
    pub fn code(self) -> crate::error::ErrorCode {
        use crate::error::ErrorCode;
        match self {
            Problem::TooShort => ErrorCode::PasswordTooShort,
            Problem::TooLong => ErrorCode::PasswordTooLong,
            Problem::Common => ErrorCode::PasswordCommon,
            Problem::Repetitive => ErrorCode::PasswordRepetitive,
            Problem::ContainsUsername => ErrorCode::PasswordContainsUsername,
        }
    }

    pub fn message(self) -> String {
        match self {
            Problem::TooShort => {
                format!("Use at least {MIN_CHARS} characters; a few words make a good one.")
            }
            Problem::TooLong => format!("Use at most {MAX_CHARS} characters."),
            Problem::Common => "This password is on a list of common or breached passwords.".into(),
            Problem::Repetitive => {
                "This password is a character or a short pattern repeated.".into()
            }
            Problem::ContainsUsername => "The password must not contain your username.".into(),
        }
    }
}

/// Check a new password.
pub fn check(password: &str, username: &str) -> Result<(), Problem> {
    let n = password.chars().count();
    if n < MIN_CHARS {
        return Err(Problem::TooShort);
    }
    if n > MAX_CHARS {
        return Err(Problem::TooLong);
    }
    let lower = password.to_lowercase();
    if COMMON
        .lines()
        .map(str::trim)
        .any(|c| !c.is_empty() && c == lower)
    {
        return Err(Problem::Common);
    }
    let chars: Vec<char> = lower.chars().collect();
    let repetitive =
        (1..=4).any(|p| chars.len().is_multiple_of(p) && chars.chunks(p).all(|c| c == &chars[..p]));
    if repetitive {
        return Err(Problem::Repetitive);
    }
    let user = username.trim().to_lowercase();
    if user.chars().count() >= 3 && lower.contains(&user) {
        return Err(Problem::ContainsUsername);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_rules_without_composition_rules() {
        assert_eq!(check("short pass", "ann"), Err(Problem::TooShort));
        assert_eq!(check(&"x".repeat(129), "ann"), Err(Problem::TooLong));
        assert_eq!(check("lowercase words only here", "ann"), Ok(()));
        assert_eq!(check("ünïcödé pässwörd ok", "ann"), Ok(()));
        assert_eq!(
            check(&"long enough phrase ".repeat(6)[..110], "ann"),
            Ok(())
        );
    }

    #[test]
    fn common_repetitive_and_username_are_refused() {
        assert_eq!(check("PasswordPassword", "ann"), Err(Problem::Common));
        assert_eq!(check("aaaaaaaaaaaaaaaa", "ann"), Err(Problem::Repetitive));
        assert_eq!(check("abcdabcdabcdabcd", "ann"), Err(Problem::Repetitive));
        assert_eq!(
            check("officer-diaz-is-me", "officer"),
            Err(Problem::ContainsUsername)
        );
        assert_eq!(check("haven-demo-password", "officer"), Ok(()));
    }
}
