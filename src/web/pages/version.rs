//! `/platforms/{platform}/{document}/versions/{id}`: an archived version as text, with its
//! evidence.
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};

use super::document::{document_crumbs, find_document};
use super::{Block, Crumb, blocks, date, datetime};
use crate::db::pages::documents::{EvidenceRow, version_evidence};
use crate::pipeline::diff::stated_date;
use crate::startup::AppState;
use crate::web::error::{AppError, PageError, parse_id};

/// The raw response a version was extracted from.
pub struct SnapshotEvidence {
    pub sha256: String,
    pub url: String,
    pub fetched_at: String,
    /// Rendered by the headless browser: the page builds its text with scripts.
    pub rendered: bool,
}

/// What proves a version: when it was captured and verified, and the hashes.
pub struct Evidence {
    pub captured_at: String,
    pub last_verified: String,
    pub sha256: String,
    pub snapshot: Option<SnapshotEvidence>,
    /// Why there is no snapshot, when there is none.
    pub origin_note: String,
    /// The line where the document states its date ("Last updated: May 1, 2025"), if it does.
    pub stated: Option<String>,
}

impl Evidence {
    /// The evidence of a stored version.
    pub fn from_row(row: EvidenceRow) -> Evidence {
        let snapshot = row.snapshot_sha256.map(|sha256| SnapshotEvidence {
            sha256,
            url: row.snapshot_url.unwrap_or_default(),
            fetched_at: row.fetched_at.map(datetime).unwrap_or_default(),
            rendered: row.snapshot_rendered.unwrap_or(false),
        });
        let origin_note = if row.origin == "import" {
            "Imported from Open Terms Archive history; the raw page is not kept here."
        } else {
            "The raw response is no longer kept."
        };
        // Read when the version was stored; from the text only for one stored before that.
        let stated = if row.stated_date_read { row.stated_date } else { stated_date(&row.text) };
        Evidence {
            stated,
            captured_at: datetime(row.captured_at),
            last_verified: datetime(row.last_verified_at),
            sha256: row.sha256,
            snapshot,
            origin_note: origin_note.to_owned(),
        }
    }
}

/// A version page.
#[derive(Template, WebTemplate)]
#[template(path = "version.html")]
pub struct VersionPage {
    pub title: String,
    pub crumbs: Vec<Crumb>,
    pub heading: String,
    pub evidence: Evidence,
    pub provision_blocks: Vec<Block>,
}

#[tracing::instrument(skip_all, fields(platform = %platform, document = %document, version = %version))]
pub async fn get(
    State(state): State<AppState>,
    Path((platform, document, version)): Path<(String, String, String)>,
) -> Result<VersionPage, PageError> {
    let version_id = parse_id(&version, "version")?;
    let mut conn = state.pool.acquire().await?;
    let doc = find_document(&mut conn, &platform, &document).await?;
    let row = version_evidence(&mut conn, version_id)
        .await?
        .filter(|v| v.document_id == doc.document_id)
        .ok_or_else(|| AppError::not_found(format!("{} has no version {version_id}.", doc.terms_type)))?;
    let day = date(row.captured_at);
    let text_blocks = blocks(&row.text);
    Ok(VersionPage {
        title: format!("{} {} as of {day}", doc.platform_name, doc.terms_type),
        crumbs: document_crumbs(&doc, Some(&format!("Version of {day}"))),
        heading: format!("{}: {} as captured on {day}", doc.platform_name, doc.terms_type),
        evidence: Evidence::from_row(row),
        provision_blocks: text_blocks,
    })
}
