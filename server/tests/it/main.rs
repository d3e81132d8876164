//! Integration tests: the real router over a real embedded SurrealDB (surrealkv in a fresh temporary
//! folder per test), driven without a socket. One test binary for all of them: each binary links
//! SurrealDB, so one link instead of several saves minutes and gigabytes.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

mod common;

mod admin;
mod api;
mod audit;
mod backup;
mod breach;
mod casework;
mod directory;
mod disclosure;
mod durability;
mod encryption;
mod fund;
mod mfa;
mod policy;
mod retention;
mod security;
mod sync;
mod tls;
mod unit;
