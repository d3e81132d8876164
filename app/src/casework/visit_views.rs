//! The crisis-visit form (with its checklist, on the phone) and a visit as the file shows it: a
//! draft its author may sign, a signed note locked with its addenda beside it.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::api::{add_addendum, save_visit, sign_visit};
use super::domain::{validate_visit, InterventionKind, NoteStatus, Setting, VisitDraft};
use super::VisitView;
use crate::error::{AppError, FieldError};
use crate::funds::views::{focus_first_invalid, FieldShell};
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

/// `/clients/:id/visit` (a new visit) and `/clients/:id/visit?draft=ID` (go on with one's draft).
#[component]
pub fn NewVisitPage() -> impl IntoView {
    let params = use_params_map();
    let query = leptos_router::hooks::use_query_map();
    let client = params.with_untracked(|p| p.get("id").unwrap_or_default());
    let draft = query.with_untracked(|q| q.get("draft"));
    let back = format!("/clients/{client}");
    let body = match draft {
        None => view! { <VisitForm client=client/> }.into_any(),
        Some(draft) => {
            let file = Resource::new(move || client.clone(), super::api::get_client);
            view! {
                <Transition fallback=|| view! { <p>"Loading…"</p> }>
                    {move || {
                        let draft = draft.clone();
                        Suspend::new(async move {
                            match file.await {
                                Ok(f) => match f.visits.into_iter().find(|v| v.id == draft && v.mine && v.status == NoteStatus::Draft) {
                                    Some(v) => view! { <VisitForm client=f.client.summary.id.clone() existing=v/> }.into_any(),
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

#[component]
fn VisitForm(client: String, #[prop(optional)] existing: Option<VisitView>) -> impl IntoView {
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
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let failure = RwSignal::new(None::<AppError>);
    let pending = RwSignal::new(false);
    // In the browser: the note's UUIDv7 (kept for every resend) and "now" in local time.
    Effect::new(move |_| {
        if id.get_untracked().is_empty() {
            id.set(uuid::Uuid::now_v7().to_string());
        }
        if when.get_untracked().is_empty() {
            let at = occurred
                .map(|t| t.with_timezone(&chrono::Local))
                .unwrap_or_else(chrono::Local::now);
            when.set(at.format("%Y-%m-%dT%H:%M").to_string());
        }
    });
    let client = StoredValue::new(client);
    let draft = move || VisitDraft {
        id: id.get_untracked(),
        client_id: client.get_value(),
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
    let navigate = leptos_router::hooks::use_navigate();
    let send = move |sign: bool| {
        let d = draft();
        if let Err(e) = validate_visit(&d, chrono::Utc::now()) {
            errors.set(e);
            focus_first_invalid();
            return;
        }
        if pending.get_untracked() {
            return;
        }
        errors.set(vec![]);
        failure.set(None);
        pending.set(true);
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            let visit = d.id.clone();
            let mut result = save_visit(d).await.map(|_| ());
            if result.is_ok() && sign {
                result = sign_visit(visit).await.map(|_| ());
            }
            match result {
                Ok(()) => navigate(
                    &format!("/clients/{}", client.get_value()),
                    Default::default(),
                ),
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
    let err =
        move |field: &'static str| Signal::derive(move || crate::ui::field_message(errors, field));
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
            <FieldShell label="Kind of intervention" name="kind" error=err("kind")>
                <select id="kind" prop:value=move || kind.get()
                    on:change=move |ev| { kind.set(event_target_value(&ev)); ticked.set(vec![]); }
                    aria-invalid=invalid("kind") aria-describedby="kind-error">
                    <option value="">"Choose…"</option>
                    {InterventionKind::ALL.into_iter().map(|k| view! {
                        <option value=k.code()>{k.label()}</option>
                    }).collect_view()}
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
            {move || failure.get().filter(|e| e.field_errors().is_empty()).map(|e| view! { <ErrorNotice error=e/> })}
            <div class="buttons">
                <button type="submit" disabled=move || pending.get()>"Save as draft"</button>
                <button type="button" class="primary" disabled=move || pending.get()
                    on:click=move |_| sign(true)>"Save and sign"</button>
            </div>
        </form>
    }
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
