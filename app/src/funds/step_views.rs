//! The steps a person may take on a request, as buttons and small forms, and the signature pad.

use leptos::prelude::*;
use rust_decimal::Decimal;

use super::api::take_step;
use super::domain::parse_amount;
use super::lifecycle::{Acknowledgement, ActionKind, Step};
use super::views::dollars;
use super::RequestView;
use crate::error::AppError;

/// Only the steps the signed-in person may take now; the server checks them again.
#[component]
pub fn ActionPanel(id: String, view: RequestView, on_done: Callback<()>) -> impl IntoView {
    let actions = view.actions.clone();
    if actions.is_empty() {
        return ().into_any();
    }
    let id = StoredValue::new(id);
    let pending = RwSignal::new(false);
    let failure = RwSignal::new(None::<AppError>);
    let notice = RwSignal::new(None::<String>);
    let reason = RwSignal::new(String::new());
    let amount = RwSignal::new(format!("{:.2}", view.held));
    let signature = RwSignal::new(String::new());
    let refused = RwSignal::new(false);
    let refusal_reason = RwSignal::new(String::new());
    let held = view.held;
    // The step waiting for the person to confirm it is them (step-up), retried once they have.
    let step_up = RwSignal::new(None::<Step>);

    let send = move |step: Step| {
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        failure.set(None);
        step_up.set(None);
        leptos::task::spawn_local(async move {
            match take_step(id.get_value(), step.clone()).await {
                Ok(outcome) => {
                    if outcome.below_minimum {
                        notice.set(Some(
                            "The fund is now under its minimum balance: replenish it.".into(),
                        ));
                    }
                    on_done.run(());
                }
                Err(AppError::StepUpRequired) => step_up.set(Some(step)),
                Err(e) => failure.set(Some(e)),
            }
            pending.set(false);
        });
    };
    let has = |k: ActionKind| actions.contains(&k);
    let deny_kind = if has(ActionKind::Deny) {
        Some(ActionKind::Deny)
    } else if has(ActionKind::ChiefDeny) {
        Some(ActionKind::ChiefDeny)
    } else {
        None
    };
    let approve_kind = if has(ActionKind::Approve) {
        Some(ActionKind::Approve)
    } else if has(ActionKind::ChiefApprove) {
        Some(ActionKind::ChiefApprove)
    } else {
        None
    };
    let disburse = move || {
        let amt = match parse_amount(&amount.get_untracked(), held.max(Decimal::ONE)) {
            Ok(a) => a,
            Err(_) => {
                failure.set(Some(AppError::Refused {
                    refusal: super::lifecycle::TransitionError::AmountInvalid,
                }));
                return;
            }
        };
        let acknowledgement = if refused.get_untracked() {
            Acknowledgement::RefusedToSign {
                reason: refusal_reason.get_untracked(),
            }
        } else {
            Acknowledgement::Signed {
                signature: signature.get_untracked(),
            }
        };
        send(Step::Disburse {
            amount: amt,
            acknowledgement,
        });
    };

    view! {
        <section class="actions-panel" aria-label="What you can do">
            <h2>"Your decision"</h2>
            {approve_kind.map(|k| view! {
                <button type="button" class="primary" disabled=move || pending.get()
                    on:click=move |_| send(if k == ActionKind::Approve { Step::Approve } else { Step::ChiefApprove })>
                    {if k == ActionKind::Approve { "Approve" } else { "Approve as Chief" }}
                </button>
            })}
            {deny_kind.map(|k| view! {
                <div class="field">
                    <label for="deny-reason">"Reason for denial"</label>
                    <textarea id="deny-reason" rows="2" bind:value=reason></textarea>
                </div>
                <button type="button" disabled=move || pending.get()
                    on:click=move |_| {
                        let r = reason.get_untracked();
                        send(if k == ActionKind::Deny { Step::Deny { reason: r } } else { Step::ChiefDeny { reason: r } })
                    }>
                    "Deny"
                </button>
            })}
            {has(ActionKind::Withdraw).then(|| view! {
                <button type="button" disabled=move || pending.get() on:click=move |_| send(Step::Withdraw)>
                    "Withdraw my request"
                </button>
            })}
            {has(ActionKind::Disburse).then(|| view! {
                <div class="disburse">
                    <p>"Approved and on hold: " <strong>{dollars(held)}</strong></p>
                    <div class="field">
                        <label for="disburse-amount">"Amount handed over ($)"</label>
                        <input id="disburse-amount" type="text" inputmode="decimal" bind:value=amount/>
                    </div>
                    <label class="check">
                        <input type="checkbox" bind:checked=refused/>
                        " The recipient refused to sign"
                    </label>
                    <Show when=move || refused.get() fallback=move || view! { <SignaturePad path=signature/> }>
                        <div class="field">
                            <label for="refusal-reason">"Why the recipient did not sign"</label>
                            <textarea id="refusal-reason" rows="2" bind:value=refusal_reason></textarea>
                        </div>
                    </Show>
                    <button type="button" class="primary" disabled=move || pending.get() on:click=move |_| disburse()>
                        "Record disbursal"
                    </button>
                </div>
            })}
            {has(ActionKind::File).then(|| view! {
                <button type="button" disabled=move || pending.get() on:click=move |_| send(Step::File)>
                    "File the written request"
                </button>
            })}
            {move || step_up.get().map(|waiting| {
                let waiting = StoredValue::new(waiting);
                view! { <crate::auth::mfa_views::StepUp done=move |_| send(waiting.get_value())/> }
            })}
            {move || notice.get().map(|n| view! { <p class="notice warn" role="status">{n}</p> })}
            {move || failure.get().map(|e| view! { <p class="notice error" role="alert">{e.message()}</p> })}
        </section>
    }
    .into_any()
}

