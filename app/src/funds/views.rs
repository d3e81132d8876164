//! Screens of the fund: the Appendix A form (phone first), "My requests", the supervisor's queue and
//! one request.

use std::collections::HashSet;

use chrono::NaiveDate;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};
use rust_decimal::Decimal;

use super::api::{get_request, my_requests, request_queue, submit_request};
use super::domain::{above_cap, validate, Purpose, RequestDraft};
use super::RequestSummary;
use crate::error::{AppError, FieldError};
use crate::settings::{get_department_settings, DepartmentSettings};
use crate::ui::{ErrorNotice, LocalTime, Page};

/// Money as people read it: "$20.00".
pub fn dollars(amount: Decimal) -> String {
    format!("${:.2}", amount.round_dp(2))
}

#[component]
pub fn NewRequestPage() -> impl IntoView {
    let settings = Resource::new(|| (), |_| get_department_settings());
    let me = Resource::new(|| (), |_| crate::auth::api::whoami());
    view! {
        <Page title="New emergency fund request">
            <crate::offline::views::OutboxPanel/>
            <Suspense fallback=|| view! { <p>"Loading the form…"</p> }>
                {move || Suspend::new(async move {
                    match (settings.await, me.await) {
                        (Ok(settings), Ok(Some(user))) => view! {
                            <RequestForm settings=settings completed_by=user.display_name/>
                        }.into_any(),
                        (Err(e), _) | (_, Err(e)) => view! { <ErrorNotice error=e/> }.into_any(),
                        (_, Ok(None)) => view! { <ErrorNotice error=AppError::Unauthenticated/> }.into_any(),
                    }
                })}
            </Suspense>
        </Page>
    }
}

/// The label, the input (children), and the field's error, announced when it appears.
#[component]
pub(crate) fn FieldShell(
    label: &'static str,
    name: &'static str,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(optional)] hint: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    view! {
        <div class="field" class:invalid=move || error.get().is_some()>
            <label for=name>{label}</label>
            {hint.map(|h| view! { <p class="hint" id=format!("{name}-hint")>{h}</p> })}
            {children()}
            <p class="field-error" id=format!("{name}-error") aria-live="polite">
                {move || error.get()}
            </p>
        </div>
    }
}

