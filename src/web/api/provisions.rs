//! `/api/v1/provisions/{lineage_id}`: a provision as it stands now, with what it decides per topic.
use axum::{
    Json,
    extract::{Path, State},
};
use serde::Serialize;

use crate::db::pages::provisions::{lineage_head, provision_topics};
use crate::pipeline::analyse::review::Field;
use crate::pipeline::facts::Source;
use crate::startup::AppState;
use crate::web::error::{ApiError, AppError, parse_id};
use crate::web::pages::analysis_view::provision_analyses;

/// One topic of the provision: the classifier's tag and the analysis of it.
#[derive(Debug, Serialize)]
pub struct ProvisionTopicJson {
    pub slug: String,
    pub confidence: f32,
    pub evidence: Vec<String>,
    /// The topic's facts in the schema's names and types, `null` where the provision does not say.
    pub facts: serde_json::Value,
    /// The words each stated fact was read from.
    pub fact_evidence: serde_json::Value,
    pub summary: String,
    pub exposure: String,
    /// Why the exposure is what it is.
    pub rationale: Vec<String>,
    /// True once an editor has reviewed the analysis.
    pub reviewed: bool,
}

#[tracing::instrument(skip_all, fields(lineage = %lineage))]
pub async fn get(
    State(state): State<AppState>,
    Path(lineage): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let lineage_id = parse_id(&lineage, "provision")?;
    let mut conn = state.pool.acquire().await?;
    let head = lineage_head(&mut conn, lineage_id)
        .await?
        .ok_or_else(|| AppError::not_found(format!("no provision {lineage_id}")))?;
    let topics = provision_topics(&mut conn, head.provision_id).await?;
    let source = Source { heading_path: &head.heading_path, text: &head.text, terms_type: Some(&head.terms_type) };
    let analyses =
        provision_analyses(&mut conn, head.version_id, lineage_id, &topics, &source, &head.platform_name).await?;
    let topics: Vec<ProvisionTopicJson> = topics
        .into_iter()
        .filter_map(|tag| {
            let analysis = analyses.iter().find(|a| a.reviewed.automated.topic == tag.topic)?;
            let reviewed = &analysis.reviewed;
            let facts = reviewed.facts();
            Some(ProvisionTopicJson {
                facts: facts.to_json(&tag.topic),
                fact_evidence: facts.evidence_json(&tag.topic),
                summary: reviewed.summary_for(&head.platform_name),
                exposure: reviewed.exposure().slug().to_owned(),
                rationale: reviewed.lines(Field::Rationale),
                reviewed: analysis.reviewed_at.is_some(),
                slug: tag.topic,
                confidence: tag.confidence,
                evidence: tag.evidence,
            })
        })
        .collect();
    Ok(Json(serde_json::json!({
        "lineage_id": lineage_id,
        "platform": head.platform_slug,
        "document": head.document_slug,
        "terms_type": head.terms_type,
        "version_id": head.version_id,
        "captured_at": head.captured_at,
        "heading_path": head.heading_path,
        "title": head.title,
        "text": head.text,
        "topics": topics,
    })))
}
