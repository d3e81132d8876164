//! The second factor on the server: passkeys (WebAuthn through webauthn-rs) and TOTP, the per-session
//! ceremony state, and the session's verification and step-up times. Server-only.
//!
//! A session starts "pending" after the password; only the second factor makes it a signed-in session
//! (ADR 0006). A person with no factor yet enrols one in that pending session (enrolment at first
//! sign-in); a person who has one must use it: a stolen password cannot enrol a new factor.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use surrealdb::types::SurrealValue;
use webauthn_rs::prelude::{
    Passkey, PasskeyAuthentication, PasskeyRegistration, PublicKeyCredential,
    RegisterPublicKeyCredential, Url, Uuid, Webauthn, WebauthnBuilder,
};

use crate::crypto::{Keyring, Place};
use crate::db::{db_error, Db};
use crate::error::AppError;

/// Minutes a password-only session may wait for its second factor.
pub const PENDING_MINUTES: i64 = 10;
/// Disbursing cash, exporting and disclosing need a proof of presence this recent.
pub const STEP_UP_MINUTES: i64 = 5;

/// The relying party: Haven's public origin (`HAVEN_PUBLIC_URL`, e.g. `https://haven.hppd.example`).
/// Passkeys are bound to its host name, which must not change once people have enrolled.
pub fn relying_party(public_url: &str) -> Result<Arc<Webauthn>, String> {
    let url = Url::parse(public_url).map_err(|e| format!("HAVEN_PUBLIC_URL: {e}"))?;
    let host = url
        .host_str()
        .ok_or_else(|| "HAVEN_PUBLIC_URL has no host name".to_string())?
        .to_string();
    WebauthnBuilder::new(&host, &url)
        .and_then(|b| b.rp_name("Haven").build())
        .map(Arc::new)
        .map_err(|e| format!("HAVEN_PUBLIC_URL {public_url} cannot be a WebAuthn origin: {e}"))
}

/// What the session layer knows about the session of a request, pending or not.
#[derive(Clone, Debug)]
pub struct SessionInfo {
    /// The session's record key (SHA-256 of the cookie token).
    pub sid: String,
    pub person: String,
    pub username: String,
    pub display_name: String,
    pub verified: bool,
    /// Seconds since the person last proved presence (sign-in or step-up), if ever in this session.
    pub reauth_age_seconds: Option<i64>,
}

impl SessionInfo {
    pub fn stepped_up(&self) -> bool {
        self.reauth_age_seconds
            .is_some_and(|s| s <= STEP_UP_MINUTES * 60)
    }
}

/// The session of the current server-function call, pending or verified.
pub fn current_session() -> Result<SessionInfo, AppError> {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<SessionInfo>().cloned())
        .ok_or(AppError::Unauthenticated)
}

/// Server-side state of an open ceremony, one per session, taken out exactly once.
#[derive(Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Ceremony {
    PasskeyRegistration { state: PasskeyRegistration },
    PasskeyAuthentication { state: PasskeyAuthentication },
    TotpEnrolment { secret: String },
}

pub async fn put_ceremony(
    db: &Db,
    keys: &Keyring,
    sid: &str,
    c: &Ceremony,
) -> Result<(), AppError> {
    let json = serde_json::to_string(c).map_err(|_| AppError::Internal)?;
    // Sealed: a TOTP enrolment holds the new secret, a passkey ceremony its challenge.
    let json = Place::new(keys, "session", sid).seal("ceremony", &json);
    db.query("UPDATE type::record('session', $sid) SET ceremony = $c RETURN NONE")
        .bind(("sid", sid.to_string()))
        .bind(("c", json))
        .await
        .and_then(|r| r.check())
        .map_err(|e| db_error("put ceremony", e))?;
    Ok(())
}

#[derive(SurrealValue)]
struct Before {
    ceremony: Option<String>,
}

/// Take the session's open ceremony out (atomically: a second taker finds none).
pub async fn take_ceremony(
    db: &Db,
    keys: &Keyring,
    sid: &str,
) -> Result<Option<Ceremony>, AppError> {
    let mut res = db
        .query("UPDATE type::record('session', $sid) SET ceremony = NONE RETURN BEFORE")
        .bind(("sid", sid.to_string()))
        .await
        .map_err(|e| db_error("take ceremony", e))?;
    let rows: Vec<Before> = res.take(0).map_err(|e| db_error("take ceremony", e))?;
    let Some(sealed) = rows.into_iter().next().and_then(|b| b.ceremony) else {
        return Ok(None);
    };
    let json = Place::new(keys, "session", sid).open("ceremony", &sealed)?;
    Ok(serde_json::from_str(&json).ok())
}

