//! `haven`: serve, migrate, create-user. Secrets (database password, a new user's password) come from
//! the environment or stdin, never from the command line.

use std::io::BufRead;
use std::net::SocketAddr;
use std::process::ExitCode;

use app::auth::server::{create_person, seed_demo, DEMO_ACCOUNTS, DEMO_PASSWORD};
use app::auth::Role;
use app::db::{connect, migrations, AppState, DbConfig};
use clap::{Args, Parser, Subcommand};
use server::{router, serve, SiteConfig};

#[derive(Parser)]
#[command(
    name = "haven",
    about = "Haven, the field app of a police Social Service Unit"
)]
struct Cli {
    #[command(flatten)]
    db: DbArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args)]
struct DbArgs {
    /// surrealkv://PATH (embedded, default), mem://, ws://HOST:PORT or wss://HOST:PORT
    #[arg(
        long,
        env = "HAVEN_DB_URL",
        default_value = "surrealkv://data/haven.db",
        global = true
    )]
    db_url: String,
    #[arg(long, env = "HAVEN_DB_NS", default_value = "haven", global = true)]
    db_ns: String,
    #[arg(long, env = "HAVEN_DB_NAME", default_value = "haven", global = true)]
    db_name: String,
    /// The data key file (made for a new database if missing). Keep it outside the database and
    /// its backups. HAVEN_DATA_KEYS, if set, carries the keys instead.
    #[arg(
        long,
        env = "HAVEN_KEY_FILE",
        default_value = "data/haven.key",
        global = true
    )]
    key_file: std::path::PathBuf,
}

#[derive(Subcommand)]
enum Command {
    /// Apply migrations and serve Haven over HTTP.
    Serve {
        #[arg(long, env = "HAVEN_ADDR", default_value = "127.0.0.1:3000")]
        addr: SocketAddr,
        /// Folder holding pkg/ (built by scripts/build).
        #[arg(long, env = "HAVEN_SITE_ROOT", default_value = "target/site")]
        site_root: String,
        /// Create the demo accounts (one per role) if missing and print them. Never in production.
        #[arg(long, env = "HAVEN_DEMO")]
        demo: bool,
        /// Send the session cookie without `Secure` (only for plain http on a non-localhost name).
        #[arg(long, env = "HAVEN_INSECURE_COOKIES")]
        insecure_cookies: bool,
        /// Sign-in attempts allowed per client address per minute (a station behind one NAT address
        /// shares it).
        #[arg(long, env = "HAVEN_SIGN_INS_PER_MINUTE", default_value_t = 60)]
        sign_ins_per_minute: u32,
        /// Requests without a signed-in session (sign-in page, health check…) allowed per client
        /// address per minute; static files are not counted.
        #[arg(long, env = "HAVEN_ANONYMOUS_PER_MINUTE", default_value_t = 600)]
        anonymous_per_minute: u32,
        /// The address people open Haven at. Passkeys are bound to its host name: it must not
        /// change once people have enrolled. `http://` only for localhost.
        #[arg(
            long,
            env = "HAVEN_PUBLIC_URL",
            default_value = "http://localhost:3000"
        )]
        public_url: String,
        /// Terminate TLS here: the certificate chain (PEM). Needs --tls-key.
        #[arg(long, env = "HAVEN_TLS_CERT", requires = "tls_key")]
        tls_cert: Option<std::path::PathBuf>,
        /// The certificate's private key (PEM). The file, never the key, goes on the command line.
        #[arg(long, env = "HAVEN_TLS_KEY", requires = "tls_cert")]
        tls_key: Option<std::path::PathBuf>,
    },
    /// Apply pending migrations and exit.
    Migrate,
    /// Create an account (the first administrator of a real deployment). The password is read from
    /// the HAVEN_NEW_PASSWORD variable or, if unset, from the first line of stdin.
    CreateUser {
        #[arg(long)]
        username: String,
        #[arg(long)]
        name: String,
        /// Repeat for several roles: officer, supervisor, chief, chief_designee, social_worker,
        /// lieutenant, deputy_chief, administrator.
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
    },
    /// Release an account locked after repeated failed sign-ins.
    Unlock {
        #[arg(long)]
        username: String,
    },
    /// End every session of a person at once (a lost phone, a departure).
    EndSessions {
        #[arg(long)]
        username: String,
        /// End only the session of one device: the id (or its first 8+ characters) printed by
        /// `haven sessions`.
        #[arg(long)]
        session: Option<String>,
    },
    /// List a person's live sessions: id, device, opened, last seen.
    Sessions {
        #[arg(long)]
        username: String,
    },
    /// Remove every passkey and authenticator app of a person (a lost phone): they enrol again at
    /// their next sign-in. Their sessions end.
    ResetFactors {
        #[arg(long)]
        username: String,
    },
    /// Revoke every offline device of a person (a lost phone): at its next contact with Haven, signed
    /// in or not, each device wipes what it holds.
    RevokeDevices {
        #[arg(long)]
        username: String,
    },
    /// Write the whole database (schema, records, audit chain; confidential fields still sealed) to
    /// a SurrealQL file. Embedded: stop Haven first. Keep the key file apart from the backups.
    Backup {
        #[arg(long)]
        to: std::path::PathBuf,
    },
    /// Load a backup into a new, empty database (--db-url), then check its audit chain and that the
    /// key file opens it.
    Restore {
        #[arg(long)]
        from: std::path::PathBuf,
    },
    /// Check the audit chain; names the first broken link and exits 1 if there is one.
    AuditVerify,
    /// Rotate the data key: add a new current key to the key file, re-seal every confidential value
    /// under it and retire the old keys. Stop every Haven server first.
    RotateKey,
}