/// Where the recipient signs with a finger, stylus or mouse. The signature is kept as an SVG path.
#[component]
pub fn SignaturePad(path: RwSignal<String>) -> impl IntoView {
    let drawing = RwSignal::new(false);
    let point = move |ev: &leptos::ev::PointerEvent| -> Option<(i32, i32)> {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let el = ev.current_target()?.dyn_into::<web_sys::Element>().ok()?;
            let rect = el.get_bounding_client_rect();
            let sx = 600.0 / rect.width().max(1.0);
            let sy = 200.0 / rect.height().max(1.0);
            let x = (f64::from(ev.client_x()) - rect.left()) * sx;
            let y = (f64::from(ev.client_y()) - rect.top()) * sy;
            #[allow(clippy::cast_possible_truncation)]
            Some((x.round() as i32, y.round() as i32))
        }
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = ev;
            None
        }
    };
    let down = move |ev: leptos::ev::PointerEvent| {
        ev.prevent_default();
        if let Some((x, y)) = point(&ev) {
            drawing.set(true);
            path.update(|p| p.push_str(&format!("M{x} {y} ")));
        }
    };
    let moved = move |ev: leptos::ev::PointerEvent| {
        if drawing.get_untracked() {
            if let Some((x, y)) = point(&ev) {
                path.update(|p| p.push_str(&format!("L{x} {y} ")));
            }
        }
    };
    let up = move |_: leptos::ev::PointerEvent| drawing.set(false);
    view! {
        <div class="field">
            <span class="label" id="signature-label">"Recipient's signature"</span>
            <svg class="signature" viewBox="0 0 600 200" preserveAspectRatio="none" role="img"
                aria-labelledby="signature-label"
                on:pointerdown=down on:pointermove=moved on:pointerup=up on:pointerleave=up>
                <path d=move || path.get() fill="none" stroke="currentColor" stroke-width="3"
                    stroke-linecap="round" stroke-linejoin="round"/>
            </svg>
            <button type="button" class="link" on:click=move |_| path.set(String::new())>"Clear signature"</button>
        </div>
    }
}
