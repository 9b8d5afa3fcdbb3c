//! The provision page: one lineage through history, its topics, and other platforms'
//! current provisions on the same topics.
use chrono::{DateTime, Utc};
use serde::Deserialize;
use sqlx::PgConnection;
use sqlx::types::Json;

use crate::db::analyses::AnalysisRow;
use crate::db::documents::DocumentRow;
use crate::db::pages::documents::EvidenceRow;

/// A topic of a provision with the classifier's evidence.
#[derive(Debug, Clone, sqlx::FromRow, Deserialize)]
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
#[derive(Debug, Clone, sqlx::FromRow, Deserialize)]
pub struct LineageChangeRow {
    pub change_id: i64,
    pub kind: String,
    pub class: String,
    pub summary: String,
    pub from_version_id: i64,
    pub to_version_id: i64,
    pub changed_at: DateTime<Utc>,
}

/// Everything a provision page reads from the database: the document, and the lineage's newest
/// provision in it with its topics, stored analyses, changes and version evidence; None when
/// the document has no such lineage.
#[derive(Debug, sqlx::FromRow)]
pub struct ProvisionPageRow {
    #[sqlx(flatten)]
    pub document: DocumentRow,
    pub provision: Option<Json<PageProvision>>,
}

/// The newest provision of a lineage in a document, with what its page shows.
#[derive(Debug, Deserialize)]
pub struct PageProvision {
    pub provision_id: i64,
    pub version_id: i64,
    pub captured_at: DateTime<Utc>,
    pub key: String,
    pub heading_path: Vec<String>,
    pub title: Option<String>,
    pub text: String,
    /// Whether its version is the document's current one.
    pub current: bool,
    /// Most confident first.
    pub topics: Vec<ProvisionTopicRow>,
    /// By topic.
    pub analyses: Vec<AnalysisRow>,
    /// Newest first.
    pub changes: Vec<LineageChangeRow>,
    /// Without the version's text unless its stated date is not read yet.
    pub evidence: EvidenceRow,
}

/// A provision page's data in one query (a fresh page is one round trip): the document by its
/// platform and document slugs, and the lineage's newest provision in it, its parts gathered as
/// JSON. None when there is no such document.
pub async fn provision_page(
    conn: &mut PgConnection,
    platform: &str,
    document: &str,
    lineage_id: i64,
) -> Result<Option<ProvisionPageRow>, sqlx::Error> {
    sqlx::query_as(
        "select d.document_id, d.platform_id, p.slug as platform_slug, p.name as platform_name,
             d.slug, d.terms_type, d.declaration, d.enabled, d.etag, d.last_modified,
             (select to_json(l) from (
                 select pr.provision_id, pr.version_id, v.captured_at, pr.key, pr.heading_path, pr.title, pr.text,
                     v.version_id = (select cv.version_id from versions cv where cv.document_id = d.document_id
                                     order by cv.captured_at desc, cv.version_id desc limit 1) as current,
                     (select coalesce(json_agg(t order by t.confidence desc, t.topic), '[]')
                      from (select topic, confidence, evidence from provision_topics
                            where provision_id = pr.provision_id) t) as topics,
                     (select coalesce(json_agg(a order by a.topic), '[]')
                      from (select version_id, lineage_id, topic, automated, edited, reviewed_at
                            from provision_analyses
                            where version_id = pr.version_id and lineage_id = pr.lineage_id) a) as analyses,
                     (select coalesce(json_agg(c order by c.changed_at desc, c.change_id desc), '[]')
                      from (select c.change_id, pc.kind, pc.class, pc.summary, c.from_version_id, c.to_version_id,
                                   tv.captured_at as changed_at
                            from provision_changes pc
                            join changes c on c.change_id = pc.change_id
                            join versions tv on tv.version_id = c.to_version_id
                            where pc.lineage_id = pr.lineage_id) c) as changes,
                     (select to_json(e) from (
                         select v.version_id, v.document_id, p.slug as platform_slug, p.name as platform_name,
                             d.slug as document_slug, d.terms_type,
                             case when v.stated_date_read then '' else v.text end as text,
                             v.sha256, v.captured_at, v.origin,
                             coalesce((select max(w.verified_at) from verifications w where w.version_id = v.version_id),
                                      v.captured_at) as last_verified_at,
                             s.sha256 as snapshot_sha256, s.url as snapshot_url, s.fetched_at,
                             s.rendered as snapshot_rendered, v.stated_date, v.stated_date_read
                         from (select 1) one left join snapshots s on s.snapshot_id = v.snapshot_id) e) as evidence
                 from provisions pr join versions v on v.version_id = pr.version_id
                 where pr.lineage_id = $3 and v.document_id = d.document_id
                 order by v.captured_at desc, v.version_id desc limit 1) l) as provision
         from documents d join platforms p using (platform_id)
         where p.slug = $1 and d.slug = $2",
    )
    .bind(platform)
    .bind(document)
    .bind(lineage_id)
    .fetch_optional(conn)
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
