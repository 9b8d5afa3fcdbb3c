//! The scheduler: at each tick of `FETCH_SCHEDULE`, one capture job per enabled document.
//! The tick is claimed in `schedule_ticks`, so several processes enqueue each capture once.
use chrono::{DateTime, Utc};
use sqlx::PgPool;

use super::{Shutdown, capture};
use crate::config::Schedule;
use crate::db;

/// The name under which capture ticks are claimed.
pub const CAPTURE_SCHEDULE: &str = "capture";

/// Enqueues the captures of one tick unless another process already did; returns how many.
pub async fn enqueue_captures(pool: &PgPool, tick: DateTime<Utc>) -> anyhow::Result<usize> {
    let mut tx = pool.begin().await?;
    if !db::jobs::claim_tick(&mut tx, CAPTURE_SCHEDULE, tick).await? {
        return Ok(0);
    }
    let documents = db::documents::enabled_documents(&mut tx, None, None).await?;
    for doc in &documents {
        let payload = serde_json::to_value(capture::CapturePayload { document_id: doc.document_id })?;
        db::jobs::enqueue(&mut tx, capture::KIND, &payload).await?;
    }
    tx.commit().await?;
    tracing::info!(%tick, jobs = documents.len(), "scheduled captures");
    Ok(documents.len())
}

/// Sleeps until each tick and enqueues its captures, until shutdown.
pub async fn run_scheduler(pool: PgPool, schedule: Schedule, mut shutdown: Shutdown) {
    while !shutdown.is_requested() {
        let Some(tick) = schedule.next_after(Utc::now()) else {
            tracing::error!(%schedule, "the schedule has no next tick: scheduler stopped");
            return;
        };
        let wait = (tick - Utc::now()).to_std().unwrap_or_default();
        shutdown.pause(wait).await;
        if shutdown.is_requested() {
            return;
        }
        if let Err(error) = enqueue_captures(&pool, tick).await {
            tracing::error!(error = format!("{error:#}"), "cannot enqueue scheduled captures");
        }
    }
}
