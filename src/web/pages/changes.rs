//! `/changes?platform=…&document=…&class=…&severity=…&page=N`: every change, newest first, in
//! pages, filtered by platform, kind of document, class and severity.
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use serde::Deserialize;

use super::{ChangeItem, Choice, Crumb, choices, known_level, known_platform, non_empty, param, query_href};
use crate::db::pages::changes::{ChangeFilter, changed_documents, count_changes, recent_changes};
use crate::db::pages::topics::watched_platforms;
use crate::pipeline::diff::ChangeClass;
use crate::startup::AppState;
use crate::web::error::{AppError, PageError};

/// Changes per page (pages and the API).
pub const PER_PAGE: i64 = 25;

/// The query string, read as text so a bad value gets our own message.
#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    pub platform: Option<String>,
    pub document: Option<String>,
    pub class: Option<String>,
    pub severity: Option<String>,
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

/// The filters of the change list, validated against what exists.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Filters {
    pub platform: String,
    pub document: String,
    pub class: String,
    pub severity: String,
}

impl Filters {
    /// Reads the query; `platforms` and `documents` are the slugs that can be chosen.
    pub fn parse(
        query: &PageQuery,
        platforms: &[(String, String)],
        documents: &[(String, String)],
    ) -> Result<Filters, AppError> {
        let filters = Filters {
            platform: param(&query.platform),
            document: param(&query.document),
            class: param(&query.class).to_lowercase(),
            severity: param(&query.severity).to_lowercase(),
        };
        known_platform(&filters.platform, platforms, "all platforms")?;
        if !filters.document.is_empty() && !documents.iter().any(|(slug, _)| *slug == filters.document) {
            return Err(AppError::bad_request(format!(
                "No document {:?} has changed: choose one from the list, or all documents.",
                filters.document
            )));
        }
        if !filters.class.is_empty() && !ChangeClass::ALL.iter().any(|c| c.as_str() == filters.class) {
            let classes: Vec<&str> = ChangeClass::ALL.iter().map(|c| c.as_str()).collect();
            return Err(AppError::bad_request(format!(
                "A change's class is one of {}, not {:?}.",
                classes.join(", "),
                filters.class
            )));
        }
        known_level(&filters.severity, "Severity")?;
        Ok(filters)
    }

    fn change_filter(&self) -> ChangeFilter<'_> {
        ChangeFilter {
            platform: non_empty(&self.platform),
            document: non_empty(&self.document),
            class: non_empty(&self.class),
            severity: non_empty(&self.severity),
            ..ChangeFilter::default()
        }
    }

    /// The address of page `page` of this list.
    pub fn href(&self, page: i64) -> String {
        let parameters = [
            ("platform", self.platform.as_str()),
            ("document", &self.document),
            ("class", &self.class),
            ("severity", &self.severity),
        ];
        query_href("/changes", &parameters, page)
    }

    fn is_empty(&self) -> bool {
        *self == Filters::default()
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
    pub filtered: bool,
    pub platforms: Vec<Choice>,
    pub documents: Vec<Choice>,
    pub classes: Vec<Choice>,
    pub severities: Vec<Choice>,
    pub prev_href: Option<String>,
    pub next_href: Option<String>,
}

#[tracing::instrument(skip_all)]
pub async fn get(State(state): State<AppState>, Query(query): Query<PageQuery>) -> Result<ChangesPage, PageError> {
    let page = parse_page(query.page.as_deref())?;
    let mut conn = state.pool.acquire().await?;
    let platforms = watched_platforms(&mut conn).await?;
    let documents = changed_documents(&mut conn).await?;
    let filters = Filters::parse(&query, &platforms, &documents)?;
    let total = count_changes(&mut conn, filters.change_filter()).await?;
    let pages = ((total + PER_PAGE - 1) / PER_PAGE).max(1);
    if page > pages {
        return Err(AppError::not_found(format!("There is no page {page}: these changes fill {pages}.")).into());
    }
    let rows = recent_changes(&mut conn, filters.change_filter(), PER_PAGE, (page - 1) * PER_PAGE).await?;
    let title = if page == 1 { "All changes".to_owned() } else { format!("All changes, page {page}") };
    let crumbs = vec![Crumb::link("Home", "/"), Crumb::here("Changes")];
    Ok(ChangesPage {
        title,
        crumbs,
        changes: rows.iter().map(ChangeItem::from_row).collect(),
        page,
        pages,
        total,
        filtered: !filters.is_empty(),
        platforms: choices(platforms, &filters.platform, "All platforms"),
        documents: choices(documents, &filters.document, "All documents"),
        classes: choices(
            ChangeClass::ALL.iter().rev().map(|c| (c.as_str().to_owned(), c.as_str().to_owned())),
            &filters.class,
            "All classes",
        ),
        severities: choices(
            ["high", "medium", "low"].map(|s| (s.to_owned(), s.to_owned())),
            &filters.severity,
            "Any severity",
        ),
        prev_href: (page > 1).then(|| filters.href(page - 1)),
        next_href: (page < pages).then(|| filters.href(page + 1)),
    })
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

    #[test]
    fn filters_take_known_values_and_name_what_is_wrong() {
        let platforms = vec![("openai".to_owned(), "OpenAI".to_owned())];
        let documents = vec![("privacy-policy".to_owned(), "Privacy Policy".to_owned())];
        let some = |v: &str| Some(v.to_owned());
        let query = |platform: &str, document: &str, class: &str, severity: &str| PageQuery {
            platform: some(platform),
            document: some(document),
            class: some(class),
            severity: some(severity),
            page: None,
        };
        let ok =
            Filters::parse(&query("openai", "privacy-policy", "Substantive", "high"), &platforms, &documents).unwrap();
        assert_eq!(ok.class, "substantive");
        assert_eq!(
            ok.href(2),
            "/changes?platform=openai&document=privacy-policy&class=substantive&severity=high&page=2"
        );
        assert_eq!(Filters::default().href(1), "/changes");
        for bad in
            [query("x", "", "", ""), query("", "terms", "", ""), query("", "", "huge", ""), query("", "", "", "severe")]
        {
            assert!(matches!(Filters::parse(&bad, &platforms, &documents), Err(AppError::BadRequest(_))), "{bad:?}");
        }
    }
}
