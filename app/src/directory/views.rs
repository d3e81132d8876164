//! The directory screen (search by words and program, the social worker's "add an agency") and
//! the referrals section of a client's file.

use leptos::prelude::*;

use super::api::{client_referrals, list_agencies, refer_client, referral_outcome, save_agency};
use super::domain::{
    search, validate_agency, validate_referral, Agency, AgencyDraft, Program, ReferralDraft,
    ReferralOutcome,
};
use super::Referral;
use crate::error::{AppError, FieldError};
use crate::funds::views::FieldShell;
use crate::ui::{ErrorNotice, LocalTime, Page};

fn program_filter(code: &str) -> Option<Program> {
    Program::from_code(code)
}

/// One agency as a search result.
fn agency_card(a: &Agency) -> impl IntoView {
    let programs = a
        .programs
        .iter()
        .map(|p| p.label())
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <li class="card agency" id=format!("agency-{}", a.id)>
            <strong>{a.name.clone()}</strong>
            <p class="meta">{programs}</p>
            {a.telephone.clone().map(|t| view! { <p><a href=format!("tel:{}", t.replace(' ', ""))>{t.clone()}</a></p> })}
            {a.address.clone().map(|x| view! { <p>{x}</p> })}
            {a.hours.clone().map(|h| view! { <p class="meta">"Hours: " {h}</p> })}
            {(!a.languages.is_empty()).then(|| view! { <p class="meta">"Languages: " {a.languages.join(", ")}</p> })}
            {a.eligibility.clone().map(|e| view! { <p class="meta">"Eligibility: " {e}</p> })}
            <p class="meta">{match a.last_verified {
                Some(d) => format!("Last verified {}", d.format("%Y-%m-%d")),
                None => "Never verified".to_string(),
            }}</p>
        </li>
    }
}

#[component]
pub fn DirectoryPage() -> impl IntoView {
    let agencies = Resource::new(|| (), |_| list_agencies());
    let me = Resource::new(|| (), |_| crate::auth::api::whoami());
    let query = RwSignal::new(String::new());
    let program = RwSignal::new(String::new());
    view! {
        <Page title="Resource Directory">
            <div class="row">
                <div class="field">
                    <label for="directory-search">"Search"</label>
                    <input id="directory-search" type="search" autocomplete="off"
                        on:input=move |ev| query.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="directory-program">"Program"</label>
                    <select id="directory-program" on:change=move |ev| program.set(event_target_value(&ev))>
                        <option value="">"All programs"</option>
                        {Program::ALL.into_iter().map(|p| view! { <option value=p.code()>{p.label()}</option> }).collect_view()}
                    </select>
                </div>
            </div>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match agencies.await {
                        Ok(all) => view! {
                            <ul class="cards" id="agencies">
                                {move || {
                                    let found = search(&all, &query.get(), program_filter(&program.get()));
                                    if found.is_empty() {
                                        view! { <li>"No agency matches."</li> }.into_any()
                                    } else {
                                        found.into_iter().map(agency_card).collect_view().into_any()
                                    }
                                }}
                            </ul>
                        }.into_any(),
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    }
                })}
            </Transition>
            <p><a href="/api/directory.csv" download="haven-directory-hsds.csv" rel="external">"Download the directory (Open Referral HSDS CSV)"</a></p>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    me.await.ok().flatten().filter(crate::auth::policy::does_casework)
                        .map(|_| {
                            let saved = Callback::new(move |_| agencies.refetch());
                            view! {
                                <AgencyForm on_saved=saved/>
                                <ImportForm on_done=saved/>
                            }
                        })
                })}
            </Transition>
        </Page>
    }
}

