//! The crisis-visit form (with its checklist, on the phone) and a visit as the file shows it: a
//! draft its author may sign, a signed note locked with its addenda beside it.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::api::{add_addendum, save_visit, sign_visit};
use super::domain::{validate_visit, InterventionKind, NoteStatus, Setting, VisitDraft};
use super::VisitView;
use crate::directory::domain::{search, validate_referral, ReferralDraft};
use crate::error::{AppError, FieldError};
use crate::funds::views::{focus_first_invalid, FieldShell};
use crate::offline::{HeldClient, VisitRecord};
use crate::privacy::Pii;
use crate::ui::{ErrorNotice, LocalTime, Page};

/// `YYYY-MM-DDTHH:MM` in the device's time zone → UTC, RFC 3339 (empty when it is not a time).
fn local_to_utc(local: &str) -> String {
    use chrono::TimeZone;
    chrono::NaiveDateTime::parse_from_str(local.trim(), "%Y-%m-%dT%H:%M")
        .ok()
        .and_then(|n| chrono::Local.from_local_datetime(&n).earliest())
        .map(|t| {
            t.with_timezone(&chrono::Utc)
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        })
        .unwrap_or_else(|| local.trim().to_string())
}

/// `/visits/new?client=ID`: a new crisis visit, at the station or in a resident's home with no
/// signal. The service worker keeps this page for offline use, so its server-rendered HTML holds
/// nothing of any client: the client (from the query, or chosen from the list) and the list itself
/// are filled in the browser, from the server when it answers and else from what this device holds
/// sealed. Saved with no signal, the visit and its referral wait in the device's outbox.
#[component]
pub fn OfflineVisitPage() -> impl IntoView {
    let client = RwSignal::new(String::new());
    let query = leptos_router::hooks::use_query_map();
    Effect::new(move |_| {
        if let Some(c) = query.with_untracked(|q| q.get("client")) {
            client.set(c);
        }
    });
    let outbox = crate::offline::views::outbox();
    view! {
        <Page title="Crisis visit">
            <crate::offline::views::OutboxPanel/>
            {move || outbox.pulled_at.get().map(|at| view! {
                <p class="meta" id="held-as-of">
                    {format!(
                        "For use with no signal, this device holds {} client(s) and {} agencies, as of ",
                        outbox.clients.with(Vec::len),
                        outbox.agencies.with(Vec::len),
                    )}
                    <LocalTime at=at/> "."
                </p>
            })}
            <VisitForm client=client choose_client=true/>
        </Page>
    }
}

/// `/clients/:id/visit?draft=ID`: go on with one's draft (a new visit is `/visits/new`).
#[component]
pub fn NewVisitPage() -> impl IntoView {
    let params = use_params_map();
    let query = leptos_router::hooks::use_query_map();
    let client = params.with_untracked(|p| p.get("id").unwrap_or_default());
    let draft = query.with_untracked(|q| q.get("draft"));
    let back = format!("/clients/{client}");
    let body = match draft {
        None => view! { <VisitForm client=RwSignal::new(client)/> }.into_any(),
        Some(draft) => {
            let file = Resource::new(move || client.clone(), super::api::get_client);
            view! {
                <Transition fallback=|| view! { <p>"Loading…"</p> }>
                    {move || {
                        let draft = draft.clone();
                        Suspend::new(async move {
                            match file.await {
                                Ok(f) => match f.visits.into_iter().find(|v| v.id == draft && v.mine && v.status == NoteStatus::Draft) {
                                    Some(v) => view! { <VisitForm client=RwSignal::new(f.client.summary.id.clone()) existing=v/> }.into_any(),
                                    None => view! { <ErrorNotice error=AppError::NotFound/> }.into_any(),
                                },
                                Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                            }
                        })
                    }}
                </Transition>
            }
            .into_any()
        }
    };
    view! {
        <Page title="Crisis visit">
            <p><a href=back>"Back to the client"</a></p>
            {body}
        </Page>
    }
}

