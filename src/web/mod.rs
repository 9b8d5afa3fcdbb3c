//! The web app: pages, the JSON API and health checks. Each module exposes `router()`; this
//! one merges them and attaches the state once.
pub mod accounts;
pub mod csrf;
pub mod extract;
mod health;
pub mod session_store;
pub mod unsubscribe;

use axum::Router;
use tower_http::trace::TraceLayer;

use crate::startup::AppState;

/// The whole web app.
pub fn router(state: AppState) -> Router {
    let sessions = accounts::session_layer(&state);
    Router::new()
        .merge(health::router())
        .merge(unsubscribe::router())
        .merge(accounts::router())
        .layer(sessions)
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
