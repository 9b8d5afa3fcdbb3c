//! Server-side sessions: one row per session, the record serialised as JSON.
use chrono::{DateTime, Utc};
use sqlx::PgConnection;

/// Inserts a new session; false when the id is taken.
pub async fn insert_session(
    conn: &mut PgConnection,
    id: &str,
    data: &[u8],
    expires_at: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let done =
        sqlx::query("insert into sessions (session_id, data, expires_at) values ($1, $2, $3) on conflict do nothing")
            .bind(id)
            .bind(data)
            .bind(expires_at)
            .execute(conn)
            .await?;
    Ok(done.rows_affected() == 1)
}

/// Inserts or replaces a session.
pub async fn upsert_session(
    conn: &mut PgConnection,
    id: &str,
    data: &[u8],
    expires_at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into sessions (session_id, data, expires_at) values ($1, $2, $3)
         on conflict (session_id) do update set data = excluded.data, expires_at = excluded.expires_at",
    )
    .bind(id)
    .bind(data)
    .bind(expires_at)
    .execute(conn)
    .await
    .map(|_| ())
}

/// The data of an unexpired session.
pub async fn load_session(conn: &mut PgConnection, id: &str) -> Result<Option<Vec<u8>>, sqlx::Error> {
    sqlx::query_scalar("select data from sessions where session_id = $1 and expires_at > now()")
        .bind(id)
        .fetch_optional(conn)
        .await
}

/// Deletes a session.
pub async fn delete_session(conn: &mut PgConnection, id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("delete from sessions where session_id = $1").bind(id).execute(conn).await.map(|_| ())
}

/// Deletes expired sessions.
pub async fn delete_expired_sessions(conn: &mut PgConnection) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("delete from sessions where expires_at <= now()").execute(conn).await?;
    Ok(done.rows_affected())
}
