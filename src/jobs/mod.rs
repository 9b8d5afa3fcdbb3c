//! Background work: a Postgres job queue, the worker loop, the scheduler and one file per kind.
pub mod capture;
pub mod scheduler;
pub mod worker;

use std::{sync::Arc, time::Duration};

use sqlx::PgPool;
use tokio::sync::watch;

use crate::pipeline::fetch::Fetcher;

/// What a job needs to run.
#[derive(Clone)]
pub struct JobContext {
    pub pool: PgPool,
    pub fetcher: Fetcher,
    /// Links in mail (`BASE_URL`) and the unsubscribe key.
    pub config: Arc<crate::config::Config>,
}

/// Tells long-running loops to stop; cheap to clone.
#[derive(Clone)]
pub struct Shutdown(watch::Receiver<bool>);

impl Shutdown {
    /// A shutdown signal and the sender that fires it.
    pub fn new() -> (watch::Sender<bool>, Shutdown) {
        let (tx, rx) = watch::channel(false);
        (tx, Shutdown(rx))
    }

    /// Whether shutdown was asked for.
    pub fn is_requested(&self) -> bool {
        *self.0.borrow()
    }

    /// Resolves when shutdown is asked for (or the sender is gone).
    pub async fn requested(&mut self) {
        while !*self.0.borrow_and_update() {
            if self.0.changed().await.is_err() {
                return;
            }
        }
    }

    /// Sleeps for `pause`, waking early when shutdown is asked for.
    pub async fn pause(&mut self, pause: Duration) {
        if pause.is_zero() {
            return;
        }
        tokio::select! {
            _ = tokio::time::sleep(pause) => {}
            _ = self.requested() => {}
        }
    }

    /// Runs `step` until shutdown is asked for: `busy` after a step that did some work (true),
    /// `idle` after one that found none, a second after one that failed (logged as `what`).
    pub async fn repeat<F, Fut>(mut self, what: &'static str, idle: Duration, busy: Duration, mut step: F)
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = anyhow::Result<bool>>,
    {
        while !self.is_requested() {
            let pause = match step().await {
                Ok(true) => busy,
                Ok(false) => idle,
                Err(error) => {
                    tracing::error!(error = format!("{error:#}"), "{what} failed");
                    Duration::from_secs(1)
                }
            };
            self.pause(pause).await;
        }
    }
}
