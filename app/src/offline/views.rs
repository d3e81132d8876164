//! What the person sees of offline work: the PIN of this device, the outbox ("2 waiting to send,
//! oldest 10:42, last sent 09:15"), "send now", and the answers about records the server did not
//! take. Also the service worker's registration and its "a new version is ready" notice.

use leptos::prelude::*;

use super::{
    device, HeldRequest, Item, PushOutcome, PushRecord, RecordKind, Status, VaultError, MAX_BATCH,
};
use crate::error::{ErrorCode, FieldError};
use crate::ui::LocalTime;

/// The outbox as every component of the page sees it (provided once by `App`).
#[derive(Clone, Copy)]
pub struct Outbox {
    pub status: RwSignal<Option<Status>>,
    pub items: RwSignal<Vec<Item>>,
    pub sending: RwSignal<bool>,
    pub note: RwSignal<Option<String>>,
    /// The person's own requests as last pulled, and when (only while the store is unlocked).
    pub held: RwSignal<Vec<HeldRequest>>,
    /// For a social worker: the clients (id and name) and the Resource Directory as last pulled.
    pub clients: RwSignal<Vec<super::HeldClient>>,
    pub agencies: RwSignal<Vec<crate::directory::domain::Agency>>,
    pub pulled_at: RwSignal<Option<chrono::DateTime<chrono::Utc>>>,
    /// A new release of the app shell is installed and waits for a reload.
    pub update_ready: RwSignal<bool>,
}

impl Outbox {
    pub fn new() -> Self {
        Self {
            status: RwSignal::new(None),
            items: RwSignal::new(Vec::new()),
            sending: RwSignal::new(false),
            note: RwSignal::new(None),
            held: RwSignal::new(Vec::new()),
            clients: RwSignal::new(Vec::new()),
            agencies: RwSignal::new(Vec::new()),
            pulled_at: RwSignal::new(None),
            update_ready: RwSignal::new(false),
        }
    }

    /// Read the store again (count, ages, answers).
    pub async fn refresh(self) {
        if let Ok(s) = device::status().await {
            self.status.set(Some(s));
        }
        if let Ok(list) = device::items().await {
            self.items.set(list);
        }
        if let Ok(h) = device::held().await {
            self.pulled_at.set(h.cursor);
            self.held.set(h.requests);
            self.clients.set(h.clients);
            self.agencies.set(h.agencies);
        }
    }

    /// Open the store with the server's secret for this device (signed in and online: no PIN).
    async fn open_with_server(self, quiet: bool) -> bool {
        if device::is_unlocked() {
            return true;
        }
        match device::unlock_with_server().await {
            Ok(()) => true,
            Err(e @ VaultError::Revoked) => {
                self.note.set(Some(e.message()));
                self.refresh().await;
                false
            }
            // Signed out, or the server is not there: said only when the person asked for it.
            Err(_) => {
                if !quiet {
                    self.note.set(Some(VaultError::Locked.message()));
                }
                false
            }
        }
    }

    /// Bring what changed for this person since the last pull (their requests' states) and keep
    /// it, sealed, on the device. Quiet when it cannot: the next pull catches up. Whether there is
    /// a store to pull into comes from [`Self::status`], refreshed after every change to the store
    /// (reading the store again would open every item that waits).
    pub async fn pull(self) {
        let set_up = self.status.get_untracked().is_some_and(|s| s.set_up);
        if is_offline() || !set_up || !self.open_with_server(true).await {
            return;
        }
        let cursor = device::held()
            .await
            .ok()
            .and_then(|h| h.cursor)
            .map(|c| c.to_rfc3339());
        if let Ok(answer) = super::api::sync_pull(cursor).await {
            if device::hold(&answer).await.is_ok() {
                self.refresh().await;
            }
        }
    }

    /// Push what waits, in batches; stop at the first batch that does not reach the server.
    pub async fn send(self) {
        if self.sending.get_untracked() {
            return;
        }
        if !self.open_with_server(false).await {
            return;
        }
        self.sending.set(true);
        let list = device::items().await.unwrap_or_default();
        let records: Vec<PushRecord> = list
            .iter()
            .filter_map(|i| {
                i.body.clone().map(|body| PushRecord {
                    kind: i.kind,
                    id: i.id.clone(),
                    body,
                })
            })
            .collect();
        let total = records.len();
        let mut sent = 0;
        for batch in records.chunks(MAX_BATCH) {
            self.note
                .set(Some(format!("Sending {} of {total}…", sent + batch.len())));
            match super::api::sync_push(batch.to_vec()).await {
                Ok(answers) => {
                    if let Err(e) = device::settle(&answers).await {
                        self.note.set(Some(e.message()));
                        break;
                    }
                    sent += batch.len();
                }
                Err(e) => {
                    self.note.set(Some(e.message()));
                    break;
                }
            }
        }
        self.sending.set(false);
        self.refresh().await;
        let left = self.status.get_untracked().map(|s| s.waiting).unwrap_or(0);
        if sent == total && left == 0 && total > 0 {
            self.note
                .set(Some(format!("Sent: {total} record(s) arrived.")));
        }
        if sent > 0 {
            self.pull().await;
        }
    }
}

