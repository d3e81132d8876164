//! `/unit`: the victim/witness needs review (with its reminder), in-service training with each
//! officer's history, and public information. The home screens show the review reminder.

use leptos::prelude::*;

use super::api::{
    get_review_reminder, get_unit_records, save_public_info, save_review, save_training,
};
use super::domain::{
    validate_public_info, validate_review, validate_training, PublicInfoDraft, ReviewDraft,
    ReviewReminder, TrainingDraft,
};
use super::{RosterPerson, UnitRecords};
use crate::error::{AppError, FieldError};
use crate::funds::views::FieldShell;
use crate::ui::{field_error, ErrorNotice, Page};

/// The review reminder as a banner (urgent from 30 days, an error once overdue).
#[component]
pub fn ReminderBanner(reminder: ReviewReminder) -> impl IntoView {
    let class = match reminder {
        ReviewReminder::Due { urgent: false, .. } => "notice",
        ReviewReminder::Due { urgent: true, .. } => "notice warn",
        ReviewReminder::NeverDone | ReviewReminder::Overdue { .. } => "notice error",
    };
    view! {
        <p class=class role="status" id="review-reminder">
            {reminder.message()} " " <a href="/unit#reviews">"Victim/witness needs review"</a>
        </p>
    }
}

/// On the home screens of the social worker and the Deputy Chief.
#[component]
pub fn HomeReminder() -> impl IntoView {
    let r = Resource::new(|| (), |_| get_review_reminder());
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                r.await.ok().flatten().map(|reminder| view! { <ReminderBanner reminder=reminder/> })
            })}
        </Transition>
    }
}

