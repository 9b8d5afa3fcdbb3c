//! `/api/v1/topics/{topic}`: a topic across platforms, as `/topics/{topic}` shows it.
use axum::{
    Json,
    extract::{Path, State},
};
use serde::Serialize;

use std::collections::HashMap;

use crate::db::pages::facts::topic_facts;
use crate::db::pages::topics::{topic_provisions, watched_platforms};
use crate::domain::topic::Taxonomy;
use crate::pipeline::analyse::review::Reviewed;
use crate::startup::AppState;
use crate::web::error::{ApiError, AppError};

/// A current provision on the topic.
#[derive(Debug, Serialize)]
pub struct TopicProvisionJson {
    pub platform: String,
    pub document: String,
    pub lineage_id: i64,
    pub heading_path: Vec<String>,
    pub text: String,
    pub confidence: f32,
    pub evidence: Vec<String>,
    pub exposure: Option<String>,
    /// What the provision decides on the topic, in the facts schema (`{}` for topics without facts).
    pub facts: serde_json::Value,
    pub fact_evidence: serde_json::Value,
    pub summary: String,
}

#[tracing::instrument(skip_all, fields(topic = %topic))]
pub async fn get(
    State(state): State<AppState>,
    Path(topic): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let known = Taxonomy::builtin().get(&topic).ok_or_else(|| AppError::not_found(format!("no topic {topic:?}")))?;
    let mut conn = state.pool.acquire().await?;
    let watched = watched_platforms(&mut conn).await?;
    let decided: HashMap<i64, Reviewed> =
        topic_facts(&mut conn, &known.slug).await?.into_iter().map(|r| (r.lineage_id, r.reviewed())).collect();
    let provisions: Vec<TopicProvisionJson> = topic_provisions(&mut conn, &known.slug)
        .await?
        .into_iter()
        .map(|r| {
            let reviewed = decided.get(&r.lineage_id);
            let facts = reviewed.map(Reviewed::facts).unwrap_or_default();
            TopicProvisionJson {
                facts: facts.to_json(&known.slug),
                fact_evidence: facts.evidence_json(&known.slug),
                summary: reviewed.map(|a| a.summary_for(&r.platform_name)).unwrap_or_default(),
                platform: r.platform_slug,
                document: r.document_slug,
                lineage_id: r.lineage_id,
                heading_path: r.heading_path,
                text: r.text,
                confidence: r.confidence,
                evidence: r.evidence,
                exposure: r.exposure,
            }
        })
        .collect();
    let mut addressing: Vec<&str> = provisions.iter().map(|p| p.platform.as_str()).collect();
    addressing.dedup();
    Ok(Json(serde_json::json!({
        "slug": known.slug,
        "name": known.name,
        "question": known.question,
        "base_exposure": known.exposure.slug(),
        "platforms_addressing": addressing,
        "platforms_watched": watched.iter().map(|(slug, _)| slug).collect::<Vec<_>>(),
        "provisions": provisions,
    })))
}
