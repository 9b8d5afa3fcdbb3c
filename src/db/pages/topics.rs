//! Topic comparisons: which platforms' current provisions carry each topic.
use sqlx::PgConnection;

/// How many current provisions of a platform carry a topic.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TopicCellRow {
    pub topic: String,
    pub platform_slug: String,
    pub platform_name: String,
    pub provisions: i64,
    /// The highest exposure among those provisions (`high`, `medium`, `low`), if any was analysed.
    pub exposure: Option<String>,
}

/// Topic × platform counts over every platform's current provisions.
pub async fn topic_cells(conn: &mut PgConnection) -> Result<Vec<TopicCellRow>, sqlx::Error> {
    sqlx::query_as(with_current_versions!(
        "select pt.topic, p.slug as platform_slug, p.name as platform_name, count(*) as provisions,
             (array['low', 'medium', 'high'])[max(",
        exposure_rank!("pt.exposure"),
        ")] as exposure
         from provision_topics pt
         join provisions pr on pr.provision_id = pt.provision_id
         join current_versions cv on cv.version_id = pr.version_id
         join versions v on v.version_id = pr.version_id
         join documents d on d.document_id = v.document_id
         join platforms p on p.platform_id = d.platform_id
         where p.enabled
         group by pt.topic, p.slug, p.name
         order by pt.topic, p.name"
    ))
    .fetch_all(conn)
    .await
}

/// A current provision on a topic, with the classifier's evidence.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TopicProvisionRow {
    pub platform_slug: String,
    pub platform_name: String,
    pub document_slug: String,
    pub terms_type: String,
    pub lineage_id: i64,
    pub heading_path: Vec<String>,
    pub title: Option<String>,
    pub text: String,
    pub confidence: f32,
    pub evidence: Vec<String>,
    pub exposure: Option<String>,
}

/// Every current provision on `topic`, by platform then confidence.
pub async fn topic_provisions(conn: &mut PgConnection, topic: &str) -> Result<Vec<TopicProvisionRow>, sqlx::Error> {
    sqlx::query_as(with_current_versions!(
        "select p.slug as platform_slug, p.name as platform_name, d.slug as document_slug, d.terms_type,
             pr.lineage_id, pr.heading_path, pr.title, pr.text, pt.confidence, pt.evidence, pt.exposure
         from provision_topics pt
         join provisions pr on pr.provision_id = pt.provision_id
         join current_versions cv on cv.version_id = pr.version_id
         join versions v on v.version_id = pr.version_id
         join documents d on d.document_id = v.document_id
         join platforms p on p.platform_id = d.platform_id
         where pt.topic = $1 and p.enabled
         order by p.name, coalesce(",
        exposure_rank!("pt.exposure"),
        ", 0) desc, pt.confidence desc, d.slug, pr.ordinal"
    ))
    .bind(topic)
    .fetch_all(conn)
    .await
}

/// The enabled platforms with at least one archived version (the M of "N of M platforms"), as
/// `(slug, name)` by name.
pub async fn watched_platforms(conn: &mut PgConnection) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query_as(
        "select p.slug, p.name from platforms p where p.enabled and exists (
             select 1 from documents d join versions v on v.document_id = d.document_id where d.platform_id = p.platform_id)
         order by p.name",
    )
    .fetch_all(conn)
    .await
}
