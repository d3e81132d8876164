//! Backup and restore: a backup of a database with requests, casework, fund moves and an audit trail,
//! restored into a fresh database, holds every record of every table, a valid audit chain, and sealed
//! values that still open with the same keys (and only with them); a restore into a database that is
//! not empty is refused.

use crate::common::*;
use app::db::{backup, connect, migrations, DbConfig};
use http::StatusCode;
use serde_json::json;

fn fresh(dir: &std::path::Path) -> DbConfig {
    DbConfig {
        url: format!("surrealkv://{}", dir.join("restored.db").display()),
        namespace: "haven".into(),
        database: "test".into(),
        username: None,
        password: None,
    }
}

#[tokio::test]
async fn a_backup_restores_every_record_and_a_valid_audit_chain() {
    let app = spawn().await;
    let officer = app.sign_in("officer").await;
    let sw = app.sign_in("socialworker").await;
    let filed = app.file(&officer, "Backup Resident", "12").await;
    let a = app
        .fund_move(&sw, json!({ "kind": "open", "amount": "100" }))
        .await;
    assert_eq!(a.status, StatusCode::OK);
    let a = app
        .send(json_post(
            "/api/save_client",
            Some(&sw),
            json!({ "draft": { "id": uuid::Uuid::now_v7().to_string(), "name": "Backup Client" },
                    "confirmed_new": true }),
        ))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);

    let before = backup::counts(&app.db).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("haven.surql");
    backup::backup(&app.db, &file).await.unwrap();
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        !text.contains("Backup Resident"),
        "sealed in the backup too"
    );

    let restored = connect(&fresh(dir.path())).await.unwrap();
    backup::restore(&restored, &file).await.unwrap();
    assert_eq!(
        migrations::run(&restored).await.unwrap(),
        Vec::<i64>::new(),
        "nothing left to migrate"
    );
    assert_eq!(
        backup::counts(&restored).await.unwrap(),
        before,
        "every table, every record"
    );
    let chain = app::audit::store::verify(&restored).await.unwrap();
    assert!(chain.is_ok(), "{chain:?}");
    assert!(chain.unwrap() > 5);

    // The same keys open it; others do not.
    app::crypto::store::register(&restored, &app.keys)
        .await
        .unwrap();
    let other = app::crypto::Keyring::generate();
    assert!(app::crypto::store::register(&restored, &other)
        .await
        .is_err());
    let mut res = restored
        .query("SELECT VALUE requester_name FROM type::record('fund_request', $id)")
        .bind(("id", filed.clone()))
        .await
        .unwrap();
    let sealed: Vec<String> = res.take(0).unwrap();
    let name = app::crypto::Place::new(&app.keys, "fund_request", &filed)
        .open("requester_name", &sealed[0])
        .unwrap();
    assert_eq!(name, "Backup Resident");

    // Restoring over a database that holds something is refused.
    let again = backup::restore(&restored, &file).await;
    assert!(
        matches!(again, Err(backup::RestoreError::NotEmpty(_))),
        "{again:?}"
    );
}

#[test]
fn the_command_line_backs_up_and_restores_into_a_new_database() {
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("haven.key");
    let haven = |db: &str, args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_haven"))
            .args(args)
            .env(
                "HAVEN_DB_URL",
                format!("surrealkv://{}", dir.path().join(db).display()),
            )
            .env("HAVEN_KEY_FILE", &key_file)
            .env("HAVEN_NEW_PASSWORD", "a long and unusual phrase")
            .env_remove("HAVEN_DATA_KEYS")
            .output()
            .unwrap()
    };
    let ok = |out: std::process::Output| {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    ok(haven(
        "live.db",
        &[
            "create-user",
            "--username",
            "ada",
            "--name",
            "Ada Park",
            "--role",
            "administrator",
        ],
    ));
    let file = dir.path().join("backup.surql");
    let said = ok(haven(
        "live.db",
        &["backup", "--to", file.to_str().unwrap()],
    ));
    assert!(said.contains("backup written"), "{said}");

    let said = ok(haven(
        "new.db",
        &["restore", "--from", file.to_str().unwrap()],
    ));
    assert!(said.contains("audit chain intact"), "{said}");
    assert!(said.contains("person"), "{said}");
    // Into a database that already holds Haven: refused, nothing changed.
    let out = haven("new.db", &["restore", "--from", file.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not empty"));
}
