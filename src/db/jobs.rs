//! The job queue in Postgres: claimed with `for update skip locked`, so any number of workers
//! run side by side; a job is deleted when done, retried with backoff when it fails, and marked
//! dead after its last attempt.
use chrono::{DateTime, Utc};
use sqlx::PgConnection;

/// A claimed job.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct JobRow {
    pub job_id: i64,
    pub kind: String,
    pub payload: serde_json::Value,
    pub attempts: i32,
    pub max_attempts: i32,
}

/// Queues a job to run now.
pub async fn enqueue(conn: &mut PgConnection, kind: &str, payload: &serde_json::Value) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("insert into jobs (kind, payload) values ($1, $2) returning job_id")
        .bind(kind)
        .bind(payload)
        .fetch_one(conn)
        .await
}

/// Claims the next ready job; the row stays locked until the caller's transaction ends.
pub async fn claim_next(conn: &mut PgConnection) -> Result<Option<JobRow>, sqlx::Error> {
    sqlx::query_as(
        "select job_id, kind, payload, attempts, max_attempts from jobs
         where run_after <= now() and dead_at is null
         order by priority desc, run_after, job_id
         for update skip locked
         limit 1",
    )
    .fetch_optional(conn)
    .await
}

/// Removes a finished job.
pub async fn complete(conn: &mut PgConnection, job_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("delete from jobs where job_id = $1").bind(job_id).execute(conn).await.map(|_| ())
}

/// Records a failed attempt: retried at `retry_at`, or dead when no attempts are left.
pub async fn fail(
    conn: &mut PgConnection,
    job_id: i64,
    error: &str,
    retry_at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update jobs set attempts = attempts + 1, last_error = $2, run_after = $3,
             dead_at = case when attempts + 1 >= max_attempts then now() end
         where job_id = $1",
    )
    .bind(job_id)
    .bind(error)
    .bind(retry_at)
    .execute(conn)
    .await
    .map(|_| ())
}

/// Claims a schedule tick; true only for the one process that claimed it first.
pub async fn claim_tick(conn: &mut PgConnection, schedule: &str, tick: DateTime<Utc>) -> Result<bool, sqlx::Error> {
    let inserted = sqlx::query("insert into schedule_ticks (schedule, tick) values ($1, $2) on conflict do nothing")
        .bind(schedule)
        .bind(tick)
        .execute(conn)
        .await?;
    Ok(inserted.rows_affected() == 1)
}

/// Jobs per kind and state, for operators and metrics.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct JobCount {
    pub kind: String,
    pub state: String,
    pub count: i64,
}

/// Counts jobs by kind and state (`ready`, `scheduled`, `dead`).
pub async fn job_counts(conn: &mut PgConnection) -> Result<Vec<JobCount>, sqlx::Error> {
    sqlx::query_as(
        "select kind, case when dead_at is not null then 'dead'
                            when run_after <= now() then 'ready' else 'scheduled' end as state,
                count(*) as count
         from jobs group by 1, 2 order by 1, 2",
    )
    .fetch_all(conn)
    .await
}
