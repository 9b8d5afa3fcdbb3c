//! The facts the platforms' current provisions state about a topic: the rows behind the topic
//! comparison table, the peers on a provision page and the topic API.
use std::collections::BTreeMap;

use sqlx::PgConnection;
use sqlx::types::Json;

use crate::domain::topic::Taxonomy;
use crate::pipeline::analyse::Analysis;
use crate::pipeline::analyse::review::Reviewed;

/// One current provision's analysis of a topic, with where it stands.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TopicFactsRow {
    pub topic: String,
    pub platform_id: i64,
    pub platform_slug: String,
    pub platform_name: String,
    pub document_slug: String,
    pub terms_type: String,
    pub lineage_id: i64,
    pub title: Option<String>,
    pub heading_path: Vec<String>,
    pub automated: Json<Analysis>,
    pub edited: Json<BTreeMap<String, String>>,
}

impl TopicFactsRow {
    /// The analysis with the fields an editor wrote (facts included).
    pub fn reviewed(&self) -> Reviewed {
        Reviewed::from_stored(self.automated.0.clone(), self.edited.0.clone(), Taxonomy::builtin())
    }
}

/// The current provisions of enabled platforms whose analysis of `topic` states at least one
/// fact (read, or written by an editor), in platform and document order.
pub async fn topic_facts(conn: &mut PgConnection, topic: &str) -> Result<Vec<TopicFactsRow>, sqlx::Error> {
    topics_facts(conn, &[topic]).await
}

/// `topic_facts` of several topics in one query, in topic order then as `topic_facts` orders.
pub async fn topics_facts(conn: &mut PgConnection, topics: &[&str]) -> Result<Vec<TopicFactsRow>, sqlx::Error> {
    sqlx::query_as(with_current_versions!(
        "select pa.topic, p.platform_id, p.slug as platform_slug, p.name as platform_name, d.slug as document_slug,
             d.terms_type, pa.lineage_id, pr.title, pr.heading_path, pa.automated, pa.edited
         from current_versions cv
         join versions v on v.version_id = cv.version_id
         join documents d on d.document_id = v.document_id
         join platforms p on p.platform_id = d.platform_id
         join provision_analyses pa on pa.version_id = cv.version_id and pa.topic = any($1)
         join provisions pr on pr.version_id = cv.version_id and pr.lineage_id = pa.lineage_id
         where p.enabled
           and (coalesce(pa.automated->'facts'->'values', '{}'::jsonb) <> '{}'::jsonb or pa.edited ? 'facts')
         order by pa.topic, p.name, d.terms_type, pr.ordinal"
    ))
    .bind(topics)
    .fetch_all(conn)
    .await
}
