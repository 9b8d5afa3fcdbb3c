//! The `clausewatch` command: parses arguments and calls into the library.
use std::{path::PathBuf, process::ExitCode};

use anyhow::Context;
use clap::{Parser, Subcommand};
use clausewatch::{
    cli,
    config::Config,
    startup::{self, AppState, Roles},
    telemetry,
};

#[derive(Parser)]
#[command(name = "clausewatch", version, about = "Watches the terms of AI platforms, provision by provision")]
struct Cli {
    #[command(flatten)]
    config: Config,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web app, the scheduler and the workers (the default way to run ClauseWatch).
    Serve {
        /// Run only the web app; run `clausewatch worker` elsewhere.
        #[arg(long)]
        no_workers: bool,
    },
    /// Run only the scheduler and the background workers.
    Worker,
    /// Capture documents now and print a summary table.
    Fetch(cli::fetch::FetchArgs),
    /// Import Open Terms Archive history (a versions folder or an OTA git clone).
    ImportOta { path: PathBuf },
    /// Diff two local files provision by provision (exit 0 same, 1 different, 2 error).
    Diff(cli::diff::DiffArgs),
    /// Recompute provisions, lineages and changes of stored history (after a segmenter change).
    Rediff {
        /// Only documents with this slug.
        #[arg(long)]
        document: Option<String>,
    },
    /// Stored changes: `changes stats` counts them per class (alerting or not) and severity.
    Changes {
        #[command(subcommand)]
        command: cli::changes::ChangesCommand,
    },
    /// Tag provision texts from stdin (one per line, or JSON Lines with "text") with topics, one
    /// JSON line out per line in; exit 0 all fine, 1 some lines malformed, 2 I/O error.
    Classify(cli::classify::ClassifyArgs),
    /// Train the topic model on the labelled sets and write the model file the build embeds.
    TrainClassifier(cli::train::TrainArgs),
    /// Classify stored provisions again and recompute their automated analyses (after a taxonomy
    /// change), keeping every field an editor wrote.
    Reanalyse(cli::reanalyse::ReanalyseArgs),
    /// Change an organisation's plan without a card (`plan set EMAIL_OR_ORG PLAN [--until DATE]`).
    Plan(cli::plan::PlanArgs),
    /// Grant or revoke operator rights (the `/admin/…` pages: plans, captures, analysis review).
    Admin(cli::admin::AdminArgs),
    /// The mail outbox: `mail status`, `mail retry --dead`.
    Mail(cli::mail::MailArgs),
    /// Work with the catalogue of declarations.
    Catalog {
        #[command(subcommand)]
        command: CatalogCommand,
    },
}

#[derive(Subcommand)]
enum CatalogCommand {
    /// Report every problem of every declaration in DIR (default: CATALOG_DIR).
    Check { dir: Option<PathBuf> },
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    telemetry::init(cli.config.log_format);
    match run(cli).await {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout();
    match cli.command {
        Command::Serve { no_workers } => {
            let listener = tokio::net::TcpListener::bind(cli.config.bind_addr).await?;
            let state = AppState::connect(cli.config).await?;
            prepare(&state).await?;
            tracing::info!(addr = %listener.local_addr()?, "listening");
            let roles = Roles { web: true, workers: !no_workers };
            startup::run(state, Some(listener), roles, startup::shutdown_signal()).await?;
        }
        Command::Worker => {
            let state = AppState::connect(cli.config).await?;
            prepare(&state).await?;
            startup::run(state, None, Roles { web: false, workers: true }, startup::shutdown_signal()).await?;
        }
        Command::Fetch(args) => {
            let state = AppState::connect(cli.config).await?;
            cli::fetch::run(&state, &args, &mut out).await?;
        }
        Command::ImportOta { path } => {
            let state = AppState::connect(cli.config).await?;
            cli::import::run(&state, &path, &mut out).await?;
        }
        Command::Diff(args) => {
            return match cli::diff::run(&args, &mut out) {
                Ok(status) => Ok(ExitCode::from(status.exit_code() as u8)),
                Err(error) => {
                    eprintln!("error: {error}");
                    Ok(ExitCode::from(error.exit_code() as u8))
                }
            };
        }
        Command::Rediff { document } => {
            let state = AppState::connect(cli.config).await?;
            let report = clausewatch::archive::changes::rediff(&state.pool, document.as_deref()).await?;
            println!(
                "{} documents, {} versions: {} changes recomputed, {} repeated versions dropped",
                report.documents, report.versions, report.changes, report.repeated
            );
        }
        Command::Changes { command } => {
            let state = AppState::connect(cli.config).await?;
            cli::changes::run(&state.pool, &command, &mut out).await?;
        }
        Command::Classify(args) => {
            let classifier = cli::classify::classifier(&args)?;
            let summary = cli::classify::run(&classifier, std::io::stdin().lock(), out.lock(), std::io::stderr())?;
            return Ok(ExitCode::from(summary.exit_code()));
        }
        Command::TrainClassifier(args) => cli::train::run(&args, &mut out)?,
        Command::Reanalyse(args) => {
            let state = AppState::connect(cli.config).await?;
            cli::reanalyse::run(&state.pool, &args, &mut out).await?;
        }
        Command::Plan(args) => {
            let state = AppState::connect(cli.config).await?;
            cli::plan::run(&state.pool, &args, &mut out).await?;
        }
        Command::Admin(args) => {
            let state = AppState::connect(cli.config).await?;
            cli::admin::run(&state.pool, &args, &mut out).await?;
        }
        Command::Mail(args) => {
            let state = AppState::connect(cli.config).await?;
            cli::mail::run(&state.pool, &args, &mut out).await?;
        }
        Command::Catalog { command: CatalogCommand::Check { dir } } => {
            let dir = dir.unwrap_or(cli.config.catalog_dir);
            if cli::catalog::check(&dir, &mut out)? > 0 {
                return Ok(ExitCode::from(1));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Puts the catalogue folder into the database at start-up.
/// What a long-running process brings up to date before it starts: the catalogue, and the stated
/// dates of versions stored before they were kept (a no-op once read).
async fn prepare(state: &AppState) -> anyhow::Result<()> {
    let dir = &state.config.catalog_dir;
    let report = clausewatch::archive::catalog_sync::sync_catalog(&state.pool, dir).await?;
    tracing::info!(catalog = %dir.display(), platforms = report.platforms, documents = report.documents, "catalogue loaded");
    clausewatch::archive::stated_dates::backfill(&state.pool)
        .await
        .context("cannot read the versions' stated dates")?;
    Ok(())
}
