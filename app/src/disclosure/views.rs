//! A client's "Consent and disclosure" page: the consents on file (record, revoke), the disclosure
//! builder (ground, recipient, each item chosen), the log of what left with its PDF, and the
//! client's requests to see their record with the review that produces their copy.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::api::{
    disclose, get_release_file, record_access_request, review_access_request, revoke_consent,
    save_consent,
};
use super::domain::{
    validate_access_request, validate_access_review, validate_consent, validate_disclosure,
    AccessRequestDraft, AccessReviewDraft, Basis, ClientInformed, ConsentDraft, DisclosureDraft,
    InfoKind, Signer, Today, Withheld,
};
use super::{AccessRequestView, ConsentView, DisclosureView, ItemChoice, ReleaseFile};
use crate::error::{AppError, FieldError};
use crate::funds::views::{focus_first_invalid, FieldShell};
use crate::privacy::Pii;
use crate::ui::{field_error, ErrorNotice, LocalTime, Page};

#[component]
pub fn ReleasePage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let file = Resource::new(id, get_release_file);
    let reload = Callback::new(move |_: ()| file.refetch());
    // Outlives the reload that follows a disclosure, so its confirmation stays on screen.
    let made = RwSignal::new(None::<String>);
    view! {
        <Page title="Consent and disclosure">
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match file.await {
                        Ok(f) => view! { <Release file=f reload=reload made=made/> }.into_any(),
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </Page>
    }
}

#[component]
fn Release(
    file: ReleaseFile,
    reload: Callback<()>,
    made: RwSignal<Option<String>>,
) -> impl IntoView {
    let client = file.client_id.clone();
    view! {
        <p>
            <a href=format!("/clients/{client}")>"Back to the file of "<Pii text=file.client_name.clone()/></a>
        </p>
        <p class="hint">
            "Nothing leaves without a valid, unexpired, unrevoked consent that covers it, or a recorded legal exception. "
            "Disclose the least that serves the purpose (NASW 1.07c). Personal notes never leave."
        </p>
        <Consents client=client.clone() consents=file.consents.clone() reload=reload/>
        <DiscloseForm file=file.clone() reload=reload made=made/>
        <Disclosures list=file.disclosures.clone()/>
        <AccessRequests file=file reload=reload/>
    }
}

fn in_force(c: &ConsentView) -> bool {
    c.revoked_at.is_none() && chrono::Local::now().date_naive() <= c.expires_on
}

