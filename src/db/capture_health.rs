//! How each document's captures are going, for operators: the newest capture and its outcome,
//! the newest version and verification, and since when a document has been failing.
use chrono::{DateTime, Utc};
use sqlx::{Connection, PgConnection};

/// One document's capture health.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CaptureHealthRow {
    pub document_id: i64,
    pub platform_slug: String,
    pub platform_name: String,
    pub document_slug: String,
    pub terms_type: String,
    pub enabled: bool,
    pub last_capture_at: Option<DateTime<Utc>>,
    pub last_outcome: Option<String>,
    pub last_error_kind: Option<String>,
    pub last_error: Option<String>,
    pub last_http_status: Option<i16>,
    /// Whether the newest capture's snapshot is a page rendered by the headless browser.
    pub last_rendered: bool,
    pub last_version_at: Option<DateTime<Utc>>,
    pub last_verified_at: Option<DateTime<Utc>>,
    /// The first failed or suspect capture after the last good one: the start of the failure
    /// spell the document is in, if it is in one.
    pub failing_since: Option<DateTime<Utc>>,
    pub spell_event_id: Option<i64>,
    /// How many captures the spell has had.
    pub failed_captures: i64,
    /// When operators were mailed about this spell.
    pub operators_mailed_at: Option<DateTime<Utc>>,
    /// A capture job for the document is waiting or running.
    pub capture_queued: bool,
}

macro_rules! health_query {
    ($filter:literal) => {
        concat!(
        "select d.document_id, p.slug as platform_slug, p.name as platform_name, d.slug as document_slug,
             d.terms_type, d.enabled and p.enabled as enabled,
             last.created_at as last_capture_at, last.outcome as last_outcome, last.error_kind as last_error_kind,
             last.error as last_error, last.http_status as last_http_status,
             coalesce(last.rendered, false) as last_rendered,
             (select max(v.captured_at) from versions v where v.document_id = d.document_id) as last_version_at,
             (select max(w.verified_at) from verifications w where w.document_id = d.document_id) as last_verified_at,
             spell.since as failing_since, spell.event_id as spell_event_id, coalesce(spell.n, 0) as failed_captures,
             (select n.notified_at from capture_failure_notices n where n.spell_event_id = spell.event_id)
                 as operators_mailed_at,
             exists (select 1 from jobs j where j.kind = 'capture' and j.dead_at is null
                     and j.payload->>'document_id' = d.document_id::text) as capture_queued
         from documents d
         join platforms p on p.platform_id = d.platform_id
         left join lateral (
             select e.created_at, e.outcome, e.error_kind, e.error, e.http_status, s.rendered
             from fetch_events e left join snapshots s on s.snapshot_id = e.snapshot_id
             where e.document_id = d.document_id
             order by e.created_at desc, e.fetch_event_id desc limit 1
         ) last on true
         left join lateral (
             select min(e.created_at) as since,
                    (array_agg(e.fetch_event_id order by e.created_at, e.fetch_event_id))[1] as event_id,
                    count(*) as n
             from fetch_events e
             where e.document_id = d.document_id and e.outcome in ('failed', 'suspect')
               and e.created_at > coalesce((select max(g.created_at) from fetch_events g
                                            where g.document_id = d.document_id and g.outcome in ('new-version', 'unchanged', 'not-modified')),
                                           '-infinity')
             having count(*) > 0
         ) spell on true
         ",
            $filter,
            " order by spell.since nulls last, p.name, d.terms_type"
        )
    };
}

/// Every document's capture health: failing documents first, longest failing first.
pub async fn all_documents(conn: &mut PgConnection) -> Result<Vec<CaptureHealthRow>, sqlx::Error> {
    sqlx::query_as(health_query!("")).fetch_all(conn).await
}

/// One document's capture health.
pub async fn of_document(conn: &mut PgConnection, document_id: i64) -> Result<Option<CaptureHealthRow>, sqlx::Error> {
    sqlx::query_as(health_query!("where d.document_id = $1")).bind(document_id).fetch_optional(conn).await
}

/// Queues a capture of the document unless one is waiting or running; true when this call
/// queued it. The document row is locked before the check, so two clicks at once queue one.
pub async fn queue_capture(conn: &mut PgConnection, document_id: i64, kind: &str) -> Result<bool, sqlx::Error> {
    let mut tx = conn.begin().await?;
    sqlx::query("select 1 from documents where document_id = $1 for update")
        .bind(document_id)
        .execute(&mut *tx)
        .await?;
    let queued = sqlx::query_scalar::<_, i64>(
        "insert into jobs (kind, payload, priority)
         select $2, jsonb_build_object('document_id', $1::bigint), 10
         where not exists (select 1 from jobs j where j.kind = $2 and j.dead_at is null
                           and j.payload->>'document_id' = $1::text)
         returning job_id",
    )
    .bind(document_id)
    .bind(kind)
    .fetch_optional(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(queued.is_some())
}

/// Records that operators were told of the spell; false when they were told already.
pub async fn record_notice(
    conn: &mut PgConnection,
    spell_event_id: i64,
    document_id: i64,
    operators: usize,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "insert into capture_failure_notices (spell_event_id, document_id, operators) values ($1, $2, $3)
         on conflict do nothing",
    )
    .bind(spell_event_id)
    .bind(document_id)
    .bind(i32::try_from(operators).unwrap_or(i32::MAX))
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// An operator who is told when captures fail.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Operator {
    pub user_id: i64,
    pub email: String,
}

/// Every operator (`clausewatch admin grant`).
pub async fn operators(conn: &mut PgConnection) -> Result<Vec<Operator>, sqlx::Error> {
    sqlx::query_as("select user_id, email from users where is_admin order by user_id").fetch_all(conn).await
}