/// An administrative action taken on the command line, in the audit trail.
async fn audit_cli(db: &app::db::Db, action: &str, username: &str) {
    let record = format!("person:{}", username.trim().to_lowercase());
    audit_cli_record(db, action, &record).await;
}

async fn audit_cli_record(db: &app::db::Db, action: &str, record: &str) {
    let origin = app::audit::store::Origin {
        actor: String::new(),
        device: "haven command line".into(),
        session: String::new(),
    };
    let _ = app::audit::store::append(db, &origin, action, record, app::audit::store::Outcome::Ok)
        .await;
}

/// Every five minutes, let approvals that were never disbursed lapse (their holds go back to the
/// fund). Safe with several servers: each lapse is a transaction on the fund record.
fn spawn_expiry(db: app::db::Db) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(300));
        loop {
            tick.tick().await;
            let Ok(settings) = app::settings::store::load(&db).await else {
                continue;
            };
            match app::funds::fund_store::expire_stale(&db, &settings).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(lapsed = n, "released the holds of lapsed approvals"),
                Err(_) => tracing::warn!("could not check for lapsed approvals"),
            }
        }
    })
}

fn db_config(args: &DbArgs) -> DbConfig {
    DbConfig {
        url: args.db_url.clone(),
        namespace: args.db_ns.clone(),
        database: args.db_name.clone(),
        username: std::env::var("HAVEN_DB_USER").ok(),
        password: std::env::var("HAVEN_DB_PASS").ok(),
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    // Logs go to stderr: stdout carries the commands' answers (demo accounts, audit-verify).
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,surrealdb=warn,surrealkv=warn".into()),
        )
        .init();
    match run(Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("haven: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), String> {
    let cfg = db_config(&cli.db);
    if let Some(path) = app::db::embedded_path(&cfg.url) {
        if let Some(parent) = std::path::Path::new(path).parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("creating {parent:?}: {e}"))?;
        }
    }
    let db = connect(&cfg)
        .await
        .map_err(|e| format!("cannot open the database at {}: {e}", cfg.url))?;
    let result = run_with(cli, db.clone()).await;
    // Every handle is gone now: an embedded store closes cleanly, so the next start replays nothing.
    app::db::close(db, &cfg.url).await;
    result
}

