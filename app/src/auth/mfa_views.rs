//! The second-factor screen (`/mfa`) shown after the password: enrol a passkey or an authenticator
//! app at first sign-in, use one afterwards. The TOTP forms are plain forms (they work before the
//! WASM); passkeys need the browser's WebAuthn and so the WASM.

use leptos::form::ActionForm;
use leptos::prelude::*;

use super::mfa::{mfa_status, FactorStatus, TotpEnrolFinish, TotpEnrolment, TotpSignIn};
use crate::error::AppError;
use crate::ui::ErrorNotice;

/// What a passkey button does.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum PasskeyUse {
    Enrol,
    SignIn,
}

/// Run a whole passkey ceremony against the server: begin, the browser's prompt, finish.
pub async fn run_passkey(what: PasskeyUse) -> Result<(), String> {
    #[cfg(feature = "hydrate")]
    {
        use super::passkey_js::{ceremony, Ceremony};
        let message = factor_message;
        match what {
            PasskeyUse::Enrol => {
                let options = super::mfa::passkey_register_begin()
                    .await
                    .map_err(message)?;
                let answer = ceremony(Ceremony::Create, &options).await?;
                super::mfa::passkey_register_finish(answer, "Passkey".into())
                    .await
                    .map_err(message)
            }
            PasskeyUse::SignIn => {
                let options = super::mfa::passkey_sign_in_begin().await.map_err(message)?;
                let answer = ceremony(Ceremony::Get, &options).await?;
                super::mfa::passkey_sign_in_finish(answer)
                    .await
                    .map_err(message)
            }
        }
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = what;
        Err("Passkeys need JavaScript.".into())
    }
}

/// A passkey button; on success `done` runs.
#[component]
pub fn PasskeyButton(
    what: PasskeyUse,
    label: &'static str,
    #[prop(into)] done: Callback<()>,
    #[prop(optional)] primary: bool,
) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    // Rendered disabled on the server; live once the WASM has taken over (passkeys need it).
    let busy = RwSignal::new(true);
    Effect::new(move |_| busy.set(false));
    let go = move |_| {
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            let r = run_passkey(what).await;
            busy.set(false);
            match r {
                Ok(()) => done.run(()),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <div class="passkey">
            <button type="button" class:primary=primary on:click=go disabled=move || busy.get()>
                {label}
            </button>
            <p class="field-error" role="alert">{move || error.get()}</p>
        </div>
    }
}

/// Where to go after the second factor: `next` when it is a path of this site, else home.
pub fn safe_next(next: Option<String>) -> String {
    next.filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.contains('\\'))
        .unwrap_or_else(|| "/".into())
}

fn go_to(path: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(w) = web_sys::window() {
        let _ = w.location().set_href(path);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = path;
}

fn next_path() -> String {
    let query = leptos_router::hooks::use_query_map();
    safe_next(query.get_untracked().get("next"))
}

#[component]
pub fn MfaPage() -> impl IntoView {
    let status = Resource::new(|| (), |_| mfa_status());
    view! {
        <leptos_meta::Title text="Second factor · Haven"/>
        <main id="main" class="login">
            <h1>"Haven"</h1>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match status.await {
                        Ok(s) if !s.enrolled() => view! { <Enrol status=s/> }.into_any(),
                        Ok(s) => view! { <Verify status=s/> }.into_any(),
                        Err(e) => view! { <ErrorNotice error=e/> }.into_any(),
                    }
                })}
            </Suspense>
            <super::views::SignOutButton/>
        </main>
    }
}

/// First sign-in: choose a passkey (preferred) or an authenticator app.
#[component]
fn Enrol(status: FactorStatus) -> impl IntoView {
    let next = StoredValue::new(next_path());
    let totp = RwSignal::new(None::<Result<TotpEnrolment, AppError>>);
    let live = RwSignal::new(false);
    Effect::new(move |_| live.set(true));
    let start_totp = move |_| {
        leptos::task::spawn_local(async move {
            totp.set(Some(super::mfa::totp_enrol_begin().await));
        });
    };
    view! {
        <h2>"Set up your second factor"</h2>
        <p>
            "Welcome, " {status.display_name} ". Haven holds confidential records: besides your "
            "password, you confirm each sign-in with a passkey on this device (fingerprint, face or "
            "screen lock) or, if you cannot, a code from an authenticator app."
        </p>
        <PasskeyButton what=PasskeyUse::Enrol label="Add a passkey" primary=true
            done=move |_| go_to(&next.get_value())/>
        {move || match totp.get() {
            None => view! {
                <button type="button" class="link" on:click=start_totp disabled=move || !live.get()>
                    "Use an authenticator app instead"
                </button>
            }.into_any(),
            Some(Err(e)) => view! { <ErrorNotice error=e/> }.into_any(),
            Some(Ok(t)) => view! { <TotpEnrolForm enrolment=t/> }.into_any(),
        }}
    }
}

