//! Attempt counting for rate limits, in Postgres so every web process sees the same counts.
use chrono::{DateTime, Utc};
use sqlx::PgConnection;

/// Counts the hits of `bucket` since `since` and the oldest of them (when the window reopens).
pub async fn hits_since(
    conn: &mut PgConnection,
    bucket: &str,
    since: DateTime<Utc>,
) -> Result<(i64, Option<DateTime<Utc>>), sqlx::Error> {
    sqlx::query_as("select count(*), min(hit_at) from rate_limit_hits where bucket = $1 and hit_at > $2")
        .bind(bucket)
        .bind(since)
        .fetch_one(conn)
        .await
}

/// Records a hit.
pub async fn record_hit(conn: &mut PgConnection, bucket: &str) -> Result<(), sqlx::Error> {
    sqlx::query("insert into rate_limit_hits (bucket) values ($1)").bind(bucket).execute(conn).await.map(|_| ())
}

/// Forgets the hits of a bucket (a successful login clears its account's failures).
pub async fn clear(conn: &mut PgConnection, bucket: &str) -> Result<(), sqlx::Error> {
    sqlx::query("delete from rate_limit_hits where bucket = $1").bind(bucket).execute(conn).await.map(|_| ())
}

/// Deletes hits older than `before`.
pub async fn prune(conn: &mut PgConnection, before: DateTime<Utc>) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("delete from rate_limit_hits where hit_at < $1").bind(before).execute(conn).await?;
    Ok(done.rows_affected())
}
