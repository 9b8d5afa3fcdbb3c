//! One capture of one document: fetch, keep the raw page as evidence, extract, and store a
//! version only when the text changed; otherwise a verification. Failures never touch versions.
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::Utc;
use sqlx::PgPool;

use super::{sha256_hex, suspect};
use crate::db::{
    self,
    documents::DocumentRow,
    fetch_events::{NewFetchEvent, Outcome},
    snapshots::NewSnapshot,
    versions::NewVersion,
};
use crate::domain::declaration::TermsDeclaration;
use crate::pipeline::extract::{self, ExtractError};
use crate::pipeline::fetch::{FetchError, FetchOutcome, Fetcher, Page, Validators};

/// What one capture did, for the CLI's summary table and the logs.
#[derive(Debug, Clone)]
pub struct CaptureReport {
    pub platform: String,
    pub document: String,
    pub outcome: Outcome,
    /// The reason of a failure or suspicion, or a short note ("version 12").
    pub detail: String,
    pub version_id: Option<i64>,
    pub duration: Duration,
    /// Whether the document's pages were rendered in the headless browser.
    pub rendered: bool,
}

/// Captures one document now. Errors are only database errors: fetch and extraction problems
/// are outcomes, recorded as fetch events.
///
/// A new substantive version queues its alert job to run `alert_batch` later (`ALERT_BATCH_SECS`).
#[tracing::instrument(skip_all, fields(document.id = doc.document_id, platform = %doc.platform_slug, document = %doc.slug))]
pub async fn capture_document(
    pool: &PgPool,
    fetcher: &Fetcher,
    doc: &DocumentRow,
    alert_batch: Duration,
) -> anyhow::Result<CaptureReport> {
    let started = Instant::now();
    let terms = super::catalog_sync::stored_terms(doc).context("the stored declaration does not parse")?;
    let rendered = terms.sources.iter().any(|s| s.execute_client_scripts);
    let mut report = capture_terms(pool, fetcher, doc, &terms, started, alert_batch).await?;
    report.rendered = rendered;
    Ok(report)
}

async fn capture_terms(
    pool: &PgPool,
    fetcher: &Fetcher,
    doc: &DocumentRow,
    terms: &TermsDeclaration,
    started: Instant,
    alert_batch: Duration,
) -> anyhow::Result<CaptureReport> {
    // A rendered page has no validators worth sending: its DOM is built after the response.
    let validators = match terms.sources.as_slice() {
        [one] if !one.execute_client_scripts => {
            Validators { etag: doc.etag.clone(), last_modified: doc.last_modified.clone() }
        }
        _ => Validators::default(),
    };
    let mut pages = Vec::with_capacity(terms.sources.len());
    let mut attempts = 0;
    for source in &terms.sources {
        let fetched = match source.execute_client_scripts {
            true => fetcher.render(&source.fetch, &source.select).await.map(FetchOutcome::Fetched),
            false => fetcher.fetch(&source.fetch, &validators).await,
        };
        match fetched {
            Ok(FetchOutcome::Fetched(page)) => {
                attempts += page.attempts;
                pages.push(page);
            }
            Ok(FetchOutcome::NotModified { status, attempts: a }) => {
                return record_not_modified(pool, doc, status, attempts + a, started).await;
            }
            Err(error) => return record_failure(pool, doc, &error, started).await,
        }
    }
    store_pages(pool, doc, terms, (pages, attempts), started, alert_batch).await
}

