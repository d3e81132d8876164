//! In-home privacy mode (issue 7): one tap hides names, addresses and narratives on screen — shown
//! as initials or dots — while the social worker is with a resident who can see the phone; the PIN
//! of the device (when one is set) shows them again. A lock button blanks the screen at once.
//!
//! Confidential text is rendered through [`Pii`]: the text and its mask side by side, the CSS
//! (`body.privacy`) showing one of them. The mode survives a reload (a flag in `sessionStorage`,
//! which holds no client data).

use leptos::prelude::*;

/// What a hidden value shows: a short one (a name) as initials, a longer one as dots.
pub fn mask_of(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.is_empty() {
        return String::new();
    }
    if words.len() <= 4 && text.chars().count() <= 60 {
        words
            .iter()
            .filter_map(|w| w.chars().find(|c| c.is_alphanumeric()))
            .map(|c| format!("{}.", c.to_uppercase()))
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        "•••••• (hidden)".to_string()
    }
}

/// A confidential value: hidden in privacy mode.
#[component]
pub fn Pii(#[prop(into)] text: String) -> impl IntoView {
    let mask = mask_of(&text);
    view! {
        <span class="pii"><span class="pii-text">{text}</span><span class="pii-mask" aria-hidden="true">{mask}</span></span>
    }
}

const FLAG: &str = "haven-privacy";

/// Is privacy mode on in this tab?
pub fn is_on() -> bool {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window()
            .and_then(|w| w.session_storage().ok().flatten())
            .and_then(|s| s.get_item(FLAG).ok().flatten())
            .is_some()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        false
    }
}

fn apply(on: bool) {
    #[cfg(feature = "hydrate")]
    if let Some(w) = web_sys::window() {
        if let Some(body) = w.document().and_then(|d| d.body()) {
            let _ = if on {
                body.class_list().add_1("privacy")
            } else {
                body.class_list().remove_1("privacy")
            };
        }
        if let Ok(Some(s)) = w.session_storage() {
            let _ = if on {
                s.set_item(FLAG, "1")
            } else {
                s.remove_item(FLAG)
            };
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (on, FLAG);
}

/// The top bar's "Hide names" / "Show" and "Lock" buttons.
#[component]
pub fn PrivacyControls() -> impl IntoView {
    let on = RwSignal::new(false);
    let asking = RwSignal::new(false);
    let pin = RwSignal::new(String::new());
    let failure = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        let now = is_on();
        apply(now);
        on.set(now);
    });
    let hide = move |_| {
        apply(true);
        on.set(true);
    };
    let show = move |_| {
        leptos::task::spawn_local(async move {
            // With a device PIN, only the PIN shows them again; without one, the tap does.
            let set_up = crate::offline::device::status()
                .await
                .map(|s| s.set_up)
                .unwrap_or(false);
            if set_up {
                asking.set(true);
            } else {
                apply(false);
                on.set(false);
            }
        });
    };
    let check = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let p = pin.get_untracked();
        leptos::task::spawn_local(async move {
            match crate::offline::device::unlock(&p).await {
                Ok(()) => {
                    pin.set(String::new());
                    failure.set(None);
                    asking.set(false);
                    apply(false);
                    on.set(false);
                }
                Err(e) => failure.set(Some(e.message())),
            }
        });
    };
    view! {
        <span class="privacy-controls">
            <Show when=move || on.get() fallback=move || view! {
                <button type="button" class="link" id="privacy-on" on:click=hide>"Hide names"</button>
            }>
                <button type="button" class="link" id="privacy-off" on:click=show>"Show names"</button>
            </Show>
            <button type="button" class="link" id="lock-now" on:click=move |_| crate::auth::idle::lock_now()>"Lock"</button>
        </span>
        <Show when=move || asking.get()>
            <form class="form inline privacy-pin" aria-label="Show names again" on:submit=check novalidate>
                <crate::offline::views::PinField id="privacy-pin" label="PIN of this device" value=pin
                    error=Signal::from(failure)/>
                <button type="submit" class="primary">"Show"</button>
            </form>
        </Show>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_initials_and_long_text_dots() {
        assert_eq!(mask_of("Elena Marsh"), "E. M.");
        assert_eq!(mask_of("40 Walnut Ave, Hanover Park"), "•••••• (hidden)");
        assert_eq!(mask_of("o'brien, kate"), "O. K.");
        assert_eq!(mask_of("  "), "");
        assert!(!mask_of("Told Mrs Marsh of her husband's death at her door").contains("Marsh"));
    }
}
