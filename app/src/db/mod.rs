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
    pub db: Db,
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

/// Open the database, select namespace and database, and apply pending migrations.
pub async fn connect(cfg: &DbConfig) -> Result<Db, surrealdb::Error> {
    let db = surrealdb::engine::any::connect(cfg.url.as_str()).await?;
    if let (Some(user), Some(pass)) = (&cfg.username, &cfg.password) {
        db.signin(Root {
            username: user.clone(),
            password: pass.clone(),
        })
        .await?;
    }
    db.use_ns(cfg.namespace.as_str())
        .use_db(cfg.database.as_str())
        .await?;
    Ok(db)
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

/// SurrealDB transactions are snapshot-isolated: two writers of the same key make one fail with a
/// conflict that "can be retried". Run `op` again while it fails that way — up to 100 times, since
/// each failure means another writer committed — with a short, growing, jittered pause; any other
/// outcome is returned as is.
pub async fn with_retry<T, F, Fut>(mut op: F) -> Result<T, surrealdb::Error>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, surrealdb::Error>>,
{
    let mut attempt = 0u64;
    loop {
        match op().await {
            Err(e) if attempt < 100 && is_retryable(&e) => {
                attempt += 1;
                let jitter = rand::Rng::gen_range(&mut rand::thread_rng(), 0..=attempt.min(20));
                let pause = (2 * attempt).min(30) + jitter;
                tokio::time::sleep(std::time::Duration::from_millis(pause)).await;
            }
            other => return other,
        }
    }
}

/// A write–write conflict the database says can be retried.
pub fn is_retryable(err: &surrealdb::Error) -> bool {
    err.message().contains("can be retried")
}