/// The second factor is proven: the session becomes a signed-in one for the full session length.
/// The person's failed attempts are forgotten only now.
pub async fn mark_verified(db: &Db, sid: &str, person: &str) -> Result<(), AppError> {
    db.query(format!(
        "UPDATE type::record('session', $sid) SET verified_at = time::now(), \
         reauth_at = time::now(), expires_at = created_at + {}h RETURN NONE;
         UPDATE type::record('person', $pid) SET failed_sign_ins = [] RETURN NONE;",
        super::server::SESSION_HOURS
    ))
    .bind(("sid", sid.to_string()))
    .bind(("pid", person.to_string()))
    .await
    .and_then(|r| r.check())
    .map_err(|e| db_error("verify session", e))?;
    Ok(())
}

#[derive(SurrealValue)]
struct FactorRow {
    passkeys: i64,
    totp: bool,
}

/// How many passkeys and whether a TOTP secret the person has.
pub async fn factors(db: &Db, person: &str) -> Result<(u32, bool), AppError> {
    let mut res = db
        .query(
            "SELECT count((SELECT id FROM passkey WHERE person = $parent.id)) AS passkeys, \
             totp_secret != NONE AS totp FROM type::record('person', $pid)",
        )
        .bind(("pid", person.to_string()))
        .await
        .map_err(|e| db_error("factors", e))?;
    let rows: Vec<FactorRow> = res.take(0).map_err(|e| db_error("factors", e))?;
    Ok(rows
        .into_iter()
        .next()
        .map(|r| (u32::try_from(r.passkeys).unwrap_or(0), r.totp))
        .unwrap_or((0, false)))
}

/// May this session enrol a factor? A signed-in session may add one; a pending session only when the
/// person has none yet (first sign-in).
pub async fn may_enrol(db: &Db, s: &SessionInfo) -> Result<bool, AppError> {
    if s.verified {
        return Ok(true);
    }
    let (passkeys, totp) = factors(db, &s.person).await?;
    Ok(passkeys == 0 && !totp)
}

#[derive(SurrealValue)]
struct CredRow {
    credential: String,
}

pub async fn passkeys_of(db: &Db, person: &str) -> Result<Vec<Passkey>, AppError> {
    let mut res = db
        .query("SELECT credential FROM passkey WHERE person = type::record('person', $pid)")
        .bind(("pid", person.to_string()))
        .await
        .map_err(|e| db_error("passkeys", e))?;
    let rows: Vec<CredRow> = res.take(0).map_err(|e| db_error("passkeys", e))?;
    Ok(rows
        .into_iter()
        .filter_map(|r| serde_json::from_str(&r.credential).ok())
        .collect())
}

fn credential_key(pk: &Passkey) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(pk.cred_id().as_ref() as &[u8])
}

pub async fn save_passkey(
    db: &Db,
    person: &str,
    pk: &Passkey,
    label: &str,
) -> Result<(), AppError> {
    let json = serde_json::to_string(pk).map_err(|_| AppError::Internal)?;
    db.query(
        "CREATE passkey CONTENT { person: type::record('person', $pid), credential_id: $cid, \
         credential: $cred, label: $label, created_at: time::now() } RETURN NONE",
    )
    .bind(("pid", person.to_string()))
    .bind(("cid", credential_key(pk)))
    .bind(("cred", json))
    .bind(("label", label.to_string()))
    .await
    .and_then(|r| r.check())
    .map_err(|e| db_error("save passkey", e))?;
    Ok(())
}

/// Store a passkey's new counter / backup state after a successful use.
pub async fn touch_passkey(db: &Db, pk: &Passkey) -> Result<(), AppError> {
    let json = serde_json::to_string(pk).map_err(|_| AppError::Internal)?;
    db.query(
        "UPDATE passkey SET credential = $cred, last_used_at = time::now() \
         WHERE credential_id = $cid RETURN NONE",
    )
    .bind(("cid", credential_key(pk)))
    .bind(("cred", json))
    .await
    .and_then(|r| r.check())
    .map_err(|e| db_error("update passkey", e))?;
    Ok(())
}

