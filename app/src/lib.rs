//! Haven: the field app of a police Social Service Unit (Hanover Park directive 515-S).
//!
//! # Layout
//! - [`admin`]: the administrator's accounts, roles and department settings.
//! - [`audit`] (`ssr`): the hash-chained, append-only audit trail.
//! - [`error`]: errors as data (codes and fields), shared by browser and server.
//! - [`settings`]: department settings (the $25 cap, the $50 floor, …) with the directive's defaults.
//! - [`auth`]: roles, the access policy, sign-in, sessions (server side behind `ssr`), sign-in screen.
//! - [`funds`]: the Emergency Request For Funds — domain rules, server functions, storage, screens.
//! - [`crypto`] (`ssr`): encryption at rest of confidential fields, key rotation, blind indexes.
//! - [`db`] (`ssr`): SurrealDB connection and numbered migrations.
//! - [`casework`]: clients, crisis-visit notes, addenda, personal notes, the officers' contact check.
//! - [`disclosure`]: consents, disclosures with the no-redisclosure notice, clients' copies of their
//!   own records (third parties redacted, withheld parts documented).
//! - [`retention`]: retention periods, disposal proposed, approved by somebody else, then carried out.
//! - [`offline`]: the encrypted on-device outbox, its sync, the service worker's registration.
//! - [`unit`]: the unit's own records: training, victim/witness needs reviews, public information.
//! - [`ui`]: small shared view components.
//!
//! Compiled twice: to WASM with `hydrate`, into the server with `ssr`. Domain modules (`*/domain.rs`,
//! `auth::policy`) are plain Rust with no I/O, so the browser and the server run the same rules.
// The views' nested types are deep: the WASM release build needs more than the default 128.
#![recursion_limit = "256"]

pub mod admin;
pub mod audit;
pub mod auth;
pub mod breach;
pub mod casework;
#[cfg(feature = "ssr")]
pub mod crypto;
#[cfg(feature = "ssr")]
pub mod db;
pub mod directory;
pub mod disclosure;
pub mod error;
pub mod funds;
pub mod home;
pub mod offline;
#[cfg(feature = "ssr")]
pub mod pdf;
pub mod privacy;
pub mod retention;
pub mod rules;
pub mod settings;
pub mod ui;
pub mod unit;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

/// The Content-Security-Policy of every page: no inline script but Leptos' own, which carries this
/// response's nonce; WASM compiled from our own origin only.
pub fn content_security_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// The HTML document around the app (server-rendered).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let (Some(nonce), Some(res)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) {
        if let Ok(v) = http::HeaderValue::from_str(&content_security_policy(&nonce.to_string())) {
            res.insert_header(http::header::CONTENT_SECURITY_POLICY, v);
        }
    }
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <meta name="theme-color" content="#1f3a5f"/>
                <link rel="manifest" href="/manifest.webmanifest"/>
                <link rel="icon" href="/icons/icon-192.png"/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_context(offline::views::Outbox::new());
    view! {
        <Stylesheet id="haven" href="/pkg/haven.css"/>
        <Title text="Haven"/>
        <Router>
            <Routes fallback=|| view! { <ui::NotFound/> }>
                <Route path=path!("/") view=home::HomePage/>
                <Route path=path!("/login") view=auth::views::LoginPage/>
                <Route path=path!("/mfa") view=auth::mfa_views::MfaPage/>
                <Route path=path!("/requests/new") view=funds::views::NewRequestPage/>
                <Route path=path!("/requests/mine") view=funds::views::MyRequestsPage/>
                <Route path=path!("/requests/queue") view=funds::views::QueuePage/>
                <Route path=path!("/requests/:id") view=funds::views::RequestPage/>
                <Route path=path!("/fund") view=funds::fund_views::FundPage/>
                <Route path=path!("/reports/monthly") view=funds::fund_views::ReportPage/>
                <Route path=path!("/audit") view=audit::views::AuditPage/>
                <Route path=path!("/admin") view=admin::views::AdminPage/>
                <Route path=path!("/clients") view=casework::views::ClientsPage/>
                <Route path=path!("/clients/:id") view=casework::views::ClientPage/>
                <Route path=path!("/clients/:id/visit") view=casework::visit_views::NewVisitPage/>
                <Route path=path!("/clients/:id/release") view=disclosure::views::ReleasePage/>
                <Route path=path!("/visits/new") view=casework::visit_views::OfflineVisitPage/>
                <Route path=path!("/contact-check") view=casework::views::ContactCheckPage/>
                <Route path=path!("/directory") view=directory::views::DirectoryPage/>
                <Route path=path!("/retention") view=retention::views::RetentionPage/>
                <Route path=path!("/unit") view=unit::views::UnitPage/>
                <Route path=path!("/breach") view=breach::views::ReportBreachPage/>
                <Route path=path!("/breaches") view=breach::views::BreachesPage/>
                <Route path=path!("/breaches/:id") view=breach::views::BreachPage/>
            </Routes>
        </Router>
    }
}
