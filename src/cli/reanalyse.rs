//! `clausewatch reanalyse [--document SLUG]`: classifies stored provisions again and recomputes
//! their automated analyses, keeping every field an editor wrote; prints a summary.
use std::io::Write;

use sqlx::PgPool;

use crate::archive::reanalyse::{ReanalyseReport, reanalyse};

/// Arguments of `clausewatch reanalyse`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ReanalyseArgs {
    /// Only documents with this slug.
    #[arg(long)]
    pub document: Option<String>,
}

/// Runs the command and prints its summary.
pub async fn run(pool: &PgPool, args: &ReanalyseArgs, out: &mut dyn Write) -> anyhow::Result<ReanalyseReport> {
    let report = reanalyse(pool, args.document.as_deref()).await?;
    writeln!(out, "{}", report.summary())?;
    Ok(report)
}
