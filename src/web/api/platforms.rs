//! `/api/v1/platforms`, `/api/v1/platforms/{platform}` and its documents with their versions.
use axum::{
    Json,
    extract::{Path, State},
};
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::db::documents::document_by_slugs;
use crate::db::pages::documents::document_history;
use crate::db::pages::platforms::{platform_summaries, platform_timeline};
use crate::db::platforms::platform_by_slug;
use crate::startup::AppState;
use crate::web::error::{ApiError, AppError};

/// A platform in the list.
#[derive(Debug, Serialize)]
pub struct PlatformJson {
    pub slug: String,
    pub name: String,
    pub documents: i64,
    pub versions: i64,
    pub changes: i64,
    pub last_version_at: Option<DateTime<Utc>>,
}

#[tracing::instrument(skip_all)]
pub async fn list(State(state): State<AppState>) -> Result<Json<serde_json::Value>, ApiError> {
    let mut conn = state.pool.acquire().await?;
    let platforms: Vec<PlatformJson> = platform_summaries(&mut conn)
        .await?
        .into_iter()
        .map(|p| PlatformJson {
            slug: p.slug,
            name: p.name,
            documents: p.documents,
            versions: p.versions,
            changes: p.changes,
            last_version_at: p.last_version_at,
        })
        .collect();
    Ok(Json(serde_json::json!({ "platforms": platforms })))
}

/// A document of a platform, as the platform answer lists it.
#[derive(Debug, Serialize)]
pub struct DocumentSummaryJson {
    pub slug: String,
    pub terms_type: String,
    pub versions: usize,
    pub current_version_id: i64,
    pub current_since: DateTime<Utc>,
    pub last_verified_at: DateTime<Utc>,
    pub last_change_id: Option<i64>,
    pub last_change_class: Option<String>,
}

#[tracing::instrument(skip_all, fields(platform = %platform))]
pub async fn get(
    State(state): State<AppState>,
    Path(platform): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let mut conn = state.pool.acquire().await?;
    let row = platform_by_slug(&mut conn, &platform)
        .await?
        .ok_or_else(|| AppError::not_found(format!("no platform {platform:?}")))?;
    let timeline = platform_timeline(&mut conn, row.platform_id).await?;
    let documents: Vec<DocumentSummaryJson> = timeline
        .chunk_by(|a, b| a.document_id == b.document_id)
        .filter_map(|versions| {
            let current = versions.last()?;
            Some(DocumentSummaryJson {
                slug: current.document_slug.clone(),
                terms_type: current.terms_type.clone(),
                versions: versions.len(),
                current_version_id: current.version_id,
                current_since: current.captured_at,
                last_verified_at: current.verified_at,
                last_change_id: current.change_id,
                last_change_class: current.class.clone(),
            })
        })
        .collect();
    Ok(Json(serde_json::json!({ "slug": row.slug, "name": row.name, "documents": documents })))
}

/// A version in a document's history.
#[derive(Debug, Serialize)]
pub struct VersionSummaryJson {
    pub id: i64,
    pub captured_at: DateTime<Utc>,
    pub sha256: String,
    pub change_id: Option<i64>,
    pub change_class: Option<String>,
    pub change_summary: Option<String>,
}

#[tracing::instrument(skip_all, fields(platform = %platform, document = %document))]
pub async fn document(
    State(state): State<AppState>,
    Path((platform, document)): Path<(String, String)>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let mut conn = state.pool.acquire().await?;
    let doc = document_by_slugs(&mut conn, &platform, &document)
        .await?
        .ok_or_else(|| AppError::not_found(format!("no document {document:?} of platform {platform:?}")))?;
    let versions: Vec<VersionSummaryJson> = document_history(&mut conn, doc.document_id)
        .await?
        .into_iter()
        .map(|h| VersionSummaryJson {
            id: h.version_id,
            captured_at: h.captured_at,
            sha256: h.sha256,
            change_id: h.change_id,
            change_class: h.class,
            change_summary: h.summary,
        })
        .collect();
    Ok(Json(serde_json::json!({
        "platform": doc.platform_slug,
        "platform_name": doc.platform_name,
        "slug": doc.slug,
        "terms_type": doc.terms_type,
        "versions": versions,
    })))
}
