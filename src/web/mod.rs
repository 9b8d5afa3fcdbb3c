//! The web app: pages, the JSON API and health checks. Each module exposes `router()`; this
//! one merges them, adds the layers and attaches the state once.
pub mod accounts;
mod admin;
mod api;
pub mod csrf;
pub mod error;
pub mod extract;
pub mod feeds;
mod health;
mod metrics;
mod pages;
pub mod session_store;
pub mod svg;
pub mod unsubscribe;

use std::path::PathBuf;

use axum::{Router, http::Request, middleware};
use tower_http::{
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer},
    services::ServeDir,
    trace::TraceLayer,
};

use crate::startup::AppState;

/// The whole web app.
pub fn router(state: AppState) -> Router {
    crate::metrics::handle();
    let sessions = accounts::session_layer(&state);
    Router::new()
        .merge(health::router())
        .merge(metrics::router())
        .merge(pages::router())
        .merge(feeds::router())
        .merge(unsubscribe::router())
        .merge(accounts::router())
        .merge(admin::router())
        .nest("/api/v1", api::router())
        .route_layer(middleware::from_fn(metrics::track))
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
                .layer(PropagateRequestIdLayer::x_request_id()),
        )
        .with_state(state)
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
