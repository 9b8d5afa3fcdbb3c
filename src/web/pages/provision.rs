//! `/platforms/{platform}/{document}/provisions/{lineage}`: one provision through history, its
//! topics, how other platforms handle the same topics, and the changes that touched it.
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};

use super::analysis_view::{AnalysisView, compose_analyses};
use super::document::{document_crumbs, document_not_found};
use super::facts_view::Comparison;
use super::version::Evidence;
use super::{Block, Crumb, date, diff_href, document_href, excerpt, topic_href, topic_name};
use crate::db::pages::provisions::provision_page;
use crate::pipeline::facts::{Source, schema_of};
use crate::startup::AppState;
use crate::web::error::{AppError, PageError, parse_id};
use crate::web::extract::View;

/// A topic of the provision with the phrases that matched.
pub struct TopicView {
    pub name: String,
    pub href: String,
    pub evidence: Vec<String>,
}

/// Another platform's provision on a shared topic.
pub struct PeerView {
    pub platform_name: String,
    pub document_name: String,
    pub topic: String,
    pub excerpt: String,
    pub href: String,
}

/// A change that touched this provision.
pub struct HistoryView {
    pub date: String,
    pub kind: String,
    pub class: String,
    pub summary: String,
    pub diff_href: String,
}

/// A provision page.
#[derive(Template, WebTemplate)]
#[template(path = "provision.html")]
pub struct ProvisionPage {
    pub title: String,
    pub crumbs: Vec<Crumb>,
    pub heading: String,
    pub platform_name: String,
    pub document_name: String,
    pub anchor_href: String,
    /// When the provision is no longer in the current version: the date of the last version that had it.
    pub gone_since: Option<String>,
    pub provision_blocks: Vec<Block>,
    pub topics: Vec<TopicView>,
    /// Topics without facts: the other platforms' provisions most alike in wording.
    pub peers: Vec<PeerView>,
    /// Topics with facts: this provision's facts beside the other platforms' that decide the same.
    pub fact_peers: Vec<Comparison>,
    /// The analyses' summaries, which open the page.
    pub summaries: Vec<String>,
    pub history: Vec<HistoryView>,
    pub lineage_id: i64,
    pub analyses: Vec<AnalysisView>,
    /// Contract implications and compliance actions in full (Professional); a teaser otherwise.
    pub full_analysis: bool,
    /// For operators: where to review the analysis.
    pub review_href: Option<String>,
    /// The version this text is of: its stated date, capture and last verification.
    pub evidence: Evidence,
}

/// The operators' page that reviews a provision's analysis.
pub fn review_href(lineage_id: i64) -> String {
    format!("/admin/provisions/{lineage_id}/analysis")
}

/// The provision's own heading, else its heading path, else its key.
pub(super) fn label(title: Option<&str>, path: &[String], key: &str) -> String {
    title.map(str::to_owned).or_else(|| path.last().cloned()).unwrap_or_else(|| key.to_owned())
}

#[tracing::instrument(skip_all, fields(platform = %platform, document = %document, lineage = %lineage))]
pub async fn get(
    State(state): State<AppState>,
    view: View,
    Path((platform, document, lineage)): Path<(String, String, String)>,
) -> Result<ProvisionPage, PageError> {
    let lineage_id = parse_id(&lineage, "provision")?;
    let row = {
        let mut conn = state.pool.acquire().await?;
        provision_page(&mut conn, &platform, &document, lineage_id).await?
    };
    let row = row.ok_or_else(|| document_not_found(&platform, &document))?;
    let doc = row.document;
    let latest = row
        .provision
        .ok_or_else(|| AppError::not_found(format!("{} has no provision {lineage_id}.", doc.terms_type)))?
        .0;
    let topics = latest.topics;
    let slugs: Vec<String> = topics.iter().map(|t| t.topic.clone()).filter(|t| schema_of(t).is_none()).collect();
    let source = Source { heading_path: &latest.heading_path, text: &latest.text, terms_type: Some(&doc.terms_type) };
    let analyses = compose_analyses(latest.analyses, &topics, &source, &doc.platform_name);
    let candidates = state.peer_index.candidates(&state).await?;
    let peers = candidates.most_similar(&latest.text, &slugs, doc.platform_id);
    let mut fact_peers = Vec::new();
    for analysis in &analyses {
        let reviewed = &analysis.reviewed;
        let (topic, facts) = (&reviewed.automated.topic, reviewed.facts());
        if facts.is_empty() {
            continue;
        }
        let Some(all) = candidates.fact_table(topic) else { continue };
        let table = all.peers(&topic_name(topic), &facts, doc.platform_id);
        if table.rows.len() > 1 {
            fact_peers.push(table);
        }
    }
    let history = latest.changes;
    let evidence = Evidence::from_row(latest.evidence);
    let heading = label(latest.title.as_deref(), &latest.heading_path, &latest.key);
    let base = document_href(&doc.platform_slug, &doc.slug);
    Ok(ProvisionPage {
        title: format!("{heading} · {} {}", doc.platform_name, doc.terms_type),
        crumbs: document_crumbs(&doc, Some(&heading)),
        anchor_href: format!("{base}#p-{}", latest.key),
        gone_since: (!latest.current).then(|| date(latest.captured_at)),
        provision_blocks: super::text::provision_blocks(&latest.text, latest.title.as_deref()),
        topics: topics
            .into_iter()
            .map(|t| TopicView { name: topic_name(&t.topic), href: topic_href(&t.topic), evidence: t.evidence })
            .collect(),
        summaries: analyses
            .iter()
            .map(|a| a.reviewed.summary_for(&doc.platform_name))
            .filter(|s| !s.is_empty())
            .collect(),
        analyses: analyses.iter().map(|a| AnalysisView::new(a, &doc.platform_name)).collect(),
        fact_peers,
        review_href: view.operator.then(|| review_href(lineage_id)),
        evidence,
        full_analysis: view.full_analysis,
        peers: peers
            .into_iter()
            .map(|p| PeerView {
                href: format!(
                    "{}/provisions/{}",
                    document_href(&p.row.platform_slug, &p.row.document_slug),
                    p.row.lineage_id
                ),
                excerpt: excerpt(&p.row.text, 280),
                topic: topic_name(p.topic),
                platform_name: p.row.platform_name.clone(),
                document_name: p.row.terms_type.clone(),
            })
            .collect(),
        history: history
            .into_iter()
            .map(|h| HistoryView {
                date: date(h.changed_at),
                diff_href: diff_href(&doc.platform_slug, &doc.slug, h.from_version_id, h.to_version_id),
                kind: h.kind,
                class: h.class,
                summary: h.summary,
            })
            .collect(),
        lineage_id,
        heading,
        platform_name: doc.platform_name,
        document_name: doc.terms_type,
    })
}
