//! The device's encrypted store (browser only): the outbox in IndexedDB, each record sealed with
//! AES-GCM through WebCrypto under a data key that is itself stored only wrapped by a key derived
//! from the person's PIN (PBKDF2-SHA-256). The unwrapped key is non-extractable and lives in this
//! page's memory alone; a reload needs the PIN again. Ten wrong PINs in a row wipe the store.
//!
//! What stays readable on the device: how many items wait, when each was queued, its kind, and the
//! server's last answer about it (field names and codes, never a value). Everything typed is sealed.

use std::cell::RefCell;

use chrono::{DateTime, Utc};
use js_sys::{Array, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AesGcmParams, AesKeyGenParams, CryptoKey, IdbDatabase, IdbObjectStore, IdbOpenDbRequest,
    IdbRequest, IdbTransaction, Pbkdf2Params,
};

use super::{Holding, Item, PullAnswer, RecordKind, Status, VaultError, MAX_WRONG_PINS};

const DB: &str = "haven-vault";
const META: &str = "meta";
const OUTBOX: &str = "outbox";
const PBKDF2_ITERATIONS: u32 = 310_000;

thread_local! {
    static KEY: RefCell<Option<CryptoKey>> = const { RefCell::new(None) };
}

fn storage_err(what: &str) -> impl Fn(JsValue) -> VaultError + '_ {
    move |_| VaultError::Storage(what.to_string())
}

fn window() -> Result<web_sys::Window, VaultError> {
    web_sys::window().ok_or_else(|| VaultError::Storage("no window".into()))
}

/// Resolve when an IndexedDB request succeeds.
async fn done(req: &IdbRequest) -> Result<JsValue, VaultError> {
    let promise = Promise::new(&mut |resolve, reject| {
        let r = req.clone();
        let ok = wasm_bindgen::closure::Closure::once_into_js(move |_: web_sys::Event| {
            let _ = resolve.call1(&JsValue::NULL, &r.result().unwrap_or(JsValue::UNDEFINED));
        });
        let bad = wasm_bindgen::closure::Closure::once_into_js(move |_: web_sys::Event| {
            let _ = reject.call0(&JsValue::NULL);
        });
        req.set_onsuccess(Some(ok.unchecked_ref()));
        req.set_onerror(Some(bad.unchecked_ref()));
    });
    JsFuture::from(promise)
        .await
        .map_err(storage_err("request"))
}

/// Resolve when a transaction has committed (with `strict` durability: flushed to disk).
async fn committed(tx: &IdbTransaction) -> Result<(), VaultError> {
    let promise = Promise::new(&mut |resolve, reject| {
        let ok = wasm_bindgen::closure::Closure::once_into_js(move |_: web_sys::Event| {
            let _ = resolve.call0(&JsValue::NULL);
        });
        let reject2 = reject.clone();
        let bad = wasm_bindgen::closure::Closure::once_into_js(move |_: web_sys::Event| {
            let _ = reject.call0(&JsValue::NULL);
        });
        let aborted = wasm_bindgen::closure::Closure::once_into_js(move |_: web_sys::Event| {
            let _ = reject2.call0(&JsValue::NULL);
        });
        tx.set_oncomplete(Some(ok.unchecked_ref()));
        tx.set_onerror(Some(bad.unchecked_ref()));
        tx.set_onabort(Some(aborted.unchecked_ref()));
    });
    JsFuture::from(promise)
        .await
        .map(|_| ())
        .map_err(storage_err("commit"))
}

/// An open connection, closed when dropped: an open connection would block the wipe
/// (`deleteDatabase` waits for every connection to close).
struct Conn(IdbDatabase);

impl Drop for Conn {
    fn drop(&mut self) {
        self.0.close();
    }
}

impl std::ops::Deref for Conn {
    type Target = IdbDatabase;
    fn deref(&self) -> &IdbDatabase {
        &self.0
    }
}

