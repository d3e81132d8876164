//! Numbered migrations, applied in order at start-up inside one transaction each, recorded in the
//! `migration` table and never re-applied. Add a file, add a line to `MIGRATIONS`; never edit a
//! migration that has shipped.

use surrealdb::types::SurrealValue;

use super::Db;

/// (version, name, SurrealQL)
pub const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "foundation",
        include_str!("migrations/0001_foundation.surql"),
    ),
    (2, "fund", include_str!("migrations/0002_fund.surql")),
    (
        3,
        "hold expiry",
        include_str!("migrations/0003_hold_expiry.surql"),
    ),
    (4, "audit", include_str!("migrations/0004_audit.surql")),
    (
        5,
        "second factor",
        include_str!("migrations/0005_second_factor.surql"),
    ),
    (6, "auditor", include_str!("migrations/0006_auditor.surql")),
    (7, "breach", include_str!("migrations/0007_breach.surql")),
    (
        8,
        "encryption at rest",
        include_str!("migrations/0008_encryption_at_rest.surql"),
    ),
    (
        9,
        "casework",
        include_str!("migrations/0009_casework.surql"),
    ),
    (10, "devices", include_str!("migrations/0010_devices.surql")),
    (
        11,
        "directory",
        include_str!("migrations/0011_directory.surql"),
    ),
    (
        12,
        "disclosure",
        include_str!("migrations/0012_disclosure.surql"),
    ),
    (
        13,
        "sessions",
        include_str!("migrations/0013_sessions.surql"),
    ),
    (
        14,
        "retention",
        include_str!("migrations/0014_retention.surql"),
    ),
    (
        15,
        "unit records",
        include_str!("migrations/0015_unit_records.surql"),
    ),
];

#[derive(SurrealValue)]
struct Applied {
    version: i64,
}

/// Apply every migration not yet recorded. Returns the versions applied now.
pub async fn run(db: &Db) -> Result<Vec<i64>, surrealdb::Error> {
    run_up_to(db, i64::MAX).await
}

/// Apply the pending migrations numbered up to `last` (a test builds an older version's database).
pub async fn run_up_to(db: &Db, last: i64) -> Result<Vec<i64>, surrealdb::Error> {
    db.query(
        "DEFINE TABLE IF NOT EXISTS migration SCHEMAFULL;
         DEFINE FIELD IF NOT EXISTS version ON migration TYPE int;
         DEFINE FIELD IF NOT EXISTS name ON migration TYPE string;
         DEFINE FIELD IF NOT EXISTS applied_at ON migration TYPE datetime;
         DEFINE INDEX IF NOT EXISTS migration_version ON migration FIELDS version UNIQUE;",
    )
    .await?
    .check()?;
    let mut res = db.query("SELECT version FROM migration").await?;
    let applied: Vec<Applied> = res.take(0)?;
    let mut done = Vec::new();
    for (version, name, sql) in MIGRATIONS {
        if *version > last || applied.iter().any(|a| a.version == *version) {
            continue;
        }
        let script = format!(
            "BEGIN TRANSACTION;\n{sql}\nCREATE type::record('migration', $version) CONTENT \
             {{ version: $version, name: $name, applied_at: time::now() }};\nCOMMIT TRANSACTION;"
        );
        // Another server starting at the same moment may apply it first: a conflict is retried,
        // and a migration found applied meanwhile is not applied again.
        let applied_now = super::with_retry(|| async {
            let mut res = db
                .query("SELECT VALUE version FROM migration WHERE version = $version")
                .bind(("version", *version))
                .await?;
            let there: Vec<i64> = res.take(0)?;
            if !there.is_empty() {
                return Ok(false);
            }
            db.query(script.as_str())
                .bind(("version", *version))
                .bind(("name", name.to_string()))
                .await?
                .check()?;
            Ok(true)
        })
        .await;
        match applied_now {
            Ok(true) => {
                tracing::info!(version, name, "applied migration");
                done.push(*version);
            }
            Ok(false) => {}
            Err(e) if super::is_already_there(&e) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(done)
}
