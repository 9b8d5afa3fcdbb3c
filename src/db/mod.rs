//! sqlx query functions, one file per aggregate. Each takes `&mut PgConnection` (a transaction
//! coerces) so the caller owns the transaction, and returns plain `sqlx::Error`.
/// A change's severity as SQL over `c` (changes): the stored severity (the highest exposure of
/// the topics whose wording or facts it altered, see `archive::severity`), null when the change
/// does not alert. Shared by the change feed, the export and the stats so all say the same.
macro_rules! change_severity {
    () => {
        "(case when c.alert then c.severity end) as severity"
    };
}

pub mod analyses;
pub mod capture_health;
pub mod chrome;
pub mod documents;
pub mod export;
pub mod fetch_events;
pub mod jobs;
pub mod organisations;
pub mod pages;
pub mod platforms;
pub mod provisions;
pub mod rate_limits;
pub mod sessions;
pub mod snapshots;
pub mod stats;
pub mod tokens;
pub mod tracking;
pub mod users;
pub mod versions;

use std::time::Duration;

use anyhow::Context;
use sqlx::{PgPool, Postgres, migrate::MigrateDatabase, postgres::PgPoolOptions};

use crate::config::DatabaseUrl;

/// The embedded migrations, run at start-up.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!();

/// Connects to Postgres, creating the database if it does not exist, and runs the migrations.
/// The error names the host (never the password) and says how to start a database.
pub async fn connect(url: &DatabaseUrl, max_connections: u32) -> anyhow::Result<PgPool> {
    let unreachable = |e: sqlx::Error| {
        anyhow::anyhow!(
            "cannot reach Postgres at {} ({e}). Start one (for example `docker compose up -d db`, \
             or `pg_ctlcluster <version> main start`) or set DATABASE_URL.",
            url.host()
        )
    };
    if !Postgres::database_exists(url.expose()).await.map_err(unreachable)? {
        Postgres::create_database(url.expose())
            .await
            .with_context(|| format!("cannot create database {:?} on {}", url.database(), url.host()))?;
        tracing::info!(database = url.database(), "created database");
    }
    let pool = PgPoolOptions::new()
        .max_connections(max_connections)
        // Fail fast when Postgres is away: a page answers 503 rather than hanging.
        .acquire_timeout(Duration::from_secs(2))
        .connect(url.expose())
        .await
        .map_err(unreachable)?;
    MIGRATOR.run(&pool).await.context("cannot run database migrations")?;
    Ok(pool)
}
