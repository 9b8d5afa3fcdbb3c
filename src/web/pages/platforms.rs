//! `/platforms` and `/platforms/{platform}`: documents, the change timeline, topic counts.
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};

use super::{Crumb, date, datetime, diff_href, document_href, platform_href, query_href, topic_href, topic_name};
use crate::db::pages::platforms::{
    ExposureSummaryRow, TimelineRow, exposure_summary, platform_summaries, platform_timeline, topic_counts,
};
use crate::db::platforms::platform_by_slug;
use crate::startup::AppState;
use crate::web::error::{AppError, PageError};
use crate::web::svg::{self, Lane, Mark, MarkKind};

/// A platform in the list.
pub struct PlatformItem {
    pub name: String,
    pub href: String,
    pub documents: i64,
    pub versions: i64,
    pub changes: i64,
    pub last_version: String,
}

/// The platform list.
#[derive(Template, WebTemplate)]
#[template(path = "platforms.html")]
pub struct PlatformsPage {
    pub title: String,
    pub crumbs: Vec<Crumb>,
    pub platforms: Vec<PlatformItem>,
}

#[tracing::instrument(skip_all)]
pub async fn list(State(state): State<AppState>) -> Result<PlatformsPage, PageError> {
    let mut conn = state.pool.acquire().await?;
    let platforms = platform_summaries(&mut conn)
        .await?
        .into_iter()
        .map(|p| PlatformItem {
            href: platform_href(&p.slug),
            name: p.name,
            documents: p.documents,
            versions: p.versions,
            changes: p.changes,
            last_version: p.last_version_at.map_or_else(|| "never".to_owned(), date),
        })
        .collect();
    let crumbs = vec![Crumb::link("Home", "/"), Crumb::here("Platforms")];
    Ok(PlatformsPage { title: "Platforms".into(), crumbs, platforms })
}

/// A document on its platform's page.
pub struct DocumentItem {
    pub name: String,
    pub href: String,
    pub versions: usize,
    pub current_since: String,
    pub last_verified: String,
    /// The change that led to the current version, when there was one.
    pub last_change: Option<LastChange>,
}

/// The latest change of a document.
pub struct LastChange {
    pub class: String,
    pub summary: String,
    pub diff_href: String,
}

/// A topic and how many current provisions carry it, at each exposure.
pub struct TopicCount {
    pub name: String,
    pub href: String,
    /// The list of these provisions (`/search` by platform and topic; add `&exposure=…`).
    pub list_href: String,
    pub provisions: i64,
    pub high: i64,
    pub medium: i64,
    pub low: i64,
}

/// A platform's page.
#[derive(Template, WebTemplate)]
#[template(path = "platform.html")]
pub struct PlatformPage {
    pub title: String,
    pub crumbs: Vec<Crumb>,
    pub slug: String,
    pub documents: Vec<DocumentItem>,
    pub timeline_svg: String,
    pub topics: Vec<TopicCount>,
    /// Current provisions by their highest exposure.
    pub exposure: ExposureSummaryRow,
    /// The list of its current provisions (`/search` by platform; add `&exposure=…`).
    pub list_href: String,
}

#[tracing::instrument(skip_all, fields(platform = %platform))]
pub async fn get(State(state): State<AppState>, Path(platform): Path<String>) -> Result<PlatformPage, PageError> {
    let mut conn = state.pool.acquire().await?;
    let row = platform_by_slug(&mut conn, &platform)
        .await?
        .ok_or_else(|| AppError::not_found(format!("We do not watch a platform called {platform:?}.")))?;
    let timeline = platform_timeline(&mut conn, row.platform_id).await?;
    let groups = by_document(&timeline);
    let current: Vec<i64> = groups.iter().filter_map(|g| g.last().map(|v| v.version_id)).collect();
    let topics = topic_counts(&mut conn, &current).await?;
    let exposure = exposure_summary(&mut conn, &current).await?;
    let lanes: Vec<Lane> = groups.iter().map(|g| lane(g)).collect();
    Ok(PlatformPage {
        title: row.name.clone(),
        crumbs: vec![Crumb::link("Home", "/"), Crumb::link("Platforms", "/platforms"), Crumb::here(row.name)],
        documents: groups.iter().filter_map(|g| document_item(&row.slug, g)).collect(),
        timeline_svg: svg::timeline(&lanes),
        topics: topics
            .into_iter()
            .map(|t| TopicCount {
                name: topic_name(&t.topic),
                href: topic_href(&t.topic),
                list_href: query_href("/search", &[("platform", row.slug.as_str()), ("topic", &t.topic)], 1),
                provisions: t.provisions,
                high: t.high,
                medium: t.medium,
                low: t.low,
            })
            .collect(),
        exposure,
        list_href: query_href("/search", &[("platform", row.slug.as_str())], 1),
        slug: row.slug,
    })
}

/// Splits the timeline (ordered by document) into one slice per document.
fn by_document(rows: &[TimelineRow]) -> Vec<&[TimelineRow]> {
    rows.chunk_by(|a, b| a.document_id == b.document_id).collect()
}

fn lane(versions: &[TimelineRow]) -> Lane {
    let label = versions.first().map(|v| v.terms_type.clone()).unwrap_or_default();
    let marks = versions
        .iter()
        .map(|v| Mark {
            at: v.captured_at.timestamp(),
            kind: MarkKind::from_class(v.class.as_deref()),
            title: format!(
                "{} {}: {}",
                v.terms_type,
                date(v.captured_at),
                v.summary.as_deref().unwrap_or("first archived")
            ),
        })
        .collect();
    Lane { label, marks }
}

fn document_item(platform: &str, versions: &[TimelineRow]) -> Option<DocumentItem> {
    let current = versions.last()?;
    let last_change = current.change_id.zip(current.from_version_id).map(|(_, from)| LastChange {
        class: current.class.clone().unwrap_or_default(),
        summary: current.summary.clone().unwrap_or_default(),
        diff_href: diff_href(platform, &current.document_slug, from, current.version_id),
    });
    Some(DocumentItem {
        name: current.terms_type.clone(),
        href: document_href(platform, &current.document_slug),
        versions: versions.len(),
        current_since: date(current.captured_at),
        last_verified: datetime(current.verified_at),
        last_change,
    })
}
