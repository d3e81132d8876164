//! Encryption at rest (issue 4, ADR 0007). Server-only.
//!
//! Confidential fields (a resident's name, address, telephone, the reason for a request, the
//! recipient's signature, reasons on the timeline, breach notes, TOTP secrets and open ceremonies) are
//! sealed with XChaCha20-Poly1305 under a data key that lives outside the database (a key file or
//! `HAVEN_DATA_KEYS`), with the key id on each value so keys rotate. Equality lookups use a keyed
//! blind index ([`Keyring::blind`]), never plaintext. The schema refuses plaintext in a sealed field.
//!
//! - [`keyring`]: the keys, seal/open and the blind index (plain Rust, unit-tested).
//! - [`store`]: which fields are sealed, the key check at start-up, re-sealing (rotation, upgrade).

pub mod keyring;
pub mod store;

pub use keyring::{Keyring, OpenError};

use crate::error::AppError;

/// A record's place for sealing: the table and record key bind each sealed value to its field of
/// this record (the associated data), so it cannot be moved elsewhere unnoticed.
#[derive(Clone, Copy)]
pub struct Place<'a> {
    keys: &'a Keyring,
    table: &'static str,
    key: &'a str,
}

/// The associated data of a sealed value: `table.field:record-key`.
pub fn aad(table: &str, field: &str, key: &str) -> String {
    format!("{table}.{field}:{key}")
}

impl<'a> Place<'a> {
    pub fn new(keys: &'a Keyring, table: &'static str, key: &'a str) -> Self {
        Self { keys, table, key }
    }

    pub fn seal(&self, field: &str, plaintext: &str) -> String {
        self.keys.seal(&aad(self.table, field, self.key), plaintext)
    }

    pub fn seal_opt(&self, field: &str, plaintext: Option<&str>) -> Option<String> {
        plaintext.map(|p| self.seal(field, p))
    }

    /// Open a sealed field. A value that does not open is a server fault: logged (which field of
    /// which record, never the value) and answered as an internal error.
    pub fn open(&self, field: &str, sealed: &str) -> Result<String, AppError> {
        self.keys
            .open(&aad(self.table, field, self.key), sealed)
            .map_err(|e| {
                tracing::error!(table = self.table, field, record = self.key, error = %e,
                    "a sealed value did not open");
                AppError::Internal
            })
    }

    pub fn open_opt(&self, field: &str, sealed: Option<&str>) -> Result<Option<String>, AppError> {
        sealed.map(|s| self.open(field, s)).transpose()
    }
}
