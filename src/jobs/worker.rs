//! The worker: claim one job, run it, delete it or schedule a retry, all in one transaction.
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::Context;
use chrono::Utc;
use tracing::Instrument;

use super::{JobContext, Shutdown, capture};
use crate::db;
use crate::pipeline::classify::Classifier;

/// How long an idle worker sleeps before looking again.
pub const POLL_INTERVAL: Duration = Duration::from_secs(2);
/// How long the classifier's search caches outlive its last use while the queue is empty.
const CLASSIFIER_KEPT_IDLE: Duration = Duration::from_secs(60);

/// What one step did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// The queue had nothing ready.
    Empty,
    /// A job ran and was removed.
    Done { job_id: i64, kind: String },
    /// A job failed and will be retried (or is dead).
    Failed { job_id: i64, kind: String, error: String },
}

/// Claims and runs one job. The claim holds the row lock until the job is done, so a worker
/// that dies mid-job leaves the job to another worker.
pub async fn run_one(ctx: &JobContext) -> anyhow::Result<Step> {
    let mut tx = ctx.pool.begin().await.context("cannot start a transaction")?;
    let Some(job) = db::jobs::claim_next(&mut tx).await? else {
        return Ok(Step::Empty);
    };
    let span = tracing::info_span!("job", job.id = job.job_id, job.kind = %job.kind, job.attempt = job.attempts + 1);
    let task_ctx = ctx.clone();
    let (kind, payload) = (job.kind.clone(), job.payload.clone());
    // A spawned task turns a panic into an error instead of killing the worker.
    let result = tokio::spawn(async move { dispatch(&task_ctx, &kind, &payload).await }.instrument(span.clone())).await;
    let outcome = match result {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(format!("{e:#}")),
        Err(join) => Err(format!("the job panicked: {join}")),
    };
    let step = match outcome {
        Ok(()) => {
            db::jobs::complete(&mut tx, job.job_id).await?;
            Step::Done { job_id: job.job_id, kind: job.kind }
        }
        Err(error) => {
            let retry_at = Utc::now() + chrono::Duration::from_std(backoff(job.attempts)).unwrap_or_default();
            db::jobs::fail(&mut tx, job.job_id, &error, retry_at).await?;
            span.in_scope(|| tracing::error!(%error, "job failed"));
            Step::Failed { job_id: job.job_id, kind: job.kind, error }
        }
    };
    tx.commit().await?;
    Ok(step)
}

async fn dispatch(ctx: &JobContext, kind: &str, payload: &serde_json::Value) -> anyhow::Result<()> {
    match kind {
        capture::KIND => capture::run(ctx, payload).await,
        crate::mail::alerts::KIND => crate::mail::alerts::run(ctx, payload).await,
        crate::mail::digest::KIND => crate::mail::digest::run(ctx, payload).await,
        other => anyhow::bail!("unknown job kind {other:?}"),
    }
}

/// Capped exponential backoff: 30 s, 1 min, 2 min, … up to one hour.
pub fn backoff(attempts: i32) -> Duration {
    let exp = attempts.clamp(0, 7) as u32;
    Duration::from_secs((30u64 << exp).min(3_600))
}

/// Runs jobs until the queue has nothing ready; returns the steps taken (tests, CLI).
pub async fn run_pending(ctx: &JobContext) -> anyhow::Result<Vec<Step>> {
    let mut steps = Vec::new();
    loop {
        match run_one(ctx).await? {
            Step::Empty => return Ok(steps),
            step => steps.push(step),
        }
    }
}

/// The worker loop: runs jobs until shutdown; a finished job is never cut short. When the queue
/// runs dry it hands the memory the jobs freed back to the system: a minute after the last use of
/// the classifier, its search caches go (it stays compiled) and so do the analyses' rubric
/// patterns, since captures come in bursts a day apart.
pub async fn run_worker(ctx: JobContext, shutdown: Shutdown) {
    let worked = Arc::new(AtomicBool::new(false));
    let step = || {
        let (ctx, worked) = (ctx.clone(), Arc::clone(&worked));
        async move {
            if !matches!(run_one(&ctx).await?, Step::Empty) {
                worked.store(true, Ordering::Relaxed);
                return Ok(true);
            }
            let released = Classifier::release_idle(CLASSIFIER_KEPT_IDLE);
            if released {
                crate::pipeline::analyse::release_patterns();
                tracing::debug!("released the idle classifier's caches");
            }
            if released || worked.swap(false, Ordering::Relaxed) {
                crate::memory::return_freed_memory();
            }
            Ok(false)
        }
    };
    shutdown.repeat("worker step", POLL_INTERVAL, Duration::ZERO, step).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        assert_eq!(backoff(0), Duration::from_secs(30));
        assert_eq!(backoff(1), Duration::from_secs(60));
        assert_eq!(backoff(50), Duration::from_secs(3_600));
    }
}
