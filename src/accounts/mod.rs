//! Account work that spans several tables: sign-up, single-use links, password changes, plan
//! changes. Handlers and the CLI call these; they own the transactions.
pub mod mails;
pub mod password;
pub mod plans;
pub mod rate_limit;
pub mod tokens;

use chrono::{Duration, Utc};
use sqlx::{PgConnection, PgPool};
use url::Url;

use crate::db::{organisations, tokens as db_tokens, users};
use crate::domain::account::{NewPassword, OrgId, Role, UserId};

/// How long each kind of link works.
pub fn link_lifetime(kind: &str) -> Duration {
    match kind {
        "reset-password" => Duration::hours(1),
        "invitation" => Duration::days(7),
        _ => Duration::hours(48),
    }
}

/// Why sign-up failed; messages are safe to show.
#[derive(Debug, thiserror::Error)]
pub enum SignUpError {
    #[error("An account with this email already exists. Log in, or reset your password if you forgot it.")]
    EmailTaken,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// A new account.
#[derive(Debug, Clone, Copy)]
pub struct SignedUp {
    pub user: UserId,
    pub org: OrgId,
}

/// An email address as typed, parsed with the mail layer's rules (`EmailAddress`, lettre's).
pub fn parse_email(raw: &str) -> Result<String, String> {
    let email = raw.trim();
    if email.len() > 254 || email.contains(',') {
        return Err(format!(
            "{:?} is not an email address. Type it as name@example.com.",
            email.chars().take(60).collect::<String>()
        ));
    }
    crate::domain::email::EmailAddress::parse(email).map(|e| e.as_ref().to_owned()).map_err(|_| {
        format!(
            "{:?} is not an email address. Type it as name@example.com.",
            email.chars().take(60).collect::<String>()
        )
    })
}

/// Creates the user, their personal organisation (as owner) and queues the verification mail,
/// all in one transaction.
pub async fn sign_up(pool: &PgPool, base: &Url, email: &str, password: NewPassword) -> Result<SignedUp, SignUpError> {
    let hash = password::hash_password(password).await?;
    let mut tx = pool.begin().await.map_err(anyhow::Error::from)?;
    let user =
        users::insert_user(&mut tx, email, &hash).await.map_err(anyhow::Error::from)?.ok_or(SignUpError::EmailTaken)?;
    let org =
        organisations::insert_org(&mut tx, &format!("{email}'s organisation")).await.map_err(anyhow::Error::from)?;
    organisations::insert_membership(&mut tx, org, user, Role::Owner.as_str()).await.map_err(anyhow::Error::from)?;
    send_link(&mut tx, base, Link::VerifyEmail { user, email }).await?;
    tx.commit().await.map_err(anyhow::Error::from)?;
    Ok(SignedUp { user, org })
}

/// A single-use link to mail.
pub enum Link<'a> {
    VerifyEmail { user: UserId, email: &'a str },
    ResetPassword { user: UserId, email: &'a str },
    ChangeEmail { user: UserId, new_email: &'a str },
    Invitation { org: OrgId, org_name: &'a str, inviter: &'a str, email: &'a str },
}

/// Stores a new token for the link and writes its mail to the outbox.
pub async fn send_link(conn: &mut PgConnection, base: &Url, link: Link<'_>) -> anyhow::Result<()> {
    let token = tokens::new_token();
    let (kind, user, org, email, mail) = match link {
        Link::VerifyEmail { user, email } => {
            ("verify-email", Some(user), None, email, mails::verify_email(base, &token.raw)?)
        }
        Link::ResetPassword { user, email } => {
            db_tokens::void_user_tokens(conn, user, "reset-password").await?;
            ("reset-password", Some(user), None, email, mails::reset_password(base, &token.raw)?)
        }
        Link::ChangeEmail { user, new_email } => {
            ("change-email", Some(user), None, new_email, mails::change_email(base, &token.raw)?)
        }
        Link::Invitation { org, org_name, inviter, email } => {
            ("invitation", None, Some(org), email, mails::invitation(base, &token.raw, org_name, inviter)?)
        }
    };
    let expires_at = Utc::now() + link_lifetime(kind);
    let new = db_tokens::NewToken { token_hash: &token.hash, kind, user, org, email: Some(email), expires_at };
    db_tokens::insert_token(conn, &new).await?;
    let key = format!("{kind}:{}", token.hash);
    mails::enqueue(conn, &key, org, user, email, &mail).await?;
    Ok(())
}

/// Sets a new password and ends the user's other sessions.
pub async fn set_password(
    conn: &mut PgConnection,
    user: UserId,
    password: NewPassword,
    keep_session: Option<&str>,
) -> anyhow::Result<()> {
    let hash = password::hash_password(password).await?;
    users::set_password_hash(conn, user, &hash).await?;
    users::delete_sessions_of_user(conn, user, keep_session).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_of_the_wrong_shape_are_refused_with_an_example() {
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.com",
            "a b@example.com",
            "ada@example.com, eve@example.com",
            "<ada@example.com>",
        ] {
            let err = parse_email(bad).unwrap_err();
            assert!(err.contains("name@example.com"), "{bad}: {err}");
        }
        assert_eq!(parse_email("  Ada@Example.com ").unwrap(), "Ada@example.com");
    }
}