#[component]
fn TotpEnrolForm(enrolment: TotpEnrolment) -> impl IntoView {
    let finish = ServerAction::<TotpEnrolFinish>::new();
    let error = move || {
        finish
            .value()
            .get()
            .and_then(|r| r.err())
            .map(factor_message)
    };
    let size = enrolment.qr_size;
    view! {
        <section class="totp-enrol" aria-label="Authenticator app">
            <p>"Scan this code with your authenticator app, or type the key below into it."</p>
            <svg class="qr" viewBox=format!("0 0 {size} {size}") role="img"
                aria-label="QR code of your authenticator key" shape-rendering="crispEdges">
                <rect width=size height=size fill="#fff"/>
                <path d=enrolment.qr_path fill="#000"/>
            </svg>
            <p class="secret">"Key: " <code id="totp-secret">{enrolment.secret}</code></p>
            <ActionForm action=finish attr:class="form">
                <CodeField label="Code shown by the app" error=Signal::derive(error)/>
                <button type="submit" class="primary" disabled=move || finish.pending().get()>
                    "Confirm"
                </button>
            </ActionForm>
        </section>
    }
}

/// The message of a second-factor error (the field's sentence when there is one).
fn factor_message(e: AppError) -> String {
    match e.field_errors().first() {
        Some(f) => f.message(),
        None => e.message(),
    }
}

/// A six-digit code field with its error, inside an `ActionForm`.
#[component]
fn CodeField(label: &'static str, #[prop(into)] error: Signal<Option<String>>) -> impl IntoView {
    view! {
        <div class="field">
            <label for="code">{label}</label>
            <input id="code" name="code" type="text" inputmode="numeric" pattern="[0-9 ]{6,7}"
                autocomplete="one-time-code" maxlength="7" required aria-describedby="code-error"/>
            <p class="field-error" id="code-error" role="alert">{move || error.get()}</p>
        </div>
    }
}

/// Later sign-ins: use the factor the person has.
#[component]
fn Verify(status: FactorStatus) -> impl IntoView {
    let next = StoredValue::new(next_path());
    let sign_in = ServerAction::<TotpSignIn>::new();
    // A signed-in session stepping up gets no redirect from the server: go on from here.
    Effect::new(move |_| {
        if matches!(sign_in.value().get(), Some(Ok(()))) {
            go_to(&next.get_value());
        }
    });
    let error = move || {
        sign_in
            .value()
            .get()
            .and_then(|r| r.err())
            .map(factor_message)
    };
    let title = if status.verified {
        "Confirm it's you"
    } else {
        "Second factor"
    };
    view! {
        <h2>{title}</h2>
        {(status.passkeys > 0).then(|| view! {
            <PasskeyButton what=PasskeyUse::SignIn label="Use my passkey" primary=true
                done=move |_| go_to(&next.get_value())/>
        })}
        {status.totp.then(|| view! {
            <ActionForm action=sign_in attr:class="form">
                <CodeField label="Code from your authenticator app" error=Signal::derive(error)/>
                <button type="submit" class="primary" disabled=move || sign_in.pending().get()>
                    "Confirm"
                </button>
            </ActionForm>
        })}
    }
}

/// "Confirm it's you" inside a page: before disbursing cash (and other sensitive steps) when the
/// last proof of presence is older than the step-up window. `done` runs once it is fresh again.
#[component]
pub fn StepUp(#[prop(into)] done: Callback<()>) -> impl IntoView {
    let status = Resource::new(|| (), |_| mfa_status());
    let code = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let send_code = move |_| {
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            let r = super::mfa::totp_sign_in(code.get_untracked()).await;
            busy.set(false);
            match r {
                Ok(()) => done.run(()),
                Err(e) => error.set(Some(factor_message(e))),
            }
        });
    };
    view! {
        <section class="step-up" aria-label="Confirm it's you" role="dialog">
            <h3>"Confirm it's you"</h3>
            <p>"This step needs a fresh confirmation with your passkey or authenticator app."</p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    status.await.ok().map(|s| view! {
                        {(s.passkeys > 0).then(|| view! {
                            <PasskeyButton what=PasskeyUse::SignIn label="Confirm with my passkey"
                                primary=true done=move |_| done.run(())/>
                        })}
                        {s.totp.then(|| view! {
                            <div class="field">
                                <label for="step-up-code">"Code from your authenticator app"</label>
                                <input id="step-up-code" type="text" inputmode="numeric"
                                    autocomplete="one-time-code" maxlength="7" bind:value=code/>
                                <p class="field-error" role="alert">{move || error.get()}</p>
                            </div>
                            <button type="button" disabled=move || busy.get() on:click=send_code>
                                "Confirm"
                            </button>
                        })}
                    })
                })}
            </Suspense>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_is_only_ever_a_path_of_this_site() {
        assert_eq!(
            safe_next(Some("/api/reports/monthly.csv?month=2026-12".into())),
            "/api/reports/monthly.csv?month=2026-12"
        );
        for bad in [
            "https://evil.example/",
            "//evil.example",
            "/\\evil",
            "javascript:alert(1)",
        ] {
            assert_eq!(safe_next(Some(bad.into())), "/", "{bad}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
