//! `/platforms/{platform}/{document}/provisions/{lineage}`: one provision through history, its
//! topics, how other platforms handle the same topics, and the changes that touched it.
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};

use super::analysis_view::{AnalysisView, provision_analyses};
use super::document::{document_crumbs, find_document};
use super::facts_view::{self, Comparison};
use super::{Block, Crumb, blocks, date, diff_href, document_href, excerpt, topic_href, topic_name};
use crate::db::pages::facts::topic_facts;
use crate::db::pages::provisions::{
    PeerProvisionRow, lineage_changes, lineage_provisions, peer_candidates, provision_topics,
};
use crate::pipeline::align::word_overlaps;
use crate::pipeline::facts::{Source, schema_of};
use crate::startup::AppState;
use crate::web::error::{AppError, PageError, parse_id};
use crate::web::extract::CurrentOrg;

/// How many other platforms the page quotes.
const PEERS: usize = 3;
/// Provisions of other platforms compared with this one, at most.
const PEER_CANDIDATES: i64 = 2000;

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
}

/// The operators' page that reviews a provision's analysis.
pub fn review_href(lineage_id: i64) -> String {
    format!("/admin/provisions/{lineage_id}/analysis")
}

/// The provision's own heading, else its heading path, else its key.
fn label(title: Option<&str>, path: &[String], key: &str) -> String {
    title.map(str::to_owned).or_else(|| path.last().cloned()).unwrap_or_else(|| key.to_owned())
}

#[tracing::instrument(skip_all, fields(platform = %platform, document = %document, lineage = %lineage))]
pub async fn get(
    State(state): State<AppState>,
    viewer: Option<CurrentOrg>,
    Path((platform, document, lineage)): Path<(String, String, String)>,
) -> Result<ProvisionPage, PageError> {
    let lineage_id = parse_id(&lineage, "provision")?;
    let mut conn = state.pool.acquire().await?;
    let doc = find_document(&mut conn, &platform, &document).await?;
    let appearances = lineage_provisions(&mut conn, doc.document_id, lineage_id).await?;
    let latest = appearances
        .first()
        .ok_or_else(|| AppError::not_found(format!("{} has no provision {lineage_id}.", doc.terms_type)))?;
    let topics = provision_topics(&mut conn, latest.provision_id).await?;
    let slugs: Vec<String> = topics.iter().map(|t| t.topic.clone()).filter(|t| schema_of(t).is_none()).collect();
    let source = Source { heading_path: &latest.heading_path, text: &latest.text, terms_type: Some(&doc.terms_type) };
    let analyses =
        provision_analyses(&mut conn, latest.version_id, lineage_id, &topics, &source, &doc.platform_name).await?;
    let peers = if slugs.is_empty() {
        Vec::new()
    } else {
        most_similar(&latest.text, peer_candidates(&mut conn, &slugs, doc.platform_id, PEER_CANDIDATES).await?)
    };
    let mut fact_peers = Vec::new();
    for analysis in &analyses {
        let reviewed = &analysis.reviewed;
        let (topic, facts) = (&reviewed.automated.topic, reviewed.facts());
        if facts.is_empty() {
            continue;
        }
        let rows = topic_facts(&mut conn, topic).await?;
        let table = facts_view::peers(topic, &topic_name(topic), &facts, doc.platform_id, &rows);
        if table.rows.len() > 1 {
            fact_peers.push(table);
        }
    }
    let history = lineage_changes(&mut conn, lineage_id).await?;
    let heading = label(latest.title.as_deref(), &latest.heading_path, &latest.key);
    let base = document_href(&doc.platform_slug, &doc.slug);
    Ok(ProvisionPage {
        title: format!("{heading} · {} {}", doc.platform_name, doc.terms_type),
        crumbs: document_crumbs(&doc, Some(&heading)),
        anchor_href: format!("{base}#p-{}", latest.key),
        gone_since: (!latest.current).then(|| date(latest.captured_at)),
        provision_blocks: blocks(&latest.text),
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
        review_href: viewer.as_ref().filter(|org| org.user.is_admin).map(|_| review_href(lineage_id)),
        full_analysis: viewer.is_some_and(|org| org.plan.full_analysis()),
        peers: peers
            .into_iter()
            .map(|p| PeerView {
                href: format!("{}/provisions/{}", document_href(&p.platform_slug, &p.document_slug), p.lineage_id),
                excerpt: excerpt(&p.text, 280),
                topic: topic_name(&p.topic),
                platform_name: p.platform_name,
                document_name: p.terms_type,
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

/// The provisions of other platforms most like `text` in wording, one per platform, most alike
/// first (shared words, as the aligner counts them).
fn most_similar(text: &str, candidates: Vec<PeerProvisionRow>) -> Vec<PeerProvisionRow> {
    let overlaps = word_overlaps(text, candidates.iter().map(|c| c.text.as_str()));
    let mut scored: Vec<(f32, PeerProvisionRow)> = overlaps.into_iter().zip(candidates).collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.confidence.total_cmp(&a.1.confidence)));
    let mut seen = Vec::new();
    scored
        .into_iter()
        .filter(|(_, c)| {
            let first = !seen.contains(&c.platform_slug);
            if first {
                seen.push(c.platform_slug.clone());
            }
            first
        })
        .take(PEERS)
        .map(|(_, c)| c)
        .collect()
}

#[cfg(test)]
mod peer_tests {
    use super::*;

    fn row(platform: &str, text: &str, confidence: f32) -> PeerProvisionRow {
        PeerProvisionRow {
            platform_slug: platform.into(),
            platform_name: platform.into(),
            document_slug: "terms".into(),
            terms_type: "Terms".into(),
            lineage_id: 1,
            title: None,
            text: text.into(),
            topic: "ai-training".into(),
            confidence,
        }
    }

    #[test]
    fn peers_are_the_most_alike_provision_of_each_other_platform() {
        let text = "We may use your conversations to train our models unless you opt out.";
        let peers = most_similar(
            text,
            vec![
                row("a", "Payment is due monthly.", 0.9),
                row("a", "We use your conversations to train models unless you opt out in settings.", 0.5),
                row("b", "Your content may be used to improve our services.", 0.7),
                row("c", "We do not train on your conversations.", 0.6),
                row("d", "Cookies help us remember you.", 0.9),
            ],
        );
        let order: Vec<(&str, &str)> = peers.iter().map(|p| (p.platform_slug.as_str(), &p.text[..12])).collect();
        assert_eq!(peers.len(), 3);
        assert_eq!(order[0], ("a", "We use your "), "the alike provision, not the more confident one");
        assert_eq!(peers[1].platform_slug, "c");
    }
}
