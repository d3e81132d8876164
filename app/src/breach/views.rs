//! The two-tap breach report (a link on every home screen, then one button per kind) and the Deputy
//! Chief's reports with the records they could affect.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::api::{acknowledge_breach, get_breach, list_breaches, report_breach};
use super::{BreachKind, BreachReceipt};
use crate::error::AppError;
use crate::ui::{ErrorNotice, LocalTime, Page};

#[component]
pub fn ReportBreachPage() -> impl IntoView {
    let note = RwSignal::new(String::new());
    let sent = RwSignal::new(None::<Result<BreachReceipt, AppError>>);
    // Disabled until the page is live (the buttons need the WASM).
    let busy = RwSignal::new(true);
    Effect::new(move |_| busy.set(false));
    let send = move |kind: BreachKind| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            let r = report_breach(kind.code().to_string(), note.get_untracked()).await;
            busy.set(false);
            sent.set(Some(r));
        });
    };
    view! {
        <Page title="Report a breach">
            {move || match sent.get() {
                Some(Ok(r)) => view! {
                    <p class="notice ok" role="status" id="breach-receipt">
                        "Reported. The Deputy Chief of Support Services has been notified. "
                        {format!(
                            "{} record(s) you worked on in the last {} days could be affected.",
                            r.affected_records,
                            super::LOOK_BACK_DAYS
                        )}
                        {(r.sessions_ended > 0).then(|| format!(
                            " {} other session(s) of yours were ended, on every other device.",
                            r.sessions_ended
                        ))}
                    </p>
                    <p><a href="/">"Back to Haven"</a></p>
                }.into_any(),
                other => view! {
                    <p>
                        "A lost phone, records sent to the wrong person, someone looking over a "
                        "shoulder: report it now, even if you are not sure. Tap what happened."
                    </p>
                    <div class="field">
                        <label for="breach-note">"What happened (optional, no client details)"</label>
                        <textarea id="breach-note" name="note" rows="2" maxlength="500" bind:value=note></textarea>
                    </div>
                    <div class="breach-kinds">
                        {BreachKind::ALL.into_iter().map(|k| view! {
                            <button type="button" class="action" disabled=move || busy.get()
                                on:click=move |_| send(k)>
                                {k.label()}
                            </button>
                        }).collect_view()}
                    </div>
                    {other.and_then(|r| r.err()).map(|e| view! { <ErrorNotice error=e/> })}
                }.into_any(),
            }}
        </Page>
    }
}

/// The Deputy Chief's home banner: open reports, at a glance, updated the moment one is filed.
#[component]
pub fn OpenBreaches() -> impl IntoView {
    let reports = Resource::new(|| (), |_| list_breaches());
    let live = RwSignal::new(false);
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::closure::Closure;
            use wasm_bindgen::JsCast;
            if let Ok(source) = web_sys::EventSource::new("/api/events/breaches") {
                let on_change = Closure::<dyn Fn()>::new(move || reports.refetch());
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
        <span class="live-note" id="breach-feed" data-live=move || if live.get() { "on" } else { "off" }></span>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let open = reports.await.map(|r| r.iter().filter(|b| !b.acknowledged).count()).unwrap_or(0);
                (open > 0).then(|| view! {
                    <p class="notice error" role="alert" id="open-breaches">
                        {format!("{open} breach report(s) wait for you. ")}
                        <a href="/breaches">"Open breach reports"</a>
                    </p>
                })
            })}
        </Transition>
    }
}

#[component]
pub fn BreachesPage() -> impl IntoView {
    let reports = Resource::new(|| (), |_| list_breaches());
    view! {
        <Page title="Breach reports">
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match reports.await {
                        Ok(list) if list.is_empty() => view! { <p>"No breach has been reported."</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="cards">
                                {list.into_iter().map(|b| view! {
                                    <li class="card" class:done=b.acknowledged>
                                        <a href=format!("/breaches/{}", b.id)>{b.kind.label()}</a>
                                        <p>{b.reported_by} ", " <LocalTime at=b.reported_at/></p>
                                        <p>{format!("{} record(s) could be affected", b.affected_records)}
                                            {if b.acknowledged { " · taken in hand" } else { " · open" }}</p>
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </Page>
    }
}

#[component]
pub fn BreachPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let detail = Resource::new(id, get_breach);
    let failure = RwSignal::new(None::<AppError>);
    let acknowledge = move |_| {
        let id = id();
        leptos::task::spawn_local(async move {
            match acknowledge_breach(id).await {
                Ok(()) => detail.refetch(),
                Err(e) => failure.set(Some(e)),
            }
        });
    };
    view! {
        <Page title="Breach report">
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match detail.await {
                        Ok(d) => view! {
                            <dl class="record">
                                <dt>"What happened"</dt><dd>{d.summary.kind.label()}</dd>
                                <dt>"Reported by"</dt><dd>{d.summary.reported_by.clone()}</dd>
                                <dt>"When"</dt><dd><LocalTime at=d.summary.reported_at/></dd>
                                <dt>"Note"</dt><dd>{if d.note.is_empty() { "—".to_string() } else { d.note.clone() }}</dd>
                                <dt>"Devices used"</dt><dd>{d.devices.join("; ")}</dd>
                            </dl>
                            <h2>{format!("Records that could be affected ({})", d.affected.len())}</h2>
                            <table class="ledger" id="affected">
                                <thead><tr><th scope="col">"Person"</th><th scope="col">"Record"</th><th scope="col">"Last access (UTC)"</th></tr></thead>
                                <tbody>
                                    {d.affected.into_iter().map(|a| view! {
                                        <tr><td>{a.person}</td><td class="record-id">{a.record}</td>
                                            <td>{a.last_access.get(..19).map(|s| s.replace('T', " ")).unwrap_or_default()}</td></tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                            {(!d.summary.acknowledged).then(|| view! {
                                <button type="button" class="primary" on:click=acknowledge>"Take in hand"</button>
                            })}
                            {d.summary.acknowledged.then(|| view! { <p class="notice">"Taken in hand."</p> })}
                        }.into_any(),
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    }
                })}
            </Transition>
            {move || failure.get().map(|e| view! { <ErrorNotice error=e/> })}
        </Page>
    }
}
