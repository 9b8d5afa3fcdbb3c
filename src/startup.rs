//! Builds the application from its configuration: the database, the fetcher, the web server,
//! the workers and the scheduler. Tests build the very same thing.
use std::{future::Future, sync::Arc};

use anyhow::Context;
use sqlx::PgPool;
use tokio::net::TcpListener;

use crate::config::Config;
use crate::jobs::{JobContext, Shutdown, scheduler, worker};
use crate::mail::{self, Mailer};
use crate::pipeline::fetch::{FetchConfig, Fetcher};
use crate::web;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    pub fetcher: Fetcher,
    pub config: Arc<Config>,
    pub mailer: Mailer,
    /// Public pages by path, valid for one content generation (`web::page_cache`).
    pub page_cache: Arc<web::page_cache::PageCache>,
    /// Every platform's current provisions, for "similar wording on other platforms".
    pub peer_index: Arc<web::pages::peers::PeerIndex>,
}

impl AppState {
    /// Connects to the database (creating and migrating it), reads the stated dates of versions
    /// stored before they were kept (once; afterwards a lookup that finds none) and builds the
    /// shared fetcher.
    pub async fn connect(config: Config) -> anyhow::Result<AppState> {
        let pool =
            crate::db::connect(&config.database_url, 10 + u32::try_from(config.mail_concurrency).unwrap_or(0)).await?;
        AppState::from_pool(pool, config)
    }

    /// The state over an existing pool (already migrated), as tests build it.
    pub fn from_pool(pool: PgPool, config: Config) -> anyhow::Result<AppState> {
        let fetcher = build_fetcher(&config)?;
        let mailer = Mailer::from_config(&config)?;
        if config.secret_key.is_ephemeral() {
            tracing::warn!(
                "SECRET_KEY is not set: unsubscribe links use a random key and break on restart; set it in production"
            );
        }
        Ok(AppState {
            pool,
            fetcher,
            config: Arc::new(config),
            mailer,
            page_cache: Arc::default(),
            peer_index: Arc::default(),
        })
    }

    /// What background jobs need.
    pub fn job_context(&self) -> JobContext {
        JobContext { pool: self.pool.clone(), fetcher: self.fetcher.clone(), config: self.config.clone() }
    }
}

/// The one fetcher, configured from `Config`.
pub fn build_fetcher(config: &Config) -> anyhow::Result<Fetcher> {
    let mut fetch = FetchConfig::new(config.base_url.as_str());
    fetch.allow_private = config.fetch_allow_private;
    fetch.per_host_spacing = config.fetch_host_spacing();
    fetch.render.browser = config.chromium_path.clone();
    fetch.render.time_limit = std::time::Duration::from_secs(config.render_time_limit_secs.max(1));
    fetch.render.idle_close = std::time::Duration::from_secs(config.browser_idle_secs);
    Fetcher::new(fetch).context("cannot build the HTTP client")
}

/// Which parts a process runs.
#[derive(Debug, Clone, Copy)]
pub struct Roles {
    pub web: bool,
    pub workers: bool,
}

/// Runs the chosen parts until `stop` resolves, then shuts down gracefully: the web server
/// finishes in-flight requests and each worker finishes its job.
pub async fn run(
    state: AppState,
    listener: Option<TcpListener>,
    roles: Roles,
    stop: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let (stop_tx, shutdown) = Shutdown::new();
    let mut tasks = tokio::task::JoinSet::new();
    if roles.web {
        let listener = listener.context("the web role needs a listener")?;
        web::server::raise_open_files_limit();
        let limits = web::server::ConnectionLimits::from_config(&state.config);
        let app = web::router(state.clone());
        let mut web_shutdown = shutdown.clone();
        tasks.spawn(async move {
            web::server::serve(listener, app, limits, async move { web_shutdown.requested().await }).await;
            Ok("web server")
        });
        let trim_shutdown = shutdown.clone();
        tasks.spawn(async move {
            crate::memory::trim_when_idle(trim_shutdown).await;
            Ok("memory upkeep")
        });
        if let Some(addr) = state.config.metrics_addr {
            let listener =
                TcpListener::bind(addr).await.with_context(|| format!("cannot listen on METRICS_ADDR {addr}"))?;
            tracing::info!(%addr, "serving /metrics");
            let app = web::metrics_router(state.clone());
            let mut metrics_shutdown = shutdown.clone();
            tasks.spawn(async move {
                web::server::serve(listener, app, limits, async move { metrics_shutdown.requested().await }).await;
                Ok("metrics server")
            });
        }
    }
    if roles.workers {
        for _ in 0..state.config.workers.max(1) {
            let (ctx, shutdown) = (state.job_context(), shutdown.clone());
            tasks.spawn(async move {
                worker::run_worker(ctx, shutdown).await;
                Ok("worker")
            });
        }
        let (pool, mailer, rate) = (state.pool.clone(), state.mailer.clone(), state.config.mail_rate_per_sec);
        let (concurrency, mail_shutdown) = (state.config.mail_concurrency, shutdown.clone());
        tasks.spawn(async move {
            mail::delivery::run_delivery(pool, mailer, rate, concurrency, mail_shutdown).await;
            Ok("mail delivery")
        });
        let (pool, digest_shutdown) = (state.pool.clone(), shutdown.clone());
        tasks.spawn(async move {
            mail::digest::run_scheduler(pool, digest_shutdown).await;
            Ok("digest scheduler")
        });
        let (pool, schedule, shutdown) = (state.pool.clone(), state.config.fetch_schedule.clone(), shutdown.clone());
        tasks.spawn(async move {
            scheduler::run_scheduler(pool, schedule, shutdown).await;
            Ok("scheduler")
        });
    }
    tokio::spawn(async move {
        stop.await;
        tracing::info!("shutting down: finishing requests and jobs in flight");
        let _ = stop_tx.send(true);
    });
    // Report which task ended first and why; the others are asked to stop.
    let mut result = Ok(());
    while let Some(ended) = tasks.join_next().await {
        match ended {
            Ok(Ok(name)) => tracing::info!(task = name, "stopped"),
            Ok(Err(error)) => {
                tracing::error!(error = format!("{error:#}"), "a task failed");
                result = Err(error);
            }
            Err(join) => tracing::error!(error = %join, "a task panicked"),
        }
    }
    result
}

/// Resolves on SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
