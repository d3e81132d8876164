//! The administrator's screen (`/admin`): department settings, people and their roles, new accounts.
//! Nothing here shows client content.

use leptos::prelude::*;

use super::api::{create_account, list_people, set_active, set_roles, update_settings};
use super::{NewPerson, PersonSummary};
use crate::auth::Role;
use crate::error::{AppError, FieldError};
use crate::settings::{get_department_settings, DepartmentSettings, SettingsDraft};
use crate::ui::{ErrorNotice, Page};

#[component]
pub fn AdminPage() -> impl IntoView {
    let settings = Resource::new(|| (), |_| get_department_settings());
    let people = Resource::new(|| (), |_| list_people());
    let refresh = Callback::new(move |_: ()| people.refetch());
    view! {
        <Page title="Administration">
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match settings.await {
                        Ok(s) => view! { <SettingsForm current=s/> }.into_any(),
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    }
                })}
            </Transition>
            <h2>"People"</h2>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match people.await {
                        Ok(list) => view! { <PeopleTable people=list refresh=refresh/> }.into_any(),
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    }
                })}
            </Transition>
            <NewAccountForm refresh=refresh/>
        </Page>
    }
}

/// One labelled text input of the settings form, with its error.
#[component]
fn SettingInput(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    errors: RwSignal<Vec<FieldError>>,
    #[prop(optional)] decimal: bool,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input id=id type="text" inputmode=if decimal { "decimal" } else { "numeric" }
                bind:value=value aria-describedby=error_id.clone()
                aria-invalid=move || crate::ui::field_message(errors, id).is_some().to_string()/>
            <p class="field-error" id=error_id role="alert">{move || crate::ui::field_message(errors, id)}</p>
        </div>
    }
}

#[component]
fn SettingsForm(current: DepartmentSettings) -> impl IntoView {
    let d = SettingsDraft::from(&current);
    let name = RwSignal::new(d.name);
    let cap = RwSignal::new(d.chief_approval_cap);
    let floor = RwSignal::new(d.minimum_cash_balance);
    let ceiling = RwSignal::new(d.request_amount_ceiling);
    let months = RwSignal::new(d.victim_review_interval_months);
    let age = RwSignal::new(d.request_date_max_age_days);
    let hold = RwSignal::new(d.hold_expiry_days);
    let casework_years = RwSignal::new(d.casework_retention_years);
    let fund_years = RwSignal::new(d.fund_retention_years);
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let failure = RwSignal::new(None::<AppError>);
    let saved = RwSignal::new(false);
    let save = move || {
        let draft = SettingsDraft {
            name: name.get_untracked(),
            chief_approval_cap: cap.get_untracked(),
            minimum_cash_balance: floor.get_untracked(),
            request_amount_ceiling: ceiling.get_untracked(),
            victim_review_interval_months: months.get_untracked(),
            request_date_max_age_days: age.get_untracked(),
            hold_expiry_days: hold.get_untracked(),
            casework_retention_years: casework_years.get_untracked(),
            fund_retention_years: fund_years.get_untracked(),
        };
        // The same rules as the server, before anything is sent.
        if let Err(e) = crate::settings::validate(&draft) {
            errors.set(e);
            saved.set(false);
            return;
        }
        errors.set(vec![]);
        failure.set(None);
        leptos::task::spawn_local(async move {
            match update_settings(draft).await {
                Ok(_) => saved.set(true),
                Err(e) => {
                    saved.set(false);
                    errors.set(e.field_errors().to_vec());
                    failure.set(Some(e));
                }
            }
        });
    };
    view! {
        <form class="form" id="settings" aria-label="Department settings"
            on:submit=move |ev| { ev.prevent_default(); save(); }>
            <h2>"Department settings"</h2>
            <div class="field">
                <label for="name">"Department"</label>
                <input id="name" type="text" bind:value=name aria-describedby="name-error"/>
                <p class="field-error" id="name-error" role="alert">{move || crate::ui::field_message(errors, "name")}</p>
            </div>
            <SettingInput id="chief_approval_cap" label="Chief's approval needed above ($)" value=cap errors=errors decimal=true/>
            <SettingInput id="minimum_cash_balance" label="Minimum cash to keep in the box ($)" value=floor errors=errors decimal=true/>
            <SettingInput id="request_amount_ceiling" label="Largest request accepted ($)" value=ceiling errors=errors decimal=true/>
            <SettingInput id="victim_review_interval_months" label="Victim/witness needs review every (months)" value=months errors=errors/>
            <SettingInput id="request_date_max_age_days" label="A request form may be dated back (days)" value=age errors=errors/>
            <SettingInput id="hold_expiry_days" label="An approval not disbursed lapses after (days)" value=hold errors=errors/>
            <SettingInput id="casework_retention_years" label="Client files are kept after their last activity (years)" value=casework_years errors=errors/>
            <SettingInput id="fund_retention_years" label="Fund requests' resident details are kept (years)" value=fund_years errors=errors/>
            {move || failure.get().filter(|e| e.field_errors().is_empty()).map(|e| view! { <ErrorNotice error=e/> })}
            <Show when=move || saved.get()>
                <p class="notice" role="status" id="settings-saved">"Saved. The new settings apply at once."</p>
            </Show>
            <button type="submit" class="primary">"Save settings"</button>
        </form>
    }
}

