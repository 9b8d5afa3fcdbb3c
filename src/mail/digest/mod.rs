//! The weekly digest, for every tier. An hourly scheduler step queues one `digest` job per hour
//! (claimed in `schedule_ticks`, so several processes queue it once); the job mails every member
//! whose digest weekday and hour (default Monday 08:00 UTC) is that hour: the past week's changes
//! of their organisations' tracked platforms, grouped by platform, most severe first, or a short
//! "no changes, last verified …" mail unless `empty_digest` is off. The key
//! `digest:{user}:{iso-year}-W{week}` makes one digest per user and week, whatever happens.
pub mod mail;
pub mod query;

use anyhow::Context;
use chrono::{DateTime, Datelike, DurationRound, TimeDelta, Timelike, Utc};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;

use super::{
    outbox::{self, NewMail},
    unsubscribe::{self, List, Unsubscribe},
};
use crate::config::Config;
use crate::domain::email::EmailAddress;
use crate::jobs::{JobContext, Shutdown};
use query::DigestRecipient;

/// The job kind.
pub const KIND: &str = "digest";
/// The name under which digest ticks are claimed.
pub const SCHEDULE: &str = "digest";

/// The payload of a digest job: the hour whose recipients get their digest.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DigestPayload {
    pub tick: DateTime<Utc>,
}

/// The idempotency key of a user's digest for the ISO week of `tick`.
pub fn key(user_id: i64, tick: DateTime<Utc>) -> String {
    let week = tick.iso_week();
    format!("digest:{user_id}:{}-W{:02}", week.year(), week.week())
}

/// The start of the hour of `at`.
pub fn hour_of(at: DateTime<Utc>) -> DateTime<Utc> {
    at.duration_trunc(TimeDelta::hours(1)).unwrap_or(at)
}

/// Queues the digest job of the hour of `at` unless another process did; true when queued.
pub async fn enqueue_tick(pool: &PgPool, at: DateTime<Utc>) -> anyhow::Result<bool> {
    let tick = hour_of(at);
    let mut tx = pool.begin().await?;
    if !crate::db::jobs::claim_tick(&mut tx, SCHEDULE, tick).await? {
        return Ok(false);
    }
    let payload = serde_json::to_value(DigestPayload { tick })?;
    crate::db::jobs::enqueue(&mut tx, KIND, &payload).await?;
    tx.commit().await?;
    Ok(true)
}

/// Every hour on the hour, queues that hour's digest job, until shutdown.
pub async fn run_scheduler(pool: PgPool, mut shutdown: Shutdown) {
    while !shutdown.is_requested() {
        let next = hour_of(Utc::now()) + TimeDelta::hours(1);
        let wait = (next - Utc::now()).to_std().unwrap_or_default();
        shutdown.pause(wait).await;
        if shutdown.is_requested() {
            return;
        }
        if let Err(error) = enqueue_tick(&pool, next).await {
            tracing::error!(error = format!("{error:#}"), "cannot queue the digest job");
        }
    }
}

/// Runs a digest job (see `send_digests`).
pub async fn run(ctx: &JobContext, payload: &serde_json::Value) -> anyhow::Result<()> {
    let payload: DigestPayload = serde_json::from_value(payload.clone()).context("bad digest payload")?;
    send_digests(&ctx.pool, &ctx.config, payload.tick).await.map(|_| ())
}

/// Queues the digest of every member due at the hour of `tick` (the week ending then); returns
/// how many this call queued. Running it again for the same week queues nothing more.
pub async fn send_digests(pool: &PgPool, config: &Config, tick: DateTime<Utc>) -> anyhow::Result<usize> {
    let tick = hour_of(tick);
    let mut conn = pool.acquire().await?;
    let weekday = i16::try_from(tick.weekday().number_from_monday()).unwrap_or(1);
    let hour = i16::try_from(tick.hour()).unwrap_or(0);
    let recipients = query::recipients(&mut conn, weekday, hour).await.context("cannot find digest recipients")?;
    drop(conn);
    let mut queued = 0;
    for recipient in &recipients {
        if queue_for(pool, config, recipient, tick)
            .await
            .with_context(|| format!("cannot queue the digest of user {}", recipient.user_id))?
        {
            queued += 1;
        }
    }
    tracing::info!(%tick, recipients = recipients.len(), queued, "digests queued");
    Ok(queued)
}

/// Builds and queues one user's digest for the week ending at `tick`.
async fn queue_for(
    pool: &PgPool,
    config: &Config,
    recipient: &DigestRecipient,
    tick: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let Ok(email) = EmailAddress::parse(&recipient.email) else {
        tracing::warn!(user.id = recipient.user_id, "a stored address does not parse: digest skipped");
        return Ok(false);
    };
    let key = key(recipient.user_id, tick);
    let mut tx = pool.begin().await?;
    let since = tick - TimeDelta::days(7);
    let platforms = query::week(&mut tx, &recipient.org_ids, since, tick, &config.base_url).await?;
    let changed = platforms.iter().any(|p| !p.changes.is_empty() || p.minor > 0);
    if !changed && !recipient.empty_digest {
        return Ok(false);
    }
    let what = Unsubscribe { user_id: recipient.user_id, org_id: recipient.org_id, list: List::Digest };
    let (unsubscribe_url, headers) =
        unsubscribe::list_headers(&config.secret_key, &config.base_url, &config.mail_from.0, what);
    let digest = mail::DigestMail {
        week: key.rsplit(':').next().unwrap_or_default().to_owned(),
        since: since.format("%Y-%m-%d").to_string(),
        until: tick.format("%Y-%m-%d").to_string(),
        platforms,
        unsubscribe_url,
        settings_url: super::changes::link(&config.base_url, "/account"),
    };
    let new = NewMail {
        idempotency_key: key,
        org_id: Some(recipient.org_id),
        user_id: Some(recipient.user_id),
        recipient: email,
        template: "digest",
        rendered: digest.render().context("cannot render the digest")?,
        headers,
    };
    let queued = outbox::enqueue(&mut tx, &new).await?;
    tx.commit().await?;
    Ok(queued)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_names_the_iso_week_so_a_user_gets_one_digest_per_week() {
        let monday = DateTime::parse_from_rfc3339("2026-11-30T08:00:00Z").unwrap().to_utc();
        let sunday = DateTime::parse_from_rfc3339("2026-12-06T23:00:00Z").unwrap().to_utc();
        let new_year = DateTime::parse_from_rfc3339("2027-01-01T08:00:00Z").unwrap().to_utc();
        assert_eq!(key(7, monday), "digest:7:2026-W49");
        assert_eq!(key(7, sunday), key(7, monday));
        assert_eq!(key(7, new_year), "digest:7:2026-W53");
    }

    #[test]
    fn ticks_are_whole_hours() {
        let at = DateTime::parse_from_rfc3339("2026-11-30T08:59:59Z").unwrap().to_utc();
        assert_eq!(hour_of(at).to_rfc3339(), "2026-11-30T08:00:00+00:00");
    }
}
