//! Users: who can log in. Emails are unique without regard to case.
use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use crate::domain::account::UserId;

/// A user as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRow {
    pub user_id: i64,
    pub email: String,
    pub password_hash: String,
    pub email_verified_at: Option<DateTime<Utc>>,
    pub is_admin: bool,
}

impl UserRow {
    /// The typed id.
    pub fn id(&self) -> UserId {
        UserId(self.user_id)
    }
}

const COLUMNS: &str = "user_id, email, password_hash, email_verified_at, is_admin";

/// Inserts a user; `None` when the email is taken.
pub async fn insert_user(
    conn: &mut PgConnection,
    email: &str,
    password_hash: &str,
) -> Result<Option<UserId>, sqlx::Error> {
    let id: Option<i64> = sqlx::query_scalar(
        "insert into users (email, password_hash) values ($1, $2) on conflict ((lower(email))) do nothing returning user_id",
    )
    .bind(email)
    .bind(password_hash)
    .fetch_optional(conn)
    .await?;
    Ok(id.map(UserId))
}

/// The user with this email (any case).
pub async fn user_by_email(conn: &mut PgConnection, email: &str) -> Result<Option<UserRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("select {COLUMNS} from users where lower(email) = lower($1)")))
        .bind(email)
        .fetch_optional(conn)
        .await
}

/// The user with this id.
pub async fn user_by_id(conn: &mut PgConnection, user: UserId) -> Result<Option<UserRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("select {COLUMNS} from users where user_id = $1")))
        .bind(user.0)
        .fetch_optional(conn)
        .await
}

/// Marks the email verified (once; later calls keep the first time).
pub async fn mark_email_verified(conn: &mut PgConnection, user: UserId) -> Result<(), sqlx::Error> {
    sqlx::query("update users set email_verified_at = coalesce(email_verified_at, now()) where user_id = $1")
        .bind(user.0)
        .execute(conn)
        .await
        .map(|_| ())
}

/// Replaces the password hash.
pub async fn set_password_hash(conn: &mut PgConnection, user: UserId, hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("update users set password_hash = $2 where user_id = $1")
        .bind(user.0)
        .bind(hash)
        .execute(conn)
        .await
        .map(|_| ())
}

/// Replaces the email (already verified by the link that carries it); false when it is taken.
pub async fn set_email(conn: &mut PgConnection, user: UserId, email: &str) -> Result<bool, sqlx::Error> {
    let taken: bool =
        sqlx::query_scalar("select exists (select 1 from users where lower(email) = lower($1) and user_id <> $2)")
            .bind(email)
            .bind(user.0)
            .fetch_one(&mut *conn)
            .await?;
    if taken {
        return Ok(false);
    }
    sqlx::query("update users set email = $2, email_verified_at = now() where user_id = $1")
        .bind(user.0)
        .bind(email)
        .execute(conn)
        .await?;
    Ok(true)
}

/// Makes a user an operator (or not); false when no user has this email.
pub async fn set_admin(conn: &mut PgConnection, email: &str, is_admin: bool) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("update users set is_admin = $2 where lower(email) = lower($1)")
        .bind(email)
        .bind(is_admin)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Ends every session of a user except `keep` (after a password change or reset).
pub async fn delete_sessions_of_user(
    conn: &mut PgConnection,
    user: UserId,
    keep: Option<&str>,
) -> Result<u64, sqlx::Error> {
    // Session data is JSON (see web::session_store): the user id sits under "user_id".
    let done = sqlx::query(
        "delete from sessions where convert_from(data, 'UTF8')::jsonb -> 'data' ->> 'user_id' = ($1::bigint)::text
         and ($2::text is null or session_id <> $2)",
    )
    .bind(user.0)
    .bind(keep)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}
