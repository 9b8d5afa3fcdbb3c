//! The web app: pages, the JSON API and health checks. Each module exposes `router()`; this
//! one merges them and attaches the state once.
mod health;
pub mod unsubscribe;

use axum::Router;
use tower_http::trace::TraceLayer;

use crate::startup::AppState;

/// The whole web app.
pub fn router(state: AppState) -> Router {
    Router::new().merge(health::router()).merge(unsubscribe::router()).layer(TraceLayer::new_for_http()).with_state(state)
}
