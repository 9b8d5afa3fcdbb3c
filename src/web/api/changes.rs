//! `/api/v1/versions/{id}`, `/api/v1/changes?platform=&since=&page=` and `/api/v1/changes/{id}`.
use axum::{
    Json,
    extract::{Path, Query, State},
};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::ChangeJson;
use crate::db::pages::changes::{ChangeFilter, change_by_id, count_changes, provision_changes_of, recent_changes};
use crate::db::pages::documents::version_evidence;
use crate::db::platforms::platform_by_slug;
use crate::startup::AppState;
use crate::web::error::{ApiError, AppError, parse_id};
use crate::web::pages::{PER_PAGE, parse_page};

#[tracing::instrument(skip_all, fields(version = %id))]
pub async fn version(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let version_id = parse_id(&id, "version")?;
    let mut conn = state.pool.acquire().await?;
    let v = version_evidence(&mut conn, version_id)
        .await?
        .ok_or_else(|| AppError::not_found(format!("no version {version_id}")))?;
    Ok(Json(serde_json::json!({
        "id": v.version_id,
        "platform": v.platform_slug,
        "document": v.document_slug,
        "terms_type": v.terms_type,
        "captured_at": v.captured_at,
        "sha256": v.sha256,
        "text": v.text,
        "evidence": {
            "origin": v.origin,
            "last_verified_at": v.last_verified_at,
            "snapshot_sha256": v.snapshot_sha256,
            "snapshot_url": v.snapshot_url,
            "fetched_at": v.fetched_at,
        },
    })))
}

/// `?platform=&since=&page=`, read as text so bad values get our own message.
#[derive(Debug, Deserialize)]
pub struct ChangesQuery {
    pub platform: Option<String>,
    pub since: Option<String>,
    pub page: Option<String>,
}

/// `since` as an RFC 3339 time or a `YYYY-MM-DD` date (midnight UTC).
fn parse_since(raw: Option<&str>) -> Result<Option<DateTime<Utc>>, AppError> {
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else { return Ok(None) };
    if let Ok(at) = DateTime::parse_from_rfc3339(raw) {
        return Ok(Some(at.with_timezone(&Utc)));
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| Some(t.and_utc()))
        .ok_or_else(|| {
            AppError::bad_request(format!("since must be a date (2025-02-21) or an RFC 3339 time, not {raw:?}"))
        })
}

#[tracing::instrument(skip_all)]
pub async fn list(
    State(state): State<AppState>,
    Query(query): Query<ChangesQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let page = parse_page(query.page.as_deref())?;
    let since = parse_since(query.since.as_deref())?;
    let platform = query.platform.as_deref().map(str::trim).filter(|p| !p.is_empty());
    let mut conn = state.pool.acquire().await?;
    if let Some(slug) = platform {
        platform_by_slug(&mut conn, slug).await?.ok_or_else(|| AppError::not_found(format!("no platform {slug:?}")))?;
    }
    let filter = ChangeFilter { platform, since, ..ChangeFilter::default() };
    let total = count_changes(&mut conn, filter).await?;
    let rows = recent_changes(&mut conn, filter, PER_PAGE, (page - 1) * PER_PAGE).await?;
    let changes: Vec<ChangeJson> = rows.into_iter().map(ChangeJson::from).collect();
    Ok(Json(serde_json::json!({ "page": page, "per_page": PER_PAGE, "total": total, "changes": changes })))
}

/// A provision change in the change answer.
#[derive(Debug, Serialize)]
pub struct ProvisionChangeJson {
    pub kind: String,
    pub class: String,
    pub key: String,
    pub label: String,
    pub summary: String,
    pub lineage_id: Option<i64>,
    /// `[{"Equal": "…"}, {"Insert": "…"}, {"Delete": "…"}]`
    pub words: serde_json::Value,
}

#[tracing::instrument(skip_all, fields(change = %id))]
pub async fn get(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<serde_json::Value>, ApiError> {
    let change_id = parse_id(&id, "change")?;
    let mut conn = state.pool.acquire().await?;
    let change = change_by_id(&mut conn, change_id)
        .await?
        .ok_or_else(|| AppError::not_found(format!("no change {change_id}")))?;
    let provisions: Vec<ProvisionChangeJson> = provision_changes_of(&mut conn, change_id)
        .await?
        .into_iter()
        .map(|p| ProvisionChangeJson {
            kind: p.kind,
            class: p.class,
            key: p.key,
            label: p.label,
            summary: p.summary,
            lineage_id: p.lineage_id,
            words: p.words,
        })
        .collect();
    let mut body = serde_json::to_value(ChangeJson::from(change)).map_err(|e| AppError::Unexpected(e.into()))?;
    if let Some(object) = body.as_object_mut() {
        object
            .insert("provisions".into(), serde_json::to_value(provisions).map_err(|e| AppError::Unexpected(e.into()))?);
    }
    Ok(Json(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_reads_dates_and_times_and_refuses_the_rest() {
        let day = parse_since(Some("2025-02-21")).unwrap().unwrap();
        assert_eq!(day.to_rfc3339(), "2025-02-21T00:00:00+00:00");
        let time = parse_since(Some("2025-02-21T12:30:00+01:00")).unwrap().unwrap();
        assert_eq!(time.to_rfc3339(), "2025-02-21T11:30:00+00:00");
        assert_eq!(parse_since(Some(" ")).unwrap(), None);
        assert!(parse_since(Some("yesterday")).unwrap_err().to_string().contains("since must be a date"));
    }
}
