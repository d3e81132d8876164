//! Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP, HMAC-SHA1, 6 digits, 30-second steps):
//! the fallback second factor for people without a passkey. Server-only.
//!
//! A code is accepted for the current step or one step either side (clock drift, a slow network), and
//! only for a step later than the last one that person used: a code, once accepted, is never accepted
//! again (RFC 6238 §5.2), so a code read over a shoulder or replayed from a captured request is refused.

use hmac::{Hmac, Mac};
use sha1::Sha1;

/// Seconds per step.
pub const STEP_SECONDS: i64 = 30;
/// Digits per code.
pub const DIGITS: u32 = 6;
/// Steps accepted either side of now.
pub const DRIFT_STEPS: i64 = 1;

/// A fresh 160-bit secret (RFC 4226 recommends 160 bits).
pub fn generate_secret() -> [u8; 20] {
    use rand::RngCore;
    let mut s = [0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut s);
    s
}

/// The step a Unix time falls in.
pub fn step_at(unix_seconds: i64) -> i64 {
    unix_seconds.div_euclid(STEP_SECONDS)
}

/// The HOTP value of `secret` at counter `step`, truncated to [`DIGITS`] digits.
pub fn code_at(secret: &[u8], step: i64) -> u32 {
    // HMAC accepts keys of any length: new_from_slice cannot fail for it.
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(secret) else {
        return u32::MAX;
    };
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[19] & 0x0f);
    let binary = (u32::from(digest[offset]) & 0x7f) << 24
        | u32::from(digest[offset + 1]) << 16
        | u32::from(digest[offset + 2]) << 8
        | u32::from(digest[offset + 3]);
    binary % 10u32.pow(DIGITS)
}

/// Why a code was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Not six digits, or no step in the window gives it.
    Wrong,
    /// It matches a step already used (or one before it): a replay.
    Replayed,
}

/// Check `code` at `unix_seconds` for a person whose last accepted step is `last_step`. On success,
/// the step to record as the new last one.
pub fn verify(
    secret: &[u8],
    code: &str,
    unix_seconds: i64,
    last_step: Option<i64>,
) -> Result<i64, Refusal> {
    let code = code.trim().replace(' ', "");
    if code.len() != DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Refusal::Wrong);
    }
    let Ok(wanted) = code.parse::<u32>() else {
        return Err(Refusal::Wrong);
    };
    let now = step_at(unix_seconds);
    let mut replayed = false;
    for step in (now - DRIFT_STEPS)..=(now + DRIFT_STEPS) {
        if constant_time_eq(code_at(secret, step), wanted) {
            if last_step.is_some_and(|last| step <= last) {
                replayed = true;
                continue;
            }
            return Ok(step);
        }
    }
    Err(if replayed {
        Refusal::Replayed
    } else {
        Refusal::Wrong
    })
}

fn constant_time_eq(a: u32, b: u32) -> bool {
    (a ^ b) == 0
}

/// The secret as authenticator apps take it (RFC 4648 base32, no padding).
pub fn encode_secret(secret: &[u8]) -> String {
    data_encoding::BASE32_NOPAD.encode(secret)
}

pub fn decode_secret(text: &str) -> Option<Vec<u8>> {
    data_encoding::BASE32_NOPAD
        .decode(text.trim().to_uppercase().as_bytes())
        .ok()
}

/// The `otpauth://` URI an authenticator app scans.
pub fn otpauth_uri(issuer: &str, account: &str, secret: &[u8]) -> String {
    let label = format!("{}:{}", percent(issuer), percent(account));
    format!(
        "otpauth://totp/{label}?secret={}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
        encode_secret(secret),
        percent(issuer)
    )
}

fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A QR code of `text` as one SVG path (dark modules as 1×1 squares) and its size in modules, with a
/// four-module quiet zone included. Rendered by the enrolment screen; no image file, no script.
pub fn qr_svg_path(text: &str) -> Option<(i32, String)> {
    use qrcodegen::{QrCode, QrCodeEcc};
    let qr = QrCode::encode_text(text, QrCodeEcc::Medium).ok()?;
    let border = 4;
    let size = qr.size();
    let mut d = String::new();
    for y in 0..size {
        for x in 0..size {
            if qr.get_module(x, y) {
                d.push_str(&format!("M{},{}h1v1h-1z", x + border, y + border));
            }
        }
    }
    Some((size + 2 * border, d))
}

#[cfg(test)]
mod tests {
    use super::*;

    const RFC_SECRET: &[u8] = b"12345678901234567890";

    #[test]
    fn matches_the_rfc_6238_vectors() {
        // RFC 6238 Appendix B (SHA-1), last six digits of the eight-digit values.
        for (time, eight) in [
            (59, 94287082u32),
            (1111111109, 7081804),
            (1111111111, 14050471),
            (1234567890, 89005924),
            (2000000000, 69279037),
        ] {
            assert_eq!(
                code_at(RFC_SECRET, step_at(time)),
                eight % 1_000_000,
                "{time}"
            );
        }
    }

    #[test]
    fn accepts_the_window_and_refuses_reuse() {
        let t = 1_234_567_890;
        let now = step_at(t);
        let code = format!("{:06}", code_at(RFC_SECRET, now));
        assert_eq!(verify(RFC_SECRET, &code, t, None), Ok(now));
        assert_eq!(
            verify(RFC_SECRET, &code, t, Some(now)),
            Err(Refusal::Replayed),
            "the same code twice"
        );
        let next = format!("{:06}", code_at(RFC_SECRET, now + 1));
        assert_eq!(verify(RFC_SECRET, &next, t, Some(now)), Ok(now + 1));
        let earlier = format!("{:06}", code_at(RFC_SECRET, now - 1));
        assert_eq!(
            verify(RFC_SECRET, &earlier, t, Some(now)),
            Err(Refusal::Replayed),
            "an older code after a newer one"
        );
        let far = format!("{:06}", code_at(RFC_SECRET, now + 5));
        assert_eq!(verify(RFC_SECRET, &far, t, None), Err(Refusal::Wrong));
        assert_eq!(verify(RFC_SECRET, "12345", t, None), Err(Refusal::Wrong));
        assert_eq!(verify(RFC_SECRET, "abcdef", t, None), Err(Refusal::Wrong));
        assert_eq!(
            verify(RFC_SECRET, &format!(" {} ", &code), t, None),
            Ok(now),
            "spaces around a code are forgiven"
        );
    }

    #[test]
    fn secrets_round_trip_and_are_random() {
        let a = generate_secret();
        let b = generate_secret();
        assert_ne!(a, b);
        let text = encode_secret(&a);
        assert_eq!(text.len(), 32);
        assert_eq!(decode_secret(&text.to_lowercase()), Some(a.to_vec()));
        let uri = otpauth_uri("Haven HPPD", "ana diaz", &a);
        assert!(uri.starts_with("otpauth://totp/Haven%20HPPD:ana%20diaz?secret="));
        assert!(uri.contains(&text));
    }

    #[test]
    fn the_qr_code_has_a_quiet_zone() {
        let (size, d) = qr_svg_path("otpauth://totp/x?secret=ABC").unwrap_or_default();
        assert!(size >= 21 + 8);
        assert!(
            d.starts_with("M4,4"),
            "the finder pattern starts inside the border"
        );
    }
}
