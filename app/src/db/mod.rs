//! Storage: SurrealDB, embedded (`surrealkv://path`, the default) or a server (`ws://host:port`), and
//! the numbered migrations that build its SCHEMAFULL schema. Server-only.

use surrealdb::engine::any::Any;
use surrealdb::opt::auth::Root;
use surrealdb::Surreal;

use crate::error::{redact, AppError};

pub mod backup;
pub mod migrations;

pub type Db = Surreal<Any>;

/// What every server function takes from context: the database handle. Nothing else lives in process
/// memory, so several Haven servers can stand behind one SurrealDB server.
#[derive(Clone)]
pub struct AppState {
    /// Shared, never cloned per request: every clone of a `Surreal` handle is a session of its own
    /// (over `ws://` an `attach` and a replay of `use` and `signin`, and a SurrealDB server allows
    /// 256 attached sessions per connection), so a request borrows this one.
    pub db: std::sync::Arc<Db>,
    /// Mark the session cookie `Secure` (default; browsers accept it on http://localhost too).
    pub secure_cookies: bool,
    /// The WebAuthn relying party (Haven's public origin), for passkeys.
    pub webauthn: std::sync::Arc<webauthn_rs::Webauthn>,
    /// The data keys that seal confidential fields (read from outside the database at start-up).
    pub keys: std::sync::Arc<crate::crypto::Keyring>,
}

/// Where the database is and how to reach it.
#[derive(Clone, Debug)]
pub struct DbConfig {
    /// `surrealkv://./data/haven.db`, `mem://`, `ws://127.0.0.1:8000`, `wss://…`.
    pub url: String,
    pub namespace: String,
    pub database: String,
    /// Root credentials for a SurrealDB server; unused for the embedded engines.
    pub username: Option<String>,
    pub password: Option<String>,
}

/// Open the database and select namespace and database (migrations are applied by the caller).
///
/// An embedded SurrealKV store is opened twice: once to replay its log and close cleanly, then
/// for good. See [`settle_embedded`].
pub async fn connect(cfg: &DbConfig) -> Result<Db, surrealdb::Error> {
    if embedded_path(&cfg.url).is_some() {
        settle_embedded(&cfg.url).await?;
    }
    let db = open_when_free(&cfg.url).await?;
    if let (Some(user), Some(pass)) = (&cfg.username, &cfg.password) {
        db.signin(Root {
            username: user.clone(),
            password: pass.clone(),
        })
        .await?;
    }
    // Selecting a database that does not exist yet defines it: servers (or tests) starting at once
    // over one SurrealDB server conflict there, and the loser may simply try again.
    with_retry(|| async {
        db.use_ns(cfg.namespace.as_str())
            .use_db(cfg.database.as_str())
            .await
    })
    .await?;
    Ok(db)
}

/// The folder of an embedded SurrealKV store (`surrealkv://PATH?options`), or `None` for any other
/// engine.
pub fn embedded_path(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("surrealkv://")
        .or_else(|| url.strip_prefix("surrealkv+versioned://"))?;
    rest.split('?').next()
}

/// Replay the store's log and close it cleanly, before it is opened to serve.
///
/// SurrealKV 0.21.4 (under SurrealDB 3.3) opens its write-ahead log for appending *before* it
/// replays it. When the replay finds a torn record at the tail (a process killed in the middle of a
/// write) it repairs the segment by writing the good part to a new file and renaming it over the
/// old one — while the writer still appends to the old, now unlinked, file. Every commit of that
/// session then returns, and is gone at the next crash: the fault test lost 129 acknowledged
/// requests that way once in seven runs, and `server/examples/kv_crash.rs` lost a whole session's
/// 192 commits in 300 SIGKILLs (ADR 0009, "Lost commits"). A clean close after the replay writes
/// the replayed records to a table file and deletes the repaired log, so the second open starts a
/// fresh log segment that its writer really appends to. It also keeps the log short: a store that
/// was killed many times no longer replays everything since its last clean close.
async fn settle_embedded(url: &str) -> Result<(), surrealdb::Error> {
    let db = open_when_free(url).await?;
    // The engine shuts down (memtables flushed, old log segments removed, lock released) once its
    // last handle is gone; the next open waits for the lock.
    drop(db);
    Ok(())
}