#[component]
fn PeopleTable(people: Vec<PersonSummary>, refresh: Callback<()>) -> impl IntoView {
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label="People">
            <table class="people" id="people">
                <thead>
                    <tr><th scope="col">"Person"</th><th scope="col">"Roles"</th><th scope="col">"Second factor"</th><th scope="col">"Account"</th></tr>
                </thead>
                <tbody>
                    {people.into_iter().map(|p| view! { <PersonRow p=p refresh=refresh/> }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn PersonRow(p: PersonSummary, refresh: Callback<()>) -> impl IntoView {
    let username = p.username.clone();
    let chosen = RwSignal::new(p.roles.clone());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let note = RwSignal::new(None::<String>);
    let save_roles = {
        let username = username.clone();
        move |_| {
            let (u, codes): (String, Vec<String>) = (
                username.clone(),
                chosen
                    .get_untracked()
                    .iter()
                    .map(|r| r.code().to_string())
                    .collect(),
            );
            errors.set(vec![]);
            leptos::task::spawn_local(async move {
                match set_roles(u, codes).await {
                    Ok(()) => {
                        note.set(Some("Roles saved.".into()));
                        refresh.run(());
                    }
                    Err(e) => errors.set(e.field_errors().to_vec()),
                }
            });
        }
    };
    let toggle_active = {
        let username = username.clone();
        let active = p.active;
        move |_| {
            let u = username.clone();
            errors.set(vec![]);
            leptos::task::spawn_local(async move {
                match set_active(u, !active).await {
                    Ok(()) => refresh.run(()),
                    Err(e) => errors.set(e.field_errors().to_vec()),
                }
            });
        }
    };
    let revoke = {
        let username = username.clone();
        move |_| {
            let u = username.clone();
            errors.set(vec![]);
            leptos::task::spawn_local(async move {
                match crate::offline::api::revoke_devices(u).await {
                    Ok(n) => note.set(Some(format!(
                        "{n} offline device(s) revoked: each wipes itself at its next contact."
                    ))),
                    Err(e) => note.set(Some(e.message())),
                }
            });
        }
    };
    let factors = match (p.passkeys, p.authenticator_app) {
        (0, false) => "None yet (enrols at first sign-in)".to_string(),
        (n, app) => {
            let mut parts = Vec::new();
            if n > 0 {
                parts.push(format!("{n} passkey(s)"));
            }
            if app {
                parts.push("authenticator app".into());
            }
            parts.join(", ")
        }
    };
    let row_id = format!("person-{}", p.username);
    let status = match (p.active, p.locked) {
        (false, _) => "Deactivated",
        (true, true) => "Locked (haven unlock)",
        (true, false) => "Active",
    };
    view! {
        <tr id=row_id>
            <th scope="row">{p.display_name.clone()}<br/><span class="meta">{p.username.clone()}</span></th>
            <td>
                <fieldset class="roles">
                    <legend class="visually-hidden">{format!("Roles of {}", p.display_name)}</legend>
                    {Role::ALL.into_iter().map(|r| view! {
                        <label class="check">
                            <input type="checkbox" value=r.code()
                                prop:checked=move || chosen.with(|c| c.contains(&r))
                                on:change=move |_| chosen.update(|c| {
                                    if let Some(i) = c.iter().position(|x| *x == r) { c.remove(i); } else { c.push(r); }
                                })/>
                            " " {r.label()}
                        </label>
                    }).collect_view()}
                </fieldset>
                <button type="button" on:click=save_roles>"Save roles"</button>
                <p class="field-error" role="alert">{move || crate::ui::field_message(errors, "roles").or_else(|| crate::ui::field_message(errors, "active"))}</p>
                <p class="meta" role="status">{move || note.get()}</p>
            </td>
            <td>{factors}</td>
            <td>
                {status}<br/>
                <button type="button" on:click=toggle_active>{if p.active { "Deactivate" } else { "Reactivate" }}</button>
                <button type="button" on:click=revoke>"Revoke offline devices"</button>
            </td>
        </tr>
    }
}

#[component]
fn NewAccountForm(refresh: Callback<()>) -> impl IntoView {
    let username = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let roles = RwSignal::new(Vec::<Role>::new());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let created = RwSignal::new(None::<String>);
    let create = move || {
        let person = NewPerson {
            username: username.get_untracked(),
            display_name: name.get_untracked(),
            roles: roles
                .get_untracked()
                .iter()
                .map(|r| r.code().to_string())
                .collect(),
            password: password.get_untracked(),
        };
        if let Err(e) = super::validate_new_person(&person) {
            errors.set(e);
            return;
        }
        errors.set(vec![]);
        leptos::task::spawn_local(async move {
            let who = person.username.trim().to_lowercase();
            match create_account(person).await {
                Ok(()) => {
                    created.set(Some(format!("Created {who}: they set up a passkey or an authenticator app at their first sign-in.")));
                    username.set(String::new());
                    name.set(String::new());
                    password.set(String::new());
                    roles.set(vec![]);
                    refresh.run(());
                }
                Err(e) => errors.set(e.field_errors().to_vec()),
            }
        });
    };
    view! {
        <form class="form" id="new-account" aria-label="New account"
            on:submit=move |ev| { ev.prevent_default(); create(); }>
            <h2>"New account"</h2>
            <div class="field">
                <label for="new-username">"Username"</label>
                <input id="new-username" type="text" autocapitalize="none" spellcheck="false" bind:value=username/>
                <p class="field-error" role="alert">{move || crate::ui::field_message(errors, "username")}</p>
            </div>
            <div class="field">
                <label for="new-name">"Name as shown"</label>
                <input id="new-name" type="text" bind:value=name/>
                <p class="field-error" role="alert">{move || crate::ui::field_message(errors, "display_name")}</p>
            </div>
            <fieldset class="roles">
                <legend>"Roles"</legend>
                {Role::ALL.into_iter().map(|r| view! {
                    <label class="check">
                        <input type="checkbox" name="new-role" value=r.code()
                            prop:checked=move || roles.with(|c| c.contains(&r))
                            on:change=move |_| roles.update(|c| {
                                if let Some(i) = c.iter().position(|x| *x == r) { c.remove(i); } else { c.push(r); }
                            })/>
                        " " {r.label()}
                    </label>
                }).collect_view()}
                <p class="field-error" role="alert">{move || crate::ui::field_message(errors, "roles")}</p>
            </fieldset>
            <div class="field">
                <label for="new-password">"First password (15 characters or more)"</label>
                <input id="new-password" type="password" autocomplete="new-password" bind:value=password/>
                <p class="field-error" role="alert">{move || crate::ui::field_message(errors, "password")}</p>
            </div>
            <p class="meta" role="status" id="account-created">{move || created.get()}</p>
            <button type="submit" class="primary">"Create the account"</button>
        </form>
    }
}
