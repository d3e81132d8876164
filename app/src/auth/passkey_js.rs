//! The browser's side of a passkey ceremony: WebAuthn through `navigator.credentials`, with the JSON
//! forms of the options and answers (`PublicKeyCredential.parse*OptionsFromJSON`, `toJSON()`), so the
//! server's webauthn-rs types cross the wire as JSON text. Browser-only.

use js_sys::{Function, Object, Promise, Reflect, JSON};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Which ceremony.
#[derive(Clone, Copy)]
pub enum Ceremony {
    /// `navigator.credentials.create`: enrol a new passkey.
    Create,
    /// `navigator.credentials.get`: sign in or step up.
    Get,
}

fn get(target: &JsValue, key: &str) -> Result<JsValue, JsValue> {
    Reflect::get(target, &JsValue::from_str(key))
}

fn function(target: &JsValue, key: &str) -> Result<Function, JsValue> {
    get(target, key)?
        .dyn_into::<Function>()
        .map_err(|_| JsValue::from_str(key))
}

/// Is WebAuthn with the JSON helpers available in this browser?
pub fn supported() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    get(&window, "PublicKeyCredential")
        .ok()
        .filter(|p| !p.is_undefined())
        .and_then(|p| function(&p, "parseRequestOptionsFromJSON").ok())
        .is_some()
}

async fn run(ceremony: Ceremony, options_json: &str) -> Result<String, JsValue> {
    let window: JsValue = web_sys::window()
        .ok_or_else(|| JsValue::from_str("window"))?
        .into();
    let pkc = get(&window, "PublicKeyCredential")?;
    let (parser, method) = match ceremony {
        Ceremony::Create => ("parseCreationOptionsFromJSON", "create"),
        Ceremony::Get => ("parseRequestOptionsFromJSON", "get"),
    };
    let options = function(&pkc, parser)?.call1(&pkc, &JSON::parse(options_json)?)?;
    let arg = Object::new();
    Reflect::set(&arg, &JsValue::from_str("publicKey"), &options)?;
    let credentials = get(&get(&window, "navigator")?, "credentials")?;
    let promise: Promise = function(&credentials, method)?
        .call1(&credentials, &arg)?
        .dyn_into()?;
    let credential = JsFuture::from(promise).await?;
    let json = function(&credential, "toJSON")?.call0(&credential)?;
    JSON::stringify(&json)?
        .as_string()
        .ok_or_else(|| JsValue::from_str("toJSON"))
}

/// Run the ceremony; `Err` carries a sentence for the person (cancelled, not supported…).
pub async fn ceremony(ceremony: Ceremony, options_json: &str) -> Result<String, String> {
    if !supported() {
        return Err("This browser cannot use passkeys. Use an authenticator app instead.".into());
    }
    run(ceremony, options_json).await.map_err(|e| {
        let name = get(&e, "name").ok().and_then(|n| n.as_string());
        match name.as_deref() {
            Some("NotAllowedError") => "The passkey request was cancelled or timed out.".into(),
            Some("InvalidStateError") => "This passkey is already registered.".into(),
            _ => "The passkey could not be used. Try again or use an authenticator app.".into(),
        }
    })
}
