//! The sign-in screen and the sign-out button. Both are plain forms posting to server functions, so
//! they work before the WASM has loaded.

use leptos::form::ActionForm;
use leptos::prelude::*;

use super::api::SignIn;

#[component]
pub fn LoginPage() -> impl IntoView {
    let sign_in = ServerAction::<SignIn>::new();
    let error = move || sign_in.value().get().and_then(|r| r.err());
    // `?locked=idle`: the idle lock ended the last session (auth::idle).
    let query = leptos_router::hooks::use_query_map();
    let locked = move || query.read().get("locked").is_some_and(|v| v == "idle");
    // `?locked=now`: the lock button.
    let locked_now = move || query.read().get("locked").is_some_and(|v| v == "now");
    view! {
        <leptos_meta::Title text="Sign in · Haven"/>
        <main id="main" class="login">
            <h1>"Haven"</h1>
            <p class="subtitle">"Social Service Unit"</p>
            <crate::offline::views::DeviceCheck/>
            <Show when=locked_now>
                <p class="notice" role="status" id="locked-now">"Haven was locked. Sign in again to go on."</p>
            </Show>
            <Show when=locked>
                <p class="notice warn" role="status" id="locked">
                    "Haven locked after a time without use and signed you out. Sign in again."
                </p>
            </Show>
            <p class="notice system-use" id="system-use">
                "This is a restricted police information system. Use is monitored and audited; "
                "unauthorized use is prohibited."
            </p>
            <ActionForm action=sign_in attr:class="form" attr:aria-label="Sign in">
                <label class="check">
                    <input type="checkbox" name="acknowledge" value="yes" required
                        aria-describedby="system-use"/>
                    " I have read this notice"
                </label>
                <div class="field">
                    <label for="username">"Username"</label>
                    <input id="username" name="username" type="text" autocomplete="username"
                        autocapitalize="none" spellcheck="false" required/>
                </div>
                <div class="field">
                    <label for="password">"Password"</label>
                    <input id="password" name="password" type="password"
                        autocomplete="current-password" required/>
                </div>
                {move || error().map(|e| {
                    let text = if e.field_errors().iter().any(|f| f.field == "acknowledge") {
                        "Acknowledge the system-use notice to sign in.".to_string()
                    } else {
                        e.message()
                    };
                    view! { <p class="notice error" role="alert">{text}</p> }
                })}
                <button type="submit" class="primary" disabled=move || sign_in.pending().get()>
                    "Sign in"
                </button>
            </ActionForm>
        </main>
    }
}

#[component]
pub fn SignOutButton() -> impl IntoView {
    // Without the app loaded the form posts to the server function, which signs out and goes to
    // the sign-in page. With it, the device's store and cached pages are wiped first (offline too),
    // after a warning when records still wait to be sent.
    let outbox = crate::offline::views::outbox();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let waiting = outbox
            .status
            .get_untracked()
            .map(|s| s.waiting)
            .unwrap_or(0);
        if waiting > 0 && !confirm_discard(waiting) {
            return;
        }
        leptos::task::spawn_local(async move {
            crate::offline::device::wipe().await;
            let _ = super::api::sign_out().await;
            #[cfg(feature = "hydrate")]
            if let Some(w) = web_sys::window() {
                let _ = w.location().assign("/login");
            }
        });
    };
    view! {
        <form method="post" action="/api/sign_out" class="signout" on:submit=on_submit>
            <button type="submit" class="link">"Sign out"</button>
        </form>
    }
}

/// Ask before signing out deletes records that were never sent.
fn confirm_discard(waiting: usize) -> bool {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window()
            .and_then(|w| {
                w.confirm_with_message(&format!(
                    "{waiting} record(s) saved on this device have not been sent. Signing out deletes them. Sign out anyway?"
                ))
                .ok()
            })
            .unwrap_or(false)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = waiting;
        true
    }
}
