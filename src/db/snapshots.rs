//! Snapshots: the raw responses, kept as evidence.
use chrono::{DateTime, Utc};
use sqlx::PgConnection;

/// A snapshot to store.
pub struct NewSnapshot<'a> {
    pub document_id: i64,
    pub url: &'a str,
    pub status: u16,
    pub content_type: Option<&'a str>,
    pub headers: serde_json::Value,
    pub body: &'a [u8],
    pub sha256: &'a str,
    pub fetched_at: DateTime<Utc>,
    /// The DOM of a page rendered by the headless browser, not the bytes the server sent.
    pub rendered: bool,
}

/// Stores a snapshot and returns its id.
pub async fn insert_snapshot(conn: &mut PgConnection, s: &NewSnapshot<'_>) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "insert into snapshots (document_id, url, status, content_type, headers, body, sha256, size, fetched_at, rendered)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning snapshot_id",
    )
    .bind(s.document_id)
    .bind(s.url)
    .bind(i16::try_from(s.status).unwrap_or(i16::MAX))
    .bind(s.content_type)
    .bind(&s.headers)
    .bind(s.body)
    .bind(s.sha256)
    .bind(i32::try_from(s.body.len()).unwrap_or(i32::MAX))
    .bind(s.fetched_at)
    .bind(s.rendered)
    .fetch_one(conn)
    .await
}

/// A stored snapshot's evidence, without the body.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SnapshotEvidence {
    pub snapshot_id: i64,
    pub url: String,
    pub status: i16,
    pub content_type: Option<String>,
    pub sha256: String,
    pub size: i32,
    pub fetched_at: DateTime<Utc>,
}

/// The evidence of one snapshot of one document.
pub async fn snapshot_evidence(
    conn: &mut PgConnection,
    document_id: i64,
    snapshot_id: i64,
) -> Result<Option<SnapshotEvidence>, sqlx::Error> {
    sqlx::query_as(
        "select snapshot_id, url, status, content_type, sha256, size, fetched_at
         from snapshots where document_id = $1 and snapshot_id = $2",
    )
    .bind(document_id)
    .bind(snapshot_id)
    .fetch_optional(conn)
    .await
}

/// How many snapshots a document has.
pub async fn count_snapshots(conn: &mut PgConnection, document_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("select count(*) from snapshots where document_id = $1").bind(document_id).fetch_one(conn).await
}
