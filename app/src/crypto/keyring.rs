//! The data keys and what they do, as plain Rust with no I/O: seal and open one confidential value
//! (XChaCha20-Poly1305, RustCrypto), and the keyed blind index for equality lookups (HMAC-SHA256).
//!
//! A sealed value is text: `hv1:<key id>:<base64url(nonce ‖ ciphertext ‖ tag)>`. The key id lets keys
//! rotate (old values open under their own key until `haven rotate-key` re-seals them). The
//! *associated data* names the value's place (`table.field:record-key`), so a sealed value copied into
//! another record or field does not open there.
//!
//! The key file (or `HAVEN_DATA_KEYS`, same text) is lines of `index <base64 32 bytes>` (exactly one)
//! and `data <id> <base64 32 bytes>` (one or more; the last is the current key). `#` starts a comment.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

/// The prefix of every sealed value (format version 1). The schema asserts it on sealed fields.
pub const PREFIX: &str = "hv1:";
const NONCE_LEN: usize = 24;

/// What is wrong with a key file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyFileError {
    #[error("line {line}: {why}")]
    Syntax { line: usize, why: &'static str },
    #[error("there is no `index` line (the blind-index key)")]
    NoIndexKey,
    #[error("there is no `data` line (a data key)")]
    NoDataKey,
    #[error("the data key {0} appears twice")]
    Duplicate(String),
}

/// Why a sealed value did not open. Carries no part of the value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpenError {
    #[error("the stored value is not sealed")]
    NotSealed,
    #[error("the value is sealed under data key {0}, which is not in the key file")]
    UnknownKey(String),
    #[error(
        "the value does not open: changed, moved to another record, or sealed under another key"
    )]
    Corrupt,
}

/// The data keys (oldest first; the last is current) and the blind-index key.
#[derive(Clone)]
pub struct Keyring {
    data: Vec<(String, [u8; 32])>,
    index: [u8; 32],
}

/// Never prints key material: only the key ids.
impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keyring")
            .field("data_keys", &self.key_ids())
            .field("current", &self.current_id())
            .finish_non_exhaustive()
    }
}

fn random_key() -> [u8; 32] {
    let mut k = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut k);
    k
}

