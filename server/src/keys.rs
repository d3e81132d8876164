//! Where the data keys come from (ADR 0007): `HAVEN_DATA_KEYS` (the key file's text, for secret
//! managers) or the key file (`--key-file`, `HAVEN_KEY_FILE`, default `data/haven.key`). Never from
//! the database, never from a flag's value.
//!
//! A new database with no key anywhere gets a new key file (mode 0600) at the configured path;
//! a database that already holds sealed values and no key refuses to start, naming the file.

use std::io::Write;
use std::path::{Path, PathBuf};

use app::crypto::store::{has_keys, prepare, KeyCheckError};
use app::crypto::Keyring;
use app::db::Db;

/// The environment variable that may carry the keys instead of a file.
pub const ENV: &str = "HAVEN_DATA_KEYS";

/// How the keys were found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Environment,
    File(PathBuf),
}

/// Read the keys (making a key file for a new database), check them against the database and seal
/// whatever an older Haven stored as plaintext.
pub async fn open(db: &Db, file: &Path) -> Result<(Keyring, Source), String> {
    let (keys, source) = read_or_create(db, file).await?;
    let done = prepare(db, &keys)
        .await
        .map_err(|e| describe(&e, &source))?;
    if done.from_plaintext > 0 {
        tracing::info!(
            values = done.from_plaintext,
            "sealed confidential values stored by an older version"
        );
    }
    Ok((keys, source))
}

fn describe(e: &KeyCheckError, source: &Source) -> String {
    match source {
        Source::Environment => format!("{e} ({ENV})"),
        Source::File(path) => format!("{e} ({})", path.display()),
    }
}

async fn read_or_create(db: &Db, file: &Path) -> Result<(Keyring, Source), String> {
    if let Ok(text) = std::env::var(ENV) {
        let keys = Keyring::parse(&text).map_err(|e| format!("{ENV}: {e}"))?;
        return Ok((keys, Source::Environment));
    }
    let source = Source::File(file.to_path_buf());
    match std::fs::read_to_string(file) {
        Ok(text) => {
            let keys = Keyring::parse(&text).map_err(|e| format!("{}: {e}", file.display()))?;
            Ok((keys, source))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if has_keys(db).await.map_err(|e| e.to_string())? {
                return Err(format!(
                    "the database holds sealed values but there is no key file at {} (and {ENV} \
                     is not set): restore the key file, or point --key-file / HAVEN_KEY_FILE at it",
                    file.display()
                ));
            }
            let keys = Keyring::generate();
            write(file, &keys, true)?;
            tracing::warn!(
                path = %file.display(),
                "made a new data key file: back it up apart from the database and its backups"
            );
            Ok((keys, source))
        }
        Err(e) => Err(format!("cannot read the key file {}: {e}", file.display())),
    }
}

/// Write the key file, readable by its owner only. `new`: refuse to replace an existing file.
/// Otherwise the file is replaced atomically (a crash leaves the old or the new file, never half).
pub fn write(file: &Path, keys: &Keyring, new: bool) -> Result<(), String> {
    if let Some(parent) = file.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("creating {}: {e}", parent.display()))?;
    }
    let tmp = file.with_extension("key.tmp");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let target = if new { file } else { tmp.as_path() };
    if new {
        options.create_new(true);
    }
    let mut f = options
        .open(target)
        .map_err(|e| format!("writing {}: {e}", target.display()))?;
    f.write_all(keys.to_file_text().as_bytes())
        .and_then(|()| f.sync_all())
        .map_err(|e| format!("writing {}: {e}", target.display()))?;
    if !new {
        std::fs::rename(&tmp, file).map_err(|e| format!("replacing {}: {e}", file.display()))?;
    }
    Ok(())
}

/// `haven rotate-key`: a new current key in the key file, every sealed value re-sealed under it,
/// the older keys marked retired in the database. Returns (new key id, values re-sealed, retired
/// key ids). The older keys stay in the file: backups made before the rotation need them.
pub async fn rotate(
    db: &Db,
    keys: &Keyring,
    source: &Source,
) -> Result<(String, usize, Vec<String>), String> {
    // With the keys in the environment Haven cannot write them: the operator adds a `data` entry
    // there (the last is current) and runs `haven rotate-key`, which re-seals under it.
    let Source::File(file) = source else {
        return reseal_under(db, keys).await;
    };
    let new = keys.with_new_key();
    // The file first: if re-sealing is cut short, the new key is already safe on disk.
    write(file, &new, false)?;
    reseal_under(db, &new).await
}

/// Record the ring's current key, re-seal everything under it and retire the others.
pub async fn reseal_under(db: &Db, keys: &Keyring) -> Result<(String, usize, Vec<String>), String> {
    use app::crypto::store::{register, reseal, retire_old_keys};
    register(db, keys).await.map_err(|e| e.to_string())?;
    let done = reseal(db, keys).await.map_err(|e| e.to_string())?;
    let retired = retire_old_keys(db, keys).await.map_err(|e| e.to_string())?;
    Ok((
        keys.current_id().to_string(),
        done.from_old_keys + done.from_plaintext,
        retired,
    ))
}
