//! The sign-in screen and the sign-out button. Both are plain forms posting to server functions, so
//! they work before the WASM has loaded.

use leptos::form::ActionForm;
use leptos::prelude::*;

use super::api::{SignIn, SignOut};

#[component]
pub fn LoginPage() -> impl IntoView {
    let sign_in = ServerAction::<SignIn>::new();
    let error = move || sign_in.value().get().and_then(|r| r.err());
    // `?locked=idle`: the idle lock ended the last session (auth::idle).
    let query = leptos_router::hooks::use_query_map();
    let locked = move || query.read().get("locked").is_some_and(|v| v == "idle");
    view! {
        <leptos_meta::Title text="Sign in · Haven"/>
        <main id="main" class="login">
            <h1>"Haven"</h1>
            <p class="subtitle">"Social Service Unit"</p>
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
    let sign_out = ServerAction::<SignOut>::new();
    view! {
        <ActionForm action=sign_out attr:class="signout">
            <button type="submit" class="link">"Sign out"</button>
        </ActionForm>
    }
}