#[component]
fn RequestForm(settings: DepartmentSettings, completed_by: String) -> impl IntoView {
    let settings = StoredValue::new(settings);
    let id = RwSignal::new(String::new());
    let date = RwSignal::new(String::new());
    let requester_name = RwSignal::new(String::new());
    let age = RwSignal::new(String::new());
    let sex = RwSignal::new(String::new());
    let address = RwSignal::new(String::new());
    let telephone = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let purpose = RwSignal::new(String::new());
    let amount = RwSignal::new(String::new());

    let today = RwSignal::new(None::<NaiveDate>);
    let touched = RwSignal::new(HashSet::<&'static str>::new());
    let attempted = RwSignal::new(false);
    let server_errors = RwSignal::new(Vec::<FieldError>::new());
    let pending = RwSignal::new(false);
    let failure = RwSignal::new(None::<AppError>);

    // In the browser only: the device's date, and the request's UUIDv7, made once and kept for every
    // retry so a resubmission is recognised by the server.
    Effect::new(move |_| {
        let local_today = chrono::Local::now().date_naive();
        today.set(Some(local_today));
        if date.get_untracked().is_empty() {
            date.set(local_today.format("%Y-%m-%d").to_string());
        }
        if id.get_untracked().is_empty() {
            id.set(uuid::Uuid::now_v7().to_string());
        }
    });

    let draft = move || RequestDraft {
        id: id.get(),
        date: date.get(),
        requester_name: requester_name.get(),
        age: age.get(),
        sex: sex.get(),
        address: address.get(),
        telephone: telephone.get(),
        reason: reason.get(),
        purpose: purpose.get(),
        amount_requested: amount.get(),
    };
    // The same rules the server runs, on every keystroke.
    let errors = Memo::new(move |_| {
        let Some(today) = today.get() else {
            return Vec::new();
        };
        settings.with_value(|s| validate(&draft(), s, today).err().unwrap_or_default())
    });
    let touch = move |field: &'static str| {
        touched.update(|t| {
            t.insert(field);
        });
        server_errors.update(|errs| errs.retain(|e| e.field != field));
    };
    let error_for = move |field: &'static str| -> Option<String> {
        let shown = attempted.get() || touched.with(|t| t.contains(field));
        let local = errors.with(|errs| crate::error::message_for(errs, field));
        let remote = crate::ui::field_message(server_errors, field);
        if shown {
            local.or(remote)
        } else {
            remote
        }
    };
    let invalid = move |field: &'static str| error_for(field).is_some().to_string();

    // Offline: saved on this device (after its PIN when the page was reloaded), then a fresh form
    // for the next request.
    let outbox = crate::offline::views::outbox();
    let queued = RwSignal::new(false);
    let waiting_for_pin = StoredValue::new(None::<serde_json::Value>);
    let need_pin = RwSignal::new(false);
    let device_note = RwSignal::new(None::<String>);
    let start_again = move || {
        for field in [
            requester_name,
            age,
            sex,
            address,
            telephone,
            reason,
            purpose,
            amount,
        ] {
            field.set(String::new());
        }
        id.set(uuid::Uuid::now_v7().to_string());
        date.set(
            chrono::Local::now()
                .date_naive()
                .format("%Y-%m-%d")
                .to_string(),
        );
        server_errors.set(vec![]);
        attempted.set(false);
        touched.update(|t| t.clear());
    };
    let keep_on_device = move |body: serde_json::Value| async move {
        use crate::offline::VaultError;
        let key = body
            .get("id")
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string();
        match crate::offline::views::queue_request(outbox, &key, &body).await {
            Ok(()) => {
                need_pin.set(false);
                device_note.set(None);
                queued.set(true);
                start_again();
                true
            }
            Err(VaultError::Locked) => {
                waiting_for_pin.set_value(Some(body));
                need_pin.set(true);
                false
            }
            Err(e) => {
                device_note.set(Some(format!(
                    "No signal, and this request could not be saved on the device: {} Nothing was lost: it is still in the form.",
                    e.message()
                )));
                false
            }
        }
    };
    // "Fix and resend" from the outbox: a request the server refused comes back into the form
    // under its own id, with the server's reasons on its fields; saving it replaces the waiting
    // copy on the device, which is then sent again.
    // (Reactive: the outbox's link may change only the query of this very page.)
    let query = leptos_router::hooks::use_query_map();
    let fix_id = Memo::new(move |_| query.with(|q| q.get("fix")).filter(|f| !f.is_empty()));
    let fix_loaded = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        let Some(fid) = fix_id.get() else {
            fix_loaded.set(None);
            return;
        };
        if fix_loaded.get_untracked().as_deref() == Some(fid.as_str()) {
            return;
        }
        let found = outbox
            .items
            .with(|items| items.iter().find(|i| i.id == fid).cloned());
        // Not there yet, or the store still locked (no body): wait for the next refresh.
        let Some((body, problem)) = found.and_then(|i| i.body.map(|b| (b, i.problem))) else {
            return;
        };
        let text = |k: &str| {
            body.get(k)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string()
        };
        id.set(fid.clone());
        date.set(text("date"));
        requester_name.set(text("requester_name"));
        age.set(text("age"));
        sex.set(text("sex"));
        address.set(text("address"));
        telephone.set(text("telephone"));
        reason.set(text("reason"));
        purpose.set(text("purpose"));
        amount.set(text("amount_requested"));
        if let Some(crate::offline::PushOutcome::Rejected { fields }) = problem {
            server_errors.set(fields);
        }
        attempted.set(true);
        fix_loaded.set(Some(fid));
    });
    let unlocked = Callback::new(move |_: ()| {
        if let Some(body) = waiting_for_pin.get_value() {
            waiting_for_pin.set_value(None);
            leptos::task::spawn_local(async move {
                keep_on_device(body).await;
            });
        }
    });

    let navigate = use_navigate();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        attempted.set(true);
        failure.set(None);
        if pending.get_untracked() {
            return;
        }
        if !errors.get_untracked().is_empty() || today.get_untracked().is_none() {
            focus_first_invalid();
            return;
        }
        let body = serde_json::to_value(draft()).unwrap_or_default();
        pending.set(true);
        queued.set(false);
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            let fixing = fix_loaded.get_untracked();
            if fixing.is_some() && body.get("id").and_then(|v| v.as_str()) == fixing.as_deref() {
                // The corrected request replaces the refused copy in the outbox and goes again;
                // the form is then a fresh one (the "fix" leaves the address). Not saved (the PIN
                // is asked for first): it stays in the form, still the fix of that copy.
                let saved = keep_on_device(body).await;
                pending.set(false);
                if saved {
                    navigate("/requests/new", Default::default());
                    if !crate::offline::views::is_offline() {
                        outbox.send().await;
                    }
                }
                return;
            }
            // No signal (or the server out of reach): the request waits in this device's outbox.
            let sent = if crate::offline::views::is_offline() {
                Err(AppError::Transport {
                    message: "offline".into(),
                })
            } else {
                submit_request(body.clone()).await
            };
            match sent {
                Ok(_) => navigate("/requests/mine", Default::default()),
                Err(AppError::Transport { .. }) => {
                    keep_on_device(body).await;
                }
                Err(e) => {
                    server_errors.set(e.field_errors().to_vec());
                    failure.set(Some(e));
                    focus_first_invalid();
                }
            }
            pending.set(false);
        });
    };

    let cap = settings.with_value(|s| dollars(s.chief_approval_cap));
    let over_cap = move || settings.with_value(|s| above_cap(&amount.get(), s));

    view! {
        <form class="form request-form" on:submit=on_submit novalidate aria-label="Emergency Request For Funds">
            <FieldShell label="Date" name="date" error=Signal::derive(move || error_for("date"))>
                <input id="date" name="date" type="date" bind:value=date
                    on:input=move |_| touch("date") on:blur=move |_| touch("date")
                    aria-invalid=move || invalid("date") aria-describedby="date-error"/>
            </FieldShell>
            <FieldShell label="Name of requester" name="requester_name"
                error=Signal::derive(move || error_for("requester_name"))>
                <input id="requester_name" name="requester_name" type="text" autocomplete="off"
                    bind:value=requester_name on:input=move |_| touch("requester_name")
                    on:blur=move |_| touch("requester_name")
                    aria-invalid=move || invalid("requester_name") aria-describedby="requester_name-error"/>
            </FieldShell>
            <div class="row">
                <FieldShell label="Age" name="age" error=Signal::derive(move || error_for("age"))>
                    <input id="age" name="age" type="text" inputmode="numeric" autocomplete="off"
                        bind:value=age on:input=move |_| touch("age") on:blur=move |_| touch("age")
                        aria-invalid=move || invalid("age") aria-describedby="age-error"/>
                </FieldShell>
                <FieldShell label="M/F" name="sex" error=Signal::derive(move || error_for("sex"))>
                    <select id="sex" name="sex" prop:value=move || sex.get()
                        on:change=move |ev| { sex.set(event_target_value(&ev)); touch("sex"); }
                        aria-invalid=move || invalid("sex") aria-describedby="sex-error">
                        <option value="">"Not recorded"</option>
                        <option value="M">"M"</option>
                        <option value="F">"F"</option>
                    </select>
                </FieldShell>
            </div>
            <FieldShell label="Address" name="address" error=Signal::derive(move || error_for("address"))>
                <input id="address" name="address" type="text" autocomplete="off"
                    bind:value=address on:input=move |_| touch("address") on:blur=move |_| touch("address")
                    aria-invalid=move || invalid("address") aria-describedby="address-error"/>
            </FieldShell>
            <FieldShell label="Telephone #" name="telephone" hint="Optional"
                error=Signal::derive(move || error_for("telephone"))>
                <input id="telephone" name="telephone" type="tel" autocomplete="off"
                    bind:value=telephone on:input=move |_| touch("telephone")
                    on:blur=move |_| touch("telephone")
                    aria-invalid=move || invalid("telephone") aria-describedby="telephone-hint telephone-error"/>
            </FieldShell>
            <FieldShell label="Reason for request" name="reason" error=Signal::derive(move || error_for("reason"))>
                <textarea id="reason" name="reason" rows="4" bind:value=reason
                    on:input=move |_| touch("reason") on:blur=move |_| touch("reason")
                    aria-invalid=move || invalid("reason") aria-describedby="reason-error"></textarea>
            </FieldShell>
            <FieldShell label="Purpose" name="purpose" error=Signal::derive(move || error_for("purpose"))>
                <select id="purpose" name="purpose" prop:value=move || purpose.get()
                    on:change=move |ev| { purpose.set(event_target_value(&ev)); touch("purpose"); }
                    aria-invalid=move || invalid("purpose") aria-describedby="purpose-error">
                    <option value="">"Choose…"</option>
                    {Purpose::ALL.into_iter().map(|p| view! {
                        <option value=p.code()>{p.label()}</option>
                    }).collect_view()}
                </select>
            </FieldShell>
            <FieldShell label="Amount requested ($)" name="amount_requested"
                error=Signal::derive(move || error_for("amount_requested"))>
                <input id="amount_requested" name="amount_requested" type="text" inputmode="decimal"
                    autocomplete="off" bind:value=amount
                    on:input=move |_| touch("amount_requested") on:blur=move |_| touch("amount_requested")
                    aria-invalid=move || invalid("amount_requested")
                    aria-describedby="amount_requested-error amount-cap"/>
                <p class="hint" id="amount-cap" aria-live="polite">
                    {move || over_cap().then(|| format!(
                        "Above {cap}: needs the Chief's approval before any disbursal."
                    ))}
                </p>
            </FieldShell>
            <p class="completed-by">"Department personnel completing form: " <strong>{completed_by}</strong></p>
            {move || failure.get().filter(|e| !matches!(e, AppError::Transport { .. })).map(|e| view! { <p class="notice error" role="alert">{e.message()}</p> })}
            {move || device_note.get().map(|n| view! { <p class="notice error" role="alert">{n}</p> })}
            <Show when=move || queued.get()>
                <p class="notice" role="status" id="queued">
                    "Saved on this device — waiting to send. It goes as soon as there is signal."
                </p>
            </Show>
            <button type="submit" class="primary" disabled=move || pending.get()>
                {move || if pending.get() { "Sending…" } else { "Submit request" }}
            </button>
        </form>
        <Show when=move || need_pin.get()>
            <div class="notice warn" id="needs-pin">
                <p>"No signal. Enter this device's PIN to save the request here; it is sent when the network returns."</p>
                <crate::offline::views::PinUnlock then=unlocked id="pin-for-request"/>
            </div>
        </Show>
    }
}

