//! `clausewatch changes stats`: stored changes per class, which of them alert, and severities.
use std::io::Write;

use sqlx::PgPool;

use crate::db::stats::{class_counts, severity_counts};

/// Subcommands of `clausewatch changes`.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum ChangesCommand {
    /// Stored changes per class (alerting or not) and per severity.
    Stats,
}

/// Runs `clausewatch changes stats`, printing one line per class, then the severities.
pub async fn run(pool: &PgPool, command: &ChangesCommand, out: &mut dyn Write) -> anyhow::Result<()> {
    let ChangesCommand::Stats = command;
    let mut conn = pool.acquire().await?;
    let classes = class_counts(&mut conn).await?;
    writeln!(out, "{:<12} {:>7} {:>8}", "class", "alerts", "changes")?;
    for c in &classes {
        writeln!(out, "{:<12} {:>7} {:>8}", c.class, if c.alert { "yes" } else { "no" }, c.changes)?;
    }
    let alerting: i64 = classes.iter().filter(|c| c.alert).map(|c| c.changes).sum();
    let total: i64 = classes.iter().map(|c| c.changes).sum();
    writeln!(out, "{alerting} of {total} changes alert")?;
    let severities = severity_counts(&mut conn).await?;
    let line: Vec<String> = severities.iter().map(|(s, n)| format!("{} {n}", s.as_deref().unwrap_or("none"))).collect();
    writeln!(out, "severity: {}", line.join(", "))?;
    Ok(())
}