impl Default for Outbox {
    fn default() -> Self {
        Self::new()
    }
}

/// The page's outbox (a fresh one when none was provided).
pub fn outbox() -> Outbox {
    use_context::<Outbox>().unwrap_or_default()
}

/// Is the browser offline right now?
pub fn is_offline() -> bool {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window().is_some_and(|w| !w.navigator().on_line())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        false
    }
}

/// How often a page retries sending what waits (when the browser says it is online).
#[cfg(feature = "hydrate")]
const RETRY_MS: i32 = 10_000;
/// With nothing to send, a page pulls every this many retry ticks (a minute).
#[cfg(feature = "hydrate")]
const PULL_EVERY_TICKS: u32 = 6;

/// Register the service worker (once per page load), keep the offline pages fresh while signed
/// in, send what waits when the network comes back, and notice a new release.
pub fn install(outbox: Outbox) {
    #[cfg(feature = "hydrate")]
    {
        use std::sync::atomic::{AtomicBool, Ordering};
        use wasm_bindgen::JsCast;
        static INSTALLED: AtomicBool = AtomicBool::new(false);
        let Some(w) = web_sys::window() else { return };
        let container = w.navigator().service_worker();
        // Ask the worker to keep the offline-capable pages as this person sees them now.
        let warm = {
            let container = container.clone();
            move || {
                if let Some(worker) = container.controller() {
                    let _ = worker.post_message(&wasm_bindgen::JsValue::from_str("warm"));
                }
            }
        };
        if INSTALLED.swap(true, Ordering::SeqCst) {
            // A client-side navigation: only refresh.
            warm();
            leptos::task::spawn_local(outbox.refresh());
            return;
        }
        // A new release takes over at once (the worker skips waiting): say so, queued work stays.
        let had_controller = container.controller().is_some();
        let changed = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
            if had_controller {
                outbox.update_ready.set(true);
            }
        });
        container.set_oncontrollerchange(Some(changed.as_ref().unchecked_ref()));
        changed.forget();
        let registered = container.register("/sw.js");
        let ready = container.ready();
        leptos::task::spawn_local(async move {
            if wasm_bindgen_futures::JsFuture::from(registered)
                .await
                .is_err()
            {
                return;
            }
            let Ok(ready) = ready else { return };
            if let Ok(reg) = wasm_bindgen_futures::JsFuture::from(ready).await {
                let reg: web_sys::ServiceWorkerRegistration = reg.unchecked_into();
                if let Some(active) = reg.active() {
                    let _ = active.post_message(&wasm_bindgen::JsValue::from_str("warm"));
                }
            }
        });
        let online = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
            leptos::task::spawn_local(outbox.send());
        });
        let _ = w.add_event_listener_with_callback("online", online.as_ref().unchecked_ref());
        online.forget();
        // The `online` event says an interface is up, not that Haven answers (and some browsers
        // never fire it): retry what waits every few seconds while the page is open.
        let mut ticks = 0u32;
        let retry = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
            let waiting = outbox
                .status
                .get_untracked()
                .map(|s| s.waiting)
                .unwrap_or(0);
            ticks = ticks.wrapping_add(1);
            if is_offline() || outbox.sending.get_untracked() {
                return;
            }
            if waiting > 0 {
                leptos::task::spawn_local(outbox.send());
            } else if ticks.is_multiple_of(PULL_EVERY_TICKS) {
                leptos::task::spawn_local(outbox.pull());
            }
        });
        let _ = w.set_interval_with_callback_and_timeout_and_arguments_0(
            retry.as_ref().unchecked_ref(),
            RETRY_MS,
        );
        retry.forget();
        leptos::task::spawn_local(async move {
            if !is_offline() {
                if let Err(e @ VaultError::Revoked) = device::check_revoked().await {
                    outbox.note.set(Some(e.message()));
                }
            }
            outbox.refresh().await;
            let waiting = outbox
                .status
                .get_untracked()
                .map(|s| s.waiting)
                .unwrap_or(0);
            if !is_offline() && waiting > 0 {
                outbox.send().await;
            } else {
                outbox.pull().await;
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = outbox;
}

/// On the sign-in page: a revoked device wipes itself even with no session.
#[component]
pub fn DeviceCheck() -> impl IntoView {
    let note = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            if is_offline() {
                return;
            }
            if let Err(e @ VaultError::Revoked) = device::check_revoked().await {
                note.set(Some(e.message()));
            }
        });
    });
    view! { {move || note.get().map(|n| view! { <p class="notice warn" role="status" id="device-revoked">{n}</p> })} }
}