/// Move the keyboard (and the screen reader) to the first field in error.
pub(crate) fn focus_first_invalid() {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let el = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector("[aria-invalid=true]").ok().flatten())
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(el) = el {
            let _ = el.focus();
        }
    }
}

#[component]
fn RequestList(items: Vec<RequestSummary>, show_filer: bool, empty: &'static str) -> impl IntoView {
    if items.is_empty() {
        return view! { <p class="empty">{empty}</p> }.into_any();
    }
    view! {
        <ul class="cards">
            {items.into_iter().map(|r| {
                let href = format!("/requests/{}", r.id);
                view! {
                    <li class="card" data-status=r.status.code()>
                        <a href=href>
                            <span class="card-title"><crate::privacy::Pii text=r.requester_name/></span>
                            <span class="amount">{dollars(r.amount_requested)}</span>
                        </a>
                        <p class="meta">
                            {r.purpose.label()} " · " {r.date}
                            {show_filer.then(|| format!(" · filed by {}", r.filed_by_name))}
                        </p>
                        <p class="status">
                            <span class="badge">{r.status.label()}</span>
                            {r.needs_chief_approval.then(|| view! {
                                <span class="badge warn">"Needs Chief approval"</span>
                            })}
                        </p>
                        <p class="meta">"Submitted " <LocalTime at=r.submitted_at/></p>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
pub fn MyRequestsPage() -> impl IntoView {
    let list = Resource::new(|| (), |_| my_requests());
    view! {
        <Page title="My requests">
            <p><a class="action primary" href="/requests/new">"New emergency fund request"</a></p>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(items) => view! {
                            <RequestList items show_filer=false empty="You have not filed any request yet."/>
                        }.into_any(),
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </Page>
    }
}

#[component]
pub fn QueuePage() -> impl IntoView {
    let list = Resource::new(|| (), |_| request_queue());
    let live = RwSignal::new(false);
    // Live: the server pushes "changed" when any request is filed or moves; reload the list then.
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::closure::Closure;
            use wasm_bindgen::JsCast;
            if let Ok(source) = web_sys::EventSource::new("/api/events/requests") {
                let on_change = Closure::<dyn Fn()>::new(move || list.refetch());
                let _ = source.add_event_listener_with_callback(
                    "changed",
                    on_change.as_ref().unchecked_ref(),
                );
                on_change.forget();
                let on_open = Closure::<dyn Fn()>::new(move || live.set(true));
                source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
                on_open.forget();
                let source = send_wrapper::SendWrapper::new(source);
                on_cleanup(move || source.close());
            }
        }
    });
    view! {
        <Page title="Approval queue">
            <p class="hint live-note" data-live=move || if live.get() { "on" } else { "off" }>
                "This list updates by itself as requests arrive."
            </p>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(items) => view! {
                            <RequestList items show_filer=true empty="Nothing is waiting for you."/>
                        }.into_any(),
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </Page>
    }
}

#[component]
pub fn RequestPage() -> impl IntoView {
    let params = use_params_map();
    let request = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        get_request,
    );
    view! {
        <Page title="Emergency request for funds">
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match request.await {
                        Ok(v) => {
                            let id = v.detail.summary.id.clone();
                            let r = v.detail.clone();
                            view! {
                                <dl class="record">
                                    <dt>"Status"</dt><dd class="status-line">{r.summary.status.label()}
                                        {r.summary.needs_chief_approval.then_some(" · needs Chief approval")}</dd>
                                    <dt>"Date"</dt><dd>{r.summary.date}</dd>
                                    <dt>"Name of requester"</dt><dd><crate::privacy::Pii text=r.summary.requester_name/></dd>
                                    <dt>"Age"</dt><dd>{r.age}</dd>
                                    <dt>"M/F"</dt><dd>{r.sex.unwrap_or_else(|| "Not recorded".into())}</dd>
                                    <dt>"Address"</dt><dd><crate::privacy::Pii text=r.address/></dd>
                                    <dt>"Telephone #"</dt><dd>{r.telephone.unwrap_or_else(|| "—".into())}</dd>
                                    <dt>"Reason for request"</dt><dd class="prose"><crate::privacy::Pii text=r.reason/></dd>
                                    <dt>"Purpose"</dt><dd>{r.summary.purpose.label()}</dd>
                                    <dt>"Amount requested"</dt><dd>{dollars(r.summary.amount_requested)}</dd>
                                    <dt>"Amount disbursed"</dt><dd class="disbursed">{v.amount_disbursed.map(dollars).unwrap_or_else(|| "—".into())}</dd>
                                    <dt>"Department personnel completing form"</dt><dd>{r.summary.filed_by_name}</dd>
                                    {v.signature.clone().map(|sig| view! {
                                        <dt>"Recipient's signature"</dt>
                                        <dd><svg class="signature-view" width="300" height="100" viewBox="0 0 600 200" role="img" aria-label="Recipient's signature">
                                            <path d=sig fill="none" stroke="currentColor" stroke-width="3"/>
                                        </svg></dd>
                                    })}
                                    {v.refused_to_sign.clone().map(|why| view! {
                                        <dt>"Recipient refused to sign"</dt><dd>{why}</dd>
                                    })}
                                </dl>
                                <p><a class="action" href=format!("/api/requests/{id}/appendix-a.pdf") target="_blank">
                                    "Appendix A (PDF)"
                                </a></p>
                                <h2>"Timeline"</h2>
                                <ol class="timeline">
                                    {v.timeline.iter().cloned().map(|t| view! {
                                        <li data-action=t.action.clone()>
                                            <strong>{t.label}</strong>
                                            {t.amount.map(|a| format!(" · {}", dollars(a)))}
                                            " — " {t.by_name} ", " <LocalTime at=t.at/>
                                            {t.reason.map(|r| view! { <p class="meta">"Reason: " {r}</p> })}
                                            <p class="meta device">"Device: " {t.device}</p>
                                        </li>
                                    }).collect_view()}
                                </ol>
                                <super::step_views::ActionPanel id=id view=v on_done=Callback::new(move |_| request.refetch())/>
                            }.into_any()
                        }
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </Page>
    }
}
