//! Atom 1.0 feeds of changes: `/changes.atom` (all), `/platforms/{platform}/changes.atom` and
//! `/platforms/{platform}/{document}/changes.atom`.
use std::fmt::Write as _;

use axum::{
    Router,
    extract::{Path, State},
    http::header,
    response::{IntoResponse, Response},
    routing::get,
};
use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use super::error::{AppError, PageError};
use super::pages::diff_href;
use super::pages::find_document;
use crate::db::pages::changes::{ChangeFilter, ChangeListRow, recent_changes};
use crate::db::platforms::platform_by_slug;
use crate::startup::AppState;

/// Entries per feed.
const ENTRIES: i64 = 50;

/// The feeds.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/changes.atom", get(all_changes))
        .route("/platforms/{platform}/changes.atom", get(platform_changes))
        .route("/platforms/{platform}/{document}/changes.atom", get(document_changes))
}

/// Text for XML content or attributes: escaped, with the control characters XML 1.0 forbids dropped.
pub fn xml_text(text: &str) -> String {
    let allowed: String = text.chars().filter(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r')).collect();
    super::svg::escape(&allowed)
}

/// What a feed is about.
pub struct FeedMeta<'a> {
    pub base_url: &'a str,
    pub title: &'a str,
    pub self_path: &'a str,
    pub html_path: &'a str,
}

/// An Atom 1.0 document for `changes` (newest first).
pub fn atom(meta: &FeedMeta<'_>, changes: &[ChangeListRow], now: DateTime<Utc>) -> String {
    let base = meta.base_url.trim_end_matches('/');
    let updated = changes.iter().map(|c| c.changed_at).max().unwrap_or(now);
    let mut xml =
        String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    let _ = writeln!(xml, "  <title>{}</title>", xml_text(meta.title));
    let _ = writeln!(xml, "  <id>{}</id>", xml_text(&format!("{base}{}", meta.self_path)));
    let _ = writeln!(
        xml,
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>",
        xml_text(&format!("{base}{}", meta.self_path))
    );
    let _ = writeln!(
        xml,
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        xml_text(&format!("{base}{}", meta.html_path))
    );
    let _ = writeln!(xml, "  <updated>{}</updated>", updated.to_rfc3339());
    xml.push_str("  <author><name>ClauseWatch</name></author>\n");
    for change in changes {
        let link = format!(
            "{base}{}",
            diff_href(&change.platform_slug, &change.document_slug, change.from_version_id, change.to_version_id)
        );
        xml.push_str("  <entry>\n");
        let title = format!("{} {}: {} change", change.platform_name, change.terms_type, change.class);
        let _ = writeln!(xml, "    <title>{}</title>", xml_text(&title));
        let _ = writeln!(xml, "    <id>{}</id>", xml_text(&format!("{base}/api/v1/changes/{}", change.change_id)));
        let _ = writeln!(xml, "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>", xml_text(&link));
        let _ = writeln!(xml, "    <updated>{}</updated>", change.changed_at.to_rfc3339());
        let _ = writeln!(xml, "    <category term=\"{}\"/>", xml_text(&change.class));
        let _ = writeln!(xml, "    <summary type=\"text\">{}</summary>", xml_text(&change.summary));
        xml.push_str("  </entry>\n");
    }
    xml.push_str("</feed>\n");
    xml
}

fn atom_response(xml: String) -> Response {
    ([(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")], xml).into_response()
}

/// The feed of the changes `filter` keeps: at `self_path`, about the page at `html_path`.
async fn feed(
    state: &AppState,
    conn: &mut PgConnection,
    filter: ChangeFilter<'_>,
    title: &str,
    self_path: &str,
    html_path: &str,
) -> Result<Response, PageError> {
    let changes = recent_changes(conn, filter, ENTRIES, 0).await?;
    let meta = FeedMeta { base_url: state.config.base_url.as_str(), title, self_path, html_path };
    Ok(atom_response(atom(&meta, &changes, Utc::now())))
}

#[tracing::instrument(skip_all)]
async fn all_changes(State(state): State<AppState>) -> Result<Response, PageError> {
    let mut conn = state.pool.acquire().await?;
    let title = "ClauseWatch: changes to AI platform terms";
    feed(&state, &mut conn, ChangeFilter::default(), title, "/changes.atom", "/changes").await
}

#[tracing::instrument(skip_all, fields(platform = %slug))]
async fn platform_changes(State(state): State<AppState>, Path(slug): Path<String>) -> Result<Response, PageError> {
    let mut conn = state.pool.acquire().await?;
    let platform = platform_by_slug(&mut conn, &slug)
        .await?
        .ok_or_else(|| AppError::not_found(format!("We watch no platform {slug:?}, so it has no feed.")))?;
    let filter = ChangeFilter { platform: Some(&platform.slug), ..ChangeFilter::default() };
    let title = format!("ClauseWatch: changes to {} terms", platform.name);
    let html_path = super::pages::platform_href(&platform.slug);
    feed(&state, &mut conn, filter, &title, &format!("{html_path}/changes.atom"), &html_path).await
}

#[tracing::instrument(skip_all, fields(platform = %platform, document = %document))]
async fn document_changes(
    State(state): State<AppState>,
    Path((platform, document)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let mut conn = state.pool.acquire().await?;
    let doc = find_document(&mut conn, &platform, &document).await?;
    let filter =
        ChangeFilter { platform: Some(&doc.platform_slug), document: Some(&doc.slug), ..ChangeFilter::default() };
    let title = format!("ClauseWatch: changes to the {} {}", doc.platform_name, doc.terms_type);
    let html_path = super::pages::document_href(&doc.platform_slug, &doc.slug);
    feed(&state, &mut conn, filter, &title, &format!("{html_path}/changes.atom"), &html_path).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(summary: &str) -> ChangeListRow {
        ChangeListRow {
            change_id: 7,
            class: "substantive".into(),
            alert: true,
            summary: summary.into(),
            from_version_id: 1,
            to_version_id: 2,
            changed_at: DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default(),
            platform_slug: "xai".into(),
            platform_name: "xAI & Co".into(),
            document_slug: "privacy-policy".into(),
            terms_type: "Privacy Policy".into(),
            provisions: 1,
            severity: None,
        }
    }

    #[test]
    fn entries_are_escaped_and_control_characters_dropped() {
        let meta =
            FeedMeta { base_url: "http://x.test/", title: "T", self_path: "/changes.atom", html_path: "/changes" };
        let xml = atom(&meta, &[change("added \"<b>audio</b>\" \u{1} & more")], Utc::now());
        assert!(xml.contains("xAI &amp; Co"));
        assert!(xml.contains("added &quot;&lt;b&gt;audio&lt;/b&gt;&quot;  &amp; more"));
        assert!(xml.contains("<link rel=\"alternate\" type=\"text/html\" href=\"http://x.test/platforms/xai/privacy-policy/diff?from=1&amp;to=2\"/>"));
        assert_eq!(xml.matches("<entry>").count(), 1);
    }
}