#[component]
fn AgencyForm(on_saved: Callback<()>) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let programs = RwSignal::new(Vec::<Program>::new());
    let address = RwSignal::new(String::new());
    let telephone = RwSignal::new(String::new());
    let hours = RwSignal::new(String::new());
    let languages = RwSignal::new(String::new());
    let eligibility = RwSignal::new(String::new());
    let verified = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let saved = RwSignal::new(None::<String>);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let draft = AgencyDraft {
            id: uuid::Uuid::now_v7().to_string(),
            name: name.get_untracked(),
            programs: programs
                .get_untracked()
                .iter()
                .map(|p| p.code().to_string())
                .collect(),
            address: address.get_untracked(),
            telephone: telephone.get_untracked(),
            hours: hours.get_untracked(),
            languages: languages.get_untracked(),
            eligibility: eligibility.get_untracked(),
            last_verified: verified.get_untracked(),
        };
        if let Err(e) = validate_agency(&draft, chrono::Local::now().date_naive()) {
            errors.set(e);
            return;
        }
        errors.set(vec![]);
        leptos::task::spawn_local(async move {
            match save_agency(draft).await {
                Ok(a) => {
                    saved.set(Some(format!("Added {}.", a.name)));
                    for f in [
                        name,
                        address,
                        telephone,
                        hours,
                        languages,
                        eligibility,
                        verified,
                    ] {
                        f.set(String::new());
                    }
                    programs.set(vec![]);
                    on_saved.run(());
                }
                Err(e) => errors.set(e.field_errors().to_vec()),
            }
        });
    };
    let err = move |field: &'static str| crate::ui::field_error(errors, field);
    view! {
        <form class="form" id="new-agency" aria-label="Add an agency" on:submit=save novalidate>
            <h2>"Add an agency"</h2>
            <FieldShell label="Agency" name="agency-name" error=err("name")>
                <input id="agency-name" type="text" bind:value=name aria-describedby="agency-name-error"/>
            </FieldShell>
            <fieldset class="roles" aria-describedby="programs-error">
                <legend>"Programs"</legend>
                {Program::ALL.into_iter().map(|p| view! {
                    <label class="check">
                        <input type="checkbox" value=p.code()
                            prop:checked=move || programs.with(|c| c.contains(&p))
                            on:change=move |_| programs.update(|c| {
                                if let Some(i) = c.iter().position(|x| *x == p) { c.remove(i); } else { c.push(p); }
                            })/>
                        " " {p.label()}
                    </label>
                }).collect_view()}
                <p class="field-error" id="programs-error">{move || crate::ui::field_message(errors, "programs")}</p>
            </fieldset>
            <FieldShell label="Address" name="agency-address" error=err("address")>
                <input id="agency-address" type="text" bind:value=address aria-describedby="agency-address-error"/>
            </FieldShell>
            <FieldShell label="Telephone" name="agency-telephone" error=err("telephone")>
                <input id="agency-telephone" type="tel" bind:value=telephone aria-describedby="agency-telephone-error"/>
            </FieldShell>
            <FieldShell label="Hours" name="agency-hours" error=err("hours")>
                <input id="agency-hours" type="text" bind:value=hours aria-describedby="agency-hours-error"/>
            </FieldShell>
            <FieldShell label="Languages (comma-separated)" name="agency-languages" error=err("languages")>
                <input id="agency-languages" type="text" bind:value=languages aria-describedby="agency-languages-error"/>
            </FieldShell>
            <FieldShell label="Eligibility" name="agency-eligibility" error=err("eligibility")>
                <input id="agency-eligibility" type="text" bind:value=eligibility aria-describedby="agency-eligibility-error"/>
            </FieldShell>
            <FieldShell label="Last verified" name="agency-verified" error=err("last_verified")>
                <input id="agency-verified" type="date" bind:value=verified aria-describedby="agency-verified-error"/>
            </FieldShell>
            <p class="meta" role="status" id="agency-saved">{move || saved.get()}</p>
            <button type="submit" class="primary">"Add the agency"</button>
        </form>
    }
}

/// The referrals of a client, with "refer to an agency" (client's file).
#[component]
pub fn Referrals(client: String) -> impl IntoView {
    let client = StoredValue::new(client);
    let list = Resource::new(move || client.get_value(), client_referrals);
    let agencies = Resource::new(|| (), |_| list_agencies());
    let reload = Callback::new(move |_: ()| list.refetch());
    view! {
        <section class="card" id="referrals" aria-label="Referrals">
            <h2>"Referrals"</h2>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(l) if l.is_empty() => view! { <p>"No referral yet."</p> }.into_any(),
                        Ok(l) => view! {
                            <ul class="list">{l.into_iter().map(|r| view! { <ReferralLine r=r reload=reload/> }).collect_view()}</ul>
                        }.into_any(),
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    }
                })}
            </Transition>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    agencies.await.ok().map(|all| view! { <ReferForm client=client.get_value() agencies=all reload=reload/> })
                })}
            </Transition>
        </section>
    }
}

#[component]
fn ReferralLine(r: Referral, reload: Callback<()>) -> impl IntoView {
    let id = r.id.clone();
    let failure = RwSignal::new(None::<AppError>);
    let change = move |ev: leptos::ev::Event| {
        let (id, outcome) = (id.clone(), event_target_value(&ev));
        leptos::task::spawn_local(async move {
            match referral_outcome(id, outcome, String::new()).await {
                Ok(()) => reload.run(()),
                Err(e) => failure.set(Some(e)),
            }
        });
    };
    let select_id = format!("outcome-{}", r.id);
    view! {
        <li class="referral">
            <strong>{r.agency_name.clone()}</strong>
            {r.agency_telephone.clone().map(|t| view! { " · " <a href=format!("tel:{}", t.replace(' ', ""))>{t.clone()}</a> })}
            <p class="pre"><crate::privacy::Pii text=r.reason.clone()/></p>
            <p class="meta">{r.made_by_name.clone()} ", " <LocalTime at=r.made_at/>
                {r.follow_up_on.map(|d| format!(" · follow up on {}", d.format("%Y-%m-%d")))}</p>
            <label for=select_id.clone()>"Outcome"</label>
            <select id=select_id on:change=change prop:value=r.outcome.code()>
                {ReferralOutcome::ALL.into_iter().map(|o| view! {
                    <option value=o.code() selected=o == r.outcome>{o.label()}</option>
                }).collect_view()}
            </select>
            {move || failure.get().map(|e| view! { <ErrorNotice error=e/> })}
        </li>
    }
}