/// Reload into the new release (queued work stays: it lives in IndexedDB, not in the cache).
fn reload_into_new_version() {
    #[cfg(feature = "hydrate")]
    if let Some(w) = web_sys::window() {
        let _ = w.location().reload();
    }
}

/// Choose this device's PIN (first sign-in on the device).
#[component]
pub fn PinSetup() -> impl IntoView {
    let outbox = outbox();
    let pin = RwSignal::new(String::new());
    let again = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let failure = RwSignal::new(None::<String>);
    let set = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (p, a) = (pin.get_untracked(), again.get_untracked());
        let mut e = Vec::new();
        if let Err(x) = super::validate_pin(&p) {
            e.push(x);
        } else if p.trim() != a.trim() {
            e.push(FieldError::new("pin_again", ErrorCode::PinMismatch));
        }
        errors.set(e.clone());
        if !e.is_empty() {
            return;
        }
        leptos::task::spawn_local(async move {
            match device::set_up(&p).await {
                Ok(()) => {
                    pin.set(String::new());
                    again.set(String::new());
                    outbox.refresh().await;
                }
                Err(e) => failure.set(Some(e.message())),
            }
        });
    };
    view! {
        <form class="form" id="pin-setup" aria-label="PIN of this device" on:submit=set novalidate>
            <h2>"Work with no signal"</h2>
            <p class="hint">"Choose a PIN of 6 or more digits for this device. It opens what you save here while offline. 10 wrong PINs wipe it."</p>
            <PinField id="pin" label="New PIN" value=pin
                error=Signal::derive(move || crate::ui::field_message(errors, "pin"))/>
            <PinField id="pin_again" label="The same PIN again" value=again
                error=Signal::derive(move || crate::ui::field_message(errors, "pin_again"))/>
            {move || failure.get().map(|f| view! { <p class="notice error" role="alert">{f}</p> })}
            <button type="submit" class="primary">"Set the PIN"</button>
        </form>
    }
}

/// A PIN input (digits, hidden, never autofilled) with its label and its error, `{id}-error`.
#[component]
pub fn PinField(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    error: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input id=id type="password" inputmode="numeric" autocomplete="off" bind:value=value
                aria-describedby=format!("{id}-error")
                aria-invalid=move || error.with(Option::is_some).to_string()/>
            <p class="field-error" id=format!("{id}-error") role="alert">{move || error.get()}</p>
        </div>
    }
}

/// Open the store with the PIN (after a reload); `then` runs once it is open.
#[component]
pub fn PinUnlock(
    #[prop(optional)] then: Option<Callback<()>>,
    /// The input's id (two prompts may be on one page).
    #[prop(default = "unlock-pin")]
    id: &'static str,
) -> impl IntoView {
    let outbox = outbox();
    let pin = RwSignal::new(String::new());
    let failure = RwSignal::new(None::<String>);
    let open = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let p = pin.get_untracked();
        leptos::task::spawn_local(async move {
            match device::unlock(&p).await {
                Ok(()) => {
                    pin.set(String::new());
                    failure.set(None);
                    outbox.note.set(None);
                    outbox.refresh().await;
                    if let Some(then) = then {
                        then.run(());
                    } else if !is_offline() {
                        outbox.send().await;
                    }
                }
                Err(VaultError::Wiped) => {
                    failure.set(Some(VaultError::Wiped.message()));
                    outbox.refresh().await;
                }
                Err(e) => failure.set(Some(e.message())),
            }
        });
    };
    view! {
        <form class="form inline" aria-label="Unlock this device" on:submit=open novalidate>
            <PinField id=id label="PIN of this device" value=pin error=Signal::from(failure)/>
            <button type="submit" class="primary">"Unlock"</button>
        </form>
    }
}

