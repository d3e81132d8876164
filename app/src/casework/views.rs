//! Casework screens: the client list with "new client" (and its possible-duplicate warning), a
//! client's file, the officers' contact check and the social worker's follow-ups.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::api::{
    add_personal_note, check_contact, follow_ups_due, get_client, list_clients, save_client,
};
use super::domain::{validate_client, ClientDraft, Protection};
use super::visit_views::VisitCard;
use super::{ClientFile, ClientSummary};
use crate::error::{AppError, FieldError};
use crate::funds::views::{focus_first_invalid, FieldShell};
use crate::privacy::Pii;
use crate::ui::{ErrorNotice, LocalTime, Page};

/// The message of the first error on `field`, if any.
fn labels(protections: &[Protection]) -> impl IntoView {
    protections
        .iter()
        .map(|p| view! { <span class="badge protected">{p.label()}</span> " " })
        .collect_view()
}

fn born(c: &ClientSummary) -> String {
    match (c.date_of_birth, c.age) {
        (Some(d), _) => format!("born {}", d.format("%Y-%m-%d")),
        (None, Some(a)) => format!("about {a} years old"),
        (None, None) => String::new(),
    }
}

#[component]
pub fn ClientsPage() -> impl IntoView {
    let search = RwSignal::new(String::new());
    let clients = Resource::new(move || search.get(), list_clients);
    view! {
        <Page title="Clients">
            <p><a class="action primary" href="#new-client">"New client"</a></p>
            <div class="field">
                <label for="client-search">"Find a client by name"</label>
                <input id="client-search" type="search" autocomplete="off"
                    on:change=move |ev| search.set(event_target_value(&ev))/>
            </div>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match clients.await {
                        Ok(list) if list.is_empty() => view! { <p>"No client yet."</p> }.into_any(),
                        Ok(list) => view! { <ClientList clients=list/> }.into_any(),
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    }
                })}
            </Transition>
            <NewClientForm/>
        </Page>
    }
}

