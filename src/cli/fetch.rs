//! `clausewatch fetch`: capture now, a progress line per document and a summary table.
use std::io::Write;
use std::sync::Arc;

use anyhow::{Context, bail};
use tokio::sync::Semaphore;

use crate::archive::{CaptureReport, capture_document, catalog_sync::sync_catalog, health::tell_operators_if_failing};
use crate::db::{self, fetch_events::Outcome};
use crate::startup::AppState;

/// Which documents to capture.
#[derive(Debug, Clone, clap::Args)]
pub struct FetchArgs {
    /// Only this platform (its slug, e.g. `openai`).
    #[arg(long)]
    pub platform: Option<String>,
    /// Only this document (its slug, e.g. `terms-of-service`).
    #[arg(long)]
    pub document: Option<String>,
}

/// Syncs the catalogue, captures the chosen documents one after the other and prints a table.
/// Returns the reports; an error only when nothing could be captured at all.
pub async fn run(state: &AppState, args: &FetchArgs, out: &mut dyn Write) -> anyhow::Result<Vec<CaptureReport>> {
    sync_catalog(&state.pool, &state.config.catalog_dir).await?;
    let mut conn = state.pool.acquire().await?;
    let documents =
        db::documents::enabled_documents(&mut conn, args.platform.as_deref(), args.document.as_deref()).await?;
    drop(conn);
    if documents.is_empty() {
        bail!(
            "no enabled document matches (platform {:?}, document {:?}): see `clausewatch catalog check`",
            args.platform,
            args.document
        );
    }
    // WORKERS documents at once, as a worker process would take them; reports in catalogue order.
    let permits = Arc::new(Semaphore::new(state.config.workers.max(1)));
    let captures: Vec<_> = documents
        .iter()
        .cloned()
        .map(|doc| {
            let (state, permits) = (state.clone(), Arc::clone(&permits));
            tokio::spawn(async move {
                let _permit = permits.acquire_owned().await?;
                let report = capture_document(&state.pool, &state.fetcher, &doc, state.config.alert_batch()).await?;
                if report.outcome.is_bad() {
                    tell_operators_if_failing(&state.pool, doc.document_id, &state.config).await?;
                }
                anyhow::Ok(report)
            })
        })
        .collect();
    let mut reports = Vec::with_capacity(documents.len());
    for (i, capture) in captures.into_iter().enumerate() {
        let report = capture.await.context("a capture stopped unexpectedly")??;
        writeln!(
            out,
            "[{}/{}] {}/{}: {} ({}) in {} ms{}",
            i + 1,
            documents.len(),
            report.platform,
            report.document,
            report.outcome.as_str(),
            report.detail,
            report.duration.as_millis(),
            if report.rendered { ", rendered in the browser" } else { "" }
        )?;
        reports.push(report);
    }
    write_summary(&reports, out)?;
    Ok(reports)
}

/// The summary table: one row per document (how it was fetched and how long it took), then
/// the counts per outcome.
pub fn write_summary(reports: &[CaptureReport], out: &mut dyn Write) -> std::io::Result<()> {
    let width = reports.iter().map(|r| r.platform.len() + r.document.len() + 1).max().unwrap_or(8).max(8);
    writeln!(out)?;
    writeln!(out, "{:<width$}  {:<12}  {:<8}  {:>8}  detail", "document", "outcome", "fetched", "time")?;
    for r in reports {
        let name = format!("{}/{}", r.platform, r.document);
        let how = if r.rendered { "rendered" } else { "http" };
        let ms = format!("{} ms", r.duration.as_millis());
        writeln!(out, "{name:<width$}  {:<12}  {how:<8}  {ms:>8}  {}", r.outcome.as_str(), r.detail)?;
    }
    let rendered: Vec<&CaptureReport> = reports.iter().filter(|r| r.rendered).collect();
    if !rendered.is_empty() {
        let total: std::time::Duration = rendered.iter().map(|r| r.duration).sum();
        writeln!(out, "\n{} rendered in the headless browser, {} ms in all", rendered.len(), total.as_millis())?;
    }
    let count = |o: Outcome| reports.iter().filter(|r| r.outcome == o).count();
    writeln!(
        out,
        "\n{} new version, {} unchanged, {} not modified, {} suspect, {} failed",
        count(Outcome::NewVersion),
        count(Outcome::Unchanged),
        count(Outcome::NotModified),
        count(Outcome::Suspect),
        count(Outcome::Failed)
    )
}