/// The clients and agencies a visit form offers: fresh from the server when it answers, else what
/// the device holds from its last pull (sealed; open once the PIN is given). Filled in the
/// browser only: the server-rendered page names nobody.
fn choices(
    choose_client: bool,
) -> (
    Signal<Vec<HeldClient>>,
    Signal<Vec<crate::directory::domain::Agency>>,
) {
    let outbox = crate::offline::views::outbox();
    let clients = RwSignal::new(Vec::<HeldClient>::new());
    let agencies = RwSignal::new(Vec::<crate::directory::domain::Agency>::new());
    Effect::new(move |_| {
        if crate::offline::views::is_offline() {
            return;
        }
        leptos::task::spawn_local(async move {
            if let Ok(a) = crate::directory::api::list_agencies().await {
                agencies.set(a);
            }
            if choose_client {
                if let Ok(list) = super::api::list_clients(String::new()).await {
                    clients.set(
                        list.into_iter()
                            .map(|c| HeldClient {
                                id: c.id,
                                name: c.name,
                            })
                            .collect(),
                    );
                }
            }
        });
    });
    (
        fresh_or_held(clients, outbox.clients),
        fresh_or_held(agencies, outbox.agencies),
    )
}

fn fresh_or_held<T: Clone + Send + Sync + 'static>(
    fresh: RwSignal<Vec<T>>,
    held: RwSignal<Vec<T>>,
) -> Signal<Vec<T>> {
    Signal::derive(move || {
        let f = fresh.get();
        if f.is_empty() {
            held.get()
        } else {
            f
        }
    })
}

/// What a visit's "Save" does once the rules pass: online, straight to the server; with no
/// signal (or the server out of reach), into the device's outbox.
enum Saved {
    Online,
    OnDevice,
}

