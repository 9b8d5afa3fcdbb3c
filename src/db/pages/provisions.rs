//! The provision page: one lineage through history, its topics, and other platforms'
//! current provisions on the same topics.
use chrono::{DateTime, Utc};
use sqlx::PgConnection;

/// One appearance of a lineage in a version.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LineageProvisionRow {
    pub provision_id: i64,
    pub version_id: i64,
    pub captured_at: DateTime<Utc>,
    pub key: String,
    pub heading_path: Vec<String>,
    pub clause: Option<String>,
    pub title: Option<String>,
    pub text: String,
    /// Whether its version is the document's current one.
    pub current: bool,
}

/// The provisions of a lineage of a document, newest version first.
pub async fn lineage_provisions(
    conn: &mut PgConnection,
    document_id: i64,
    lineage_id: i64,
) -> Result<Vec<LineageProvisionRow>, sqlx::Error> {
    sqlx::query_as(
        "select pr.provision_id, pr.version_id, v.captured_at, pr.key, pr.heading_path, pr.clause, pr.title, pr.text,
            v.version_id = (select version_id from versions where document_id = $2
                            order by captured_at desc, version_id desc limit 1) as current
         from provisions pr join versions v on v.version_id = pr.version_id
         where pr.lineage_id = $1 and v.document_id = $2
         order by v.captured_at desc, v.version_id desc",
    )
    .bind(lineage_id)
    .bind(document_id)
    .fetch_all(conn)
    .await
}

/// A topic of a provision with the classifier's evidence.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ProvisionTopicRow {
    pub topic: String,
    pub confidence: f32,
    pub evidence: Vec<String>,
}

/// The topics of a provision, most confident first.
pub async fn provision_topics(
    conn: &mut PgConnection,
    provision_id: i64,
) -> Result<Vec<ProvisionTopicRow>, sqlx::Error> {
    sqlx::query_as(
        "select topic, confidence, evidence from provision_topics where provision_id = $1
         order by confidence desc, topic",
    )
    .bind(provision_id)
    .fetch_all(conn)
    .await
}

/// A change that touched a lineage.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LineageChangeRow {
    pub change_id: i64,
    pub kind: String,
    pub class: String,
    pub summary: String,
    pub from_version_id: i64,
    pub to_version_id: i64,
    pub changed_at: DateTime<Utc>,
}

/// The changes that touched a lineage, newest first.
pub async fn lineage_changes(conn: &mut PgConnection, lineage_id: i64) -> Result<Vec<LineageChangeRow>, sqlx::Error> {
    sqlx::query_as(
        "select c.change_id, pc.kind, pc.class, pc.summary, c.from_version_id, c.to_version_id, v.captured_at as changed_at
         from provision_changes pc
         join changes c on c.change_id = pc.change_id
         join versions v on v.version_id = c.to_version_id
         where pc.lineage_id = $1
         order by v.captured_at desc, c.change_id desc",
    )
    .bind(lineage_id)
    .fetch_all(conn)
    .await
}

/// A current provision of an enabled platform with its topics, most confident first: what
/// provision pages compare their text with ("similar wording on other platforms").
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CurrentProvisionRow {
    pub platform_id: i64,
    pub platform_slug: String,
    pub platform_name: String,
    pub document_slug: String,
    pub terms_type: String,
    pub lineage_id: i64,
    pub text: String,
    pub topics: Vec<String>,
    pub confidences: Vec<f32>,
}

/// Every current provision of an enabled platform that has a topic.
pub async fn current_provisions_with_topics(conn: &mut PgConnection) -> Result<Vec<CurrentProvisionRow>, sqlx::Error> {
    sqlx::query_as(with_current_versions!(
        "select p.platform_id, p.slug as platform_slug, p.name as platform_name, d.slug as document_slug,
             d.terms_type, pr.lineage_id, pr.text,
             array_agg(pt.topic order by pt.confidence desc, pt.topic) as topics,
             array_agg(pt.confidence order by pt.confidence desc, pt.topic) as confidences
         from current_versions cv
         join versions v on v.version_id = cv.version_id
         join documents d on d.document_id = v.document_id
         join platforms p on p.platform_id = d.platform_id
         join provisions pr on pr.version_id = cv.version_id
         join provision_topics pt on pt.provision_id = pr.provision_id
         where p.enabled
         group by p.platform_id, d.document_id, pr.provision_id
         order by p.platform_id, d.document_id, pr.provision_id"
    ))
    .fetch_all(conn)
    .await
}

/// The newest provision of a lineage with its document and platform (the one editors review).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LineageHeadRow {
    pub provision_id: i64,
    pub version_id: i64,
    pub captured_at: DateTime<Utc>,
    pub key: String,
    pub heading_path: Vec<String>,
    pub title: Option<String>,
    pub text: String,
    pub document_slug: String,
    pub terms_type: String,
    pub platform_slug: String,
    pub platform_name: String,
}

/// The newest provision of a lineage, if the lineage exists and has one.
pub async fn lineage_head(conn: &mut PgConnection, lineage_id: i64) -> Result<Option<LineageHeadRow>, sqlx::Error> {
    sqlx::query_as(
        "select pr.provision_id, pr.version_id, v.captured_at, pr.key, pr.heading_path, pr.title, pr.text,
                d.slug as document_slug, d.terms_type, p.slug as platform_slug, p.name as platform_name
         from provisions pr
         join versions v on v.version_id = pr.version_id
         join documents d on d.document_id = v.document_id
         join platforms p on p.platform_id = d.platform_id
         where pr.lineage_id = $1
         order by v.captured_at desc, v.version_id desc limit 1",
    )
    .bind(lineage_id)
    .fetch_optional(conn)
    .await
}
