//! The document and version pages: history, current provisions with topics, evidence.
use chrono::{DateTime, Utc};
use sqlx::PgConnection;

/// A version of a document with the change that led to it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct HistoryRow {
    pub version_id: i64,
    pub captured_at: DateTime<Utc>,
    pub sha256: String,
    pub change_id: Option<i64>,
    pub class: Option<String>,
    pub summary: Option<String>,
    pub from_version_id: Option<i64>,
}

/// Every version of a document, newest first, with its change.
pub async fn document_history(conn: &mut PgConnection, document_id: i64) -> Result<Vec<HistoryRow>, sqlx::Error> {
    sqlx::query_as(
        "select v.version_id, v.captured_at, v.sha256, c.change_id, c.class, c.summary, c.from_version_id
         from versions v left join changes c on c.to_version_id = v.version_id
         where v.document_id = $1 order by v.captured_at desc, v.version_id desc",
    )
    .bind(document_id)
    .fetch_all(conn)
    .await
}

/// A provision of a version with its topic slugs (most confident first).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TaggedProvisionRow {
    pub provision_id: i64,
    pub lineage_id: i64,
    pub ordinal: i32,
    pub key: String,
    pub heading_path: Vec<String>,
    pub clause: Option<String>,
    pub title: Option<String>,
    pub text: String,
    pub topics: Vec<String>,
}

/// The provisions of a version in order, each with its topics.
pub async fn tagged_provisions(
    conn: &mut PgConnection,
    version_id: i64,
) -> Result<Vec<TaggedProvisionRow>, sqlx::Error> {
    sqlx::query_as(
        "select pr.provision_id, pr.lineage_id, pr.ordinal, pr.key, pr.heading_path, pr.clause, pr.title, pr.text,
            coalesce((select array_agg(pt.topic order by pt.confidence desc, pt.topic) from provision_topics pt
                      where pt.provision_id = pr.provision_id), '{}') as topics
         from provisions pr where pr.version_id = $1 order by pr.ordinal",
    )
    .bind(version_id)
    .fetch_all(conn)
    .await
}

/// A version with its text and the evidence behind it.
#[derive(Debug, Clone, sqlx::FromRow, serde::Deserialize)]
pub struct EvidenceRow {
    pub version_id: i64,
    pub document_id: i64,
    pub platform_slug: String,
    pub platform_name: String,
    pub document_slug: String,
    pub terms_type: String,
    pub text: String,
    pub sha256: String,
    pub captured_at: DateTime<Utc>,
    pub origin: String,
    /// Its newest verification, else its capture.
    pub last_verified_at: DateTime<Utc>,
    pub snapshot_sha256: Option<String>,
    pub snapshot_url: Option<String>,
    pub fetched_at: Option<DateTime<Utc>>,
    /// The snapshot is the page the headless browser rendered, not the bytes the server sent.
    pub snapshot_rendered: Option<bool>,
    /// The line where the document states its date, as read when the version was stored.
    pub stated_date: Option<String>,
    /// Whether `stated_date` has been read (false for versions stored before it was kept and
    /// not yet backfilled: read it from the text).
    pub stated_date_read: bool,
}

macro_rules! select_evidence {
    ($text:literal) => {
        concat!(
            "select v.version_id, v.document_id, p.slug as platform_slug, p.name as platform_name,
                d.slug as document_slug, d.terms_type, ",
            $text,
            " as text, v.sha256, v.captured_at, v.origin,
                coalesce((select max(w.verified_at) from verifications w where w.version_id = v.version_id),
                         v.captured_at) as last_verified_at,
                s.sha256 as snapshot_sha256, s.url as snapshot_url, s.fetched_at,
                s.rendered as snapshot_rendered, v.stated_date, v.stated_date_read
             from versions v
             join documents d on d.document_id = v.document_id
             join platforms p on p.platform_id = d.platform_id
             left join snapshots s on s.snapshot_id = v.snapshot_id
             where v.version_id = $1"
        )
    };
}

/// One version by id, with its document, text and evidence.
pub async fn version_evidence(conn: &mut PgConnection, version_id: i64) -> Result<Option<EvidenceRow>, sqlx::Error> {
    sqlx::query_as(select_evidence!("v.text")).bind(version_id).fetch_optional(conn).await
}

/// Like `version_evidence` without the text (empty), for pages that show only the evidence:
/// the text comes only with a version whose stated date is not read yet, to read it from.
pub async fn version_evidence_only(
    conn: &mut PgConnection,
    version_id: i64,
) -> Result<Option<EvidenceRow>, sqlx::Error> {
    sqlx::query_as(select_evidence!("case when v.stated_date_read then '' else v.text end"))
        .bind(version_id)
        .fetch_optional(conn)
        .await
}
