//! `/topics` and `/topics/{topic}`: how every watched platform handles each topic, with the
//! topics × platforms exposure matrix and the adoption figure ("N of M platforms").
use std::collections::BTreeMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};

use super::facts_view::{Cell, Comparison, ComparisonRow, NOT_STATED, compare};
use super::{Crumb, document_href, excerpt, platform_href, query_href, topic_href};
use crate::db::pages::facts::topic_facts;
use crate::db::pages::topics::{TopicProvisionRow, topic_cells, topic_provisions, watched_platforms};
use crate::domain::topic::{Exposure, Regulation, Taxonomy};
use crate::pipeline::facts::schema_of;
use crate::startup::AppState;
use crate::web::error::{AppError, PageError};
use crate::web::svg::{self, MatrixCell};

/// Excerpts shown per platform on a topic page.
const PER_PLATFORM: usize = 3;

/// A topic in the list.
pub struct TopicItem {
    pub name: String,
    pub question: String,
    pub href: String,
    /// Platforms whose current documents address the topic.
    pub platforms: usize,
}

/// `/topics`.
#[derive(Template, WebTemplate)]
#[template(path = "topics.html")]
pub struct TopicsPage {
    pub title: String,
    pub crumbs: Vec<Crumb>,
    pub topics: Vec<TopicItem>,
    /// Platforms with at least one archived version (the M of "N of M").
    pub platforms: usize,
    pub matrix_svg: String,
}

#[tracing::instrument(skip_all)]
pub async fn list(State(state): State<AppState>) -> Result<TopicsPage, PageError> {
    let mut conn = state.pool.acquire().await?;
    let platforms: Vec<(String, String)> = watched_platforms(&mut conn).await?;
    let cells = topic_cells(&mut conn).await?;
    let cell = |topic: &str, platform: &str| {
        cells.iter().find(|c| c.topic == topic && c.platform_slug == platform).map(|c| MatrixCell {
            level: c.exposure.as_deref().and_then(Exposure::from_slug).unwrap_or(Exposure::Low),
            href: query_href("/search", &[("platform", platform), ("topic", topic)], 1),
        })
    };
    let taxonomy = Taxonomy::builtin();
    let matrix: Vec<Vec<Option<MatrixCell>>> =
        taxonomy.topics.iter().map(|t| platforms.iter().map(|(slug, _)| cell(&t.slug, slug)).collect()).collect();
    let topics = taxonomy
        .topics
        .iter()
        .zip(&matrix)
        .map(|(t, row)| TopicItem {
            name: t.name.clone(),
            question: t.question.clone(),
            href: topic_href(&t.slug),
            platforms: row.iter().filter(|cell| cell.is_some()).count(),
        })
        .collect();
    let names: Vec<String> = taxonomy.topics.iter().map(|t| t.name.clone()).collect();
    let columns: Vec<String> = platforms.iter().map(|(_, name)| name.clone()).collect();
    Ok(TopicsPage {
        title: "Topics across platforms".into(),
        crumbs: vec![Crumb::link("Home", "/"), Crumb::here("Topics")],
        topics,
        platforms: platforms.len(),
        matrix_svg: svg::matrix(&names, &columns, &matrix),
    })
}

/// One provision on the topic page.
pub struct TopicExcerpt {
    pub document_name: String,
    pub label: String,
    pub excerpt: String,
    pub exposure: Option<String>,
    pub evidence: Vec<String>,
    pub href: String,
}

/// A platform's provisions on the topic.
pub struct PlatformOnTopic {
    pub name: String,
    pub href: String,
    /// The highest exposure among its provisions on the topic.
    pub exposure: Option<String>,
    /// Provisions on the topic beyond the excerpts shown.
    pub more: usize,
    /// The list of all its provisions on the topic.
    pub all_href: String,
    pub excerpts: Vec<TopicExcerpt>,
}

/// `/topics/{topic}`.
#[derive(Template, WebTemplate)]
#[template(path = "topic.html")]
pub struct TopicPage {
    pub title: String,
    pub crumbs: Vec<Crumb>,
    pub heading: String,
    pub question: String,
    pub meaning: String,
    pub base_exposure: String,
    pub regulations: Vec<Regulation>,
    /// "7 of 10 platforms address this topic in their current documents."
    pub adoption: String,
    pub platforms: Vec<PlatformOnTopic>,
    /// Platforms whose current documents do not address the topic.
    pub silent: Vec<String>,
    /// One row per watched platform, one column per fact (topics with facts).
    pub comparison: Option<Comparison>,
}

