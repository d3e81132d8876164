//! Backup and restore (`haven backup`, `haven restore`): the whole database — schema, records, the
//! audit chain — as one SurrealQL file, through SurrealDB's own export and import. Confidential
//! fields stay sealed in the file (ADR 0007): a backup opens only with the key file, which is kept
//! apart from it. Embedded: stop Haven first (the engine holds the files); a SurrealDB server can be
//! backed up while Haven runs.

use std::path::Path;

use super::Db;

/// Why a restore was refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum RestoreError {
    #[error("the target database is not empty ({0} tables): restore into a new database")]
    NotEmpty(usize),
    #[error("database: {0}")]
    Database(String),
}

fn db_err(e: surrealdb::Error) -> RestoreError {
    RestoreError::Database(crate::error::redact(&e.to_string()))
}

/// The tables of the selected database.
pub async fn tables(db: &Db) -> Result<Vec<String>, surrealdb::Error> {
    let mut res = db
        .query("RETURN object::keys((INFO FOR DB).tables)")
        .await?;
    let names: Vec<String> = res.take(0)?;
    Ok(names)
}

/// How many records each table holds (what a restore is checked against).
pub async fn counts(db: &Db) -> Result<Vec<(String, i64)>, surrealdb::Error> {
    let mut out = Vec::new();
    let mut names = tables(db).await?;
    names.sort();
    for t in names {
        let mut res = db
            .query("RETURN count(SELECT id FROM type::table($t))")
            .bind(("t", t.clone()))
            .await?;
        let n: Option<i64> = res.take(0)?;
        out.push((t, n.unwrap_or(0)));
    }
    Ok(out)
}

/// Write the whole database to `to`.
pub async fn backup(db: &Db, to: &Path) -> Result<(), surrealdb::Error> {
    db.export(to).await
}

/// Load a backup into an empty database.
pub async fn restore(db: &Db, from: &Path) -> Result<(), RestoreError> {
    let existing = tables(db).await.map_err(db_err)?;
    if !existing.is_empty() {
        return Err(RestoreError::NotEmpty(existing.len()));
    }
    db.import(from).await.map_err(db_err)
}
