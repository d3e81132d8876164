//! Small view components shared by every capability.

use chrono::{DateTime, Utc};
use leptos::prelude::*;

use crate::auth::CurrentUser;
use crate::error::AppError;

/// The top bar: app name, the signed-in person, sign-out. Every signed-in page has it.
#[component]
pub fn Page(
    /// The page title, shown as the heading.
    title: &'static str,
    children: Children,
) -> impl IntoView {
    let me = Resource::new(|| (), |_| crate::auth::api::whoami());
    // Every signed-in page arms the idle lock (in the browser; once per page load).
    Effect::new(|_| crate::auth::idle::install());
    // …and keeps the app shell for offline use and sends what waits when the network returns.
    let outbox = crate::offline::views::outbox();
    Effect::new(move |_| crate::offline::views::install(outbox));
    view! {
        <leptos_meta::Title text=format!("{title} · Haven")/>
        <header class="bar">
            <a class="brand" href="/">"Haven"</a>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    me.await.ok().flatten().map(|u: CurrentUser| view! {
                        <span class="who">{u.display_name}</span>
                        <crate::privacy::PrivacyControls/>
                        <crate::auth::views::SignOutButton/>
                    })
                })}
            </Transition>
        </header>
        <main id="main">
            <h1>{title}</h1>
            {children()}
        </main>
        // Shown instead of everything else the moment the idle lock falls (`body.locked`).
        <div class="lock-screen" role="alert">
            <p>"Haven locked after a time without use."</p>
            <p><a href="/login">"Sign in again"</a></p>
        </div>
    }
}

/// A failed load, as a sentence (and a way back to sign-in when the session has ended).
#[component]
pub fn ErrorNotice(error: AppError) -> impl IntoView {
    let signed_out = matches!(error, AppError::Unauthenticated);
    view! {
        <p class="notice error" role="alert">
            {error.message()}
            {signed_out.then(|| view! { " " <a href="/login">"Sign in"</a> })}
        </p>
    }
}

/// A UTC instant, shown in the reader's local time once the page is live (UTC until then, so the
/// server-rendered page and the hydrated one agree).
#[component]
pub fn LocalTime(at: DateTime<Utc>) -> impl IntoView {
    let iso = at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let text = RwSignal::new(at.format("%Y-%m-%d %H:%M UTC").to_string());
    Effect::new(move |_| {
        let local = at.with_timezone(&chrono::Local);
        text.set(local.format("%Y-%m-%d %H:%M").to_string());
    });
    view! { <time datetime=iso>{move || text.get()}</time> }
}

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
            res.set_status(http::StatusCode::NOT_FOUND);
        }
    }
    view! {
        <main id="main">
            <h1>"Not found"</h1>
            <p><a href="/">"Back to Haven"</a></p>
        </main>
    }
}

/// The message under `field`, as a signal for a form's [`FieldShell`](crate::funds::views::FieldShell).
pub fn field_error(
    errors: RwSignal<Vec<crate::error::FieldError>>,
    field: &'static str,
) -> Signal<Option<String>> {
    Signal::derive(move || field_message(errors, field))
}

/// The message under a form's input: the first of the form's refusals that names `field`.
pub fn field_message(
    errors: RwSignal<Vec<crate::error::FieldError>>,
    field: &str,
) -> Option<String> {
    errors.with(|e| crate::error::message_for(e, field))
}

/// Send a form's draft with `call`: its field errors go under the fields, any other failure to
/// `failure`, and success reloads what the page shows.
pub fn submit<F, Fut>(
    errors: RwSignal<Vec<crate::error::FieldError>>,
    failure: RwSignal<Option<AppError>>,
    reload: Callback<()>,
    call: F,
) where
    F: FnOnce() -> Fut + 'static,
    Fut: std::future::Future<Output = Result<(), AppError>> + 'static,
{
    errors.set(vec![]);
    failure.set(None);
    leptos::task::spawn_local(async move {
        match call().await {
            Ok(()) => reload.run(()),
            Err(e) => {
                errors.set(e.field_errors().to_vec());
                failure.set(Some(e));
            }
        }
    });
}
