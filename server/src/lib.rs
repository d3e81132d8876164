//! The Haven process: configuration, the axum router around the Leptos app, and serving.
//! The product lives in the `app` crate; this crate only wires it up.

use std::net::SocketAddr;

pub mod keys;
pub mod tls;

use app::auth::server::session_layer;
use app::db::AppState;
use app::{shell, App};
use axum::routing::get;
use axum::Router;
use leptos::config::{Env, LeptosOptions};
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};

/// Everything the router needs besides the database.
#[derive(Clone, Debug)]
pub struct SiteConfig {
    /// The folder holding `pkg/` (the WASM, its JS glue and the CSS), built by `scripts/build`.
    pub site_root: String,
    pub addr: SocketAddr,
    /// Sign-in attempts (password or second factor) allowed per client address per minute.
    pub sign_ins_per_minute: u32,
    /// Requests without a signed-in session allowed per client address per minute.
    pub anonymous_per_minute: u32,
    /// Send `Strict-Transport-Security` (Haven is reached over https: it terminates TLS itself or
    /// its public URL is https).
    pub hsts: bool,
}

/// The whole HTTP application: pages, server functions under `/api`, static files, and the session
/// layer in front of all of them.
pub fn router(state: AppState, site: &SiteConfig) -> Router {
    let options = LeptosOptions::builder()
        .output_name("haven")
        .site_root(site.site_root.as_str())
        .site_pkg_dir("pkg")
        .site_addr(site.addr)
        .env(Env::PROD)
        .build();
    let routes = generate_route_list(App);
    let context_state = state.clone();
    let hsts = site.hsts;
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route(
            "/api/events/requests",
            get(app::funds::live::request_events).with_state(state.clone()),
        )
        .route(
            "/api/reports/monthly.csv",
            get(app::funds::export::monthly_csv).with_state(state.clone()),
        )
        .route(
            "/api/reports/monthly.pdf",
            get(app::funds::export::monthly_pdf).with_state(state.clone()),
        )
        .route(
            "/api/events/breaches",
            get(app::breach::api::breach_events).with_state(state.clone()),
        )
        .route(
            "/api/directory.csv",
            get(app::directory::export::directory_csv).with_state(state.clone()),
        )
        .route(
            "/api/audit/export.csv",
            get(app::audit::api::export_csv).with_state(state.clone()),
        )
        .route(
            "/api/disclosures/{id}/disclosure.pdf",
            get(app::disclosure::export::disclosure_pdf).with_state(state.clone()),
        )
        .route(
            "/api/access-requests/{id}/client-copy.pdf",
            get(app::disclosure::export::client_copy_pdf).with_state(state.clone()),
        )
        .route(
            "/api/requests/{id}/appendix-a.pdf",
            get(app::funds::export::appendix_a).with_state(state.clone()),
        )
        .leptos_routes_with_context(
            &options,
            routes,
            move || provide_context(context_state.clone()),
            {
                let options = options.clone();
                move || shell(options.clone())
            },
        )
        .fallback(leptos_axum::file_and_error_handler(shell))
        // Inner: the limits see who the session layer signed in.
        .layer(axum::middleware::from_fn_with_state(
            app::auth::ratelimit::Limits::new(site.sign_ins_per_minute, site.anonymous_per_minute),
            app::auth::ratelimit::limit_unauthenticated,
        ))
        .layer(axum::middleware::from_fn_with_state(state, session_layer))
        .layer(axum::middleware::map_response(
            move |mut res: axum::response::Response| async move {
                if hsts {
                    res.headers_mut().insert(
                        http::header::STRICT_TRANSPORT_SECURITY,
                        http::HeaderValue::from_static("max-age=31536000; includeSubDomains"),
                    );
                }
                res
            },
        ))
        .with_state(options)
}

/// Serve until Ctrl-C / SIGTERM. Accepted sockets get TCP_NODELAY: without it streamed SSR stalls
/// ~40 ms per response (Nagle + delayed ACK).
pub async fn serve(app: Router, addr: SocketAddr) -> std::io::Result<()> {
    use axum::serve::ListenerExt;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
}

/// Serve over TLS (rustls) until Ctrl-C / SIGTERM.
pub async fn serve_tls(
    app: Router,
    addr: SocketAddr,
    config: std::sync::Arc<rustls::ServerConfig>,
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tls::serve(app, listener, config, shutdown_signal()).await
}

pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