/// The person's id as WebAuthn's user handle: the UUID of their record key when it is one.
pub fn user_handle(person: &str) -> Uuid {
    Uuid::parse_str(person).unwrap_or_else(|_| {
        use sha2::Digest;
        let digest = sha2::Sha256::digest(person.as_bytes());
        let mut bytes = [0u8; 16];
        bytes.copy_from_slice(&digest[..16]);
        Uuid::from_bytes(bytes)
    })
}

/// Start enrolling a passkey.
pub async fn begin_registration(
    db: &Db,
    keys: &Keyring,
    rp: &Webauthn,
    s: &SessionInfo,
) -> Result<serde_json::Value, AppError> {
    let existing: Vec<_> = passkeys_of(db, &s.person)
        .await?
        .iter()
        .map(|p| p.cred_id().clone())
        .collect();
    let (options, state) = rp
        .start_passkey_registration(
            user_handle(&s.person),
            &s.username,
            &s.display_name,
            Some(existing),
        )
        .map_err(|_| AppError::Internal)?;
    put_ceremony(db, keys, &s.sid, &Ceremony::PasskeyRegistration { state }).await?;
    to_browser_json(&options)
}

/// Why a ceremony's answer was refused (for the audit; the person sees one sentence).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FactorRefusal {
    /// No open ceremony of that kind: nothing was started, or the answer was already used.
    NoCeremony,
    /// The browser's answer did not verify (signature, origin, challenge, counter…).
    Invalid,
}

pub async fn finish_registration(
    db: &Db,
    keys: &Keyring,
    rp: &Webauthn,
    s: &SessionInfo,
    credential: &str,
    label: &str,
) -> Result<Result<(), FactorRefusal>, AppError> {
    let Some(Ceremony::PasskeyRegistration { state }) = take_ceremony(db, keys, &s.sid).await?
    else {
        return Ok(Err(FactorRefusal::NoCeremony));
    };
    let Ok(reg) = serde_json::from_str::<RegisterPublicKeyCredential>(credential) else {
        return Ok(Err(FactorRefusal::Invalid));
    };
    let Ok(pk) = rp.finish_passkey_registration(&reg, &state) else {
        return Ok(Err(FactorRefusal::Invalid));
    };
    save_passkey(db, &s.person, &pk, label).await?;
    Ok(Ok(()))
}

/// Start a passkey sign-in (or step-up). `None` when the person has no passkey.
pub async fn begin_authentication(
    db: &Db,
    keys: &Keyring,
    rp: &Webauthn,
    s: &SessionInfo,
) -> Result<Option<serde_json::Value>, AppError> {
    let passkeys = passkeys_of(db, &s.person).await?;
    if passkeys.is_empty() {
        return Ok(None);
    }
    let (options, state) = rp
        .start_passkey_authentication(&passkeys)
        .map_err(|_| AppError::Internal)?;
    put_ceremony(db, keys, &s.sid, &Ceremony::PasskeyAuthentication { state }).await?;
    to_browser_json(&options).map(Some)
}

pub async fn finish_authentication(
    db: &Db,
    keys: &Keyring,
    rp: &Webauthn,
    s: &SessionInfo,
    credential: &str,
) -> Result<Result<(), FactorRefusal>, AppError> {
    let Some(Ceremony::PasskeyAuthentication { state }) = take_ceremony(db, keys, &s.sid).await?
    else {
        return Ok(Err(FactorRefusal::NoCeremony));
    };
    let Ok(answer) = serde_json::from_str::<PublicKeyCredential>(credential) else {
        return Ok(Err(FactorRefusal::Invalid));
    };
    let Ok(result) = rp.finish_passkey_authentication(&answer, &state) else {
        return Ok(Err(FactorRefusal::Invalid));
    };
    for mut pk in passkeys_of(db, &s.person).await? {
        if pk.update_credential(&result).is_some() {
            touch_passkey(db, &pk).await?;
        }
    }
    Ok(Ok(()))
}