#[component]
pub fn UnitPage() -> impl IntoView {
    let records = Resource::new(|| (), |_| get_unit_records());
    let reload = Callback::new(move |_: ()| records.refetch());
    view! {
        <Page title="Unit records">
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match records.await {
                        Ok(r) => view! { <Records r=r reload=reload/> }.into_any(),
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </Page>
    }
}

#[component]
fn Records(r: UnitRecords, reload: Callback<()>) -> impl IntoView {
    let history_of = RwSignal::new(String::new());
    let trainings = StoredValue::new(r.trainings.clone());
    let officers = r.roster.clone();
    view! {
        <section class="card" id="reviews" aria-label="Victim/witness needs review">
            <h2>"Victim/witness needs review"</h2>
            <p class="hint">"At least once every review interval, the needs of victims and witnesses are reviewed and documented (directive 515-S III.B)."</p>
            {r.reminder.map(|reminder| view! { <ReminderBanner reminder=reminder/> })}
            <ul class="list">
                {r.reviews.into_iter().map(|v| view! {
                    <li>
                        <strong>{v.reviewed_on.format("%Y-%m-%d").to_string()}</strong> " · " {v.recorded_by_name}
                        <p><b>"Findings: "</b>{v.findings}</p>
                        <p><b>"Services reviewed: "</b>{v.services}</p>
                        <p><b>"Decisions: "</b>{v.decisions}</p>
                        {v.attachments.map(|a| view! { <p><b>"Attachments: "</b>{a}</p> })}
                    </li>
                }).collect_view()}
            </ul>
            {r.may_record.then(|| view! { <ReviewForm reload=reload/> })}
        </section>
        <section class="card" id="training" aria-label="In-service training">
            <h2>"In-service training"</h2>
            <div class="field">
                <label for="history-of">"History of"</label>
                <select id="history-of" on:change=move |ev| history_of.set(event_target_value(&ev))>
                    <option value="">"Everyone"</option>
                    {officers.iter().map(|p| view! { <option value=p.id.clone()>{p.name.clone()}</option> }).collect_view()}
                </select>
            </div>
            <ul class="list" id="training-list">
                {move || {
                    let who = history_of.get();
                    trainings.get_value().into_iter()
                        .filter(|t| who.is_empty() || t.attendees.iter().any(|a| a.id == who))
                        .map(|t| view! {
                            <li>
                                <strong>{t.topic}</strong> " · " {t.date.format("%Y-%m-%d").to_string()} " · " {t.trainer}
                                <p class="meta">{t.attendees.iter().map(|a| a.name.clone()).collect::<Vec<_>>().join(", ")}</p>
                                {t.materials.map(|m| view! { <p>{m}</p> })}
                            </li>
                        }).collect_view()
                }}
            </ul>
            {r.may_record.then(|| view! { <TrainingForm roster=r.roster.clone() reload=reload/> })}
        </section>
        <section class="card" id="public-info" aria-label="Public information">
            <h2>"Public information"</h2>
            <p class="hint">"With the media relations unit: informing the public about victim/witness services (III.A)."</p>
            <ul class="list">
                {r.public_info.into_iter().map(|p| view! {
                    <li><strong>{p.medium}</strong> " · " {p.date.format("%Y-%m-%d").to_string()} " · " {p.audience}
                        <p>{p.material}</p></li>
                }).collect_view()}
            </ul>
            {r.may_record.then(|| view! { <PublicInfoForm reload=reload/> })}
        </section>
    }
}

#[component]
fn ReviewForm(reload: Callback<()>) -> impl IntoView {
    let on = RwSignal::new(String::new());
    let findings = RwSignal::new(String::new());
    let services = RwSignal::new(String::new());
    let decisions = RwSignal::new(String::new());
    let attachments = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let failure = RwSignal::new(None::<AppError>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let d = ReviewDraft {
            id: uuid::Uuid::now_v7().to_string(),
            reviewed_on: on.get_untracked(),
            findings: findings.get_untracked(),
            services: services.get_untracked(),
            decisions: decisions.get_untracked(),
            attachments: attachments.get_untracked(),
        };
        if let Err(e) = validate_review(&d, chrono::Local::now().date_naive()) {
            errors.set(e);
            return;
        }
        crate::ui::submit(errors, failure, reload, move || save_review(d));
    };
    view! {
        <form class="form" aria-label="Record a needs review" novalidate on:submit=submit>
            <h3>"Record a needs review"</h3>
            <FieldShell label="Reviewed on" name="reviewed_on" error=field_error(errors, "reviewed_on")>
                <input id="reviewed_on" type="date" bind:value=on aria-describedby="reviewed_on-error"/>
            </FieldShell>
            <FieldShell label="Findings" name="findings" error=field_error(errors, "findings")>
                <textarea id="findings" rows="3" bind:value=findings aria-describedby="findings-error"></textarea>
            </FieldShell>
            <FieldShell label="Services reviewed (ours and other agencies')" name="services" error=field_error(errors, "services")>
                <textarea id="services" rows="3" bind:value=services aria-describedby="services-error"></textarea>
            </FieldShell>
            <FieldShell label="Decisions" name="decisions" error=field_error(errors, "decisions")>
                <textarea id="decisions" rows="3" bind:value=decisions aria-describedby="decisions-error"></textarea>
            </FieldShell>
            <FieldShell label="Attachments (references)" name="attachments" error=field_error(errors, "attachments")>
                <input id="attachments" type="text" bind:value=attachments aria-describedby="attachments-error"/>
            </FieldShell>
            {move || failure.get().filter(|e| e.field_errors().is_empty()).map(|e| view! { <ErrorNotice error=e/> })}
            <button type="submit" class="primary">"Record the review"</button>
        </form>
    }
}

#[component]
fn TrainingForm(roster: Vec<RosterPerson>, reload: Callback<()>) -> impl IntoView {
    let date = RwSignal::new(String::new());
    let topic = RwSignal::new(String::new());
    let trainer = RwSignal::new(String::new());
    let materials = RwSignal::new(String::new());
    let attendees = RwSignal::new(Vec::<String>::new());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let failure = RwSignal::new(None::<AppError>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let d = TrainingDraft {
            id: uuid::Uuid::now_v7().to_string(),
            date: date.get_untracked(),
            topic: topic.get_untracked(),
            trainer: trainer.get_untracked(),
            attendees: attendees.get_untracked(),
            materials: materials.get_untracked(),
        };
        if let Err(e) = validate_training(&d, chrono::Local::now().date_naive()) {
            errors.set(e);
            return;
        }
        crate::ui::submit(errors, failure, reload, move || save_training(d));
    };
    view! {
        <form class="form" aria-label="Record a training session" novalidate on:submit=submit>
            <h3>"Record a training session"</h3>
            <FieldShell label="Date" name="training-date" error=field_error(errors, "date")>
                <input id="training-date" type="date" bind:value=date aria-describedby="training-date-error"/>
            </FieldShell>
            <FieldShell label="Topic" name="topic" error=field_error(errors, "topic")>
                <input id="topic" type="text" bind:value=topic aria-describedby="topic-error"/>
            </FieldShell>
            <FieldShell label="Trainer" name="trainer" error=field_error(errors, "trainer")>
                <input id="trainer" type="text" bind:value=trainer aria-describedby="trainer-error"/>
            </FieldShell>
            <fieldset class="roles" id="attendees">
                <legend>"Attendees"</legend>
                {roster.into_iter().map(|p| {
                    let id = p.id.clone();
                    let id2 = p.id.clone();
                    view! {
                        <label class="check">
                            <input type="checkbox" prop:checked=move || attendees.with(|a| a.contains(&id))
                                on:change=move |_| attendees.update(|a| {
                                    if let Some(i) = a.iter().position(|x| *x == id2) { a.remove(i); } else { a.push(id2.clone()); }
                                })/>
                            " " {p.name}
                        </label>
                    }
                }).collect_view()}
                <p class="field-error" id="attendees-error" aria-live="polite">{move || crate::ui::field_message(errors, "attendees")}</p>
            </fieldset>
            <FieldShell label="Materials" name="materials" error=field_error(errors, "materials")>
                <textarea id="materials" rows="2" bind:value=materials aria-describedby="materials-error"></textarea>
            </FieldShell>
            {move || failure.get().filter(|e| e.field_errors().is_empty()).map(|e| view! { <ErrorNotice error=e/> })}
            <button type="submit" class="primary">"Record the session"</button>
        </form>
    }
}

#[component]
fn PublicInfoForm(reload: Callback<()>) -> impl IntoView {
    let date = RwSignal::new(String::new());
    let medium = RwSignal::new(String::new());
    let audience = RwSignal::new(String::new());
    let material = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let failure = RwSignal::new(None::<AppError>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let d = PublicInfoDraft {
            id: uuid::Uuid::now_v7().to_string(),
            date: date.get_untracked(),
            medium: medium.get_untracked(),
            audience: audience.get_untracked(),
            material: material.get_untracked(),
        };
        if let Err(e) = validate_public_info(&d, chrono::Local::now().date_naive()) {
            errors.set(e);
            return;
        }
        crate::ui::submit(errors, failure, reload, move || save_public_info(d));
    };
    view! {
        <form class="form" aria-label="Record a public-information activity" novalidate on:submit=submit>
            <h3>"Record an activity"</h3>
            <FieldShell label="Date" name="public-date" error=field_error(errors, "date")>
                <input id="public-date" type="date" bind:value=date aria-describedby="public-date-error"/>
            </FieldShell>
            <FieldShell label="Medium" name="medium" error=field_error(errors, "medium")>
                <input id="medium" type="text" bind:value=medium aria-describedby="medium-error"/>
            </FieldShell>
            <FieldShell label="Audience" name="audience" error=field_error(errors, "audience")>
                <input id="audience" type="text" bind:value=audience aria-describedby="audience-error"/>
            </FieldShell>
            <FieldShell label="Material" name="material" error=field_error(errors, "material")>
                <textarea id="material" rows="2" bind:value=material aria-describedby="material-error"></textarea>
            </FieldShell>
            {move || failure.get().filter(|e| e.field_errors().is_empty()).map(|e| view! { <ErrorNotice error=e/> })}
            <button type="submit" class="primary">"Record the activity"</button>
        </form>
    }
}