#[component]
fn VisitForm(
    client: RwSignal<String>,
    #[prop(optional)] existing: Option<VisitView>,
    /// Offer the client as a choice (the offline-capable page); else it is fixed.
    #[prop(optional)]
    choose_client: bool,
) -> impl IntoView {
    let e = existing.clone();
    let text = |f: fn(&VisitView) -> Option<String>| e.as_ref().and_then(f).unwrap_or_default();
    let id = RwSignal::new(e.as_ref().map(|v| v.id.clone()).unwrap_or_default());
    let kind = RwSignal::new(
        e.as_ref()
            .map(|v| v.kind.code().to_string())
            .unwrap_or_default(),
    );
    let setting = RwSignal::new(
        e.as_ref()
            .map(|v| v.setting)
            .unwrap_or(Setting::OnSite)
            .code()
            .to_string(),
    );
    let when = RwSignal::new(String::new());
    let occurred = e.as_ref().map(|v| v.occurred_at);
    let location = RwSignal::new(text(|v| v.location.clone()));
    let present = RwSignal::new(text(|v| v.present.clone()));
    let report = RwSignal::new(text(|v| v.police_report_number.clone()));
    let ticked = RwSignal::new(e.as_ref().map(|v| v.checklist.clone()).unwrap_or_default());
    let narrative = RwSignal::new(e.as_ref().map(|v| v.narrative.clone()).unwrap_or_default());
    let assessment = RwSignal::new(text(|v| v.assessment.clone()));
    let actions = RwSignal::new(text(|v| v.actions_taken.clone()));
    let follow_up = RwSignal::new(text(|v| {
        v.follow_up_on.map(|d| d.format("%Y-%m-%d").to_string())
    }));
    // The referral made during the visit (optional): an agency of the directory and the reason.
    let agency_query = RwSignal::new(String::new());
    let agency = RwSignal::new(String::new());
    let referral_reason = RwSignal::new(String::new());
    let referral_id = RwSignal::new(String::new());
    let (clients, agencies) = choices(choose_client);
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let failure = RwSignal::new(None::<AppError>);
    let pending = RwSignal::new(false);
    let queued = RwSignal::new(false);
    let need_pin = RwSignal::new(false);
    let device_note = RwSignal::new(None::<String>);
    let waiting_for_pin = StoredValue::new(None::<(VisitRecord, Option<ReferralDraft>)>);
    let outbox = crate::offline::views::outbox();
    // In the browser: the note's UUIDv7 (kept for every resend) and "now" in local time.
    Effect::new(move |_| {
        if id.get_untracked().is_empty() {
            id.set(uuid::Uuid::now_v7().to_string());
        }
        if referral_id.get_untracked().is_empty() {
            referral_id.set(uuid::Uuid::now_v7().to_string());
        }
        if when.get_untracked().is_empty() {
            let at = occurred
                .map(|t| t.with_timezone(&chrono::Local))
                .unwrap_or_else(chrono::Local::now);
            when.set(at.format("%Y-%m-%dT%H:%M").to_string());
        }
    });
    let draft = move || VisitDraft {
        id: id.get_untracked(),
        client_id: client.get_untracked(),
        kind: kind.get_untracked(),
        setting: setting.get_untracked(),
        occurred_at: local_to_utc(&when.get_untracked()),
        location: location.get_untracked(),
        present: present.get_untracked(),
        police_report_number: report.get_untracked(),
        checklist: ticked.get_untracked(),
        narrative: narrative.get_untracked(),
        assessment: assessment.get_untracked(),
        actions_taken: actions.get_untracked(),
        follow_up_on: follow_up.get_untracked(),
    };
    let referral = move || {
        let chosen = agency.get_untracked();
        (!chosen.is_empty()).then(|| ReferralDraft {
            id: referral_id.get_untracked(),
            client_id: client.get_untracked(),
            agency_id: chosen,
            reason: referral_reason.get_untracked(),
            follow_up_on: follow_up.get_untracked(),
        })
    };
    // A new, empty form (after a visit was saved on the device).
    let start_again = move || {
        for field in [
            kind, location, present, report, narrative, assessment, actions, follow_up,
        ] {
            field.set(String::new());
        }
        for field in [agency_query, agency, referral_reason] {
            field.set(String::new());
        }
        ticked.set(vec![]);
        id.set(uuid::Uuid::now_v7().to_string());
        referral_id.set(uuid::Uuid::now_v7().to_string());
        when.set(chrono::Local::now().format("%Y-%m-%dT%H:%M").to_string());
    };
    // Keep the visit (and its referral) in the outbox; the PIN first when the store is locked.
    let keep_on_device = move |record: VisitRecord, referral: Option<ReferralDraft>| async move {
        use crate::offline::{device, RecordKind, VaultError};
        let visit = serde_json::to_value(&record).unwrap_or_default();
        let mut kept = device::enqueue(RecordKind::Visit, &record.visit.id, &visit).await;
        if let (Ok(()), Some(r)) = (&kept, &referral) {
            let body = serde_json::to_value(r).unwrap_or_default();
            kept = device::enqueue(RecordKind::Referral, &r.id, &body).await;
        }
        match kept {
            Ok(()) => {
                outbox.refresh().await;
                need_pin.set(false);
                device_note.set(None);
                queued.set(true);
                start_again();
            }
            Err(VaultError::Locked) => {
                waiting_for_pin.set_value(Some((record, referral)));
                need_pin.set(true);
            }
            Err(e) => device_note.set(Some(format!(
                "No signal, and this visit could not be saved on the device: {} Nothing was lost: it is still in the form.",
                e.message()
            ))),
        }
    };
    let unlocked = Callback::new(move |_: ()| {
        if let Some((record, referral)) = waiting_for_pin.get_value() {
            waiting_for_pin.set_value(None);
            leptos::task::spawn_local(keep_on_device(record, referral));
        }
    });
    let navigate = leptos_router::hooks::use_navigate();
    let send = move |sign: bool| {
        let d = draft();
        let r = referral();
        let mut problems = validate_visit(&d, chrono::Utc::now())
            .err()
            .unwrap_or_default();
        if let Some(Err(mut e)) = r.as_ref().map(validate_referral) {
            // The referral's own client and id are the visit's: report only what the person typed.
            e.retain(|f| f.field == "agency_id" || f.field == "reason");
            problems.append(&mut e);
        }
        if !problems.is_empty() {
            errors.set(problems);
            focus_first_invalid();
            return;
        }
        if pending.get_untracked() {
            return;
        }
        errors.set(vec![]);
        failure.set(None);
        queued.set(false);
        pending.set(true);
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            let record = VisitRecord {
                visit: d.clone(),
                sign,
            };
            let result = if crate::offline::views::is_offline() {
                Ok(Saved::OnDevice)
            } else {
                match send_now(&record, r.clone()).await {
                    Err(AppError::Transport { .. }) => Ok(Saved::OnDevice),
                    other => other.map(|()| Saved::Online),
                }
            };
            match result {
                Ok(Saved::Online) => navigate(
                    &format!("/clients/{}", client.get_untracked()),
                    Default::default(),
                ),
                Ok(Saved::OnDevice) => keep_on_device(record, r).await,
                Err(e) => {
                    errors.set(e.field_errors().to_vec());
                    failure.set(Some(e));
                    focus_first_invalid();
                }
            }
            pending.set(false);
        });
    };
    let sign = send.clone();
    let err = move |field: &'static str| crate::ui::field_error(errors, field);
    let invalid = move |field: &'static str| {
        move || {
            crate::ui::field_message(errors, field)
                .is_some()
                .to_string()
        }
    };
    let checklist = move || {
        InterventionKind::from_code(&kind.get())
            .map(|k| k.checklist())
            .unwrap_or(&[])
    };
    view! {
        <form class="form visit-form" aria-label="Crisis visit" novalidate
            on:submit=move |ev| { ev.prevent_default(); send(false); }>
            {choose_client.then(|| view! {
                <FieldShell label="Client" name="client_id" error=err("client_id")>
                    <select id="client_id" on:change=move |ev| client.set(event_target_value(&ev))
                        aria-invalid=invalid("client_id") aria-describedby="client_id-error">
                        <option value="">"Choose…"</option>
                        {move || clients.get().into_iter().map(|c| {
                            let chosen = c.id == client.get();
                            view! { <option value=c.id.clone() selected=chosen>{c.name.clone()}</option> }
                        }).collect_view()}
                    </select>
                </FieldShell>
            })}
            <FieldShell label="Kind of intervention" name="kind" error=err("kind")>
                <select id="kind" prop:value=move || kind.get()
                    on:change=move |ev| { kind.set(event_target_value(&ev)); ticked.set(vec![]); }
                    aria-invalid=invalid("kind") aria-describedby="kind-error">
                    <option value="">"Choose…"</option>
                    <optgroup label="Crisis intervention">
                        {InterventionKind::ALL.into_iter().filter(|k| k.is_crisis()).map(|k| view! {
                            <option value=k.code()>{k.label()}</option>
                        }).collect_view()}
                    </optgroup>
                    <optgroup label="Assessment, counseling and guidance">
                        {InterventionKind::ALL.into_iter().filter(|k| !k.is_crisis()).map(|k| view! {
                            <option value=k.code()>{k.label()}</option>
                        }).collect_view()}
                    </optgroup>
                </select>
            </FieldShell>
            <fieldset class="choice" aria-describedby="setting-error">
                <legend>"Where"</legend>
                {[Setting::OnSite, Setting::Station].into_iter().map(|s| view! {
                    <label class="check">
                        <input type="radio" name="setting" value=s.code()
                            prop:checked=move || setting.get() == s.code()
                            on:change=move |_| setting.set(s.code().to_string())/>
                        " " {s.label()}
                    </label>
                }).collect_view()}
                <p class="field-error" id="setting-error">{move || crate::ui::field_message(errors, "setting")}</p>
            </fieldset>
            <FieldShell label="When" name="occurred_at" error=err("occurred_at")>
                <input id="occurred_at" type="datetime-local" bind:value=when
                    aria-invalid=invalid("occurred_at") aria-describedby="occurred_at-error"/>
            </FieldShell>
            <FieldShell label="Place" name="location" error=err("location")>
                <input id="location" type="text" autocomplete="off" bind:value=location
                    aria-invalid=invalid("location") aria-describedby="location-error"/>
            </FieldShell>
            <FieldShell label="Who was present" name="present" error=err("present")>
                <textarea id="present" rows="2" bind:value=present
                    aria-invalid=invalid("present") aria-describedby="present-error"></textarea>
            </FieldShell>
            <FieldShell label="Police report number" name="police_report_number" error=err("police_report_number")>
                <input id="police_report_number" type="text" autocomplete="off" bind:value=report
                    aria-invalid=invalid("police_report_number") aria-describedby="police_report_number-error"/>
            </FieldShell>
            <Show when=move || !checklist().is_empty()>
                <fieldset class="checklist" id="checklist">
                    <legend>"Checklist"</legend>
                    {move || checklist().iter().map(|(code, label)| {
                        let code = code.to_string();
                        let c2 = code.clone();
                        view! {
                            <label class="check">
                                <input type="checkbox" value=code.clone()
                                    prop:checked=move || ticked.with(|t| t.contains(&code))
                                    on:change=move |_| ticked.update(|t| {
                                        if let Some(i) = t.iter().position(|x| *x == c2) { t.remove(i); } else { t.push(c2.clone()); }
                                    })/>
                                " " {*label}
                            </label>
                        }
                    }).collect_view()}
                    <p class="field-error" id="checklist-error">{move || crate::ui::field_message(errors, "checklist")}</p>
                </fieldset>
            </Show>
            <FieldShell label="Narrative" name="narrative" error=err("narrative")>
                <textarea id="narrative" rows="6" bind:value=narrative
                    aria-invalid=invalid("narrative") aria-describedby="narrative-error"></textarea>
            </FieldShell>
            <FieldShell label="Assessment" name="assessment" error=err("assessment")>
                <textarea id="assessment" rows="4" bind:value=assessment
                    aria-invalid=invalid("assessment") aria-describedby="assessment-error"></textarea>
            </FieldShell>
            <FieldShell label="Actions taken and referrals" name="actions_taken" error=err("actions_taken")>
                <textarea id="actions_taken" rows="3" bind:value=actions
                    aria-invalid=invalid("actions_taken") aria-describedby="actions_taken-error"></textarea>
            </FieldShell>
            <FieldShell label="Follow up on" name="follow_up_on" error=err("follow_up_on")>
                <input id="follow_up_on" type="date" bind:value=follow_up
                    aria-invalid=invalid("follow_up_on") aria-describedby="follow_up_on-error"/>
            </FieldShell>
            <fieldset class="referral" id="referral">
                <legend>"Referral (optional)"</legend>
                <div class="field">
                    <label for="agency-search">"Find an agency"</label>
                    <input id="agency-search" type="search" autocomplete="off" bind:value=agency_query/>
                </div>
                <FieldShell label="Refer to" name="agency_id" error=err("agency_id")>
                    <select id="agency_id" on:change=move |ev| agency.set(event_target_value(&ev))
                        aria-invalid=invalid("agency_id") aria-describedby="agency_id-error">
                        <option value="">"No referral"</option>
                        {move || {
                            let all = agencies.get();
                            let chosen = agency.get();
                            search(&all, &agency_query.get(), None).into_iter().map(|a| view! {
                                <option value=a.id.clone() selected=a.id == chosen>
                                    {a.name.clone()} {a.telephone.clone().map(|t| format!(" · {t}"))}
                                </option>
                            }).collect_view()
                        }}
                    </select>
                </FieldShell>
                <FieldShell label="Reason for the referral" name="referral-reason" error=err("reason")>
                    <textarea id="referral-reason" rows="2" bind:value=referral_reason
                        aria-invalid=invalid("reason") aria-describedby="referral-reason-error"></textarea>
                </FieldShell>
            </fieldset>
            {move || failure.get().filter(|e| e.field_errors().is_empty()).map(|e| view! { <ErrorNotice error=e/> })}
            {move || device_note.get().map(|n| view! { <p class="notice error" role="alert">{n}</p> })}
            <Show when=move || queued.get()>
                <p class="notice" role="status" id="queued">
                    "Saved on this device — waiting to send. It goes as soon as there is signal."
                </p>
            </Show>
            <div class="buttons">
                <button type="submit" disabled=move || pending.get()>"Save as draft"</button>
                <button type="button" class="primary" disabled=move || pending.get()
                    on:click=move |_| sign(true)>"Save and sign"</button>
            </div>
        </form>
        <Show when=move || need_pin.get()>
            <div class="notice warn" id="needs-pin">
                <p>"No signal. Enter this device's PIN to save the visit here; it is sent when the network returns."</p>
                <crate::offline::views::PinUnlock then=unlocked id="pin-for-visit"/>
            </div>
        </Show>
    }
}

