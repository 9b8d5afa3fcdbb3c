//! The JSON API under `/api/v1`: platforms, documents, versions, changes, topics, and the OpenAPI
//! document describing them (`openapi.json`). Errors are `{"error": "..."}` with a 4xx/5xx status.
mod changes;
mod platforms;
mod provisions;
mod topics;

use axum::{Router, routing::get};
use serde::Serialize;

use crate::db::pages::changes::ChangeListRow;
use crate::startup::AppState;

/// Every `/api/v1` route (relative: the caller nests it), with a JSON 404 for the rest.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/platforms", get(platforms::list))
        .route("/platforms/{platform}", get(platforms::get))
        .route("/platforms/{platform}/documents/{document}", get(platforms::document))
        .route("/platforms/{platform}/documents/{document}/versions", get(platforms::document))
        .route("/versions/{id}", get(changes::version))
        .route("/changes", get(changes::list))
        .route("/changes/{id}", get(changes::get))
        .route("/provisions/{lineage_id}", get(provisions::get))
        .route("/topics/{topic}", get(topics::get))
        .route("/openapi.json", get(openapi))
        .fallback(super::error::api_not_found)
}

/// The OpenAPI 3.1 document of these routes (`tests/api/api_v1.rs` calls every path it lists).
pub const OPENAPI: &str = include_str!("openapi.json");

async fn openapi() -> impl axum::response::IntoResponse {
    ([(axum::http::header::CONTENT_TYPE, "application/json")], OPENAPI)
}

/// A change in API answers.
#[derive(Debug, Serialize)]
pub struct ChangeJson {
    pub id: i64,
    pub platform: String,
    pub document: String,
    pub terms_type: String,
    pub class: String,
    /// Whether the change alerts subscribers: only changes to the terms' own words do.
    pub alert: bool,
    pub summary: String,
    pub from_version_id: i64,
    pub to_version_id: i64,
    pub changed_at: chrono::DateTime<chrono::Utc>,
    pub provisions_changed: i64,
}

impl From<ChangeListRow> for ChangeJson {
    fn from(row: ChangeListRow) -> Self {
        ChangeJson {
            id: row.change_id,
            platform: row.platform_slug,
            document: row.document_slug,
            terms_type: row.terms_type,
            class: row.class,
            alert: row.alert,
            summary: row.summary,
            from_version_id: row.from_version_id,
            to_version_id: row.to_version_id,
            changed_at: row.changed_at,
            provisions_changed: row.provisions,
        }
    }
}
