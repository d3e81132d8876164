//! The audit trail (CJIS 5.4, NASW 1.07): who did what to which record, with what outcome, when,
//! from which device and session — never the content. Append-only and hash-chained: each event carries
//! the hash of the one before, so an edit, a deletion or an insertion anywhere breaks the chain at that
//! point, and `haven audit-verify` names it.
//!
//! - `chain` (`ssr`): events and their hash chain, and its verification.
//! - [`store`] (`ssr`): appending to and reading the chain in SurrealDB.
//! - [`api`]: the auditor's search and export; [`views`]: the audit log screen.

pub mod api;
#[cfg(feature = "ssr")]
mod chain;
#[cfg(feature = "ssr")]
pub mod store;
pub mod views;

#[cfg(feature = "ssr")]
pub use chain::*;
