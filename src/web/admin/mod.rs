//! Operators' pages beyond plans: editor review of provision analyses. Every route takes the
//! `AdminUser` extractor (non-operators get 403, visitors the login page) and every form `CsrfForm`.
pub mod analysis;

use axum::Router;
use axum::routing::get;

use crate::startup::AppState;

/// The operators' routes.
pub fn router() -> Router<AppState> {
    Router::new().route("/admin/provisions/{lineage}/analysis", get(analysis::show).post(analysis::save))
}
