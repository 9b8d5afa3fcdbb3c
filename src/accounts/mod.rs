//! Account work that spans several tables: sign-up, single-use links, password changes, plan
//! changes. Handlers and the CLI call these; they own the transactions.
pub mod mails;
pub mod notices;
pub mod password;
pub mod plans;
pub mod rate_limit;
pub mod tokens;

use anyhow::Context;
use chrono::{Duration, Utc};
use sqlx::{PgConnection, PgPool};
use url::Url;

use crate::db::{organisations, tokens as db_tokens, users};
use crate::domain::account::{NewPassword, OrgId, Role, UserId};
use rate_limit::{Limit, TryAgain};

/// How long each kind of link works.
pub fn link_lifetime(kind: &str) -> Duration {
    match kind {
        "reset-password" => Duration::hours(1),
        "invitation" => Duration::days(7),
        _ => Duration::hours(48),
    }
}

/// Why account work failed: too many mails to one address, or something unexpected.
#[derive(Debug, thiserror::Error)]
pub enum AccountsError {
    #[error(transparent)]
    TooMany(#[from] TryAgain),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<sqlx::Error> for AccountsError {
    fn from(error: sqlx::Error) -> Self {
        AccountsError::Unexpected(error.into())
    }
}

/// A new account.
#[derive(Debug, Clone, Copy)]
pub struct SignedUp {
    pub user: UserId,
    pub org: OrgId,
}

/// What a sign-up did; the person signing up is told the same either way.
#[derive(Debug, Clone, Copy)]
pub enum SignUp {
    /// A new account, with its verification mail queued.
    Created(SignedUp),
    /// The address had an account already: its owner was mailed instead.
    Existing,
}

/// Where account mails link to, and how many may go to one address per window.
#[derive(Debug, Clone, Copy)]
pub struct Mailing<'a> {
    pub base: &'a Url,
    pub per_address: Limit,
}

/// An email address as typed, parsed with the mail layer's rules (`EmailAddress`, lettre's).
pub fn parse_email(raw: &str) -> Result<String, String> {
    let email = raw.trim();
    crate::domain::email::EmailAddress::parse(email).map(|e| e.as_ref().to_owned()).map_err(|_| {
        format!(
            "{:?} is not an email address we can send mail to. Type it as name@example.com.",
            email.chars().take(60).collect::<String>()
        )
    })
}

/// Creates the user, their personal organisation (as owner) and queues the verification mail,
/// all in one transaction. When the address has an account already, mails its owner instead
/// (after hashing the password all the same, so both take as long).
pub async fn sign_up(
    pool: &PgPool,
    mailing: Mailing<'_>,
    email: &str,
    password: NewPassword,
) -> Result<SignUp, AccountsError> {
    let hash = password::hash_password(password).await?;
    let mut tx = pool.begin().await?;
    let outcome = match users::insert_user(&mut tx, email, &hash).await? {
        Some(user) => {
            let org = organisations::insert_org(&mut tx, &format!("{email}'s organisation")).await?;
            organisations::insert_membership(&mut tx, org, user, Role::Owner.as_str()).await?;
            send_link(&mut tx, mailing, Link::VerifyEmail { user, email }).await?;
            SignUp::Created(SignedUp { user, org })
        }
        None => {
            let owner = users::user_by_email(&mut tx, email).await?.context("the taken address has no user")?;
            let mail = notices::sign_up_attempt(mailing.base).map_err(anyhow::Error::from)?;
            let key = format!("sign-up-attempt:{}", tokens::new_token().hash);
            queue(&mut tx, mailing.per_address, &key, None, Some(owner.id()), &owner.email, &mail).await?;
            SignUp::Existing
        }
    };
    tx.commit().await?;
    Ok(outcome)
}