#[component]
fn Consents(client: String, consents: Vec<ConsentView>, reload: Callback<()>) -> impl IntoView {
    let failure = RwSignal::new(None::<AppError>);
    let client = StoredValue::new(client);
    view! {
        <section class="card" id="consents" aria-label="Consents">
            <h2>"Consents to disclose"</h2>
            {consents.is_empty().then(|| view! { <p>"No consent on file."</p> })}
            <ul class="list">
                {consents.into_iter().map(|c| {
                    let id = c.id.clone();
                    let state = if c.revoked_at.is_some() { "Revoked" } else if in_force(&c) { "In force" } else { "Expired" };
                    let live = in_force(&c);
                    let revoke = move |_| {
                        let id = id.clone();
                        leptos::task::spawn_local(async move {
                            match revoke_consent(client.get_value(), id).await {
                                Ok(()) => reload.run(()),
                                Err(e) => failure.set(Some(e)),
                            }
                        });
                    };
                    view! {
                        <li class="consent">
                            <strong>"To " <Pii text=c.recipient.clone()/></strong>
                            " · " <span class="badge">{state}</span>
                            <p>"For: " <Pii text=c.purpose.clone()/></p>
                            <p>{c.information.iter().map(|k| k.label()).collect::<Vec<_>>().join("; ")}</p>
                            <p class="meta">
                                "Signed by " <Pii text=c.signature.clone()/> " (" {c.signer.label()} ") on "
                                {c.signed_on.format("%Y-%m-%d").to_string()} ", witnessed by " <Pii text=c.witness.clone()/>
                                "; expires after " {c.expires_on.format("%Y-%m-%d").to_string()}
                            </p>
                            {live.then(|| view! { <button type="button" class="danger" on:click=revoke>"Revoke"</button> })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            {move || failure.get().map(|e| view! { <ErrorNotice error=e/> })}
            <NewConsent client=client.get_value() reload=reload/>
        </section>
    }
}

#[component]
fn NewConsent(client: String, reload: Callback<()>) -> impl IntoView {
    let person = RwSignal::new(String::new());
    let signer = RwSignal::new("client".to_string());
    let recipient = RwSignal::new(String::new());
    let purpose = RwSignal::new(String::new());
    let information = RwSignal::new(Vec::<InfoKind>::new());
    let inspect = RwSignal::new(false);
    let consequence = RwSignal::new(String::new());
    let expires = RwSignal::new(String::new());
    let revoke = RwSignal::new(false);
    let signature = RwSignal::new(String::new());
    let signed_on = RwSignal::new(String::new());
    let witness = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let failure = RwSignal::new(None::<AppError>);
    let client = StoredValue::new(client);
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let draft = ConsentDraft {
            id: uuid::Uuid::now_v7().to_string(),
            client_id: client.get_value(),
            person: person.get_untracked(),
            signer: signer.get_untracked(),
            recipient: recipient.get_untracked(),
            purpose: purpose.get_untracked(),
            information: information
                .get_untracked()
                .iter()
                .map(|k| k.code().to_string())
                .collect(),
            right_to_inspect: inspect.get_untracked(),
            refusal_consequence: consequence.get_untracked(),
            expires_on: expires.get_untracked(),
            right_to_revoke: revoke.get_untracked(),
            signature: signature.get_untracked(),
            signed_on: signed_on.get_untracked(),
            witness: witness.get_untracked(),
        };
        if let Err(e) = validate_consent(&draft, Today::on(chrono::Local::now().date_naive())) {
            errors.set(e);
            focus_first_invalid();
            return;
        }
        crate::ui::submit(errors, failure, reload, move || async move {
            save_consent(draft).await.map(|_| ())
        });
    };
    let invalid =
        move |f: &'static str| move || crate::ui::field_message(errors, f).is_some().to_string();
    view! {
        <form class="form" id="new-consent" aria-label="Record a consent" novalidate on:submit=send>
            <h3>"Record a signed consent"</h3>
            <p class="hint">"Every element is required by 740 ILCS 110/5."</p>
            <FieldShell label="Person giving consent" name="person" error=field_error(errors, "person")>
                <input id="person" type="text" autocomplete="off" bind:value=person aria-invalid=invalid("person") aria-describedby="person-error"/>
            </FieldShell>
            <FieldShell label="Who they are to the client" name="signer" error=field_error(errors, "signer")>
                <select id="signer" on:change=move |ev| signer.set(event_target_value(&ev)) aria-describedby="signer-error">
                    {Signer::ALL.into_iter().map(|s| view! { <option value=s.code()>{s.label()}</option> }).collect_view()}
                </select>
            </FieldShell>
            <FieldShell label="Recipient" name="recipient" error=field_error(errors, "recipient")>
                <input id="recipient" type="text" autocomplete="off" bind:value=recipient aria-invalid=invalid("recipient") aria-describedby="recipient-error"/>
            </FieldShell>
            <FieldShell label="Purpose" name="purpose" error=field_error(errors, "purpose")>
                <input id="purpose" type="text" autocomplete="off" bind:value=purpose aria-invalid=invalid("purpose") aria-describedby="purpose-error"/>
            </FieldShell>
            <fieldset class="roles" id="information">
                <legend>"Information it covers"</legend>
                {InfoKind::ALL.into_iter().map(|k| view! {
                    <label class="check">
                        <input type="checkbox" value=k.code()
                            prop:checked=move || information.with(|i| i.contains(&k))
                            on:change=move |_| information.update(|i| {
                                if let Some(p) = i.iter().position(|x| *x == k) { i.remove(p); } else { i.push(k); }
                            })/>
                        " " {k.label()}
                    </label>
                }).collect_view()}
                <p class="field-error" id="information-error" aria-live="polite">{move || crate::ui::field_message(errors, "information")}</p>
            </fieldset>
            <div class="field">
                <label class="check"><input id="right_to_inspect" type="checkbox" bind:checked=inspect aria-describedby="right_to_inspect-error"/>
                    " Told of the right to inspect and copy what is disclosed"</label>
                <p class="field-error" id="right_to_inspect-error" aria-live="polite">{move || crate::ui::field_message(errors, "right_to_inspect")}</p>
            </div>
            <FieldShell label="Consequence of refusing" name="refusal_consequence" error=field_error(errors, "refusal_consequence")>
                <input id="refusal_consequence" type="text" autocomplete="off" bind:value=consequence aria-invalid=invalid("refusal_consequence") aria-describedby="refusal_consequence-error"/>
            </FieldShell>
            <FieldShell label="Expires after (date)" name="expires_on" error=field_error(errors, "expires_on")>
                <input id="expires_on" type="date" bind:value=expires aria-invalid=invalid("expires_on") aria-describedby="expires_on-error"/>
            </FieldShell>
            <div class="field">
                <label class="check"><input id="right_to_revoke" type="checkbox" bind:checked=revoke aria-describedby="right_to_revoke-error"/>
                    " Told of the right to revoke it"</label>
                <p class="field-error" id="right_to_revoke-error" aria-live="polite">{move || crate::ui::field_message(errors, "right_to_revoke")}</p>
            </div>
            <div class="row">
                <FieldShell label="Signed by (name as signed)" name="signature" error=field_error(errors, "signature")>
                    <input id="signature" type="text" autocomplete="off" bind:value=signature aria-invalid=invalid("signature") aria-describedby="signature-error"/>
                </FieldShell>
                <FieldShell label="Signed on" name="signed_on" error=field_error(errors, "signed_on")>
                    <input id="signed_on" type="date" bind:value=signed_on aria-invalid=invalid("signed_on") aria-describedby="signed_on-error"/>
                </FieldShell>
            </div>
            <FieldShell label="Witness" name="witness" error=field_error(errors, "witness")>
                <input id="witness" type="text" autocomplete="off" bind:value=witness aria-invalid=invalid("witness") aria-describedby="witness-error"/>
            </FieldShell>
            {move || failure.get().filter(|e| e.field_errors().is_empty()).map(|e| view! { <ErrorNotice error=e/> })}
            <button type="submit" class="primary">"Record the consent"</button>
        </form>
    }
}

#[component]
fn DiscloseForm(
    file: ReleaseFile,
    reload: Callback<()>,
    made: RwSignal<Option<String>>,
) -> impl IntoView {
    let consents: Vec<ConsentView> = file
        .consents
        .iter()
        .filter(|c| in_force(c))
        .cloned()
        .collect();
    let basis = RwSignal::new(
        if consents.is_empty() {
            "court_order"
        } else {
            "consent"
        }
        .to_string(),
    );
    let consent_id = RwSignal::new(consents.first().map(|c| c.id.clone()).unwrap_or_default());
    let legal_note = RwSignal::new(String::new());
    let recipient = RwSignal::new(
        consents
            .first()
            .map(|c| c.recipient.clone())
            .unwrap_or_default(),
    );
    let purpose = RwSignal::new(
        consents
            .first()
            .map(|c| c.purpose.clone())
            .unwrap_or_default(),
    );
    let identity = RwSignal::new(false);
    let contact = RwSignal::new(false);
    let chosen = RwSignal::new(Vec::<String>::new());
    let informed = RwSignal::new("before".to_string());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let failure = RwSignal::new(None::<AppError>);
    let step_up = RwSignal::new(false);
    let items = StoredValue::new(file.items.clone());
    let client = StoredValue::new(file.client_id.clone());
    let id = StoredValue::new(uuid::Uuid::now_v7().to_string());
    let consent_list = StoredValue::new(consents);
    let send = move || {
        let picked = chosen.get_untracked();
        let is_visit =
            |i: &String| items.with_value(|all| all.iter().any(|x| &x.id == i && x.is_visit));
        let draft = DisclosureDraft {
            id: id.get_value(),
            client_id: client.get_value(),
            basis: basis.get_untracked(),
            consent_id: if basis.get_untracked() == "consent" {
                consent_id.get_untracked()
            } else {
                String::new()
            },
            legal_note: legal_note.get_untracked(),
            recipient: recipient.get_untracked(),
            purpose: purpose.get_untracked(),
            identity: identity.get_untracked(),
            contact: contact.get_untracked(),
            visit_ids: picked.iter().filter(|i| is_visit(i)).cloned().collect(),
            referral_ids: picked.iter().filter(|i| !is_visit(i)).cloned().collect(),
            client_informed: informed.get_untracked(),
        };
        if let Err(e) = validate_disclosure(&draft) {
            errors.set(e);
            focus_first_invalid();
            return;
        }
        errors.set(vec![]);
        failure.set(None);
        leptos::task::spawn_local(async move {
            match disclose(draft).await {
                Ok(m) => {
                    made.set(Some(m.id));
                    id.set_value(uuid::Uuid::now_v7().to_string());
                    reload.run(());
                }
                Err(AppError::StepUpRequired) => step_up.set(true),
                Err(e) => {
                    errors.set(e.field_errors().to_vec());
                    failure.set(Some(e));
                }
            }
        });
    };
    let pick_consent = move |ev: leptos::ev::Event| {
        let v = event_target_value(&ev);
        if let Some(c) = consent_list.with_value(|l| l.iter().find(|c| c.id == v).cloned()) {
            recipient.set(c.recipient);
            purpose.set(c.purpose);
        }
        consent_id.set(v);
    };
    view! {
        <form class="form" id="disclose" aria-label="Disclose" novalidate
            on:submit=move |ev| { ev.prevent_default(); send(); }>
            <h2>"Disclose"</h2>
            <FieldShell label="On what ground" name="basis" error=field_error(errors, "basis")>
                <select id="basis" on:change=move |ev| basis.set(event_target_value(&ev)) prop:value=move || basis.get()>
                    {Basis::ALL.into_iter().map(|b| view! { <option value=b.code()>{b.label()}</option> }).collect_view()}
                </select>
            </FieldShell>
            <Show when=move || basis.get() == "consent">
                <FieldShell label="Consent relied on" name="consent_id" error=field_error(errors, "consent_id")>
                    <select id="consent_id" on:change=pick_consent prop:value=move || consent_id.get()>
                        <option value="">"Choose a consent in force"</option>
                        {consent_list.get_value().into_iter().map(|c| view! {
                            <option value=c.id.clone()>{format!("To {} (until {})", c.recipient, c.expires_on.format("%Y-%m-%d"))}</option>
                        }).collect_view()}
                    </select>
                </FieldShell>
            </Show>
            <FieldShell label="Legal note (the harm, or the court and order number; why the client could not be told)" name="legal_note" error=field_error(errors, "legal_note")>
                <textarea id="legal_note" rows="2" bind:value=legal_note aria-describedby="legal_note-error"></textarea>
            </FieldShell>
            <FieldShell label="Recipient" name="disclose-recipient" error=field_error(errors, "recipient")>
                <input id="disclose-recipient" type="text" autocomplete="off" bind:value=recipient aria-describedby="disclose-recipient-error"/>
            </FieldShell>
            <FieldShell label="Purpose" name="disclose-purpose" error=field_error(errors, "purpose")>
                <input id="disclose-purpose" type="text" autocomplete="off" bind:value=purpose aria-describedby="disclose-purpose-error"/>
            </FieldShell>
            <fieldset class="roles" id="items">
                <legend>"What to include (only what the purpose needs)"</legend>
                <label class="check"><input type="checkbox" bind:checked=identity/>" Name and date of birth"</label>
                <label class="check"><input type="checkbox" bind:checked=contact/>" Telephone and address"</label>
                {items.get_value().into_iter().map(|i: ItemChoice| {
                    let id = i.id.clone();
                    let id2 = i.id.clone();
                    view! {
                        <label class="check">
                            <input type="checkbox" value=i.id.clone()
                                prop:checked=move || chosen.with(|c| c.contains(&id))
                                on:change=move |_| chosen.update(|c| {
                                    if let Some(p) = c.iter().position(|x| *x == id2) { c.remove(p); } else { c.push(id2.clone()); }
                                })/>
                            " " {i.label.clone()} {i.substance_use.then_some(" (42 CFR Part 2)")}
                        </label>
                    }
                }).collect_view()}
                <p class="field-error" id="items-error" aria-live="polite">{move || crate::ui::field_message(errors, "items")
                    .or_else(|| crate::ui::field_message(errors, "visit_ids"))
                    .or_else(|| crate::ui::field_message(errors, "referral_ids"))}</p>
            </fieldset>
            <FieldShell label="Was the client told?" name="client_informed" error=field_error(errors, "client_informed")>
                <select id="client_informed" on:change=move |ev| informed.set(event_target_value(&ev))>
                    {ClientInformed::ALL.into_iter().map(|c| view! { <option value=c.code()>{c.label()}</option> }).collect_view()}
                </select>
            </FieldShell>
            {move || failure.get().filter(|e| e.field_errors().is_empty()).map(|e| view! { <p class="notice error" role="alert" id="disclose-refused">{e.message()}</p> })}
            {move || step_up.get().then(|| view! {
                <crate::auth::mfa_views::StepUp done=move |_| { step_up.set(false); send(); }/>
            })}
            <button type="submit" class="primary">"Disclose and print"</button>
            {move || made.get().map(|id| view! {
                <p class="notice" role="status" id="disclosed">"Disclosed and logged. "
                    <a href=format!("/api/disclosures/{id}/disclosure.pdf") target="_blank" rel="noopener">"Print what leaves (PDF)"</a>
                </p>
            })}
        </form>
    }
}

#[component]
fn Disclosures(list: Vec<DisclosureView>) -> impl IntoView {
    view! {
        <section class="card" id="disclosures" aria-label="Disclosures made">
            <h2>"Disclosures made"</h2>
            {list.is_empty().then(|| view! { <p>"Nothing disclosed."</p> })}
            <ul class="list">
                {list.into_iter().map(|d| view! {
                    <li>
                        <strong>"To " <Pii text=d.recipient.clone()/></strong> " · " {d.basis.label()}
                        <p>"For: " <Pii text=d.purpose.clone()/> " · " {d.items} " item(s): "
                            {d.kinds.iter().map(|k| k.label()).collect::<Vec<_>>().join("; ")}</p>
                        {d.legal_note.clone().map(|n| view! { <p>"Legal note: " <Pii text=n/></p> })}
                        <p class="meta">{d.made_by_name.clone()} ", " <LocalTime at=d.made_at/> " · " {d.client_informed.label()}
                            " · " <a href=format!("/api/disclosures/{}/disclosure.pdf", d.id) target="_blank" rel="noopener">"PDF"</a></p>
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn AccessRequests(file: ReleaseFile, reload: Callback<()>) -> impl IntoView {
    let requested_by = RwSignal::new(file.client_name.clone());
    let relation = RwSignal::new("client".to_string());
    let received = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let failure = RwSignal::new(None::<AppError>);
    let client = StoredValue::new(file.client_id.clone());
    let record = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let draft = AccessRequestDraft {
            id: uuid::Uuid::now_v7().to_string(),
            client_id: client.get_value(),
            requested_by: requested_by.get_untracked(),
            relation: relation.get_untracked(),
            received_on: received.get_untracked(),
        };
        if let Err(e) = validate_access_request(&draft, chrono::Local::now().date_naive()) {
            errors.set(e);
            return;
        }
        crate::ui::submit(errors, failure, reload, move || async move {
            record_access_request(draft).await.map(|_| ())
        });
    };
    let items = file.items.clone();
    let names = file.household_names.join("\n");
    view! {
        <section class="card" id="access-requests" aria-label="Requests to see the record">
            <h2>"The client's requests to see their record"</h2>
            <p class="hint">"NASW 1.08: give reasonable access; withhold only where access would cause serious harm, and write down why."</p>
            <ul class="list">
                {file.access_requests.into_iter().map(|r| view! {
                    <AccessRequestLine r=r items=items.clone() names=names.clone() reload=reload/>
                }).collect_view()}
            </ul>
            <form class="form" id="new-access-request" aria-label="Record a request" novalidate on:submit=record>
                <h3>"Record a request"</h3>
                <FieldShell label="Asked by" name="requested_by" error=field_error(errors, "requested_by")>
                    <input id="requested_by" type="text" autocomplete="off" bind:value=requested_by aria-describedby="requested_by-error"/>
                </FieldShell>
                <FieldShell label="Who they are to the client" name="relation" error=field_error(errors, "relation")>
                    <select id="relation" on:change=move |ev| relation.set(event_target_value(&ev))>
                        {Signer::ALL.into_iter().map(|s| view! { <option value=s.code()>{s.label()}</option> }).collect_view()}
                    </select>
                </FieldShell>
                <FieldShell label="Received on" name="received_on" error=field_error(errors, "received_on")>
                    <input id="received_on" type="date" bind:value=received aria-describedby="received_on-error"/>
                </FieldShell>
                {move || failure.get().filter(|e| e.field_errors().is_empty()).map(|e| view! { <ErrorNotice error=e/> })}
                <button type="submit">"Record the request"</button>
            </form>
        </section>
    }
}

#[component]
fn AccessRequestLine(
    r: AccessRequestView,
    items: Vec<ItemChoice>,
    names: String,
    reload: Callback<()>,
) -> impl IntoView {
    let reviewed = r.reviewed_at.is_some();
    let id = r.id.clone();
    view! {
        <li class="access-request">
            <strong><Pii text=r.requested_by.clone()/></strong> " (" {r.relation.label()} "), received "
            {r.received_on.format("%Y-%m-%d").to_string()}
            {reviewed.then(|| view! {
                <p class="meta">"Reviewed by " {r.reviewed_by_name.clone().unwrap_or_default()} " · "
                    {r.redacted_names} " name(s) redacted · "
                    <a href=format!("/api/access-requests/{}/client-copy.pdf", r.id) target="_blank" rel="noopener">"The client's copy (PDF)"</a></p>
                {(!r.withheld.is_empty()).then(|| view! {
                    <p>"Withheld, and why:"</p>
                    <ul class="withheld">
                        {r.withheld.iter().map(|w| view! { <li>{w.label.clone()} ": " <Pii text=w.reason.clone()/></li> }).collect_view()}
                    </ul>
                })}
            })}
            {(!reviewed).then(|| view! { <ReviewForm request=id.clone() items=items.clone() names=names.clone() reload=reload/> })}
        </li>
    }
}

#[component]
fn ReviewForm(
    request: String,
    items: Vec<ItemChoice>,
    names: String,
    reload: Callback<()>,
) -> impl IntoView {
    let third_parties = RwSignal::new(names);
    // (item id, withhold?, reason)
    let choices: Vec<(ItemChoice, RwSignal<bool>, RwSignal<String>)> = items
        .into_iter()
        .map(|i| (i, RwSignal::new(false), RwSignal::new(String::new())))
        .collect();
    let choices = StoredValue::new(choices);
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let failure = RwSignal::new(None::<AppError>);
    let request = StoredValue::new(request);
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let withheld = choices.with_value(|c| {
            c.iter()
                .filter(|(_, w, _)| w.get_untracked())
                .map(|(i, _, reason)| Withheld {
                    item: i.id.clone(),
                    reason: reason.get_untracked(),
                })
                .collect()
        });
        let review = AccessReviewDraft {
            request_id: request.get_value(),
            third_parties: third_parties.get_untracked(),
            withheld,
        };
        if let Err(e) = validate_access_review(&review) {
            errors.set(e);
            return;
        }
        crate::ui::submit(errors, failure, reload, move || {
            review_access_request(review)
        });
    };
    view! {
        <form class="form review" aria-label="Review the request" novalidate on:submit=send>
            <div class="field">
                <label for=format!("third-parties-{}", request.get_value())>"Other people's names to redact (one per line)"</label>
                <textarea id=format!("third-parties-{}", request.get_value()) rows="3" bind:value=third_parties></textarea>
            </div>
            {choices.get_value().into_iter().map(|(i, withhold, reason)| {
                let field = format!("withheld.{}", i.id);
                let reason_id = format!("reason-{}", i.id);
                let err_field = field.clone();
                view! {
                    <div class="field">
                        <label class="check"><input type="checkbox" bind:checked=withhold/>" Withhold: " {i.label.clone()}</label>
                        <Show when=move || withhold.get()>
                            <label for=reason_id.clone()>"Why (serious harm to the client)"</label>
                            <input id=reason_id.clone() type="text" autocomplete="off" bind:value=reason/>
                        </Show>
                        <p class="field-error" aria-live="polite">{
                            let err_field = err_field.clone();
                            move || errors.with(|e| crate::error::message_for(e, &err_field))
                        }</p>
                    </div>
                }
            }).collect_view()}
            {move || failure.get().filter(|e| e.field_errors().is_empty()).map(|e| view! { <ErrorNotice error=e/> })}
            <button type="submit" class="primary">"Review and make the client's copy"</button>
        </form>
    }
}