#[tracing::instrument(skip_all, fields(topic = %topic))]
pub async fn get(State(state): State<AppState>, Path(topic): Path<String>) -> Result<TopicPage, PageError> {
    let known = Taxonomy::builtin()
        .get(&topic)
        .ok_or_else(|| AppError::not_found(format!("There is no topic {topic:?}. See the list of topics.")))?;
    let mut conn = state.pool.acquire().await?;
    let watched: Vec<(String, String)> = watched_platforms(&mut conn).await?;
    let mut by_platform: BTreeMap<String, Vec<TopicProvisionRow>> = BTreeMap::new();
    for row in topic_provisions(&mut conn, &known.slug).await? {
        by_platform.entry(row.platform_name.clone()).or_default().push(row);
    }
    let silent = watched.iter().filter(|(_, name)| !by_platform.contains_key(name)).map(|(_, n)| n.clone()).collect();
    let adoption = format!(
        "{} of {} platforms address this topic in their current documents.",
        by_platform.len(),
        watched.len().max(by_platform.len())
    );
    let platforms = by_platform.into_values().map(|rows| platform_on_topic(&known.slug, rows)).collect();
    let comparison = match schema_of(&known.slug) {
        Some(_) => {
            let mut table = compare(&known.slug, &known.name, &topic_facts(&mut conn, &known.slug).await?);
            add_silent_platforms(&mut table, &watched);
            Some(table)
        }
        None => None,
    };
    Ok(TopicPage {
        title: format!("{} across AI platforms", known.name),
        crumbs: vec![Crumb::link("Home", "/"), Crumb::link("Topics", "/topics"), Crumb::here(known.name.clone())],
        heading: format!("How {} AI platforms handle: {}", watched.len(), known.name.to_lowercase()),
        question: known.question.clone(),
        // Meanings are written for a provision's page ("This provision is about…").
        meaning: known.meaning.replacen("This provision is about", "Provisions on this topic are about", 1),
        base_exposure: known.exposure.to_string(),
        regulations: general_regulations(&known.regulations),
        adoption,
        platforms,
        silent,
        comparison,
    })
}

/// The regulations of a topic that hold for any provision on it, one line each: those whose
/// text names no provision's facts, the first of each instrument.
fn general_regulations(all: &[Regulation]) -> Vec<Regulation> {
    let mut shown: Vec<Regulation> = Vec::new();
    for r in all.iter().filter(|r| !r.why.contains('{')) {
        if !shown.iter().any(|s| s.name == r.name) {
            shown.push(r.clone());
        }
    }
    shown
}

/// Watched platforms with no provision stating the topic's facts get a row of "not stated".
fn add_silent_platforms(table: &mut Comparison, watched: &[(String, String)]) {
    for (slug, name) in watched {
        if !table.rows.iter().any(|r| &r.platform_name == name) {
            let cells = table
                .columns
                .iter()
                .map(|_| Cell { text: NOT_STATED.to_owned(), href: None, evidence: None })
                .collect();
            table.rows.push(ComparisonRow { platform_name: name.clone(), platform_href: platform_href(slug), cells });
        }
    }
    table.rows.sort_by(|a, b| a.platform_name.cmp(&b.platform_name));
}

/// A platform's rows (most exposed first, as the query orders them) as shown on the page.
fn platform_on_topic(topic: &str, rows: Vec<TopicProvisionRow>) -> PlatformOnTopic {
    let first = &rows[0];
    let all_href = query_href("/search", &[("platform", first.platform_slug.as_str()), ("topic", topic)], 1);
    let (name, href) = (first.platform_name.clone(), platform_href(&first.platform_slug));
    let exposure = first.exposure.clone();
    let more = rows.len().saturating_sub(PER_PLATFORM);
    let excerpts = rows
        .into_iter()
        .take(PER_PLATFORM)
        .map(|r| TopicExcerpt {
            href: format!("{}/provisions/{}", document_href(&r.platform_slug, &r.document_slug), r.lineage_id),
            label: r.title.clone().or_else(|| r.heading_path.last().cloned()).unwrap_or_else(|| "Provision".into()),
            excerpt: excerpt(&r.text, 320),
            document_name: r.terms_type,
            exposure: r.exposure,
            evidence: r.evidence,
        })
        .collect();
    PlatformOnTopic { name, href, exposure, more, all_href, excerpts }
}
