//! Versions: the canonical text of a document, stored only when it changed; verifications.
use chrono::{DateTime, Utc};
use sqlx::PgConnection;

/// A stored version.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct VersionRow {
    pub version_id: i64,
    pub document_id: i64,
    pub snapshot_id: Option<i64>,
    pub text: String,
    pub sha256: String,
    pub captured_at: DateTime<Utc>,
    pub origin: String,
}

/// A version to store.
pub struct NewVersion<'a> {
    pub document_id: i64,
    pub snapshot_id: Option<i64>,
    pub text: &'a str,
    pub sha256: &'a str,
    pub captured_at: DateTime<Utc>,
    pub origin: &'a str,
}

/// Stores a version; `None` when the same text with the same date is already there (imports).
pub async fn insert_version(conn: &mut PgConnection, v: &NewVersion<'_>) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "insert into versions (document_id, snapshot_id, text, sha256, captured_at, origin)
         values ($1, $2, $3, $4, $5, $6)
         on conflict (document_id, captured_at, sha256) do nothing
         returning version_id",
    )
    .bind(v.document_id)
    .bind(v.snapshot_id)
    .bind(v.text)
    .bind(v.sha256)
    .bind(v.captured_at)
    .bind(v.origin)
    .fetch_optional(conn)
    .await
}

/// The document's latest version.
pub async fn latest_version(conn: &mut PgConnection, document_id: i64) -> Result<Option<VersionRow>, sqlx::Error> {
    sqlx::query_as(
        "select version_id, document_id, snapshot_id, text, sha256, captured_at, origin from versions
         where document_id = $1 order by captured_at desc, version_id desc limit 1",
    )
    .bind(document_id)
    .fetch_optional(conn)
    .await
}

/// The version in force just before `at` (for imports that land between stored versions).
pub async fn version_before(
    conn: &mut PgConnection,
    document_id: i64,
    at: DateTime<Utc>,
) -> Result<Option<VersionRow>, sqlx::Error> {
    sqlx::query_as(
        "select version_id, document_id, snapshot_id, text, sha256, captured_at, origin from versions
         where document_id = $1 and captured_at < $2 order by captured_at desc, version_id desc limit 1",
    )
    .bind(document_id)
    .bind(at)
    .fetch_optional(conn)
    .await
}

/// Every version of a document, oldest first.
pub async fn versions_of(conn: &mut PgConnection, document_id: i64) -> Result<Vec<VersionRow>, sqlx::Error> {
    sqlx::query_as(
        "select version_id, document_id, snapshot_id, text, sha256, captured_at, origin from versions
         where document_id = $1 order by captured_at, version_id",
    )
    .bind(document_id)
    .fetch_all(conn)
    .await
}

/// The ids of a document's versions, oldest first.
pub async fn version_ids_of(conn: &mut PgConnection, document_id: i64) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar("select version_id from versions where document_id = $1 order by captured_at, version_id")
        .bind(document_id)
        .fetch_all(conn)
        .await
}

/// How many versions a document has.
pub async fn count_versions(conn: &mut PgConnection, document_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("select count(*) from versions where document_id = $1").bind(document_id).fetch_one(conn).await
}

/// Records that a capture found the latest version unchanged.
pub async fn insert_verification(
    conn: &mut PgConnection,
    document_id: i64,
    version_id: i64,
    snapshot_id: Option<i64>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "insert into verifications (document_id, version_id, snapshot_id) values ($1, $2, $3)
         returning verification_id",
    )
    .bind(document_id)
    .bind(version_id)
    .bind(snapshot_id)
    .fetch_one(conn)
    .await
}

/// How many verifications a document has.
pub async fn count_verifications(conn: &mut PgConnection, document_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("select count(*) from verifications where document_id = $1")
        .bind(document_id)
        .fetch_one(conn)
        .await
}

/// When a version was last confirmed: its newest verification, else its capture.
pub async fn last_verified_at(conn: &mut PgConnection, version_id: i64) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    sqlx::query_scalar(
        "select coalesce((select max(verified_at) from verifications where version_id = $1),
                         (select captured_at from versions where version_id = $1))",
    )
    .bind(version_id)
    .fetch_one(conn)
    .await
}
