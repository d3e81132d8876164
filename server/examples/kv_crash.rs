//! Does embedded SurrealKV keep every commit that returned, across repeated SIGKILLs?
//!
//! The harness behind ADR 0009's "Lost commits". `kv_crash drive DIR ROUNDS` runs itself as a
//! writer (`kv_crash write DIR ROUND`) on the same store ROUNDS times, SIGKILLs it at a random
//! moment each time, and collects the ids the writer printed after each commit returned. Then it
//! opens the store and reports every acknowledged id that is missing.
//!
//! Run: `KV_BODY=3000 cargo run -p server --example kv_crash -- drive /tmp/kv 300` (Haven's way of
//! opening the store; `KV_RAW=1` for the engine's own). Found with `KV_RAW=1`, in two runs of 300
//! rounds: 192 of 42 171 and 143 of 40 147 acknowledged commits lost, each time all of one session
//! (rounds 276 and 284), the session that followed a torn log tail; through Haven's open, 300
//! rounds lost none of 40 345. The deterministic form of this
//! is `server/tests/it/durability.rs`.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use surrealdb::engine::any::{connect, Any};
use surrealdb::Surreal;

/// Writers per process (commits are grouped by the engine's fsync).
const WRITERS: usize = 4;

/// Open the store as Haven does (`app::db::connect`: replay, clean close, open), or with
/// `KV_RAW=1` as the engine alone does (which loses a session's commits after a torn log tail).
async fn open(dir: &str) -> Surreal<Any> {
    let url = format!("surrealkv://{dir}/kv.db");
    let db = if std::env::var("KV_RAW").is_ok_and(|v| v == "1") {
        let db = connect(url).await.expect("open");
        db.use_ns("t").use_db("t").await.expect("use");
        db
    } else {
        app::db::connect(&app::db::DbConfig {
            url,
            namespace: "t".into(),
            database: "t".into(),
            username: None,
            password: None,
        })
        .await
        .expect("open")
    };
    db.query(
        "DEFINE TABLE IF NOT EXISTS rec SCHEMAFULL;
         DEFINE FIELD IF NOT EXISTS body ON rec TYPE string;
         DEFINE TABLE IF NOT EXISTS audit SCHEMAFULL;
         DEFINE FIELD IF NOT EXISTS of ON audit TYPE string;",
    )
    .await
    .expect("schema")
    .check()
    .expect("schema ok");
    db
}

async fn write(dir: &str, round: &str) {
    let db = open(dir).await;
    let size: usize = std::env::var("KV_BODY")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(600);
    println!("ready");
    let mut tasks = Vec::new();
    for w in 0..WRITERS {
        let db = db.clone();
        let round = round.to_string();
        tasks.push(tokio::spawn(async move {
            for n in 0u64.. {
                let id = format!("r{round}w{w}n{n}");
                let res = db
                    .query(
                        "BEGIN;
                         CREATE type::record('rec', $id) SET body = $body;
                         CREATE audit SET of = $id;
                         COMMIT;",
                    )
                    .bind(("id", id.clone()))
                    .bind(("body", "x".repeat(size)))
                    .await
                    .and_then(|r| r.check());
                match res {
                    Ok(_) => println!("ack {id}"),
                    Err(e) if e.to_string().contains("retried") => continue,
                    Err(e) => panic!("write {id}: {e}"),
                }
            }
        }));
    }
    for t in tasks {
        t.await.expect("writer");
    }
}

fn jitter(max_ms: u64) -> u64 {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .subsec_nanos() as u64;
    nanos % max_ms
}

async fn drive(dir: &str, rounds: u32) {
    let exe = std::env::current_exe().expect("exe");
    let mut acked = BTreeSet::new();
    for round in 0..rounds {
        let mut child = Command::new(&exe)
            .args(["write", dir, &round.to_string()])
            .stdout(Stdio::piped())
            .spawn()
            .expect("spawn writer");
        let out = BufReader::new(child.stdout.take().unwrap());
        let pid = child.id();
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let reader = std::thread::spawn(move || {
            let mut ids = Vec::new();
            for line in out.lines().map_while(Result::ok) {
                if line == "ready" {
                    let _ = ready_tx.send(());
                } else if let Some(id) = line.strip_prefix("ack ") {
                    ids.push(id.to_string());
                }
            }
            ids
        });
        // Kill at a random moment: one round in ten while it is still opening (replaying its
        // log), the others while it writes.
        let started = Instant::now();
        let opening = jitter(10) == 0;
        if !opening {
            let _ = ready_rx.recv_timeout(Duration::from_secs(120));
        }
        let delay = Duration::from_millis(if opening {
            jitter(300)
        } else {
            20 + jitter(400)
        });
        std::thread::sleep(delay);
        let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
        let _ = child.wait();
        let ids = reader.join().expect("reader");
        eprintln!(
            "round {round}: killed {:?} after start ({}), {} acks",
            started.elapsed(),
            if opening { "opening" } else { "writing" },
            ids.len()
        );
        acked.extend(ids);
    }
    let db = open(dir).await;
    let mut res = db
        .query("SELECT VALUE record::id(id) FROM rec; SELECT VALUE of FROM audit;")
        .await
        .expect("count");
    let recs: Vec<String> = res.take(0).expect("recs");
    let audits: Vec<String> = res.take(1).expect("audits");
    let have: BTreeSet<String> = recs.into_iter().collect();
    let audited: BTreeSet<String> = audits.into_iter().collect();
    let missing: Vec<&String> = acked.iter().filter(|id| !have.contains(*id)).collect();
    let unaudited = have.iter().filter(|id| !audited.contains(*id)).count();
    println!(
        "acknowledged {}, stored {}, missing {}, stored without audit {}",
        acked.len(),
        have.len(),
        missing.len(),
        unaudited
    );
    if !missing.is_empty() {
        println!("first missing: {:?}", &missing[..missing.len().min(20)]);
        std::process::exit(1);
    }
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("write") => write(&args[2], &args[3]).await,
        Some("drive") => {
            drive(
                &args[2],
                args.get(3).and_then(|n| n.parse().ok()).unwrap_or(50),
            )
            .await
        }
        _ => eprintln!("usage: kv_crash drive DIR [ROUNDS] | kv_crash write DIR ROUND"),
    }
}