/// The person's own requests as this device last heard of them: readable with no signal, so an
/// officer in the car knows a request was approved. Date, amount and state only.
#[component]
fn HeldRequests() -> impl IntoView {
    let outbox = outbox();
    view! {
        <Show when=move || !outbox.held.get().is_empty()>
            <section class="card" id="held-requests" aria-labelledby="held-title">
                <h2 id="held-title">"Your requests"</h2>
                <p class="meta">
                    "As Haven last told this device"
                    {move || outbox.pulled_at.get().map(|t| view! { ", " <LocalTime at=t/> })}
                </p>
                <ul class="list">
                    {move || outbox.held.get().into_iter().map(|r| view! {
                        <li data-request=r.id.clone()>
                            {r.date.clone()} " · " {crate::funds::views::dollars(r.amount_requested)}
                            " · " <strong class="status">{r.status.label()}</strong>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        </Show>
    }
}

/// One outbox line: the kind of record and what tells it apart (whom a request is for, the kind
/// of visit), from the body when the store is open.
fn describe(i: &Item) -> String {
    let field = |path: &[&str]| {
        path.iter()
            .try_fold(i.body.as_ref()?, |v, k| v.get(*k))
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    let detail = match i.kind {
        RecordKind::FundRequest => field(&["requester_name"]).map(|n| format!(" for {n}")),
        RecordKind::Visit => field(&["visit", "kind"])
            .and_then(|k| crate::casework::domain::InterventionKind::from_code(&k))
            .map(|k| format!(" ({})", k.label())),
        RecordKind::Referral => None,
    };
    format!("{}{}", i.kind.label(), detail.unwrap_or_default())
}

fn problem(p: &PushOutcome) -> Option<String> {
    match p {
        PushOutcome::Rejected { fields } => Some(format!(
            "Refused by the server: {}",
            fields
                .iter()
                .map(|f| format!("{} — {}", f.field, f.message()))
                .collect::<Vec<_>>()
                .join("; ")
        )),
        PushOutcome::Conflict => Some(
            "The server holds another record under this id: nothing was overwritten. Call the unit."
                .into(),
        ),
        PushOutcome::Failed { message } => Some(message.clone()),
        PushOutcome::Accepted | PushOutcome::Duplicate => None,
    }
}

/// The outbox: how many records wait, since when, the last successful sync, "send now".
#[component]
pub fn OutboxPanel() -> impl IntoView {
    let outbox = outbox();
    let status = outbox.status;
    view! {
        <Show when=move || outbox.update_ready.get()>
            <p class="notice" role="status" id="update-ready">
                "A new version of Haven is ready. "
                <button type="button" on:click=move |_| reload_into_new_version()>"Reload"</button>
                " (what waits to send stays on this device)"
            </p>
        </Show>
        {move || status.get().map(|s| {
            if !s.set_up {
                return view! {
                    {s.evicted.then(|| view! {
                        <p class="notice error" role="alert" id="store-evicted">
                            "This browser deleted what Haven kept on this device (its storage was cleared or reclaimed). "
                            "Anything that was waiting to send is gone: tell your supervisor. Set a new PIN to go on."
                        </p>
                    })}
                    {move || outbox.note.get().map(|n| view! { <p class="notice warn" role="status" id="outbox-note">{n}</p> })}
                    <PinSetup/>
                }.into_any();
            }
            let waiting = s.waiting;
            view! {
                <section class="card outbox" id="outbox" aria-label="Waiting to send">
                    <p id="outbox-count" role="status">
                        {match waiting { 0 => "Nothing waits to send.".to_string(), 1 => "1 waiting to send".to_string(), n => format!("{n} waiting to send") }}
                        {s.oldest.map(|o| view! { " · oldest saved " <LocalTime at=o/> })}
                        {s.last_sync.map(|t| view! { " · last sent " <LocalTime at=t/> })}
                    </p>
                    {((waiting > 0 || s.held) && !s.unlocked).then(|| view! { <PinUnlock/> })}
                    <ul class="list" id="outbox-items">
                        {move || outbox.items.get().into_iter().map(|i| view! {
                            <li>
                                {describe(&i)} " — saved " <LocalTime at=i.queued_at/>
                                {i.problem.as_ref().and_then(problem).map(|p| view! { <p class="field-error">{p}</p> })}
                                {(i.kind == RecordKind::FundRequest
                                    && matches!(i.problem, Some(PushOutcome::Rejected { .. }))).then(|| view! {
                                    <a class="action" href=format!("/requests/new?fix={}", i.id)>"Fix and resend"</a>
                                })}
                            </li>
                        }).collect_view()}
                    </ul>
                    {(waiting > 0).then(|| view! {
                        <button type="button" id="send-now" disabled=move || outbox.sending.get()
                            on:click=move |_| leptos::task::spawn_local(outbox.send())>"Send now"</button>
                    })}
                    <p class="meta" role="status" id="outbox-note">{move || outbox.note.get()}</p>
                </section>
                <HeldRequests/>
            }.into_any()
        })}
    }
}

/// Queue a fund request on this device (no signal). Fails with [`VaultError::Locked`] when the
/// PIN is needed first.
pub async fn queue_request(
    outbox: Outbox,
    id: &str,
    body: &serde_json::Value,
) -> Result<(), VaultError> {
    device::enqueue(RecordKind::FundRequest, id, body).await?;
    outbox.refresh().await;
    Ok(())
}
