//! The capture job: capture one document.
use anyhow::Context;
use serde::{Deserialize, Serialize};

use super::JobContext;
use crate::archive::capture_document;
use crate::db;

/// The job kind.
pub const KIND: &str = "capture";

/// The payload of a capture job.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CapturePayload {
    pub document_id: i64,
}

/// Captures the document; a failed fetch is an outcome (recorded), not a job failure.
pub async fn run(ctx: &JobContext, payload: &serde_json::Value) -> anyhow::Result<()> {
    let payload: CapturePayload = serde_json::from_value(payload.clone()).context("bad capture payload")?;
    let mut conn = ctx.pool.acquire().await?;
    let Some(doc) = db::documents::document_by_id(&mut conn, payload.document_id).await? else {
        tracing::warn!(document.id = payload.document_id, "capture of a document that no longer exists: skipped");
        return Ok(());
    };
    drop(conn);
    let report = capture_document(&ctx.pool, &ctx.fetcher, &doc, ctx.config.alert_batch()).await?;
    tracing::info!(outcome = report.outcome.as_str(), detail = %report.detail, "captured");
    if report.outcome.is_bad() {
        crate::archive::health::tell_operators_if_failing(&ctx.pool, doc.document_id, &ctx.config).await?;
    }
    Ok(())
}
