//! `/platforms/{platform}/{document}/diff?from={id}&to={id}[&view=side]`: the provision-level
//! diff between any two versions of a document, computed from their stored provisions.
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use serde::Deserialize;

use super::diff_view::{DiffRow, changed_count, rows};
use super::document::{document_crumbs, find_document};
use super::{Crumb, date, document_href};
use crate::db::documents::DocumentRow;
use crate::db::pages::documents::{EvidenceRow, version_evidence_only};
use crate::db::provisions::provisions_of;
use crate::pipeline::diff::diff;
use crate::startup::AppState;
use crate::web::error::{AppError, PageError};

/// The query string, read as text so bad values get our own message.
#[derive(Debug, Deserialize)]
pub struct DiffQuery {
    pub from: Option<String>,
    pub to: Option<String>,
    pub view: Option<String>,
}

/// Parses a required version id parameter.
pub fn parse_version_param(name: &str, raw: Option<&str>) -> Result<i64, AppError> {
    let raw = raw.map(str::trim).filter(|r| !r.is_empty()).ok_or_else(|| {
        AppError::bad_request(format!("The diff needs both versions: `{name}` is missing (use ?from=ID&to=ID)."))
    })?;
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| AppError::bad_request(format!("`{name}` must be a version id (a number), not {raw:?}.")))
}

/// A diff page.
#[derive(Template, WebTemplate)]
#[template(path = "diff.html")]
pub struct DiffPage {
    pub title: String,
    pub crumbs: Vec<Crumb>,
    pub heading: String,
    pub from_date: String,
    pub to_date: String,
    pub from_id: i64,
    pub to_id: i64,
    pub side: bool,
    pub inline_href: String,
    pub side_href: String,
    pub document_href: String,
    pub changed: usize,
    pub rows: Vec<DiffRow>,
}

async fn version_of(conn: &mut sqlx::PgConnection, doc: &DocumentRow, id: i64) -> Result<EvidenceRow, AppError> {
    version_evidence_only(conn, id)
        .await?
        .filter(|v| v.document_id == doc.document_id)
        .ok_or_else(|| AppError::not_found(format!("{} has no version {id}.", doc.terms_type)))
}

#[tracing::instrument(skip_all, fields(platform = %platform, document = %document))]
pub async fn get(
    State(state): State<AppState>,
    Path((platform, document)): Path<(String, String)>,
    Query(query): Query<DiffQuery>,
) -> Result<DiffPage, PageError> {
    let from = parse_version_param("from", query.from.as_deref())?;
    let to = parse_version_param("to", query.to.as_deref())?;
    let side = query.view.as_deref() == Some("side");
    let mut conn = state.pool.acquire().await?;
    let doc = find_document(&mut conn, &platform, &document).await?;
    let (old_version, new_version) = (version_of(&mut conn, &doc, from).await?, version_of(&mut conn, &doc, to).await?);
    let old = provisions_of(&mut conn, from).await?;
    let new = provisions_of(&mut conn, to).await?;
    drop(conn);
    let span = tracing::Span::current();
    let rows = tokio::task::spawn_blocking(move || {
        let _entered = span.enter();
        let plain =
            |rows: &[crate::db::provisions::ProvisionRow]| rows.iter().map(|r| r.to_provision()).collect::<Vec<_>>();
        rows(&diff(&plain(&old), &plain(&new)), &old, &new)
    })
    .await
    .map_err(|e| AppError::Unexpected(anyhow::anyhow!("the diff task failed: {e}")))?;
    let base = document_href(&doc.platform_slug, &doc.slug);
    let (from_date, to_date) = (date(old_version.captured_at), date(new_version.captured_at));
    Ok(DiffPage {
        title: format!("{} {}: {from_date} → {to_date}", doc.platform_name, doc.terms_type),
        crumbs: document_crumbs(&doc, Some(&format!("Diff {from_date} → {to_date}"))),
        heading: format!("{}: {}", doc.platform_name, doc.terms_type),
        inline_href: format!("{base}/diff?from={from}&to={to}"),
        side_href: format!("{base}/diff?from={from}&to={to}&view=side"),
        document_href: base,
        changed: changed_count(&rows),
        from_date,
        to_date,
        from_id: from,
        to_id: to,
        side,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_parameters_must_be_present_positive_numbers() {
        assert_eq!(parse_version_param("from", Some("12")).ok(), Some(12));
        for bad in [None, Some(""), Some("abc"), Some("-3"), Some("0"), Some("1e3")] {
            assert!(matches!(parse_version_param("from", bad), Err(AppError::BadRequest(_))), "{bad:?}");
        }
    }
}