/// Close the database before the process ends. `db` must be the last handle: an embedded store
/// closes once its last handle is dropped (memtables written to table files, the log it no longer
/// needs deleted, the lock released), so this waits — up to 30 s — until its lock is free. The next
/// start then replays nothing. A server connection just ends.
pub async fn close(db: Db, url: &str) {
    drop(db);
    let Some(path) = embedded_path(url) else {
        return;
    };
    let lock = std::path::Path::new(path).join("LOCK");
    for _ in 0..600 {
        match std::fs::File::open(&lock) {
            Ok(f) if f.try_lock().is_err() => {
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
            // Free (or gone): the engine has closed.
            _ => return,
        }
    }
    tracing::warn!("the embedded database did not close within 30 s");
}

/// Open `url`, waiting (up to a minute) while an engine closing in this process still holds the
/// store's lock. Another process holding it for longer is an error, as it should be.
async fn open_when_free(url: &str) -> Result<Db, surrealdb::Error> {
    let mut waited = 0u64;
    loop {
        match surrealdb::engine::any::connect(url).await {
            Err(e) if waited < 60_000 && e.to_string().contains("already locked") => {
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                waited += 50;
            }
            other => return other,
        }
    }
}

/// The audit trail's name of a record a caller pointed at (`table:uuid`): the id as a UUID, or
/// nothing when what was sent is not one (never the text itself, which could be anything typed).
pub fn audit_ref(table: &str, id: &str) -> String {
    format!(
        "{table}:{}",
        uuid::Uuid::parse_str(id.trim())
            .map(|u| u.to_string())
            .unwrap_or_default()
    )
}

/// The key of a record a caller pointed at: a UUID, or "not found" (ids cannot be probed).
pub fn record_key(id: &str) -> Result<String, AppError> {
    uuid::Uuid::parse_str(id.trim())
        .map(|u| u.to_string())
        .map_err(|_| AppError::NotFound)
}

/// The latest date it may be now on a device in the department's time zones: the server's UTC
/// date plus a day. Dates typed on a phone are checked against it ("not in the future").
pub fn latest_local_date() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive() + chrono::Duration::days(1)
}

/// A date as the store keeps it: `YYYY-MM-DD` text (what the schema asserts and indexes sort).
pub fn ymd(d: chrono::NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// A stored `YYYY-MM-DD`, if that is what it is.
pub fn read_ymd(v: &str) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d").ok()
}

/// The earliest date it may be now on a device of the department: the server's UTC date less a
/// day. "Not in the past" is checked against it, so no valid local date is refused.
pub fn earliest_local_date() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive() - chrono::Duration::days(1)
}

/// The state provided to server functions, or an internal error when it is missing.
pub fn state() -> Result<AppState, AppError> {
    leptos::prelude::use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from context");
        AppError::Internal
    })
}

/// Log a database failure (redacted: the database echoes values back) and hide it from the client.
pub fn db_error(op: &str, err: surrealdb::Error) -> AppError {
    tracing::error!(op, error = %redact(&err.to_string()), "database error");
    AppError::Internal
}

/// Did a CREATE find its record already there? (A resend under the same device-made id.)
pub fn is_already_there(err: &surrealdb::Error) -> bool {
    err.is_already_exists() || err.message().contains("already exists")
}

/// What [`create_once`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Created {
    New,
    /// A record with that id was there already: the earlier send of the same thing.
    AlreadyThere,
}

/// CREATE `table:id` with `row`, once. The id is made on the device, so a resend whose answer
/// was lost finds its record there and is told so instead of failing.
pub async fn create_once(
    db: &Db,
    op: &str,
    table: &str,
    id: &str,
    row: impl surrealdb::types::SurrealValue,
) -> Result<Created, AppError> {
    let created = db
        .query("CREATE type::record($table, $id) CONTENT $row RETURN NONE")
        .bind(("table", table.to_string()))
        .bind(("id", id.to_string()))
        .bind(("row", row))
        .await
        .and_then(|r| r.check());
    match created {
        Ok(_) => Ok(Created::New),
        Err(e) if is_already_there(&e) => Ok(Created::AlreadyThere),
        Err(e) => Err(db_error(op, e)),
    }
}

/// SurrealDB transactions are snapshot-isolated: two writers of the same key make one fail with a
/// conflict that "can be retried". Run `op` again while it fails that way — up to 100 times, since
/// each failure means another writer committed — with a short, growing, jittered pause; any other
/// outcome is returned as is.
pub async fn with_retry<T, F, Fut>(op: F) -> Result<T, surrealdb::Error>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, surrealdb::Error>>,
{
    retry_while(is_retryable, op).await
}

/// [`with_retry`], for failures that `lost` says mean "another writer got there first".
pub async fn retry_while<T, F, Fut>(
    lost: impl Fn(&surrealdb::Error) -> bool,
    mut op: F,
) -> Result<T, surrealdb::Error>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, surrealdb::Error>>,
{
    let mut attempt = 0u64;
    loop {
        match op().await {
            Err(e) if attempt < 100 && lost(&e) => {
                attempt += 1;
                let jitter = rand::Rng::gen_range(&mut rand::thread_rng(), 0..=attempt.min(20));
                let pause = (2 * attempt).min(30) + jitter;
                tokio::time::sleep(std::time::Duration::from_millis(pause)).await;
            }
            other => return other,
        }
    }
}

/// Like `Response::check`, but for a `BEGIN … COMMIT` query: when one statement fails, the others
/// answer only "not executed due to a failed transaction"; this returns the statement's own error
/// (a `THROW`'s message, a conflict), the one a caller can act on.
pub fn check_cause(
    mut res: surrealdb::IndexedResults,
) -> Result<surrealdb::IndexedResults, surrealdb::Error> {
    let mut errors: Vec<(usize, surrealdb::Error)> = res.take_errors().into_iter().collect();
    if errors.is_empty() {
        return Ok(res);
    }
    errors.sort_by_key(|(i, _)| *i);
    let cause = errors
        .iter()
        .position(|(_, e)| !e.message().contains("due to a failed transaction"))
        .unwrap_or(0);
    Err(errors.swap_remove(cause).1)
}

/// A write–write conflict the database says can be retried.
pub fn is_retryable(err: &surrealdb::Error) -> bool {
    err.message().contains("can be retried")
}