/// What `run` does once the database is open (the handle is the caller's to close).
async fn run_with(cli: Cli, db: app::db::Db) -> Result<(), String> {
    // A restore goes into an empty database: before any migration makes it not empty.
    if let Command::Restore { from } = &cli.command {
        app::db::backup::restore(&db, from)
            .await
            .map_err(|e| e.to_string())?;
    }
    migrations::run(&db)
        .await
        .map_err(|e| format!("migration failed: {e}"))?;
    let (keys, key_source) = server::keys::open(&db, &cli.db.key_file).await?;
    match cli.command {
        Command::RotateKey => {
            let (current, resealed, retired) =
                server::keys::rotate(&db, &keys, &key_source).await?;
            audit_cli_record(&db, "keys.rotate", &format!("data_key:{current}")).await;
            println!("{resealed} value(s) now sealed under data key {current}");
            if !retired.is_empty() {
                println!(
                    "retired: {} (keep them in the key file while backups made before now may \
                     be restored; then they may be removed)",
                    retired.join(", ")
                );
            }
            Ok(())
        }
        Command::Migrate => {
            println!("migrations applied");
            Ok(())
        }
        Command::CreateUser {
            username,
            name,
            roles,
        } => {
            let roles = roles
                .iter()
                .map(|r| Role::from_code(r).ok_or_else(|| format!("unknown role {r:?}")))
                .collect::<Result<Vec<_>, _>>()?;
            let password = match std::env::var("HAVEN_NEW_PASSWORD") {
                Ok(p) => p,
                Err(_) => {
                    let mut line = String::new();
                    std::io::stdin()
                        .lock()
                        .read_line(&mut line)
                        .map_err(|e| e.to_string())?;
                    line.trim_end_matches(['\r', '\n']).to_string()
                }
            };
            create_person(&db, &username, &name, &password, &roles)
                .await
                .map_err(|e| {
                    let why: Vec<String> = e
                        .field_errors()
                        .iter()
                        .map(|f| format!("{}: {}", f.field, f.message()))
                        .collect();
                    if why.is_empty() {
                        format!("could not create the user: {}", e.message())
                    } else {
                        format!("could not create the user: {}", why.join("; "))
                    }
                })?;
            audit_cli(&db, "person.create", &username).await;
            println!("created {username}");
            Ok(())
        }
        Command::Unlock { username } => {
            let found = app::auth::server::unlock(&db, &username)
                .await
                .map_err(|e| e.message())?;
            if !found {
                return Err(format!("no account named {username:?}"));
            }
            audit_cli(&db, "person.unlock", &username).await;
            println!("unlocked {username}");
            Ok(())
        }
        Command::EndSessions {
            username,
            session: None,
        } => {
            let ended = app::auth::server::end_all_sessions(&db, &username)
                .await
                .map_err(|e| e.message())?
                .ok_or_else(|| format!("no account named {username:?}"))?;
            audit_cli(&db, "person.end_sessions", &username).await;
            println!("ended {ended} session(s) of {username}");
            Ok(())
        }
        Command::EndSessions {
            username,
            session: Some(short_id),
        } => {
            use app::error::AppError;
            let ended = match app::auth::server::end_session_by_prefix(&db, &username, &short_id)
                .await
            {
                Ok(n) => n,
                Err(AppError::NotFound) => return Err(format!("no account named {username:?}")),
                Err(AppError::Conflict) => {
                    return Err(format!(
                        "{short_id:?} names several sessions: give more of the id"
                    ))
                }
                Err(AppError::Invalid { .. }) => {
                    return Err("give at least 8 hex digits of the session id".into())
                }
                Err(e) => return Err(e.message()),
            };
            if ended == 0 {
                return Err(format!(
                    "no live session of {username} starts with {short_id:?}"
                ));
            }
            audit_cli(&db, "person.end_session", &username).await;
            println!("ended the session {short_id} of {username}");
            Ok(())
        }
        Command::Sessions { username } => {
            let sessions = app::auth::server::list_sessions(&db, &username)
                .await
                .map_err(|e| e.message())?
                .ok_or_else(|| format!("no account named {username:?}"))?;
            println!(
                "{:<13} {:<9} {:<17} {:<17} device",
                "session", "state", "opened (UTC)", "last seen (UTC)"
            );
            for s in sessions {
                println!(
                    "{:<13} {:<9} {:<17} {:<17} {}",
                    s.short_id,
                    if s.verified { "signed-in" } else { "pending" },
                    s.created_at.format("%Y-%m-%d %H:%M"),
                    s.last_seen_at.format("%Y-%m-%d %H:%M"),
                    s.device.unwrap_or_default()
                );
            }
            Ok(())
        }
        Command::ResetFactors { username } => {
            let found = app::auth::second_factor::reset(&db, &username)
                .await
                .map_err(|e| e.message())?;
            if !found {
                return Err(format!("no account named {username:?}"));
            }
            audit_cli(&db, "person.reset_factors", &username).await;
            println!("removed the second factors of {username}; they enrol again at sign-in");
            Ok(())
        }
        Command::RevokeDevices { username } => {
            let revoked = app::offline::devices::revoke_all(&db, &username)
                .await
                .map_err(|e| e.message())?
                .ok_or_else(|| format!("no account named {username:?}"))?;
            audit_cli(&db, "person.revoke_devices", &username).await;
            println!(
                "revoked {revoked} device(s) of {username}; each wipes itself at its next contact"
            );
            Ok(())
        }
        Command::Backup { to } => {
            audit_cli_record(&db, "backup.create", "database").await;
            app::db::backup::backup(&db, &to)
                .await
                .map_err(|e| format!("backup failed: {e}"))?;
            println!("backup written to {}", to.display());
            Ok(())
        }
        Command::Restore { from } => {
            match app::audit::store::verify(&db).await {
                Ok(Ok(n)) => println!(
                    "restored from {}: audit chain intact ({n} events)",
                    from.display()
                ),
                Ok(Err(broken)) => {
                    return Err(format!("restored, but the audit chain is broken: {broken}"))
                }
                Err(e) => return Err(e.message()),
            }
            for (table, n) in app::db::backup::counts(&db)
                .await
                .map_err(|e| e.to_string())?
            {
                println!("  {table:<20} {n}");
            }
            Ok(())
        }
        Command::AuditVerify => match app::audit::store::verify(&db).await {
            Ok(Ok(n)) => {
                println!("audit chain intact: {n} events");
                Ok(())
            }
            Ok(Err(broken)) => Err(format!("audit chain broken: {broken}")),
            Err(e) => Err(e.message()),
        },
        Command::Serve {
            addr,
            site_root,
            demo,
            insecure_cookies,
            sign_ins_per_minute,
            anonymous_per_minute,
            public_url,
            tls_cert,
            tls_key,
        } => {
            let tls = match (&tls_cert, &tls_key) {
                (Some(cert), Some(key)) => Some(server::tls::config(cert, key)?),
                _ => None,
            };
            let webauthn = app::auth::second_factor::relying_party(&public_url)?;
            if demo {
                seed_demo(&db)
                    .await
                    .map_err(|e| format!("demo accounts: {}", e.message()))?;
                println!(
                    "\nDemo accounts (password for all: {DEMO_PASSWORD}; at the first sign-in each \
                     sets up a passkey or an authenticator app):"
                );
                for (username, name, role) in DEMO_ACCOUNTS {
                    println!("  {username:<14} {name:<24} {}", role.label());
                }
                println!();
            }
            let expiry = spawn_expiry(db.clone());
            let state = AppState {
                db: std::sync::Arc::new(db),
                secure_cookies: !insecure_cookies,
                webauthn,
                keys: std::sync::Arc::new(keys),
            };
            let app = router(
                state,
                &SiteConfig {
                    site_root,
                    addr,
                    sign_ins_per_minute,
                    anonymous_per_minute,
                    hsts: tls.is_some() || public_url.starts_with("https://"),
                },
            );
            let served = match tls {
                Some(config) => {
                    println!("Haven is listening on https://{addr} (open {public_url})");
                    server::serve_tls(app, addr, config)
                        .await
                        .map_err(|e| e.to_string())
                }
                None => {
                    println!("Haven is listening on http://{addr} (open {public_url})");
                    serve(app, addr).await.map_err(|e| e.to_string())
                }
            };
            // Stopped (Ctrl-C, SIGTERM): the expiry task lets go of its database handle too.
            expiry.abort();
            let _ = expiry.await;
            served
        }
    }
}