async fn open() -> Result<Conn, VaultError> {
    let factory = window()?
        .indexed_db()
        .ok()
        .flatten()
        .ok_or_else(|| VaultError::Storage("no IndexedDB".into()))?;
    let req: IdbOpenDbRequest = factory.open_with_u32(DB, 1).map_err(storage_err("open"))?;
    let upgrade =
        wasm_bindgen::closure::Closure::once_into_js(move |e: web_sys::IdbVersionChangeEvent| {
            let db = e
                .target()
                .and_then(|t| t.dyn_into::<IdbOpenDbRequest>().ok())
                .and_then(|r| r.result().ok())
                .and_then(|r| r.dyn_into::<IdbDatabase>().ok());
            if let Some(db) = db {
                let _ = db.create_object_store(META);
                let _ = db.create_object_store(OUTBOX);
            }
        });
    req.set_onupgradeneeded(Some(upgrade.unchecked_ref()));
    done(&req)
        .await?
        .dyn_into::<IdbDatabase>()
        .map(Conn)
        .map_err(storage_err("open"))
}

/// A transaction over both stores; `write` ones are strict (flushed to disk before they complete).
/// `durability` is not in web-sys' stable API yet, so the call goes through `Reflect`.
fn transaction(db: &IdbDatabase, write: bool) -> Result<IdbTransaction, VaultError> {
    let names: Array = [META, OUTBOX]
        .iter()
        .map(|n| JsValue::from_str(n))
        .collect();
    let options = Object::new();
    set(
        &options,
        "durability",
        &JsValue::from_str(if write { "strict" } else { "default" }),
    );
    let mode = JsValue::from_str(if write { "readwrite" } else { "readonly" });
    let open: js_sys::Function = Reflect::get(db, &JsValue::from_str("transaction"))
        .map_err(storage_err("transaction"))?
        .dyn_into()
        .map_err(storage_err("transaction"))?;
    open.call3(db, &names, &mode, &options)
        .map_err(storage_err("transaction"))?
        .dyn_into::<IdbTransaction>()
        .map_err(storage_err("transaction"))
}

fn store(tx: &IdbTransaction, name: &str) -> Result<IdbObjectStore, VaultError> {
    tx.object_store(name).map_err(storage_err("store"))
}

fn get(o: &JsValue, field: &str) -> JsValue {
    Reflect::get(o, &JsValue::from_str(field)).unwrap_or(JsValue::UNDEFINED)
}

fn set(o: &Object, field: &str, value: &JsValue) {
    let _ = Reflect::set(o, &JsValue::from_str(field), value);
}

fn random(n: usize) -> Result<Vec<u8>, VaultError> {
    let mut bytes = vec![0u8; n];
    window()?
        .crypto()
        .map_err(storage_err("crypto"))?
        .get_random_values_with_u8_array(&mut bytes)
        .map_err(storage_err("random"))?;
    Ok(bytes)
}

fn subtle() -> Result<web_sys::SubtleCrypto, VaultError> {
    Ok(window()?.crypto().map_err(storage_err("crypto"))?.subtle())
}

fn usages(list: &[&str]) -> JsValue {
    list.iter()
        .map(|u| JsValue::from_str(u))
        .collect::<Array>()
        .into()
}

/// The key-wrapping key from the PIN.
async fn pin_key(pin: &str, salt: &[u8]) -> Result<CryptoKey, VaultError> {
    let subtle = subtle()?;
    let raw = Uint8Array::from(pin.trim().as_bytes());
    let base: CryptoKey = JsFuture::from(
        subtle
            .import_key_with_str("raw", &raw, "PBKDF2", false, &usages(&["deriveKey"]))
            .map_err(storage_err("import"))?,
    )
    .await
    .map_err(storage_err("import"))?
    .unchecked_into();
    let params = Pbkdf2Params::new_with_str(
        "PBKDF2",
        "SHA-256",
        PBKDF2_ITERATIONS,
        &Uint8Array::from(salt),
    );
    let kind = AesKeyGenParams::new("AES-GCM", 256);
    let key = JsFuture::from(
        subtle
            .derive_key_with_object_and_object(
                &params,
                &base,
                &kind,
                false,
                &usages(&["wrapKey", "unwrapKey"]),
            )
            .map_err(storage_err("derive"))?,
    )
    .await
    .map_err(storage_err("derive"))?;
    Ok(key.unchecked_into())
}

async fn read_meta(db: &IdbDatabase, key: &str) -> Result<JsValue, VaultError> {
    let tx = transaction(db, false)?;
    let req = store(&tx, META)?
        .get(&JsValue::from_str(key))
        .map_err(storage_err("read"))?;
    done(&req).await
}