/// Save (and sign) the visit and make its referral, on the server. A resend after a lost answer
/// is "already had it"; a note already signed is not signed again.
async fn send_now(record: &VisitRecord, referral: Option<ReferralDraft>) -> Result<(), AppError> {
    let saved = save_visit(record.visit.clone()).await?;
    if record.sign && saved.status == NoteStatus::Draft {
        sign_visit(saved.id.clone()).await?;
    }
    if let Some(r) = referral {
        crate::directory::api::refer_client(r).await?;
    }
    Ok(())
}

/// One visit in the client's file.
#[component]
pub fn VisitCard(visit: VisitView, reload: Callback<()>) -> impl IntoView {
    let v = visit;
    let card_id = format!("visit-{}", v.id);
    let ticked: Vec<&'static str> = v
        .kind
        .checklist()
        .iter()
        .filter(|(code, _)| v.checklist.iter().any(|c| c == code))
        .map(|(_, label)| *label)
        .collect();
    let status = match (v.status, v.signed_at) {
        (NoteStatus::Signed, Some(at)) => view! {
            <span class="badge">"Signed"</span> " by " {v.author_name.clone()} ", " <LocalTime at=at/>
        }
        .into_any(),
        _ => view! { <span class="badge draft">"Draft"</span> " by " {v.author_name.clone()} }.into_any(),
    };
    let can_sign = v.status == NoteStatus::Draft && v.mine;
    let client = use_params_map().with_untracked(|p| p.get("id").unwrap_or_default());
    let edit_href = format!("/clients/{client}/visit?draft={}", v.id);
    let signed = v.status == NoteStatus::Signed;
    let failure = RwSignal::new(None::<AppError>);
    let visit_id = v.id.clone();
    let sign = move |_| {
        let id = visit_id.clone();
        leptos::task::spawn_local(async move {
            match sign_visit(id).await {
                Ok(_) => reload.run(()),
                Err(e) => failure.set(Some(e)),
            }
        });
    };
    view! {
        <article class="card visit" id=card_id aria-label=v.kind.label()>
            <h3>{v.kind.label()} " — " <LocalTime at=v.occurred_at/></h3>
            <p class="meta">{status} " · " {if v.setting == Setting::Station { "at the station" } else { "on-site" }}
                {v.police_report_number.clone().map(|r| format!(" · report {r}"))}</p>
            <dl>
                {v.location.clone().map(|l| view! { <dt>"Place"</dt><dd><Pii text=l/></dd> })}
                {v.present.clone().map(|p| view! { <dt>"Present"</dt><dd class="pre"><Pii text=p/></dd> })}
                {(!ticked.is_empty()).then(|| view! {
                    <dt>"Checklist"</dt>
                    <dd><ul class="ticked">{ticked.into_iter().map(|t| view! { <li>{t}</li> }).collect_view()}</ul></dd>
                })}
                <dt>"Narrative"</dt><dd class="pre narrative"><Pii text=v.narrative.clone()/></dd>
                {v.assessment.clone().map(|a| view! { <dt>"Assessment"</dt><dd class="pre"><Pii text=a/></dd> })}
                {v.actions_taken.clone().map(|a| view! { <dt>"Actions and referrals"</dt><dd class="pre"><Pii text=a/></dd> })}
                {v.follow_up_on.map(|d| view! { <dt>"Follow up on"</dt><dd>{d.format("%Y-%m-%d").to_string()}</dd> })}
            </dl>
            {(!v.addenda.is_empty()).then(|| view! {
                <section class="addenda" aria-label="Addenda">
                    <h4>"Addenda"</h4>
                    {v.addenda.iter().map(|a| view! {
                        <div class="addendum">
                            <p class="pre"><Pii text=a.text.clone()/></p>
                            <p class="meta">{a.author_name.clone()} ", " <LocalTime at=a.at/></p>
                        </div>
                    }).collect_view()}
                </section>
            })}
            {can_sign.then(|| view! {
                <p class="buttons">
                    <a class="action" href=edit_href.clone()>"Edit the draft"</a>
                    <button type="button" class="primary" on:click=sign>"Sign this note"</button>
                </p>
            })}
            {signed.then(|| view! { <AddendumForm visit=v.id.clone() reload=reload/> })}
            {move || failure.get().map(|e| view! { <ErrorNotice error=e/> })}
        </article>
    }
}

#[component]
fn AddendumForm(visit: String, reload: Callback<()>) -> impl IntoView {
    let text = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let field = format!("addendum-{visit}");
    let error_id = format!("{field}-error");
    let add = move |_| {
        let visit = visit.clone();
        let body = text.get_untracked();
        if let Err(e) = super::domain::validate_note_text("text", &body) {
            errors.set(e);
            return;
        }
        leptos::task::spawn_local(async move {
            match add_addendum(visit, uuid::Uuid::now_v7().to_string(), body).await {
                Ok(()) => {
                    text.set(String::new());
                    errors.set(vec![]);
                    reload.run(());
                }
                Err(e) => errors.set(e.field_errors().to_vec()),
            }
        });
    };
    view! {
        <div class="field">
            <label for=field.clone()>"Addendum (the signed note stays as it is)"</label>
            <textarea id=field rows="2" bind:value=text aria-describedby=error_id.clone()></textarea>
            <p class="field-error" id=error_id aria-live="polite">{move || crate::ui::field_message(errors, "text")}</p>
        </div>
        <button type="button" on:click=add>"Add the addendum"</button>
    }
}
