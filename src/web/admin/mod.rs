//! Operators' pages beyond plans: editor review of provision analyses and the capture health of
//! every document. Every route takes the
//! `AdminUser` extractor (non-operators get 403, visitors the login page) and every form `CsrfForm`.
pub mod analysis;
pub mod captures;

use axum::Router;
use axum::routing::{get, post};

use crate::startup::AppState;

/// The operators' routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/provisions/{lineage}/analysis", get(analysis::show).post(analysis::save))
        .route("/admin/captures", get(captures::show))
        .route("/admin/captures/{document}/capture", post(captures::capture_now))
}