#[component]
fn ClientList(clients: Vec<ClientSummary>) -> impl IntoView {
    view! {
        <ul class="list" id="clients">
            {clients.into_iter().map(|c| {
                let href = format!("/clients/{}", c.id);
                let meta = born(&c);
                view! {
                    <li>
                        <a href=href><Pii text=c.name.clone()/></a>
                        " " <span class="meta">{meta}</span> " " {labels(&c.protections)}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

#[component]
fn NewClientForm() -> impl IntoView {
    let id = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let dob = RwSignal::new(String::new());
    let age = RwSignal::new(String::new());
    let telephone = RwSignal::new(String::new());
    let address = RwSignal::new(String::new());
    let language = RwSignal::new(String::new());
    let household = RwSignal::new(String::new());
    let protections = RwSignal::new(Vec::<Protection>::new());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let failure = RwSignal::new(None::<AppError>);
    let look_alikes = RwSignal::new(Vec::<ClientSummary>::new());
    let pending = RwSignal::new(false);
    Effect::new(move |_| {
        if id.get_untracked().is_empty() {
            id.set(uuid::Uuid::now_v7().to_string());
        }
    });
    let draft = move || ClientDraft {
        id: id.get_untracked(),
        name: name.get_untracked(),
        date_of_birth: dob.get_untracked(),
        age: age.get_untracked(),
        telephone: telephone.get_untracked(),
        address: address.get_untracked(),
        preferred_language: language.get_untracked(),
        household: household.get_untracked(),
        protections: protections
            .get_untracked()
            .iter()
            .map(|p| p.code().to_string())
            .collect(),
    };
    let navigate = leptos_router::hooks::use_navigate();
    let send = move |confirmed_new: bool| {
        let d = draft();
        let today = chrono::Local::now().date_naive();
        if let Err(e) = validate_client(&d, today) {
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
            match save_client(d, confirmed_new).await {
                Ok(s) if s.saved => navigate(&format!("/clients/{}", s.id), Default::default()),
                Ok(s) => look_alikes.set(s.possible_duplicates),
                Err(e) => {
                    errors.set(e.field_errors().to_vec());
                    failure.set(Some(e));
                    focus_first_invalid();
                }
            }
            pending.set(false);
        });
    };
    let send_again = send.clone();
    let err = move |field: &'static str| crate::ui::field_error(errors, field);
    let invalid = move |field: &'static str| {
        move || {
            crate::ui::field_message(errors, field)
                .is_some()
                .to_string()
        }
    };
    view! {
        <form class="form" id="new-client" aria-label="New client" novalidate
            on:submit=move |ev| { ev.prevent_default(); send(false); }>
            <h2>"New client"</h2>
            <p class="hint">"Only what the service needs (NASW 1.07a)."</p>
            <FieldShell label="Name" name="name" error=err("name")>
                <input id="name" type="text" autocomplete="off" bind:value=name
                    aria-invalid=invalid("name") aria-describedby="name-error"/>
            </FieldShell>
            <div class="row">
                <FieldShell label="Date of birth" name="date_of_birth" error=err("date_of_birth")>
                    <input id="date_of_birth" type="date" bind:value=dob
                        aria-invalid=invalid("date_of_birth") aria-describedby="date_of_birth-error"/>
                </FieldShell>
                <FieldShell label="Or age (about)" name="age" error=err("age")>
                    <input id="age" type="text" inputmode="numeric" autocomplete="off" bind:value=age
                        aria-invalid=invalid("age") aria-describedby="age-error"/>
                </FieldShell>
            </div>
            <FieldShell label="Telephone" name="telephone" error=err("telephone")>
                <input id="telephone" type="tel" autocomplete="off" bind:value=telephone
                    aria-invalid=invalid("telephone") aria-describedby="telephone-error"/>
            </FieldShell>
            <FieldShell label="Address" name="address" error=err("address")>
                <input id="address" type="text" autocomplete="off" bind:value=address
                    aria-invalid=invalid("address") aria-describedby="address-error"/>
            </FieldShell>
            <FieldShell label="Preferred language" name="preferred_language" error=err("preferred_language")>
                <input id="preferred_language" type="text" autocomplete="off" bind:value=language
                    aria-invalid=invalid("preferred_language") aria-describedby="preferred_language-error"/>
            </FieldShell>
            <FieldShell label="Household members (one per line)" name="household" error=err("household")>
                <textarea id="household" rows="3" bind:value=household
                    aria-invalid=invalid("household") aria-describedby="household-error"></textarea>
            </FieldShell>
            <fieldset class="roles">
                <legend>"Extra protection"</legend>
                {Protection::ALL.into_iter().map(|p| view! {
                    <label class="check">
                        <input type="checkbox" value=p.code()
                            prop:checked=move || protections.with(|c| c.contains(&p))
                            on:change=move |_| protections.update(|c| {
                                if let Some(i) = c.iter().position(|x| *x == p) { c.remove(i); } else { c.push(p); }
                            })/>
                        " " {p.label()}
                    </label>
                }).collect_view()}
                <p class="field-error" id="protections-error">{move || crate::ui::field_message(errors, "protections")}</p>
            </fieldset>
            <Show when=move || !look_alikes.with(Vec::is_empty)>
                <div class="notice warn" role="alert" id="possible-duplicates">
                    <p>"This looks like someone Haven already knows:"</p>
                    <ClientList clients=look_alikes.get()/>
                    <button type="button" on:click={
                        let send_again = send_again.clone();
                        move |_| send_again(true)
                    }>"It is somebody else: save as a new client"</button>
                </div>
            </Show>
            {move || failure.get().filter(|e| e.field_errors().is_empty()).map(|e| view! { <ErrorNotice error=e/> })}
            <button type="submit" class="primary" disabled=move || pending.get()>"Save the client"</button>
        </form>
    }
}

#[component]
pub fn ClientPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let file = Resource::new(id, get_client);
    let reload = Callback::new(move |_: ()| file.refetch());
    view! {
        <Page title="Client">
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match file.await {
                        Ok(f) => view! { <ClientFileView file=f reload=reload/> }.into_any(),
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </Page>
    }
}

#[component]
fn ClientFileView(file: ClientFile, reload: Callback<()>) -> impl IntoView {
    let c = file.client;
    let client_id = c.summary.id.clone();
    let visit_href = format!("/visits/new?client={client_id}");
    view! {
        <section class="card" id="client" aria-label="Client record">
            <h2><Pii text=c.summary.name.clone()/></h2>
            <p class="meta">{born(&c.summary)} " " {labels(&c.summary.protections)}</p>
            <dl>
                {c.telephone.clone().map(|t| view! { <dt>"Telephone"</dt><dd><Pii text=t/></dd> })}
                {c.address.clone().map(|a| view! { <dt>"Address"</dt><dd><Pii text=a/></dd> })}
                {c.preferred_language.clone().map(|l| view! { <dt>"Preferred language"</dt><dd>{l}</dd> })}
                {c.household.clone().map(|h| view! { <dt>"Household"</dt><dd class="pre"><Pii text=h/></dd> })}
            </dl>
        </section>
        <p>
            <a class="action primary" href=visit_href>"Record a crisis visit"</a> " "
            <a class="action" href=format!("/clients/{client_id}/release")>"Consent and disclosure"</a>
        </p>
        <h2>"Visits"</h2>
        {file.visits.is_empty().then(|| view! { <p>"No visit recorded yet."</p> })}
        {file.visits.into_iter().map(|v| view! { <VisitCard visit=v reload=reload/> }).collect_view()}
        <crate::directory::views::Referrals client=client_id.clone()/>
        <PersonalNotes client=client_id notes=file.personal_notes reload=reload/>
    }
}

#[component]
fn PersonalNotes(
    client: String,
    notes: Vec<super::PersonalNote>,
    reload: Callback<()>,
) -> impl IntoView {
    let text = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let add = move |_| {
        let client = client.clone();
        let body = text.get_untracked();
        if let Err(e) = super::domain::validate_note_text("text", &body) {
            errors.set(e);
            return;
        }
        leptos::task::spawn_local(async move {
            match add_personal_note(client, uuid::Uuid::now_v7().to_string(), body).await {
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
        <section class="card personal" id="personal-notes" aria-label="Personal notes">
            <h2>"My personal notes"</h2>
            <p class="hint">"Only you see these. They are never part of an export, a disclosure or the client's copy."</p>
            <ul class="list">
                {notes.into_iter().map(|n| view! {
                    <li><p class="pre"><Pii text=n.text/></p><p class="meta"><LocalTime at=n.at/></p></li>
                }).collect_view()}
            </ul>
            <div class="field">
                <label for="personal-note">"New personal note"</label>
                <textarea id="personal-note" rows="3" bind:value=text aria-describedby="personal-note-error"></textarea>
                <p class="field-error" id="personal-note-error" aria-live="polite">{move || crate::ui::field_message(errors, "text")}</p>
            </div>
            <button type="button" on:click=add>"Add the personal note"</button>
        </section>
    }
}

/// The social worker's follow-ups due today or earlier (home screen).
#[component]
pub fn FollowUpsDue() -> impl IntoView {
    let due = Resource::new(|| (), |_| follow_ups_due());
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                due.await.ok().filter(|d| !d.is_empty()).map(|list| view! {
                    <section class="notice" id="follow-ups" aria-label="Follow-ups due">
                        <h2>"Follow-ups due"</h2>
                        <ul class="list">
                            {list.into_iter().map(|f| view! {
                                <li>
                                    <a href=format!("/clients/{}", f.client_id)><Pii text=f.client_name/></a>
                                    " — " {f.kind.label()} ", due " {f.due.format("%Y-%m-%d").to_string()}
                                </li>
                            }).collect_view()}
                        </ul>
                    </section>
                })
            })}
        </Transition>
    }
}

/// For officers and supervisors: is this person known to the Social Service Unit?
#[component]
pub fn ContactCheckPage() -> impl IntoView {
    let name = RwSignal::new(String::new());
    let dob = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let answer = RwSignal::new(None::<super::ContactCheck>);
    let failure = RwSignal::new(None::<AppError>);
    let check = move || {
        let (n, d) = (name.get_untracked(), dob.get_untracked());
        if let Err(e) = super::domain::validate_contact_check(&n, &d) {
            errors.set(e);
            answer.set(None);
            return;
        }
        errors.set(vec![]);
        failure.set(None);
        leptos::task::spawn_local(async move {
            match check_contact(n, d).await {
                Ok(a) => answer.set(Some(a)),
                Err(e) => {
                    errors.set(e.field_errors().to_vec());
                    failure.set(Some(e));
                }
            }
        });
    };
    let err = move |field: &'static str| crate::ui::field_error(errors, field);
    view! {
        <Page title="Social-services contact check">
            <form class="form" aria-label="Contact check" novalidate
                on:submit=move |ev| { ev.prevent_default(); check(); }>
                <p class="hint">"Haven answers yes or no. Anything more comes from the social worker."</p>
                <FieldShell label="Name" name="name" error=err("name")>
                    <input id="name" type="text" autocomplete="off" bind:value=name aria-describedby="name-error"/>
                </FieldShell>
                <FieldShell label="Date of birth (if known)" name="date_of_birth" error=err("date_of_birth")>
                    <input id="date_of_birth" type="date" bind:value=dob aria-describedby="date_of_birth-error"/>
                </FieldShell>
                {move || failure.get().filter(|e| e.field_errors().is_empty()).map(|e| view! { <ErrorNotice error=e/> })}
                <button type="submit" class="primary">"Check"</button>
            </form>
            {move || answer.get().map(|a| view! {
                <p class=if a.has_contact { "notice warn" } else { "notice" } role="status" id="contact-answer">
                    {a.message()}
                </p>
            })}
        </Page>
    }
}