/// webauthn-rs' options as the browser's `PublicKeyCredential.parse*OptionsFromJSON` takes them: the
/// inner `publicKey` object, without nulls (WebIDL refuses `null` for enumerations).
fn to_browser_json<T: Serialize>(options: &T) -> Result<serde_json::Value, AppError> {
    let mut v = serde_json::to_value(options).map_err(|_| AppError::Internal)?;
    let mut inner = v
        .get_mut("publicKey")
        .map(serde_json::Value::take)
        .ok_or(AppError::Internal)?;
    strip_nulls(&mut inner);
    Ok(inner)
}

fn strip_nulls(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(map) => {
            map.retain(|_, x| !x.is_null());
            map.values_mut().for_each(strip_nulls);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(strip_nulls),
        _ => {}
    }
}

#[derive(SurrealValue)]
struct TotpRow {
    totp_secret: Option<String>,
    totp_last_step: Option<i64>,
}

/// Check a TOTP code for the person and, if it is good, record its step (so it is never accepted
/// again). The read and the write are one transaction: two racing uses of one code cannot both pass.
pub async fn verify_totp(
    db: &Db,
    keys: &Keyring,
    person: &str,
    code: &str,
) -> Result<Result<(), super::totp::Refusal>, AppError> {
    let now = chrono::Utc::now().timestamp();
    let result = crate::db::with_retry(|| async {
        let tx = db.clone().begin().await?;
        let mut res = tx
            .query("SELECT totp_secret, totp_last_step FROM type::record('person', $pid)")
            .bind(("pid", person.to_string()))
            .await?;
        let row: Option<TotpRow> = res.take::<Vec<TotpRow>>(0)?.into_iter().next();
        let secret = match row.as_ref().and_then(|r| r.totp_secret.as_deref()) {
            Some(sealed) => match Place::new(keys, "person", person).open("totp_secret", sealed) {
                Ok(text) => super::totp::decode_secret(&text),
                Err(e) => {
                    tx.cancel().await?;
                    return Ok(Err(e));
                }
            },
            None => None,
        };
        let Some(secret) = secret else {
            tx.cancel().await?;
            return Ok(Ok(Err(super::totp::Refusal::Wrong)));
        };
        let last = row.and_then(|r| r.totp_last_step);
        match super::totp::verify(&secret, code, now, last) {
            Ok(step) => {
                tx.query(
                    "UPDATE type::record('person', $pid) SET totp_last_step = $step RETURN NONE",
                )
                .bind(("pid", person.to_string()))
                .bind(("step", step))
                .await?
                .check()?;
                tx.commit().await?;
                Ok(Ok(Ok(())))
            }
            Err(why) => {
                tx.cancel().await?;
                Ok(Ok(Err(why)))
            }
        }
    })
    .await;
    result.map_err(|e| db_error("verify totp", e))?
}

/// Save a TOTP secret whose first code was just checked (enrolment), with that code's step used.
pub async fn save_totp(
    db: &Db,
    keys: &Keyring,
    person: &str,
    secret: &str,
    step: i64,
) -> Result<(), AppError> {
    db.query(
        "UPDATE type::record('person', $pid) SET totp_secret = $secret, totp_last_step = $step \
         RETURN NONE",
    )
    .bind(("pid", person.to_string()))
    .bind((
        "secret",
        Place::new(keys, "person", person).seal("totp_secret", secret),
    ))
    .bind(("step", step))
    .await
    .and_then(|r| r.check())
    .map_err(|e| db_error("save totp", e))?;
    Ok(())
}

/// Remove every second factor of a person (administrator, lost phone): they enrol again at their
/// next sign-in. Their sessions end too. False when there is no such person.
pub async fn reset(db: &Db, username: &str) -> Result<bool, AppError> {
    let mut res = db
        .query(
            "LET $p = (SELECT VALUE id FROM person WHERE username = $u)[0];
             IF $p != NONE { DELETE passkey WHERE person = $p; DELETE session WHERE person = $p;
                UPDATE $p SET totp_secret = NONE, totp_last_step = NONE; };
             RETURN $p != NONE;",
        )
        .bind(("u", username.trim().to_lowercase()))
        .await
        .map_err(|e| db_error("reset factors", e))?;
    let found: Option<bool> = res.take(2).map_err(|e| db_error("reset factors", e))?;
    Ok(found.unwrap_or(false))
}