async fn write_meta(db: &IdbDatabase, key: &str, value: &JsValue) -> Result<(), VaultError> {
    let tx = transaction(db, true)?;
    store(&tx, META)?
        .put_with_key(value, &JsValue::from_str(key))
        .map_err(storage_err("write"))?;
    committed(&tx).await
}

/// Set this device's PIN: a new data key, kept only wrapped by the PIN. Replaces nothing that
/// waits (a device that already has a key keeps it).
pub async fn set_up(pin: &str) -> Result<(), VaultError> {
    let db = open().await?;
    if !read_meta(&db, "key").await?.is_undefined() {
        return unlock(pin).await;
    }
    let subtle = subtle()?;
    let salt = random(16)?;
    let mut wrap_iv = random(12)?;
    let kek = pin_key(pin, &salt).await?;
    let data_key: CryptoKey = JsFuture::from(
        subtle
            .generate_key_with_object(
                &AesKeyGenParams::new("AES-GCM", 256),
                true,
                &usages(&["encrypt", "decrypt"]),
            )
            .map_err(storage_err("generate"))?,
    )
    .await
    .map_err(storage_err("generate"))?
    .unchecked_into();
    let wrapped = JsFuture::from(
        subtle
            .wrap_key_with_object(
                "raw",
                &data_key,
                &kek,
                &AesGcmParams::new_with_u8_slice("AES-GCM", &mut wrap_iv),
            )
            .map_err(storage_err("wrap"))?,
    )
    .await
    .map_err(storage_err("wrap"))?;
    let record = Object::new();
    set(&record, "salt", &Uint8Array::from(salt.as_slice()).into());
    set(&record, "iv", &Uint8Array::from(wrap_iv.as_slice()).into());
    set(&record, "wrapped", &Uint8Array::new(&wrapped).into());
    set(&record, "iterations", &JsValue::from(PBKDF2_ITERATIONS));
    write_meta(&db, "key", &record).await?;
    write_meta(&db, "wrong_pins", &JsValue::from(0)).await?;
    set_marker(true);
    // The second wrapping, under the server's secret for this device (when the server is reached):
    // it opens the store while signed in without the PIN, and lets the server revoke the device.
    // A random (v4) id: nobody else can guess it to ask whether it was revoked.
    let mut id_bytes = [0u8; 16];
    id_bytes.copy_from_slice(&random(16)?);
    let device = uuid::Builder::from_random_bytes(id_bytes)
        .into_uuid()
        .to_string();
    if let Ok(super::api::DeviceAnswer::Secret { secret }) =
        super::api::enrol_device(device.clone()).await
    {
        let server_key = secret_key(&secret).await?;
        let mut iv = random(12)?;
        let wrapped = JsFuture::from(
            subtle
                .wrap_key_with_object(
                    "raw",
                    &data_key,
                    &server_key,
                    &AesGcmParams::new_with_u8_slice("AES-GCM", &mut iv),
                )
                .map_err(storage_err("wrap"))?,
        )
        .await
        .map_err(storage_err("wrap"))?;
        let record = Object::new();
        set(&record, "id", &JsValue::from_str(&device));
        set(&record, "iv", &Uint8Array::from(iv.as_slice()).into());
        set(&record, "wrapped", &Uint8Array::new(&wrapped).into());
        write_meta(&db, "device", &record).await?;
    }
    // Ask the browser not to evict this store under storage pressure.
    if let Ok(w) = window() {
        if let Ok(p) = w.navigator().storage().persist() {
            let _ = JsFuture::from(p).await;
        }
    }
    // From here on the page uses a non-extractable copy only.
    unlock(pin).await
}