async fn store_pages(
    pool: &PgPool,
    doc: &DocumentRow,
    terms: &TermsDeclaration,
    (pages, attempts): (Vec<Page>, u32),
    started: Instant,
    alert_batch: Duration,
) -> anyhow::Result<CaptureReport> {
    let texts: Vec<String> = pages.iter().map(|p| p.text.clone()).collect();
    let terms_owned = terms.clone();
    let extracted = tokio::task::spawn_blocking(move || {
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        extract::extract_terms(&refs, &terms_owned)
    })
    .await
    .context("the extractor panicked")?;

    let mut tx = pool.begin().await?;
    db::documents::lock_document(&mut tx, doc.document_id).await?;
    let mut snapshot_ids = Vec::with_capacity(pages.len());
    for page in &pages {
        snapshot_ids.push(insert_snapshot(&mut tx, doc.document_id, page).await?);
    }
    let snapshot_id = snapshot_ids.first().copied();
    let status = pages.last().map(|p| p.status);
    let latest = db::versions::latest_version(&mut tx, doc.document_id).await?;
    let previous_chars = latest.as_ref().map(|v| suspect::significant_chars(&v.text));
    let suspicion = match &extracted {
        _ if pages.iter().any(|p| p.text.trim().is_empty()) => Some(suspect::Suspicion::EmptyText),
        Ok(text) if pages.iter().any(|p| p.rendered) => suspect::judge_rendered(text, previous_chars),
        Ok(text) => suspect::judge(text, previous_chars),
        Err(ExtractError::NothingSelected { selector }) => {
            Some(suspect::Suspicion::NothingSelected { selector: selector.clone() })
        }
        Err(other) => {
            let message = other.to_string();
            let event = failure_event(doc.document_id, status, "extract", &message, snapshot_id, attempts, started);
            db::fetch_events::insert_fetch_event(&mut tx, &event).await?;
            tx.commit().await?;
            return Ok(report(doc, Outcome::Failed, message, None, started));
        }
    };
    if let Some(suspicion) = suspicion {
        let message = suspicion.to_string();
        let mut event =
            failure_event(doc.document_id, status, suspicion.kind(), &message, snapshot_id, attempts, started);
        event.outcome = Outcome::Suspect;
        db::fetch_events::insert_fetch_event(&mut tx, &event).await?;
        tx.commit().await?;
        tracing::warn!(reason = %message, "suspect capture: no version stored");
        return Ok(report(doc, Outcome::Suspect, message, None, started));
    }
    let text = extracted.unwrap_or_default();
    let sha256 = sha256_hex(text.as_bytes());
    let (outcome, version_id, detail) = match latest {
        Some(latest) if latest.sha256 == sha256 => {
            db::versions::insert_verification(&mut tx, doc.document_id, latest.version_id, snapshot_id).await?;
            (
                Outcome::Unchanged,
                latest.version_id,
                format!("unchanged since {}", latest.captured_at.format("%Y-%m-%d")),
            )
        }
        previous => {
            let stated = crate::pipeline::diff::stated_date(&text);
            let new = NewVersion {
                document_id: doc.document_id,
                snapshot_id,
                text: &text,
                sha256: &sha256,
                captured_at: Utc::now(),
                origin: "capture",
                stated_date: stated.as_deref(),
            };
            let version_id = db::versions::insert_version(&mut tx, &new)
                .await?
                .context("a version with this text and time already exists")?;
            let stored =
                super::changes::after_new_version(&mut tx, doc.document_id, previous.as_ref(), version_id, &text)
                    .await?;
            // Only a capture alerts: imported or recomputed history never does.
            crate::mail::alerts::enqueue_for_capture(&mut tx, &stored, alert_batch).await?;
            (Outcome::NewVersion, version_id, stored.note())
        }
    };
    if let Some(page) = pages.first().filter(|_| pages.len() == 1) {
        db::documents::set_validators(&mut tx, doc.document_id, page.etag.as_deref(), page.last_modified.as_deref())
            .await?;
    }
    let event = NewFetchEvent {
        document_id: doc.document_id,
        outcome,
        http_status: status,
        error_kind: None,
        error: None,
        snapshot_id,
        version_id: Some(version_id),
        attempts,
        duration_ms: started.elapsed().as_millis() as u64,
    };
    db::fetch_events::insert_fetch_event(&mut tx, &event).await?;
    tx.commit().await?;
    Ok(report(doc, outcome, detail, Some(version_id), started))
}

async fn insert_snapshot(conn: &mut sqlx::PgConnection, document_id: i64, page: &Page) -> Result<i64, sqlx::Error> {
    let headers = serde_json::to_value(&page.headers).unwrap_or_default();
    let sha256 = sha256_hex(&page.body);
    let snapshot = NewSnapshot {
        document_id,
        url: page.final_url.as_str(),
        status: page.status,
        content_type: page.content_type.as_deref(),
        headers,
        body: &page.body,
        sha256: &sha256,
        fetched_at: Utc::now(),
        rendered: page.rendered,
    };
    db::snapshots::insert_snapshot(conn, &snapshot).await
}

async fn record_not_modified(
    pool: &PgPool,
    doc: &DocumentRow,
    status: u16,
    attempts: u32,
    started: Instant,
) -> anyhow::Result<CaptureReport> {
    let mut tx = pool.begin().await?;
    let latest = db::versions::latest_version(&mut tx, doc.document_id).await?;
    if let Some(latest) = &latest {
        db::versions::insert_verification(&mut tx, doc.document_id, latest.version_id, None).await?;
    }
    let event = NewFetchEvent {
        document_id: doc.document_id,
        outcome: Outcome::NotModified,
        http_status: Some(status),
        error_kind: None,
        error: None,
        snapshot_id: None,
        version_id: latest.as_ref().map(|v| v.version_id),
        attempts,
        duration_ms: started.elapsed().as_millis() as u64,
    };
    db::fetch_events::insert_fetch_event(&mut tx, &event).await?;
    tx.commit().await?;
    let version_id = latest.map(|v| v.version_id);
    Ok(report(doc, Outcome::NotModified, "the server says unchanged (304)".into(), version_id, started))
}

async fn record_failure(
    pool: &PgPool,
    doc: &DocumentRow,
    error: &FetchError,
    started: Instant,
) -> anyhow::Result<CaptureReport> {
    let message = error.to_string();
    tracing::warn!(error.kind = error.kind(), error = %message, "capture failed");
    let event = failure_event(doc.document_id, error.status(), error.kind(), &message, None, 0, started);
    let mut conn = pool.acquire().await?;
    db::fetch_events::insert_fetch_event(&mut conn, &event).await?;
    Ok(report(doc, Outcome::Failed, message, None, started))
}

fn failure_event<'a>(
    document_id: i64,
    http_status: Option<u16>,
    kind: &'a str,
    message: &'a str,
    snapshot_id: Option<i64>,
    attempts: u32,
    started: Instant,
) -> NewFetchEvent<'a> {
    NewFetchEvent {
        document_id,
        outcome: Outcome::Failed,
        http_status,
        error_kind: Some(kind),
        error: Some(message),
        snapshot_id,
        version_id: None,
        attempts: attempts.max(1),
        duration_ms: started.elapsed().as_millis() as u64,
    }
}

fn report(
    doc: &DocumentRow,
    outcome: Outcome,
    detail: String,
    version_id: Option<i64>,
    started: Instant,
) -> CaptureReport {
    crate::metrics::capture_finished(outcome.as_str());
    CaptureReport {
        platform: doc.platform_slug.clone(),
        document: doc.slug.clone(),
        outcome,
        detail,
        version_id,
        duration: started.elapsed(),
        rendered: false,
    }
}
