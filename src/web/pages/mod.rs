//! The public pages: thin handlers (parse → `db::pages` query → view struct → template) and the
//! display helpers they share. Archived text is untrusted: templates escape it, never `|safe`.
pub mod analysis_view;
mod changes;
mod diff;
mod diff_view;
mod document;
mod facts_view;
mod home;
pub mod peers;
mod platforms;
pub mod provision;
mod search;
mod static_pages;
pub mod text;
mod topics;
mod version;

use axum::{Router, routing::get};
use chrono::{DateTime, Utc};

pub use changes::{PER_PAGE, parse_page};
pub use document::find_document;
pub use text::{Block, blocks};

use crate::db::pages::changes::ChangeListRow;
use crate::domain::topic::Exposure;
use crate::startup::AppState;
use crate::web::error::AppError;

/// Every public page.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home::get))
        .route("/pricing", get(static_pages::pricing))
        .route("/methodology", get(static_pages::methodology))
        .route("/changes", get(changes::get))
        .route("/search", get(search::get))
        .route("/platforms", get(platforms::list))
        .route("/platforms/{platform}", get(platforms::get))
        .route("/platforms/{platform}/{document}", get(document::get))
        .route("/platforms/{platform}/{document}/versions/{version}", get(version::get))
        .route("/platforms/{platform}/{document}/diff", get(diff::get))
        .route("/platforms/{platform}/{document}/provisions/{lineage}", get(provision::get))
        .route("/topics", get(topics::list))
        .route("/topics/{topic}", get(topics::get))
}

/// One step of the breadcrumb trail; the last one is the current page and has no link.
#[derive(Debug, Clone)]
pub struct Crumb {
    pub label: String,
    pub href: Option<String>,
}

impl Crumb {
    /// A step that links somewhere.
    pub fn link(label: impl Into<String>, href: impl Into<String>) -> Crumb {
        Crumb { label: label.into(), href: Some(href.into()) }
    }

    /// The current page.
    pub fn here(label: impl Into<String>) -> Crumb {
        Crumb { label: label.into(), href: None }
    }
}

/// `2025-02-21`.
pub fn date(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d").to_string()
}

/// `2025-02-21 12:36 UTC`.
pub fn datetime(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// The path of a platform page.
pub fn platform_href(platform: &str) -> String {
    format!("/platforms/{platform}")
}

/// The path of a document page.
pub fn document_href(platform: &str, document: &str) -> String {
    format!("/platforms/{platform}/{document}")
}

/// The path of a topic's comparison page.
pub fn topic_href(topic: &str) -> String {
    format!("/topics/{topic}")
}

/// The path of the diff between two versions of a document.
pub fn diff_href(platform: &str, document: &str, from: i64, to: i64) -> String {
    format!("/platforms/{platform}/{document}/diff?from={from}&to={to}")
}

/// A page's address with its query: the non-empty parameters in the order given, and `page`
/// from 2 on, so every list links to one address per page.
pub fn query_href(path: &str, parameters: &[(&str, &str)], page: i64) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in parameters.iter().filter(|(_, value)| !value.is_empty()) {
        query.append_pair(name, value);
    }
    if page > 1 {
        query.append_pair("page", &page.to_string());
    }
    let query = query.finish();
    if query.is_empty() { path.to_owned() } else { format!("{path}?{query}") }
}

/// A filter's value, None when empty (the query leaves it out).
pub fn non_empty(value: &str) -> Option<&str> {
    (!value.is_empty()).then_some(value)
}

/// A query parameter as given, trimmed; empty when absent.
pub fn param(value: &Option<String>) -> String {
    value.as_deref().map(str::trim).unwrap_or_default().to_owned()
}

/// A filter's platform: empty (`any`: "any platform", "all platforms") or one of the watched
/// `platforms` (slug, name).
pub fn known_platform(platform: &str, platforms: &[(String, String)], any: &str) -> Result<(), AppError> {
    if platform.is_empty() || platforms.iter().any(|(slug, _)| slug == platform) {
        return Ok(());
    }
    Err(AppError::bad_request(format!("We watch no platform {platform:?}: choose one from the list, or {any}.")))
}

/// A filter's level (`what`: "Exposure", "Severity"): empty, or high, medium or low.
pub fn known_level(level: &str, what: &str) -> Result<(), AppError> {
    if level.is_empty() || Exposure::from_slug(level).is_some() {
        return Ok(());
    }
    Err(AppError::bad_request(format!("{what} is high, medium or low, not {level:?}.")))
}

/// An option of a filter's list.
#[derive(Debug, Clone)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// A filter's options: first `any` (the empty value), then `options` as (value, label).
pub fn choices(options: impl IntoIterator<Item = (String, String)>, chosen: &str, any: &str) -> Vec<Choice> {
    std::iter::once((String::new(), any.to_owned()))
        .chain(options)
        .map(|(value, label)| Choice { selected: value == chosen, value, label })
        .collect()
}

/// A change as lists show it.
#[derive(Debug, Clone)]
pub struct ChangeItem {
    pub platform_name: String,
    pub platform_href: String,
    pub document_name: String,
    pub document_href: String,
    pub date: String,
    pub class: String,
    pub summary: String,
    pub provisions: i64,
    pub diff_href: String,
    /// "high", "medium" or "low": the most exposed topic the change touched.
    pub severity: Option<String>,
}

impl ChangeItem {
    /// The list entry for a change row.
    pub fn from_row(row: &ChangeListRow) -> ChangeItem {
        ChangeItem {
            platform_name: row.platform_name.clone(),
            platform_href: platform_href(&row.platform_slug),
            document_name: row.terms_type.clone(),
            document_href: document_href(&row.platform_slug, &row.document_slug),
            date: date(row.changed_at),
            class: row.class.clone(),
            summary: row.summary.clone(),
            provisions: row.provisions,
            diff_href: diff_href(&row.platform_slug, &row.document_slug, row.from_version_id, row.to_version_id),
            severity: row.severity.clone(),
        }
    }
}

/// A topic's name from the taxonomy; an unknown slug reads as words (`foo-bar` → `Foo bar`).
pub fn topic_name(slug: &str) -> String {
    if let Some(topic) = crate::domain::topic::Taxonomy::builtin().get(slug) {
        return topic.name.clone();
    }
    let words = slug.replace('-', " ");
    let mut chars = words.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// Archived text as one line of words: Markdown marks read away, blocks joined by spaces.
pub fn plain_text(text: &str) -> String {
    let words: String = blocks(text).iter().map(Block::text).collect::<Vec<_>>().join(" ");
    words.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The first `max` characters of `text`'s words (see `plain_text`) at a word boundary, with `…` when cut.
pub fn excerpt(text: &str, max: usize) -> String {
    let flat = plain_text(text);
    if flat.chars().count() <= max {
        return flat;
    }
    let cut: String = flat.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", cut.trim_end_matches([',', ';', ':', '.']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_cut_at_a_word_boundary() {
        assert_eq!(excerpt("short text", 50), "short text");
        assert_eq!(excerpt("We may use your content to train models.", 20), "We may use your…");
        assert_eq!(excerpt("## 6.2 Ownership\n\nYou **own** it.", 50), "6.2 Ownership You own it.");
    }

    #[test]
    fn topic_slugs_read_as_names() {
        assert_eq!(topic_name("liability-limitation"), "Limits of liability and disclaimers");
        assert_eq!(topic_name("no-longer-a-topic"), "No longer a topic");
        assert_eq!(topic_name(""), "");
    }
}
