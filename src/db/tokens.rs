//! Single-use links (email verification, password reset, invitations, email change). Only the
//! SHA-256 of a token is stored; a token is used at most once and not after it expires.
use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use crate::domain::account::{OrgId, UserId};

/// A token's row, as consumed.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TokenRow {
    pub kind: String,
    pub user_id: Option<i64>,
    pub org_id: Option<i64>,
    pub email: Option<String>,
}

/// A pending invitation as listed to the organisation's owners.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InvitationRow {
    pub invitation_id: String,
    pub email: String,
    pub expires_at: DateTime<Utc>,
}

/// What a new token is for.
pub struct NewToken<'a> {
    pub token_hash: &'a str,
    pub kind: &'a str,
    pub user: Option<UserId>,
    pub org: Option<OrgId>,
    pub email: Option<&'a str>,
    pub expires_at: DateTime<Utc>,
}

/// Stores a token's hash.
pub async fn insert_token(conn: &mut PgConnection, token: &NewToken<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into tokens (token_hash, kind, user_id, org_id, email, expires_at) values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(token.token_hash)
    .bind(token.kind)
    .bind(token.user.map(|u| u.0))
    .bind(token.org.map(|o| o.0))
    .bind(token.email)
    .bind(token.expires_at)
    .execute(conn)
    .await
    .map(|_| ())
}

/// Marks the token used and returns it, if it exists, is of `kind`, is unused and unexpired.
/// A concurrent second use finds it used: the update is the check.
pub async fn consume_token(
    conn: &mut PgConnection,
    token_hash: &str,
    kind: &str,
) -> Result<Option<TokenRow>, sqlx::Error> {
    sqlx::query_as(
        "update tokens set used_at = now()
         where token_hash = $1 and kind = $2 and used_at is null and expires_at > now()
         returning kind, user_id, org_id, email",
    )
    .bind(token_hash)
    .bind(kind)
    .fetch_optional(conn)
    .await
}

/// Whether a token is usable now (for showing a form before consuming it).
pub async fn token_is_usable(
    conn: &mut PgConnection,
    token_hash: &str,
    kind: &str,
) -> Result<Option<TokenRow>, sqlx::Error> {
    sqlx::query_as(
        "select kind, user_id, org_id, email from tokens
         where token_hash = $1 and kind = $2 and used_at is null and expires_at > now()",
    )
    .bind(token_hash)
    .bind(kind)
    .fetch_optional(conn)
    .await
}

/// Voids the unused tokens of one kind of a user (a new reset link voids the older ones).
pub async fn void_user_tokens(conn: &mut PgConnection, user: UserId, kind: &str) -> Result<(), sqlx::Error> {
    sqlx::query("update tokens set used_at = now() where user_id = $1 and kind = $2 and used_at is null")
        .bind(user.0)
        .bind(kind)
        .execute(conn)
        .await
        .map(|_| ())
}

/// Pending invitations of an organisation; the id shown is a prefix of the hash, not the token.
pub async fn invitations(conn: &mut PgConnection, org: OrgId) -> Result<Vec<InvitationRow>, sqlx::Error> {
    sqlx::query_as(
        "select left(token_hash, 16) as invitation_id, coalesce(email, '') as email, expires_at from tokens
         where org_id = $1 and kind = 'invitation' and used_at is null and expires_at > now() order by created_at",
    )
    .bind(org.0)
    .fetch_all(conn)
    .await
}

/// Revokes one of the organisation's pending invitations by its listed id.
pub async fn revoke_invitation(conn: &mut PgConnection, org: OrgId, invitation_id: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "update tokens set used_at = now()
         where org_id = $1 and kind = 'invitation' and used_at is null and left(token_hash, 16) = $2 and length($2) = 16",
    )
    .bind(org.0)
    .bind(invitation_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() >= 1)
}

/// Makes a token expire now (tests and operators).
pub async fn expire_token(conn: &mut PgConnection, token_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("update tokens set expires_at = now() - interval '1 second' where token_hash = $1")
        .bind(token_hash)
        .execute(conn)
        .await
        .map(|_| ())
}
