//! The web app: pages, the JSON API and health checks. Each module exposes `router()`; this
//! one merges them, adds the layers and attaches the state once.
pub mod accounts;
mod admin;
mod api;
pub mod csrf;
pub mod error;
pub mod extract;
pub mod feeds;
pub mod guard;
mod health;
mod metrics;
pub mod page_cache;
pub mod pages;
pub mod server;
pub mod session_store;
pub mod svg;
pub mod unsubscribe;

use std::{path::PathBuf, time::Duration};

use axum::{
    Router,
    http::{HeaderValue, Request, header},
    middleware,
};
use tower_http::{
    limit::RequestBodyLimitLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer},
    services::ServeDir,
    set_header::SetResponseHeaderLayer,
    trace::TraceLayer,
};

use crate::startup::AppState;

/// The whole web app. Starts the page cache's listener (see `page_cache`).
pub fn router(state: AppState) -> Router {
    crate::metrics::handle();
    state.page_cache.listen(state.pool.clone());
    let sessions = accounts::session_layer(&state);
    let time_limit = Duration::from_secs(state.config.http_request_timeout_secs.max(1));
    let hsts = (state.config.base_url.scheme() == "https")
        .then(|| SetResponseHeaderLayer::overriding(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS)));
    Router::new()
        .merge(health::router())
        .merge(public_router(&state))
        .merge(private_router())
        .route_layer(middleware::from_fn(metrics::track))
        .layer(middleware::from_fn_with_state(state.clone(), page_cache::after_writes))
        .layer(sessions)
        .nest_service("/static", ServeDir::new(static_dir()))
        .fallback(error::page_not_found)
        .layer(
            tower::ServiceBuilder::new()
                .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
                .layer(TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
                    let id = request.extensions().get::<RequestId>().and_then(|id| id.header_value().to_str().ok());
                    tracing::info_span!("request", method = %request.method(), request.id = id.unwrap_or("-"))
                }))
                .layer(PropagateRequestIdLayer::x_request_id())
                .layer(security_header(header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
                .layer(security_header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
                .layer(security_header(header::REFERRER_POLICY, "strict-origin-when-cross-origin"))
                .layer(security_header(header::X_FRAME_OPTIONS, "DENY"))
                .option_layer(hsts)
                .layer(middleware::from_fn_with_state(time_limit, guard::time_limit))
                .layer(middleware::from_fn(guard::refuse_control_characters))
                .layer(RequestBodyLimitLayer::new(guard::MAX_BODY_BYTES)),
        )
        .with_state(state)
}

/// `/metrics` alone, for the listener of `METRICS_ADDR` (the public app does not serve it).
pub fn metrics_router(state: AppState) -> Router {
    crate::metrics::handle();
    metrics::router().with_state(state)
}

/// No script at all, nothing from other hosts, never framed. Archived text is escaped anyway;
/// this is the second wall.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

fn security_header(name: header::HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}

/// Browsers keep to https for a year, subdomains included, once they have seen this over https.
const HSTS: &str = "max-age=31536000; includeSubDomains";

/// The pages, feeds and JSON API: public, session-free for visitors, and cached (`page_cache`).
fn public_router(state: &AppState) -> Router<AppState> {
    Router::new()
        .merge(pages::router())
        .merge(feeds::router())
        .nest("/api/v1", api::router())
        .layer(middleware::from_fn_with_state(state.clone(), page_cache::serve))
}

/// Accounts, organisations, invitations, unsubscribing and the operators' pages: personal, so
/// no cache anywhere may keep them (`Cache-Control: no-store`).
fn private_router() -> Router<AppState> {
    Router::new()
        .merge(unsubscribe::router())
        .merge(accounts::router())
        .merge(admin::router())
        .layer(SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
}

/// `static/` beside the working directory when there is one (deployments), else the source tree's.
fn static_dir() -> PathBuf {
    let local = PathBuf::from("static");
    if local.join("style.css").is_file() {
        local
    } else {
        PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/static"))
    }
}
