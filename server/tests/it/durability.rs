//! A commit that returned survives a crash, also after a crash that tore the log's last record.
//!
//! SurrealKV 0.21.4 repairs a torn log tail by renaming a clean copy over the segment its writer
//! already appends to; without Haven's clean close after replay (`app::db::connect`), everything
//! the next session commits goes to the unlinked file and is lost at the next crash (ADR 0009).
//! This test makes that happen on purpose: a writer process commits and aborts (no clean close,
//! like SIGKILL), the log's tail is torn by hand, a second writer commits and aborts, and then
//! every commit both were told about must be there.

use std::io::Write;
use std::process::Command;

use app::db::{connect, DbConfig};

const CHILD: &str = "HAVEN_DURABILITY_CHILD";
const ROUND: &str = "HAVEN_DURABILITY_ROUND";
const PER_ROUND: usize = 40;

fn config(dir: &str) -> DbConfig {
    DbConfig {
        url: format!("surrealkv://{dir}/probe.db"),
        namespace: "haven".into(),
        database: "durability".into(),
        username: None,
        password: None,
    }
}

/// In the child: commit `PER_ROUND` records one by one, print each id once its commit returned,
/// then abort — no destructors, no clean close.
async fn child(dir: &str, round: &str) -> ! {
    let db = connect(&config(dir)).await.expect("connect");
    for n in 0..PER_ROUND {
        let id = format!("r{round}n{n}");
        db.query("CREATE type::record('probe', $id) SET body = $body")
            .bind(("id", id.clone()))
            .bind(("body", "x".repeat(500)))
            .await
            .and_then(|r| r.check())
            .expect("commit");
        println!("ack {id}");
        std::io::stdout().flush().expect("flush");
    }
    std::process::abort();
}

/// Run this test's binary as a writer for `round`; the ids it was told were committed.
fn run_child(dir: &str, round: &str) -> Vec<String> {
    let out = Command::new(std::env::current_exe().expect("exe"))
        .args([
            "durability::a_commit_survives_a_crash_after_a_torn_log_tail",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD, dir)
        .env(ROUND, round)
        .output()
        .expect("spawn writer");
    assert!(!out.status.success(), "the writer aborts, it does not exit");
    let acks: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.rsplit_once("ack ").map(|(_, id)| id.to_string()))
        .collect();
    assert_eq!(
        acks.len(),
        PER_ROUND,
        "round {round}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    acks
}

/// Tear the log: a record header promising 20 bytes whose checksum does not match them, at the
/// end of the newest segment — what a write cut short by a kill leaves behind.
fn tear_log_tail(dir: &str) {
    let wal = std::path::Path::new(dir).join("probe.db").join("wal");
    let newest = std::fs::read_dir(&wal)
        .expect("wal dir")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .max()
        .expect("a log segment");
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&newest)
        .expect("open segment");
    let mut torn = vec![0xde, 0xad, 0xbe, 0xef, 0, 20, 1];
    torn.extend([0x55u8; 20]);
    f.write_all(&torn).expect("tear");
}

#[tokio::test]
async fn a_commit_survives_a_crash_after_a_torn_log_tail() {
    if let (Ok(dir), Ok(round)) = (std::env::var(CHILD), std::env::var(ROUND)) {
        child(&dir, &round).await;
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().display().to_string();
    let mut told = run_child(&dir, "1");
    tear_log_tail(&dir);
    told.extend(run_child(&dir, "2"));

    let db = connect(&config(&dir)).await.expect("reopen");
    let mut res = db
        .query("SELECT VALUE record::id(id) FROM probe")
        .await
        .expect("count");
    let have: std::collections::BTreeSet<String> = res
        .take::<Vec<String>>(0)
        .expect("ids")
        .into_iter()
        .collect();
    let missing: Vec<&String> = told.iter().filter(|id| !have.contains(*id)).collect();
    assert!(
        missing.is_empty(),
        "{} of {} acknowledged commits lost: {:?}",
        missing.len(),
        told.len(),
        &missing[..missing.len().min(5)]
    );
}

/// The bytes of log a store would replay at its next open.
fn log_bytes(db_dir: &std::path::Path) -> u64 {
    std::fs::read_dir(db_dir.join("wal"))
        .map(|dir| {
            dir.filter_map(Result::ok)
                .filter_map(|e| e.metadata().ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

/// A `haven` command that ends (here `migrate`, which writes the whole schema) closes the store
/// cleanly: what it wrote is in table files, and no log is left to replay.
#[tokio::test]
async fn a_haven_command_that_ends_leaves_no_log_to_replay() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("haven.db");
    let url = format!("surrealkv://{}", db.display());
    let migrate = || {
        let out = Command::new(env!("CARGO_BIN_EXE_haven"))
            .arg("migrate")
            .env("HAVEN_DB_URL", &url)
            .env("HAVEN_KEY_FILE", tmp.path().join("haven.key"))
            .env_remove("HAVEN_DATA_KEYS")
            .output()
            .expect("haven migrate");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    migrate();
    assert_eq!(log_bytes(&db), 0, "log left behind");
    // And what it wrote is there: a second run finds every migration applied.
    migrate();
    let store = connect(&DbConfig {
        url,
        namespace: "haven".into(),
        database: "haven".into(),
        username: None,
        password: None,
    })
    .await
    .expect("open");
    let mut r = store
        .query("SELECT VALUE version FROM migration ORDER BY version")
        .await
        .expect("read");
    let mut res: Vec<i64> = r.take(0).expect("versions");
    res.dedup();
    assert_eq!(res.len(), app::db::migrations::MIGRATIONS.len());
}
