//! A provision's analyses as pages show them: the stored analysis (with the fields an editor
//! wrote) where there is one, else the automated composition, labelled for what it is.
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use super::facts_view::{FactLine, fact_lines};
use super::{date, topic_name};
use crate::db::analyses::{AnalysisRow, analyses_of};
use crate::db::pages::provisions::ProvisionTopicRow;
use crate::domain::topic::{Regulation, Taxonomy};
use crate::pipeline::analyse::review::{Field, Reviewed};
use crate::pipeline::analyse::{Found, analyse};
use crate::pipeline::classify::TopicMatch;
use crate::pipeline::facts::Source;

/// The analysis of one topic of a provision, with who wrote it.
pub struct ProvisionAnalysis {
    pub reviewed: Reviewed,
    /// When an editor last reviewed it; None: automated.
    pub reviewed_at: Option<DateTime<Utc>>,
}

/// The analyses of a provision (`version_id`, `lineage_id`) for its topics, in topic order: the
/// stored ones, and for topics without one (stored before analyses were), composed now.
pub async fn provision_analyses(
    conn: &mut PgConnection,
    version_id: i64,
    lineage_id: i64,
    topics: &[ProvisionTopicRow],
    source: &Source<'_>,
    platform: &str,
) -> Result<Vec<ProvisionAnalysis>, sqlx::Error> {
    let stored = analyses_of(conn, version_id, lineage_id).await?;
    Ok(compose_analyses(stored, topics, source, platform))
}

/// The analyses of a provision's `topics` from its `stored` ones, composing those missing.
pub fn compose_analyses(
    stored: Vec<AnalysisRow>,
    topics: &[ProvisionTopicRow],
    source: &Source<'_>,
    platform: &str,
) -> Vec<ProvisionAnalysis> {
    let mut stored: HashMap<String, _> = stored.into_iter().map(|row| (row.topic.clone(), row)).collect();
    let missing: Vec<Found> = topics
        .iter()
        .filter(|t| !stored.contains_key(&t.topic))
        .map(|t| TopicMatch { topic: t.topic.clone(), confidence: t.confidence, evidence: t.evidence.clone() })
        .map(|m| Found::read(m, source))
        .collect();
    let mut composed: HashMap<String, _> = if missing.is_empty() {
        HashMap::new()
    } else {
        analyse(Taxonomy::builtin(), &missing, source, platform).into_iter().map(|a| (a.topic.clone(), a)).collect()
    };
    topics
        .iter()
        .filter_map(|t| match stored.remove(&t.topic) {
            Some(row) => Some(ProvisionAnalysis { reviewed: row.reviewed(), reviewed_at: row.reviewed_at }),
            None => composed
                .remove(&t.topic)
                .map(|a| ProvisionAnalysis { reviewed: Reviewed::automated(a), reviewed_at: None }),
        })
        .collect()
}

/// The lines of a list field and whether an editor wrote them.
pub struct FieldLines {
    pub items: Vec<String>,
    pub by_editor: bool,
}

impl FieldLines {
    fn of(reviewed: &Reviewed, field: Field) -> FieldLines {
        FieldLines { items: reviewed.lines(field), by_editor: reviewed.is_edited(field) }
    }
}

/// What the provision means for one of its topics, as the provision page shows it.
pub struct AnalysisView {
    pub topic: String,
    pub topic_slug: String,
    /// "Automated analysis", or "Reviewed by an editor on 2026-11-29".
    pub label: String,
    pub reviewed: bool,
    /// What this provision decides, in one to three sentences (empty for topics without facts).
    pub summary: String,
    pub summary_by_editor: bool,
    /// The topic's facts as this provision states them ("not stated" where it does not).
    pub facts: Vec<FactLine>,
    pub facts_by_editor: bool,
    pub exposure: String,
    pub exposure_by_editor: bool,
    pub meaning: String,
    pub meaning_by_editor: bool,
    pub rationale: FieldLines,
    /// The automated regulations, structured; replaced by `regulations_by_editor` once edited.
    pub regulations: Vec<Regulation>,
    pub regulations_by_editor: Option<Vec<String>>,
    pub jurisdictions: FieldLines,
    pub contract_implications: FieldLines,
    pub compliance_actions: FieldLines,
}

impl AnalysisView {
    /// The view of one analysis.
    pub fn new(analysis: &ProvisionAnalysis, platform: &str) -> AnalysisView {
        let r = &analysis.reviewed;
        let label = match analysis.reviewed_at {
            Some(at) => format!("Reviewed by an editor on {}", date(at)),
            None => "Automated analysis".to_owned(),
        };
        AnalysisView {
            topic: topic_name(&r.automated.topic),
            topic_slug: r.automated.topic.clone(),
            label,
            reviewed: analysis.reviewed_at.is_some(),
            summary: r.summary_for(platform),
            summary_by_editor: r.is_edited(Field::Summary),
            facts: fact_lines(&r.automated.topic, &r.facts()),
            facts_by_editor: r.is_edited(Field::Facts),
            exposure: r.exposure().to_string(),
            exposure_by_editor: r.is_edited(Field::Exposure),
            meaning: r.text(Field::Meaning),
            meaning_by_editor: r.is_edited(Field::Meaning),
            rationale: FieldLines::of(r, Field::Rationale),
            regulations: r.automated.regulations.clone(),
            regulations_by_editor: r.is_edited(Field::Regulations).then(|| r.lines(Field::Regulations)),
            jurisdictions: FieldLines::of(r, Field::Jurisdictions),
            contract_implications: FieldLines::of(r, Field::ContractImplications),
            compliance_actions: FieldLines::of(r, Field::ComplianceActions),
        }
    }
}