/// Open the store with the PIN. A wrong PIN counts; the tenth in a row wipes the store.
pub async fn unlock(pin: &str) -> Result<(), VaultError> {
    let db = open().await?;
    let record = read_meta(&db, "key").await?;
    if record.is_undefined() {
        return Err(VaultError::NotSetUp);
    }
    let salt = Uint8Array::new(&get(&record, "salt")).to_vec();
    let mut iv = Uint8Array::new(&get(&record, "iv")).to_vec();
    let wrapped = Uint8Array::new(&get(&record, "wrapped"));
    let kek = pin_key(pin, &salt).await?;
    let unwrapped = match subtle()?.unwrap_key_with_buffer_source_and_object_and_str(
        "raw",
        &wrapped,
        &kek,
        &AesGcmParams::new_with_u8_slice("AES-GCM", &mut iv),
        "AES-GCM",
        false,
        &usages(&["encrypt", "decrypt"]),
    ) {
        Ok(p) => JsFuture::from(p).await.ok(),
        Err(_) => None,
    };
    match unwrapped {
        Some(key) => {
            write_meta(&db, "wrong_pins", &JsValue::from(0)).await?;
            KEY.with(|k| *k.borrow_mut() = Some(key.unchecked_into()));
            Ok(())
        }
        None => {
            let wrong = read_meta(&db, "wrong_pins")
                .await?
                .as_f64()
                .map(|n| n as u32)
                .unwrap_or(0)
                + 1;
            if wrong >= MAX_WRONG_PINS {
                drop(db);
                wipe().await;
                return Err(VaultError::Wiped);
            }
            write_meta(&db, "wrong_pins", &JsValue::from(wrong)).await?;
            Err(VaultError::WrongPin {
                left: MAX_WRONG_PINS - wrong,
            })
        }
    }
}

/// The server's secret for this device as a key-wrapping key.
async fn secret_key(secret_b64: &str) -> Result<CryptoKey, VaultError> {
    let raw = js_sys::Uint8Array::from(
        base64_decode(secret_b64)
            .ok_or_else(|| VaultError::Storage("device secret".into()))?
            .as_slice(),
    );
    let key = JsFuture::from(
        subtle()?
            .import_key_with_str(
                "raw",
                &raw,
                "AES-GCM",
                false,
                &usages(&["wrapKey", "unwrapKey"]),
            )
            .map_err(storage_err("import"))?,
    )
    .await
    .map_err(storage_err("import"))?;
    Ok(key.unchecked_into())
}

fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let decoded = window().ok()?.atob(text).ok()?;
    Some(decoded.chars().map(|c| c as u8).collect())
}

/// Open the store without the PIN, with the server's secret for this device (signed in, online).
/// A revoked device wipes itself here.
pub async fn unlock_with_server() -> Result<(), VaultError> {
    let db = open().await?;
    let record = read_meta(&db, "device").await?;
    let Some(device) = get(&record, "id").as_string() else {
        return Err(VaultError::Locked);
    };
    let answer = super::api::device_secret(device)
        .await
        .map_err(|_| VaultError::Locked)?;
    let secret = match answer {
        super::api::DeviceAnswer::Secret { secret } => secret,
        super::api::DeviceAnswer::Revoked => {
            drop(db);
            wipe().await;
            return Err(VaultError::Revoked);
        }
    };
    let server_key = secret_key(&secret).await?;
    let mut iv = Uint8Array::new(&get(&record, "iv")).to_vec();
    let wrapped = Uint8Array::new(&get(&record, "wrapped"));
    let key = JsFuture::from(
        subtle()?
            .unwrap_key_with_buffer_source_and_object_and_str(
                "raw",
                &wrapped,
                &server_key,
                &AesGcmParams::new_with_u8_slice("AES-GCM", &mut iv),
                "AES-GCM",
                false,
                &usages(&["encrypt", "decrypt"]),
            )
            .map_err(storage_err("unwrap"))?,
    )
    .await
    .map_err(|_| VaultError::Locked)?;
    KEY.with(|k| *k.borrow_mut() = Some(key.unchecked_into()));
    Ok(())
}

/// Ask the server whether this device was revoked (signed in or not); if so, wipe it.
pub async fn check_revoked() -> Result<(), VaultError> {
    let device = {
        let db = open().await?;
        get(&read_meta(&db, "device").await?, "id").as_string()
    };
    let Some(device) = device else { return Ok(()) };
    if let Ok(true) = super::api::device_check(device).await {
        wipe().await;
        return Err(VaultError::Revoked);
    }
    Ok(())
}

/// Is the store open in this page?
pub fn is_unlocked() -> bool {
    KEY.with(|k| k.borrow().is_some())
}

