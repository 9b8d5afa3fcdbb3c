//! Drains the outbox: each of several loops claims one due mail (`for update skip locked`,
//! so no two take the same), hands it to the mailer
//! while the row stays locked, and record the outcome in the same transaction. A mail is marked
//! `sent` only after the server accepted it; a crash before that commit leaves it `queued`.
use std::time::Duration;

use anyhow::Context;
use chrono::Utc;
use sqlx::PgPool;

use super::{Mailer, SendError, message, outbox};
use crate::jobs::Shutdown;

/// Attempts before a temporarily failing mail is given up as `dead`.
pub const MAX_ATTEMPTS: i32 = 8;

/// How long an idle delivery loop sleeps before looking again.
pub const POLL_INTERVAL: Duration = Duration::from_secs(2);

/// What one delivery step did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Nothing was due.
    Empty,
    /// The server accepted the mail.
    Sent { outbox_id: i64 },
    /// A temporary failure: tried again later.
    Retry { outbox_id: i64, error: String },
    /// A permanent failure: `failed`, never retried.
    Failed { outbox_id: i64, error: String },
    /// The last attempt failed: `dead`, for operators.
    Dead { outbox_id: i64, error: String },
}

/// Capped exponential backoff: 1 min, 2 min, 4 min, … up to 2 hours.
pub fn backoff(attempts: i32) -> Duration {
    let exp = attempts.clamp(0, 10) as u32;
    Duration::from_secs((60u64 << exp).min(7_200))
}

/// Sends one due mail, if any.
pub async fn run_one(pool: &PgPool, mailer: &Mailer) -> anyhow::Result<Step> {
    let mut tx = pool.begin().await.context("cannot start a transaction")?;
    let Some(row) = outbox::claim_next(&mut tx).await.context("cannot claim a mail")? else {
        return Ok(Step::Empty);
    };
    let span = tracing::info_span!("mail", outbox.id = row.outbox_id, mail.template = %row.template, mail.attempt = row.attempts + 1, mail.message_id = tracing::field::Empty);
    let sent = match message::build(&row, mailer.from_mailbox()) {
        Ok((msg, id)) => {
            span.record("mail.message_id", &id);
            mailer.send(msg, &id).await
        }
        Err(e) => Err(e),
    };
    let step = match sent {
        Ok(()) => {
            outbox::mark_sent(&mut tx, row.outbox_id).await?;
            span.in_scope(|| tracing::info!("mail sent"));
            Step::Sent { outbox_id: row.outbox_id }
        }
        Err(SendError::Permanent(error)) => {
            outbox::mark_failed(&mut tx, row.outbox_id, &error).await?;
            span.in_scope(|| tracing::error!(%error, "mail refused for good"));
            Step::Failed { outbox_id: row.outbox_id, error }
        }
        Err(SendError::Temporary(error)) => {
            let retry_at = Utc::now() + chrono::Duration::from_std(backoff(row.attempts)).unwrap_or_default();
            let dead = outbox::mark_retry(&mut tx, row.outbox_id, &error, retry_at, MAX_ATTEMPTS).await?;
            span.in_scope(|| tracing::warn!(%error, dead, "mail not sent"));
            if dead {
                Step::Dead { outbox_id: row.outbox_id, error }
            } else {
                Step::Retry { outbox_id: row.outbox_id, error }
            }
        }
    };
    tx.commit().await.context("cannot record the delivery")?;
    Ok(step)
}

/// Runs delivery steps until nothing is due; returns the steps taken (tests, CLI).
pub async fn run_pending(pool: &PgPool, mailer: &Mailer) -> anyhow::Result<Vec<Step>> {
    let mut steps = Vec::new();
    loop {
        match run_one(pool, mailer).await? {
            Step::Empty => return Ok(steps),
            step => steps.push(step),
        }
    }
}

/// The delivery loops: `concurrency` of them, each claiming and sending one mail at a time on a
/// connection of its own, together at most `rate_per_sec` mails a second, until shutdown.
pub async fn run_delivery(pool: PgPool, mailer: Mailer, rate_per_sec: f64, concurrency: usize, shutdown: Shutdown) {
    let concurrency = concurrency.max(1);
    let spacing =
        if rate_per_sec > 0.0 { Duration::from_secs_f64(concurrency as f64 / rate_per_sec) } else { Duration::ZERO };
    let mut loops = tokio::task::JoinSet::new();
    for _ in 0..concurrency {
        let (pool, mailer, shutdown) = (pool.clone(), mailer.clone(), shutdown.clone());
        let step = move || {
            let (pool, mailer) = (pool.clone(), mailer.clone());
            async move { run_one(&pool, &mailer).await.map(|step| !matches!(step, Step::Empty)) }
        };
        loops.spawn(shutdown.repeat("mail delivery step", POLL_INTERVAL, spacing, step));
    }
    loops.join_all().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        assert_eq!(backoff(0), Duration::from_secs(60));
        assert_eq!(backoff(2), Duration::from_secs(240));
        assert_eq!(backoff(30), Duration::from_secs(7_200));
    }
}
