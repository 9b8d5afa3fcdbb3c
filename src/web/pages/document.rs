//! `/platforms/{platform}/{document}`: the current version as provisions with anchors and
//! topics, the version history, and the evidence of the current version.
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use sqlx::PgConnection;

use super::text::provision_blocks;
use super::version::Evidence;
use super::{Block, Crumb, date, datetime, diff_href, document_href, platform_href, topic_name};
use crate::db::documents::{DocumentRow, document_by_slugs};
use crate::db::pages::documents::{HistoryRow, document_history, tagged_provisions, version_evidence_only};
use crate::startup::AppState;
use crate::web::error::{AppError, PageError};

/// A provision of the current version.
pub struct ProvisionView {
    pub anchor: String,
    pub href: String,
    pub blocks: Vec<Block>,
    pub topics: Vec<String>,
    /// Site chrome (navigation, banner, footer, cookie notice): shown collapsed.
    pub chrome: bool,
}

/// One version in the history table.
pub struct HistoryItem {
    pub date: String,
    pub version_href: String,
    pub class: Option<String>,
    pub summary: String,
    pub diff_href: Option<String>,
}

/// A line of the table of contents: a provision that opens with a heading.
pub struct TocEntry {
    pub anchor: String,
    pub label: String,
}

/// A version in the picker that opens the diff of any two.
pub struct VersionChoice {
    pub id: i64,
    pub date: String,
    pub from_selected: bool,
    pub to_selected: bool,
}

/// A document page.
#[derive(Template, WebTemplate)]
#[template(path = "document.html")]
pub struct DocumentPage {
    pub title: String,
    pub crumbs: Vec<Crumb>,
    pub platform_name: String,
    pub document_name: String,
    /// The document's Atom feed of changes.
    pub feed_href: String,
    pub evidence: Option<Evidence>,
    pub provisions: Vec<ProvisionView>,
    pub toc: Vec<TocEntry>,
    pub history: Vec<HistoryItem>,
    /// Every version, newest first, for the diff picker (empty with fewer than two).
    pub versions: Vec<VersionChoice>,
    pub diff_action: String,
}

/// The document with these slugs, or a 404 naming what is missing.
pub async fn find_document(conn: &mut PgConnection, platform: &str, document: &str) -> Result<DocumentRow, AppError> {
    document_by_slugs(conn, platform, document).await?.ok_or_else(|| document_not_found(platform, document))
}

/// The 404 of a document address that names no document.
pub fn document_not_found(platform: &str, document: &str) -> AppError {
    AppError::not_found(format!("We have no document {document:?} of a platform {platform:?}."))
}

/// Home › Platforms › Platform › Document, with the document linked when `here` follows it.
pub fn document_crumbs(doc: &DocumentRow, here: Option<&str>) -> Vec<Crumb> {
    let mut crumbs = vec![
        Crumb::link("Home", "/"),
        Crumb::link("Platforms", "/platforms"),
        Crumb::link(doc.platform_name.clone(), platform_href(&doc.platform_slug)),
    ];
    match here {
        Some(here) => {
            crumbs.push(Crumb::link(doc.terms_type.clone(), document_href(&doc.platform_slug, &doc.slug)));
            crumbs.push(Crumb::here(here));
        }
        None => crumbs.push(Crumb::here(doc.terms_type.clone())),
    }
    crumbs
}

#[tracing::instrument(skip_all, fields(platform = %platform, document = %document))]
pub async fn get(
    State(state): State<AppState>,
    Path((platform, document)): Path<(String, String)>,
) -> Result<DocumentPage, PageError> {
    let mut conn = state.pool.acquire().await?;
    let doc = find_document(&mut conn, &platform, &document).await?;
    let history = document_history(&mut conn, doc.document_id).await?;
    let (provisions, evidence) = match history.first() {
        Some(current) => (
            tagged_provisions(&mut conn, current.version_id).await?,
            version_evidence_only(&mut conn, current.version_id).await?.map(Evidence::from_row),
        ),
        None => (Vec::new(), None),
    };
    let chrome = crate::db::chrome::chrome_of(&mut conn, doc.platform_id).await?;
    let base = document_href(&doc.platform_slug, &doc.slug);
    let provisions: Vec<ProvisionView> = provisions
        .into_iter()
        .map(|p| ProvisionView {
            anchor: format!("p-{}", p.key),
            href: format!("{base}/provisions/{}", p.lineage_id),
            blocks: provision_blocks(&p.text, p.title.as_deref()),
            topics: p.topics.iter().map(|t| topic_name(t)).collect(),
            chrome: chrome.is_all_chrome(&p.text),
        })
        .collect();
    Ok(DocumentPage {
        title: format!("{} {}", doc.platform_name, doc.terms_type),
        crumbs: document_crumbs(&doc, None),
        feed_href: format!("{base}/changes.atom"),
        diff_action: format!("{base}/diff"),
        evidence,
        toc: table_of_contents(&provisions),
        provisions,
        history: history.iter().map(|h| history_item(&doc, h)).collect(),
        versions: version_choices(&history),
        platform_name: doc.platform_name,
        document_name: doc.terms_type,
    })
}

/// The provisions that open with a heading, chrome left out.
fn table_of_contents(provisions: &[ProvisionView]) -> Vec<TocEntry> {
    provisions
        .iter()
        .filter(|p| !p.chrome)
        .filter_map(|p| {
            let first = p.blocks.first().filter(|b| b.is_heading())?;
            Some(TocEntry { anchor: p.anchor.clone(), label: first.text() })
        })
        .collect()
}

/// The picker's versions: the newest change preselected (the one before the current, and the current).
fn version_choices(history: &[HistoryRow]) -> Vec<VersionChoice> {
    if history.len() < 2 {
        return Vec::new();
    }
    history
        .iter()
        .enumerate()
        .map(|(i, h)| VersionChoice {
            id: h.version_id,
            date: datetime(h.captured_at),
            from_selected: i == 1,
            to_selected: i == 0,
        })
        .collect()
}

fn history_item(doc: &DocumentRow, row: &HistoryRow) -> HistoryItem {
    HistoryItem {
        date: date(row.captured_at),
        version_href: format!("{}/versions/{}", document_href(&doc.platform_slug, &doc.slug), row.version_id),
        class: row.class.clone(),
        summary: row.summary.clone().unwrap_or_else(|| "First archived version".to_owned()),
        diff_href: row.from_version_id.map(|from| diff_href(&doc.platform_slug, &doc.slug, from, row.version_id)),
    }
}
