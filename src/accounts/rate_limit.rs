//! Rate limits on login and on every form that sends mail (sign-up, reset, verification, email
//! change, invitations): per client IP, per account and per address mailed, counted in
//! Postgres so that every web process behind a load balancer shares the counts.
use chrono::{Duration, Utc};
use sqlx::PgConnection;

use crate::db::rate_limits;

/// At most `max` attempts per `window`.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub max: i64,
    pub window: Duration,
}

/// A refused attempt; the message says when to try again.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Too many attempts. Try again in {minutes} minute{s}.", s = if *.minutes == 1 { "" } else { "s" })]
pub struct TryAgain {
    pub minutes: i64,
}

/// Checks `bucket` against `limit` without counting; `Err(TryAgain)` when it is exhausted.
pub async fn check(conn: &mut PgConnection, bucket: &str, limit: Limit) -> Result<Result<(), TryAgain>, sqlx::Error> {
    let now = Utc::now();
    let (hits, oldest) = rate_limits::hits_since(conn, bucket, now - limit.window).await?;
    if hits < limit.max {
        return Ok(Ok(()));
    }
    let reopens = oldest.unwrap_or(now) + limit.window;
    Ok(Err(TryAgain { minutes: minutes_until(reopens - now) }))
}

/// Checks and, when allowed, counts one attempt.
pub async fn hit(conn: &mut PgConnection, bucket: &str, limit: Limit) -> Result<Result<(), TryAgain>, sqlx::Error> {
    let verdict = check(conn, bucket, limit).await?;
    if verdict.is_ok() {
        rate_limits::record_hit(conn, bucket).await?;
    }
    Ok(verdict)
}

/// Whole minutes, rounded up, at least one.
pub fn minutes_until(left: Duration) -> i64 {
    ((left.num_seconds() + 59) / 60).max(1)
}

/// The bucket of an action by a client address.
pub fn ip_bucket(action: &str, ip: &str) -> String {
    format!("{action}:ip:{ip}")
}

/// The bucket of an action on an account (by email, any case).
pub fn account_bucket(action: &str, email: &str) -> String {
    format!("{action}:account:{}", email.trim().to_lowercase())
}

/// The bucket of an action by a logged-in user (by id: their address may change).
pub fn user_bucket(action: &str, user: crate::domain::account::UserId) -> String {
    format!("{action}:user:{}", user.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_is_rounded_up_to_whole_minutes() {
        assert_eq!(minutes_until(Duration::seconds(1)), 1);
        assert_eq!(minutes_until(Duration::seconds(60)), 1);
        assert_eq!(minutes_until(Duration::seconds(61)), 2);
        assert_eq!(minutes_until(Duration::minutes(15)), 15);
        assert_eq!(minutes_until(Duration::seconds(-5)), 1);
        assert_eq!(TryAgain { minutes: 15 }.to_string(), "Too many attempts. Try again in 15 minutes.");
        assert_eq!(TryAgain { minutes: 1 }.to_string(), "Too many attempts. Try again in 1 minute.");
    }

    #[test]
    fn account_buckets_ignore_case_and_spaces() {
        assert_eq!(account_bucket("login", " Ada@Example.com "), "login:account:ada@example.com");
        assert_eq!(ip_bucket("signup", "127.0.0.1"), "signup:ip:127.0.0.1");
    }
}