/// A single-use link to mail.
pub enum Link<'a> {
    VerifyEmail { user: UserId, email: &'a str },
    ResetPassword { user: UserId, email: &'a str },
    ChangeEmail { user: UserId, new_email: &'a str },
    Invitation { org: OrgId, org_name: &'a str, inviter: &'a str, email: &'a str },
}

/// Stores a new token for the link and writes its mail to the outbox, within the per-address
/// limit.
pub async fn send_link(conn: &mut PgConnection, mailing: Mailing<'_>, link: Link<'_>) -> Result<(), AccountsError> {
    let token = tokens::new_token();
    let base = mailing.base;
    let rendered = match &link {
        Link::VerifyEmail { .. } => mails::verify_email(base, &token.raw),
        Link::ResetPassword { .. } => mails::reset_password(base, &token.raw),
        Link::ChangeEmail { .. } => mails::change_email(base, &token.raw),
        Link::Invitation { org_name, inviter, .. } => mails::invitation(base, &token.raw, org_name, inviter),
    };
    let mail = rendered.map_err(anyhow::Error::from)?;
    let (kind, user, org, email) = match link {
        Link::VerifyEmail { user, email } => ("verify-email", Some(user), None, email),
        Link::ResetPassword { user, email } => {
            db_tokens::void_user_tokens(conn, user, "reset-password").await?;
            ("reset-password", Some(user), None, email)
        }
        Link::ChangeEmail { user, new_email } => ("change-email", Some(user), None, new_email),
        Link::Invitation { org, email, .. } => ("invitation", None, Some(org), email),
    };
    let expires_at = Utc::now() + link_lifetime(kind);
    let new = db_tokens::NewToken { token_hash: &token.hash, kind, user, org, email: Some(email), expires_at };
    db_tokens::insert_token(conn, &new).await?;
    let key = format!("{kind}:{}", token.hash);
    queue(conn, mailing.per_address, &key, org, user, email, &mail).await
}

/// Counts one mail to `to` against `limit` and writes it to the outbox; refused when the
/// address had its share of account mails this window, from any account.
async fn queue(
    conn: &mut PgConnection,
    limit: Limit,
    key: &str,
    org: Option<OrgId>,
    user: Option<UserId>,
    to: &str,
    mail: &mails::AccountMail,
) -> Result<(), AccountsError> {
    rate_limit::hit(conn, &rate_limit::account_bucket("mail-to", to), limit).await??;
    mails::enqueue(conn, key, org, user, to, mail).await?;
    Ok(())
}

/// The kinds of link a changed password or address makes stale: a reset or an email change
/// asked for before must not outlive it.
const STALE_AFTER_CREDENTIALS_CHANGE: [&str; 2] = ["reset-password", "change-email"];

/// Sets a new password, voids the user's pending reset and email-change links, and ends their
/// other sessions.
pub async fn set_password(
    conn: &mut PgConnection,
    user: UserId,
    password: NewPassword,
    keep_session: Option<&str>,
) -> anyhow::Result<()> {
    let hash = password::hash_password(password).await?;
    users::set_password_hash(conn, user, &hash).await?;
    for kind in STALE_AFTER_CREDENTIALS_CHANGE {
        db_tokens::void_user_tokens(conn, user, kind).await?;
    }
    users::delete_sessions_of_user(conn, user, keep_session).await?;
    Ok(())
}

/// Moves the account to `new_email` (proved by the link it was sent to), voids the user's
/// pending reset, email-change and verification links, and tells the old address. False when
/// the address belongs to another account by now.
pub async fn change_email(conn: &mut PgConnection, user: UserId, new_email: &str) -> anyhow::Result<bool> {
    let old = users::user_by_id(conn, user).await?.context("the user of the link is gone")?.email;
    if !users::set_email(conn, user, new_email).await? {
        return Ok(false);
    }
    for kind in STALE_AFTER_CREDENTIALS_CHANGE.into_iter().chain(["verify-email"]) {
        db_tokens::void_user_tokens(conn, user, kind).await?;
    }
    let deliverable = crate::domain::email::EmailAddress::parse(&old).is_ok();
    if deliverable && !old.eq_ignore_ascii_case(new_email) {
        let now = Utc::now();
        let mail = notices::email_changed(new_email, now)?;
        // Bounded by the change-email links, which are limited: the notice itself never waits.
        let key = format!("email-changed:{}:{}", user.0, now.timestamp_micros());
        mails::enqueue(conn, &key, None, Some(user), &old, &mail).await?;
    }
    Ok(true)
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