fn parse_key(text: &str, line: usize) -> Result<[u8; 32], KeyFileError> {
    let bytes = STANDARD
        .decode(text.trim())
        .map_err(|_| KeyFileError::Syntax {
            line,
            why: "the key is not base64",
        })?;
    bytes.try_into().map_err(|_| KeyFileError::Syntax {
        line,
        why: "a key is 32 bytes",
    })
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 16
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

impl Keyring {
    /// A new key ring: data key `k1` and a blind-index key, from the operating system's RNG.
    pub fn generate() -> Self {
        Self {
            data: vec![("k1".into(), random_key())],
            index: random_key(),
        }
    }

    /// Read a key file's text.
    pub fn parse(text: &str) -> Result<Self, KeyFileError> {
        let mut data: Vec<(String, [u8; 32])> = Vec::new();
        let mut index = None;
        // `HAVEN_DATA_KEYS` may hold the file's lines separated by `;` (one environment line).
        let entries = text.lines().enumerate().flat_map(|(n, raw)| {
            let content = raw.split('#').next().unwrap_or("");
            content.split(';').map(move |entry| (n + 1, entry.trim()))
        });
        for (line, content) in entries {
            if content.is_empty() {
                continue;
            }
            let parts: Vec<&str> = content.split_whitespace().collect();
            match parts.as_slice() {
                ["index", key] => {
                    if index.is_some() {
                        return Err(KeyFileError::Syntax {
                            line,
                            why: "a second `index` line",
                        });
                    }
                    index = Some(parse_key(key, line)?);
                }
                ["data", id, key] => {
                    if !valid_id(id) {
                        return Err(KeyFileError::Syntax {
                            line,
                            why: "a key id is 1–16 letters, digits, - or _",
                        });
                    }
                    if data.iter().any(|(k, _)| k == id) {
                        return Err(KeyFileError::Duplicate((*id).to_string()));
                    }
                    data.push(((*id).to_string(), parse_key(key, line)?));
                }
                _ => {
                    return Err(KeyFileError::Syntax {
                        line,
                        why: "expected `index <key>` or `data <id> <key>`",
                    })
                }
            }
        }
        let index = index.ok_or(KeyFileError::NoIndexKey)?;
        if data.is_empty() {
            return Err(KeyFileError::NoDataKey);
        }
        Ok(Self { data, index })
    }

    /// The key file's text for this ring.
    pub fn to_file_text(&self) -> String {
        let mut out = String::from(
            "# Haven data keys. Keep this file outside the database and its backups; never commit it.\n\
             # The last `data` line is the current key; older ones open values not yet re-sealed.\n",
        );
        out.push_str(&format!("index {}\n", STANDARD.encode(self.index)));
        for (id, key) in &self.data {
            out.push_str(&format!("data {id} {}\n", STANDARD.encode(key)));
        }
        out
    }

    /// This ring with a new current data key (`k<n+1>`); the old keys stay to open old values.
    pub fn with_new_key(&self) -> Self {
        let next = self
            .data
            .iter()
            .filter_map(|(id, _)| id.strip_prefix('k')?.parse::<u32>().ok())
            .max()
            .unwrap_or(0)
            + 1;
        let mut ring = self.clone();
        ring.data.push((format!("k{next}"), random_key()));
        ring
    }

    /// This ring without the given data keys (never the current one).
    pub fn without(&self, retired: &[String]) -> Self {
        let current = self.current_id().to_string();
        let mut ring = self.clone();
        ring.data
            .retain(|(id, _)| *id == current || !retired.contains(id));
        ring
    }

    pub fn current_id(&self) -> &str {
        self.data.last().map(|(id, _)| id.as_str()).unwrap_or("")
    }

    pub fn key_ids(&self) -> Vec<&str> {
        self.data.iter().map(|(id, _)| id.as_str()).collect()
    }

    fn key(&self, id: &str) -> Option<&[u8; 32]> {
        self.data.iter().find(|(k, _)| k == id).map(|(_, key)| key)
    }

    /// Seal `plaintext` for the place `aad` (`table.field:record-key`) under the current key.
    pub fn seal(&self, aad: &str, plaintext: &str) -> String {
        let (id, key) = match self.data.last() {
            Some((id, key)) => (id, key),
            None => unreachable_ring(),
        };
        let cipher = XChaCha20Poly1305::new(key.into());
        let mut nonce = [0u8; NONCE_LEN];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        // Encryption with a valid key and a fresh nonce cannot fail for inputs this size.
        let ct = cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plaintext.as_bytes(),
                    aad: aad.as_bytes(),
                },
            )
            .unwrap_or_default();
        let mut blob = Vec::with_capacity(NONCE_LEN + ct.len());
        blob.extend_from_slice(&nonce);
        blob.extend_from_slice(&ct);
        format!("{PREFIX}{id}:{}", URL_SAFE_NO_PAD.encode(blob))
    }

    /// Open a value sealed for the place `aad`.
    pub fn open(&self, aad: &str, sealed: &str) -> Result<String, OpenError> {
        let (id, body) = split(sealed).ok_or(OpenError::NotSealed)?;
        let key = self
            .key(id)
            .ok_or_else(|| OpenError::UnknownKey(id.to_string()))?;
        let blob = URL_SAFE_NO_PAD
            .decode(body)
            .map_err(|_| OpenError::Corrupt)?;
        if blob.len() < NONCE_LEN {
            return Err(OpenError::Corrupt);
        }
        let (nonce, ct) = blob.split_at(NONCE_LEN);
        let plain = XChaCha20Poly1305::new(key.into())
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ct,
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| OpenError::Corrupt)?;
        String::from_utf8(plain).map_err(|_| OpenError::Corrupt)
    }

    /// The keyed blind index of `value` in `domain` (hex HMAC-SHA256): equal inputs give equal
    /// indexes, and without the index key nothing can be learnt from it or tested against it.
    pub fn blind(&self, domain: &str, value: &str) -> String {
        let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(&self.index) else {
            unreachable_ring()
        };
        mac.update(domain.as_bytes());
        mac.update(&[0]);
        mac.update(value.as_bytes());
        mac.finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

/// A ring always has a data key and HMAC takes any key length: this cannot happen.
#[cold]
fn unreachable_ring() -> ! {
    panic!("a key ring without a data key")
}

/// `hv1:<id>:<body>` → (id, body).
fn split(sealed: &str) -> Option<(&str, &str)> {
    sealed.strip_prefix(PREFIX)?.split_once(':')
}

/// The key id a sealed value was sealed under (`None` for plaintext).
pub fn key_id_of(sealed: &str) -> Option<&str> {
    split(sealed).map(|(id, _)| id)
}

pub fn is_sealed(value: &str) -> bool {
    split(value).is_some()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_value_opens_in_its_place_only() {
        let ring = Keyring::generate();
        let s = ring.seal("fund_request.address:abc", "12 Elm St");
        assert!(s.starts_with("hv1:k1:"));
        assert!(!s.contains("Elm"));
        assert_eq!(
            ring.open("fund_request.address:abc", &s).unwrap(),
            "12 Elm St"
        );
        // Copied into another record or another field: refused.
        assert_eq!(
            ring.open("fund_request.address:xyz", &s),
            Err(OpenError::Corrupt)
        );
        assert_eq!(
            ring.open("fund_request.reason:abc", &s),
            Err(OpenError::Corrupt)
        );
    }

    #[test]
    fn sealing_twice_gives_different_text() {
        let ring = Keyring::generate();
        assert_ne!(ring.seal("t.f:1", "same"), ring.seal("t.f:1", "same"));
    }

    #[test]
    fn a_changed_byte_is_caught() {
        let ring = Keyring::generate();
        let s = ring.seal("t.f:1", "Maria Lopez");
        let (head, body) = s.rsplit_once(':').unwrap();
        let mut blob = URL_SAFE_NO_PAD.decode(body).unwrap();
        let last = blob.len() - 1;
        blob[last] ^= 1;
        let tampered = format!("{head}:{}", URL_SAFE_NO_PAD.encode(blob));
        assert_eq!(ring.open("t.f:1", &tampered), Err(OpenError::Corrupt));
        assert_eq!(ring.open("t.f:1", "hv1:k1:!!"), Err(OpenError::Corrupt));
        assert_eq!(ring.open("t.f:1", "Maria Lopez"), Err(OpenError::NotSealed));
    }

    #[test]
    fn another_ring_cannot_open_and_says_which_key_is_missing() {
        let a = Keyring::generate();
        let b = Keyring::generate();
        let s = a.seal("t.f:1", "x");
        assert_eq!(
            b.open("t.f:1", &s),
            Err(OpenError::Corrupt),
            "same id, other key"
        );
        let c = Keyring::parse("index AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\ndata k9 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=").unwrap();
        assert_eq!(c.open("t.f:1", &s), Err(OpenError::UnknownKey("k1".into())));
    }

    #[test]
    fn rotation_keeps_old_values_open_and_seals_under_the_new_key() {
        let old = Keyring::generate();
        let s1 = old.seal("t.f:1", "before");
        let new = old.with_new_key();
        assert_eq!(new.current_id(), "k2");
        assert_eq!(new.open("t.f:1", &s1).unwrap(), "before");
        let s2 = new.seal("t.f:1", "after");
        assert_eq!(key_id_of(&s2), Some("k2"));
        assert_eq!(
            old.open("t.f:1", &s2),
            Err(OpenError::UnknownKey("k2".into()))
        );
        let retired = new.without(&["k1".into(), "k2".into()]);
        assert_eq!(
            retired.key_ids(),
            vec!["k2"],
            "the current key is never dropped"
        );
        assert_eq!(
            new.blind("d", "v"),
            old.blind("d", "v"),
            "the index key does not rotate"
        );
    }

    #[test]
    fn the_key_file_round_trips_and_bad_files_are_named() {
        let ring = Keyring::generate().with_new_key();
        let text = ring.to_file_text();
        let back = Keyring::parse(&text).unwrap();
        assert_eq!(back.key_ids(), vec!["k1", "k2"]);
        let s = ring.seal("t.f:1", "x");
        assert_eq!(back.open("t.f:1", &s).unwrap(), "x");
        // The environment form: one line, `;` between entries.
        let env = text
            .lines()
            .filter(|l| !l.starts_with('#'))
            .collect::<Vec<_>>()
            .join(";");
        assert_eq!(Keyring::parse(&env).unwrap().current_id(), "k2");

        let k = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
        assert_eq!(
            Keyring::parse(&format!("data k1 {k}")).unwrap_err(),
            KeyFileError::NoIndexKey
        );
        assert_eq!(
            Keyring::parse(&format!("index {k}")).unwrap_err(),
            KeyFileError::NoDataKey
        );
        assert_eq!(
            Keyring::parse(&format!("index {k}\ndata k1 {k}\ndata k1 {k}")).unwrap_err(),
            KeyFileError::Duplicate("k1".into())
        );
        assert!(matches!(
            Keyring::parse(&format!("index {k}\ndata k1 AAAA")).unwrap_err(),
            KeyFileError::Syntax { line: 2, .. }
        ));
        assert!(matches!(
            Keyring::parse(&format!("index {k}\nkey k1 {k}")).unwrap_err(),
            KeyFileError::Syntax { line: 2, .. }
        ));
    }

    #[test]
    fn debug_shows_key_ids_never_keys() {
        let ring = Keyring::generate();
        let text = ring.to_file_text();
        let key = text.lines().last().unwrap().split(' ').nth(2).unwrap();
        let shown = format!("{ring:?}");
        assert!(shown.contains("k1"));
        assert!(!shown.contains(key));
    }

    #[test]
    fn the_blind_index_is_keyed_and_per_domain() {
        let a = Keyring::generate();
        let b = Keyring::generate();
        assert_eq!(
            a.blind("person", "maria|12 elm"),
            a.blind("person", "maria|12 elm")
        );
        assert_ne!(
            a.blind("person", "maria|12 elm"),
            b.blind("person", "maria|12 elm")
        );
        assert_ne!(a.blind("person", "x"), a.blind("content", "x"));
        assert_eq!(a.blind("person", "x").len(), 64);
    }
}
