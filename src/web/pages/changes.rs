//! `/changes?page=N`: every change, newest first, in pages.
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use serde::Deserialize;

use super::{ChangeItem, Crumb};
use crate::db::pages::changes::{ChangeFilter, count_changes, recent_changes};
use crate::startup::AppState;
use crate::web::error::{AppError, PageError};

/// Changes per page (pages and the API).
pub const PER_PAGE: i64 = 25;

/// The query string, read as text so a bad value gets our own message.
#[derive(Debug, Deserialize)]
pub struct PageQuery {
    pub page: Option<String>,
}

/// Parses `?page=N` (1-based, default 1).
pub fn parse_page(raw: Option<&str>) -> Result<i64, AppError> {
    match raw.map(str::trim).filter(|r| !r.is_empty()) {
        None => Ok(1),
        Some(raw) => raw
            .parse::<i64>()
            .ok()
            .filter(|p| (1..=1_000_000).contains(p))
            .ok_or_else(|| AppError::bad_request(format!("page must be a whole number from 1, not {raw:?}"))),
    }
}

/// The change feed page.
#[derive(Template, WebTemplate)]
#[template(path = "changes.html")]
pub struct ChangesPage {
    pub title: String,
    pub crumbs: Vec<Crumb>,
    pub changes: Vec<ChangeItem>,
    pub page: i64,
    pub pages: i64,
    pub total: i64,
}

#[tracing::instrument(skip_all)]
pub async fn get(State(state): State<AppState>, Query(query): Query<PageQuery>) -> Result<ChangesPage, PageError> {
    let page = parse_page(query.page.as_deref())?;
    let mut conn = state.pool.acquire().await?;
    let total = count_changes(&mut conn, ChangeFilter::default()).await?;
    let pages = ((total + PER_PAGE - 1) / PER_PAGE).max(1);
    if page > pages {
        return Err(AppError::not_found(format!("There is no page {page}: the changes fill {pages}.")).into());
    }
    let rows = recent_changes(&mut conn, ChangeFilter::default(), PER_PAGE, (page - 1) * PER_PAGE).await?;
    let title = if page == 1 { "All changes".to_owned() } else { format!("All changes, page {page}") };
    let crumbs = vec![Crumb::link("Home", "/"), Crumb::here("Changes")];
    Ok(ChangesPage { title, crumbs, changes: rows.iter().map(ChangeItem::from_row).collect(), page, pages, total })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_numbers_are_whole_numbers_from_one() {
        assert_eq!(parse_page(None).ok(), Some(1));
        assert_eq!(parse_page(Some("")).ok(), Some(1));
        assert_eq!(parse_page(Some("3")).ok(), Some(3));
        for bad in ["0", "-2", "abc", "1.5", "99999999999"] {
            assert!(matches!(parse_page(Some(bad)), Err(AppError::BadRequest(_))), "{bad}");
        }
    }
}
