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
mod static_pages;
mod topics;
mod version;

use axum::{Router, routing::get};
use chrono::{DateTime, Utc};

pub use changes::{PER_PAGE, parse_page};
pub use document::find_document;

use crate::db::pages::changes::ChangeListRow;
use crate::startup::AppState;

/// Every public page.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home::get))
        .route("/pricing", get(static_pages::pricing))
        .route("/methodology", get(static_pages::methodology))
        .route("/changes", get(changes::get))
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

/// A block of archived text: a heading line, a list item or a paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub kind: BlockKind,
    pub text: String,
}

/// What a block is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    Heading,
    Item,
    Paragraph,
}

impl Block {
    /// True for heading lines (templates cannot match on enums from other modules tidily).
    pub fn is_heading(&self) -> bool {
        self.kind == BlockKind::Heading
    }

    /// True for list items.
    pub fn is_item(&self) -> bool {
        self.kind == BlockKind::Item
    }
}

/// Splits canonical text into blocks: `#` lines are headings, `- ` / `* ` lines list items,
/// everything else paragraphs (consecutive lines joined). The markers are dropped; the text is
/// kept as is for the template to escape.
pub fn blocks(text: &str) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    let mut paragraph: Vec<&str> = Vec::new();
    let flush = |paragraph: &mut Vec<&str>, out: &mut Vec<Block>| {
        if !paragraph.is_empty() {
            out.push(Block { kind: BlockKind::Paragraph, text: paragraph.join("\n") });
            paragraph.clear();
        }
    };
    for line in text.lines().map(str::trim_end) {
        let trimmed = line.trim_start();
        if trimmed.is_empty() {
            flush(&mut paragraph, &mut out);
        } else if trimmed.starts_with('#') {
            flush(&mut paragraph, &mut out);
            out.push(Block { kind: BlockKind::Heading, text: trimmed.trim_start_matches('#').trim().to_owned() });
        } else if let Some(item) = trimmed.strip_prefix("- ").or_else(|| trimmed.strip_prefix("* ")) {
            flush(&mut paragraph, &mut out);
            out.push(Block { kind: BlockKind::Item, text: item.trim().to_owned() });
        } else {
            paragraph.push(line);
        }
    }
    flush(&mut paragraph, &mut out);
    out
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

/// The first `max` characters of `text` at a word boundary, with `…` when cut.
pub fn excerpt(text: &str, max: usize) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
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
    fn text_splits_into_headings_items_and_paragraphs() {
        let text = "## 4.2 Use of Materials\n\nWe may use\nyour content.\n\n- one\n- two\n\nEnd.";
        let kinds: Vec<BlockKind> = blocks(text).iter().map(|b| b.kind).collect();
        use BlockKind::*;
        assert_eq!(kinds, vec![Heading, Paragraph, Item, Item, Paragraph]);
        assert_eq!(blocks(text)[0].text, "4.2 Use of Materials");
        assert_eq!(blocks(text)[1].text, "We may use\nyour content.");
    }

    #[test]
    fn excerpts_cut_at_a_word_boundary() {
        assert_eq!(excerpt("short text", 50), "short text");
        assert_eq!(excerpt("We may use your content to train models.", 20), "We may use your…");
    }

    #[test]
    fn topic_slugs_read_as_names() {
        assert_eq!(topic_name("liability-limitation"), "Limits of liability and disclaimers");
        assert_eq!(topic_name("no-longer-a-topic"), "No longer a topic");
        assert_eq!(topic_name(""), "");
    }
}