fn key() -> Result<CryptoKey, VaultError> {
    KEY.with(|k| k.borrow().clone()).ok_or(VaultError::Locked)
}

/// Put a record in the outbox. Returns once IndexedDB has committed it (strict durability): only
/// then may the page say "saved on this device".
pub async fn enqueue(
    kind: RecordKind,
    id: &str,
    body: &serde_json::Value,
) -> Result<(), VaultError> {
    let record = seal(&key()?, id, &serde_json::to_vec(body).unwrap_or_default()).await?;
    set(&record, "kind", &JsValue::from_str(kind.code()));
    set(
        &record,
        "queued_at",
        &JsValue::from_str(&Utc::now().to_rfc3339()),
    );
    let db = open().await?;
    let tx = transaction(&db, true)?;
    store(&tx, OUTBOX)?
        .put_with_key(&record, &JsValue::from_str(id))
        .map_err(storage_err("write"))?;
    committed(&tx).await
}

/// Seal `plain` under the data key, bound to `id` (an item moved to another id does not open):
/// an object with its `iv` and `sealed` bytes, to which the caller adds what stays readable.
async fn seal(key: &CryptoKey, id: &str, plain: &[u8]) -> Result<Object, VaultError> {
    let mut iv = random(12)?;
    let params = AesGcmParams::new_with_u8_slice("AES-GCM", &mut iv);
    params.set_additional_data(&Uint8Array::from(id.as_bytes()));
    let sealed = JsFuture::from(
        subtle()?
            .encrypt_with_object_and_u8_array(&params, key, plain)
            .map_err(storage_err("encrypt"))?,
    )
    .await
    .map_err(storage_err("encrypt"))?;
    let record = Object::new();
    set(&record, "iv", &Uint8Array::from(iv.as_slice()).into());
    set(&record, "sealed", &Uint8Array::new(&sealed).into());
    Ok(record)
}

/// The meta entry that holds, sealed, what the pulls brought (the person's own requests; for a
/// social worker the clients' names and the directory) and the cursor.
const HELD: &str = "held";

/// What the device holds from its pulls (nothing when none was pulled yet). Needs the store
/// unlocked.
pub async fn held() -> Result<Holding, VaultError> {
    let key = key()?;
    let db = open().await?;
    let record = read_meta(&db, HELD).await?;
    if record.is_undefined() {
        return Ok(Holding::default());
    }
    Ok(open_item(&key, HELD, &record)
        .await
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default())
}

/// Fold a pull's answer into what the device holds (see [`Holding::fold`]) and keep its cursor.
pub async fn hold(answer: &PullAnswer) -> Result<(), VaultError> {
    let key = key()?;
    let held = held().await?.fold(answer, Utc::now());
    let record = seal(&key, HELD, &serde_json::to_vec(&held).unwrap_or_default()).await?;
    let db = open().await?;
    write_meta(&db, HELD, &record).await
}

async fn open_item(key: &CryptoKey, id: &str, record: &JsValue) -> Option<serde_json::Value> {
    let mut iv = Uint8Array::new(&get(record, "iv")).to_vec();
    let sealed = Uint8Array::new(&get(record, "sealed"));
    let params = AesGcmParams::new_with_u8_slice("AES-GCM", &mut iv);
    params.set_additional_data(&Uint8Array::from(id.as_bytes()));
    let plain = JsFuture::from(
        subtle()
            .ok()?
            .decrypt_with_object_and_buffer_source(&params, key, &sealed)
            .ok()?,
    )
    .await
    .ok()?;
    serde_json::from_slice(&Uint8Array::new(&plain).to_vec()).ok()
}