#[component]
fn ReferForm(client: String, agencies: Vec<Agency>, reload: Callback<()>) -> impl IntoView {
    let agencies = StoredValue::new(agencies);
    let query = RwSignal::new(String::new());
    let agency = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let follow_up = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let client = StoredValue::new(client);
    let refer = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let draft = ReferralDraft {
            id: uuid::Uuid::now_v7().to_string(),
            client_id: client.get_value(),
            agency_id: agency.get_untracked(),
            reason: reason.get_untracked(),
            follow_up_on: follow_up.get_untracked(),
        };
        if let Err(e) = validate_referral(&draft) {
            errors.set(e);
            return;
        }
        errors.set(vec![]);
        leptos::task::spawn_local(async move {
            match refer_client(draft).await {
                Ok(()) => {
                    reason.set(String::new());
                    follow_up.set(String::new());
                    reload.run(());
                }
                Err(e) => errors.set(e.field_errors().to_vec()),
            }
        });
    };
    let err = move |field: &'static str| crate::ui::field_error(errors, field);
    view! {
        <form class="form" id="refer" aria-label="Refer to an agency" on:submit=refer novalidate>
            <h3>"Refer to an agency"</h3>
            <div class="field">
                <label for="refer-search">"Find an agency"</label>
                <input id="refer-search" type="search" autocomplete="off"
                    on:input=move |ev| query.set(event_target_value(&ev))/>
            </div>
            <FieldShell label="Agency" name="refer-agency" error=err("agency_id")>
                <select id="refer-agency" on:change=move |ev| agency.set(event_target_value(&ev))
                    aria-describedby="refer-agency-error">
                    <option value="">"Choose…"</option>
                    {move || agencies.with_value(|all| {
                        search(all, &query.get(), None).into_iter().map(|a| view! {
                            <option value=a.id.clone()>{a.name.clone()}</option>
                        }).collect_view()
                    })}
                </select>
            </FieldShell>
            <FieldShell label="Reason for the referral" name="refer-reason" error=err("reason")>
                <textarea id="refer-reason" rows="2" bind:value=reason aria-describedby="refer-reason-error"></textarea>
            </FieldShell>
            <FieldShell label="Follow up on" name="refer-follow-up" error=err("follow_up_on")>
                <input id="refer-follow-up" type="date" bind:value=follow_up aria-describedby="refer-follow-up-error"/>
            </FieldShell>
            <button type="submit" class="primary">"Refer"</button>
        </form>
    }
}

/// Load a county list (Open Referral HSDS CSV).
#[component]
fn ImportForm(on_done: Callback<()>) -> impl IntoView {
    let report = RwSignal::new(None::<super::api::ImportReport>);
    let failure = RwSignal::new(None::<AppError>);
    let chosen = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let file = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
                .and_then(|i| i.files())
                .and_then(|f| f.get(0));
            let Some(file) = file else { return };
            leptos::task::spawn_local(async move {
                let text = wasm_bindgen_futures::JsFuture::from(file.text())
                    .await
                    .ok()
                    .and_then(|t| t.as_string())
                    .unwrap_or_default();
                match super::api::import_directory(text).await {
                    Ok(r) => {
                        report.set(Some(r));
                        failure.set(None);
                        on_done.run(());
                    }
                    Err(e) => failure.set(Some(e)),
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, on_done);
    };
    view! {
        <section class="card" id="import" aria-label="Import a county list">
            <h2>"Import a county list"</h2>
            <p class="hint">"An Open Referral HSDS CSV: one row per service, with name, taxonomy_terms, phone, address_1, schedule_description, languages, eligibility_description, last_modified."</p>
            <label for="import-file">"HSDS CSV file"</label>
            <input id="import-file" type="file" accept=".csv,text/csv" on:change=chosen/>
            {move || report.get().map(|r| view! {
                <p class="notice" role="status" id="import-report">
                    {format!("Imported {} agencies.", r.imported)}
                    {(!r.refused.is_empty()).then(|| format!(" Refused {} row(s):", r.refused.len()))}
                </p>
                <ul class="list">
                    {r.refused.iter().map(|e| view! {
                        <li>{format!("line {}: {}", e.line, e.fields.iter().map(|f| format!("{} — {}", f.field, f.message())).collect::<Vec<_>>().join("; "))}</li>
                    }).collect_view()}
                </ul>
            })}
            {move || failure.get().map(|e| {
                let detail = e.field_errors().iter().map(FieldError::message).collect::<Vec<_>>().join(" ");
                view! { <p class="notice error" role="alert">{e.message()} " " {detail}</p> }
            })}
        </section>
    }
}
