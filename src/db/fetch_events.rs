//! Fetch events: one row per capture attempt, whatever its outcome.
use chrono::{DateTime, Utc};
use sqlx::PgConnection;

/// What a capture ended with, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    NewVersion,
    Unchanged,
    NotModified,
    Suspect,
    Failed,
}

impl Outcome {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::NewVersion => "new-version",
            Outcome::Unchanged => "unchanged",
            Outcome::NotModified => "not-modified",
            Outcome::Suspect => "suspect",
            Outcome::Failed => "failed",
        }
    }

    /// A capture that stored nothing: failed, or suspect.
    pub fn is_bad(self) -> bool {
        matches!(self, Outcome::Suspect | Outcome::Failed)
    }
}

/// A fetch event to store.
pub struct NewFetchEvent<'a> {
    pub document_id: i64,
    pub outcome: Outcome,
    pub http_status: Option<u16>,
    pub error_kind: Option<&'a str>,
    pub error: Option<&'a str>,
    pub snapshot_id: Option<i64>,
    pub version_id: Option<i64>,
    pub attempts: u32,
    pub duration_ms: u64,
}

/// Stores a fetch event.
pub async fn insert_fetch_event(conn: &mut PgConnection, e: &NewFetchEvent<'_>) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "insert into fetch_events (document_id, outcome, http_status, error_kind, error, snapshot_id,
             version_id, attempts, duration_ms)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning fetch_event_id",
    )
    .bind(e.document_id)
    .bind(e.outcome.as_str())
    .bind(e.http_status.map(|s| i16::try_from(s).unwrap_or(i16::MAX)))
    .bind(e.error_kind)
    .bind(e.error)
    .bind(e.snapshot_id)
    .bind(e.version_id)
    .bind(i32::try_from(e.attempts).unwrap_or(i32::MAX))
    .bind(i32::try_from(e.duration_ms).unwrap_or(i32::MAX))
    .fetch_one(conn)
    .await
}

/// A stored fetch event.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FetchEventRow {
    pub fetch_event_id: i64,
    pub document_id: i64,
    pub outcome: String,
    pub http_status: Option<i16>,
    pub error_kind: Option<String>,
    pub error: Option<String>,
    pub snapshot_id: Option<i64>,
    pub version_id: Option<i64>,
    pub attempts: i32,
    pub duration_ms: i32,
    pub created_at: DateTime<Utc>,
}

/// The newest fetch events of a document, newest first.
pub async fn recent_fetch_events(
    conn: &mut PgConnection,
    document_id: i64,
    limit: i64,
) -> Result<Vec<FetchEventRow>, sqlx::Error> {
    sqlx::query_as(
        "select fetch_event_id, document_id, outcome, http_status, error_kind, error, snapshot_id,
             version_id, attempts, duration_ms, created_at
         from fetch_events where document_id = $1 order by created_at desc, fetch_event_id desc limit $2",
    )
    .bind(document_id)
    .bind(limit)
    .fetch_all(conn)
    .await
}