/// Every item that waits, oldest first, opened when the store is unlocked.
pub async fn items() -> Result<Vec<Item>, VaultError> {
    let db = open().await?;
    let tx = transaction(&db, false)?;
    let outbox = store(&tx, OUTBOX)?;
    let keys = done(&outbox.get_all_keys().map_err(storage_err("read"))?).await?;
    let values = done(&outbox.get_all().map_err(storage_err("read"))?).await?;
    let keys = Array::from(&keys);
    let values = Array::from(&values);
    let key = KEY.with(|k| k.borrow().clone());
    let mut list = Vec::new();
    for (k, v) in keys.iter().zip(values.iter()) {
        let id = k.as_string().unwrap_or_default();
        let queued_at = get(&v, "queued_at")
            .as_string()
            .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_else(Utc::now);
        let problem = get(&v, "problem")
            .as_string()
            .and_then(|p| serde_json::from_str(&p).ok());
        let body = match &key {
            Some(key) => open_item(key, &id, &v).await,
            None => None,
        };
        let kind = get(&v, "kind")
            .as_string()
            .and_then(|k| RecordKind::from_code(&k))
            .unwrap_or(RecordKind::FundRequest);
        list.push(Item {
            id,
            kind,
            queued_at,
            problem,
            body,
        });
    }
    list.sort_by_key(|i| i.queued_at);
    Ok(list)
}

/// What waits and when the last sync succeeded, without the PIN.
pub async fn status() -> Result<Status, VaultError> {
    let db = open().await?;
    let set_up = !read_meta(&db, "key").await?.is_undefined();
    let last_sync = read_meta(&db, "last_sync")
        .await?
        .as_string()
        .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
        .map(|t| t.with_timezone(&Utc));
    let list = items().await?;
    Ok(Status {
        set_up,
        unlocked: is_unlocked(),
        waiting: list.len(),
        oldest: list.first().map(|i| i.queued_at),
        last_sync,
        held: !read_meta(&db, HELD).await?.is_undefined(),
        evicted: !set_up && marker(),
    })
}

/// Apply the server's answers: committed items leave the outbox, the others keep the answer.
pub async fn settle(answers: &[super::PushResult]) -> Result<(), VaultError> {
    let db = open().await?;
    let tx = transaction(&db, true)?;
    let outbox = store(&tx, OUTBOX)?;
    for a in answers {
        let key = JsValue::from_str(&a.id);
        if a.outcome.committed() {
            outbox.delete(&key).map_err(storage_err("delete"))?;
        } else {
            let current = done(&outbox.get(&key).map_err(storage_err("read"))?).await?;
            if current.is_object() {
                let record: Object = current.unchecked_into();
                set(
                    &record,
                    "problem",
                    &JsValue::from_str(&serde_json::to_string(&a.outcome).unwrap_or_default()),
                );
                outbox
                    .put_with_key(&record, &key)
                    .map_err(storage_err("write"))?;
            }
        }
    }
    store(&tx, META)?
        .put_with_key(
            &JsValue::from_str(&Utc::now().to_rfc3339()),
            &JsValue::from_str("last_sync"),
        )
        .map_err(storage_err("write"))?;
    committed(&tx).await
}

/// Outside IndexedDB, a flag (no data) that this device has a store: if the browser evicts the
/// store, the flag is still there and the page can say what happened.
const MARKER: &str = "haven-vault-set-up";

fn marker() -> bool {
    window()
        .ok()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item(MARKER).ok().flatten())
        .is_some()
}

fn set_marker(on: bool) {
    if let Some(s) = window().ok().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = if on {
            s.set_item(MARKER, "1")
        } else {
            s.remove_item(MARKER)
        };
    }
}

/// Remove everything Haven keeps on this device: the store, the key in memory, the cached shell.
/// Works offline.
pub async fn wipe() {
    KEY.with(|k| *k.borrow_mut() = None);
    set_marker(false);
    let Ok(w) = window() else { return };
    if let Ok(Some(factory)) = w.indexed_db() {
        if let Ok(req) = factory.delete_database(DB) {
            // Done, failed, or blocked by another tab (it then goes when that tab closes).
            let promise = Promise::new(&mut |resolve, _reject| {
                let settled = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
                    let _ = resolve.call0(&JsValue::NULL);
                });
                req.set_onsuccess(Some(settled.as_ref().unchecked_ref()));
                req.set_onerror(Some(settled.as_ref().unchecked_ref()));
                req.set_onblocked(Some(settled.as_ref().unchecked_ref()));
                settled.forget();
            });
            let _ = JsFuture::from(promise).await;
        }
    }
    if let Ok(caches) = w.caches() {
        if let Ok(keys) = JsFuture::from(caches.keys()).await {
            for k in Array::from(&keys).iter() {
                if let Some(name) = k.as_string() {
                    let _ = JsFuture::from(caches.delete(&name)).await;
                }
            }
        }
    }
}
