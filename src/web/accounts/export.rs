//! The audit export for Professional organisations: `/platforms/{p}/export.csv|json` and
//! `/platforms/{p}/{d}/export.csv|json`, the governance timeline of a platform or a document.
//! These are private answers: mounted with the account routes (outside the public page cache),
//! `Cache-Control: no-store`, downloaded as an attachment. Other plans get the upgrade offer.
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, SecondsFormat, Utc};

use crate::db::export::{self, ExportChange, ExportVersion};
use crate::db::{documents, platforms};
use crate::startup::AppState;
use crate::web::accounts::error::PageError;
use crate::web::accounts::upgrade;
use crate::web::extract::CurrentOrg;

/// The downloadable formats.
#[derive(Debug, Clone, Copy)]
enum Format {
    Csv,
    Json,
}

/// The timeline as the JSON export carries it.
#[derive(Debug, serde::Serialize)]
struct Timeline {
    platform: String,
    document: Option<String>,
    exported_at: DateTime<Utc>,
    versions: Vec<ExportVersion>,
    changes: Vec<ExportChange>,
}

/// `GET /platforms/{p}/export.csv`
pub async fn platform_csv(state: State<AppState>, org: CurrentOrg, Path(p): Path<String>) -> Response {
    answer(&state, &org, &p, None, Format::Csv).await
}

/// `GET /platforms/{p}/export.json`
pub async fn platform_json(state: State<AppState>, org: CurrentOrg, Path(p): Path<String>) -> Response {
    answer(&state, &org, &p, None, Format::Json).await
}

/// `GET /platforms/{p}/{d}/export.csv`
pub async fn document_csv(state: State<AppState>, org: CurrentOrg, Path((p, d)): Path<(String, String)>) -> Response {
    answer(&state, &org, &p, Some(&d), Format::Csv).await
}

/// `GET /platforms/{p}/{d}/export.json`
pub async fn document_json(state: State<AppState>, org: CurrentOrg, Path((p, d)): Path<(String, String)>) -> Response {
    answer(&state, &org, &p, Some(&d), Format::Json).await
}

/// The export, the upgrade offer or an error page; never stored by any cache.
async fn answer(
    state: &AppState,
    org: &CurrentOrg,
    platform: &str,
    document: Option<&str>,
    format: Format,
) -> Response {
    let result = if org.plan.audit_export() {
        download(state, platform, document, format).await
    } else {
        upgrade::offer("The audit export", org.plan)
    };
    let mut response = result.unwrap_or_else(IntoResponse::into_response);
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

async fn download(
    state: &AppState,
    platform: &str,
    document: Option<&str>,
    format: Format,
) -> Result<Response, PageError> {
    let mut conn = state.pool.acquire().await?;
    let gone = || PageError::NotFound("There is no such platform or document. Open it from /platforms.".into());
    let platform_row = platforms::platform_by_slug(&mut conn, platform).await?.ok_or_else(gone)?;
    if let Some(document) = document {
        documents::document_by_slugs(&mut conn, platform, document).await?.ok_or_else(gone)?;
    }
    let timeline = Timeline {
        platform: platform_row.slug,
        document: document.map(str::to_owned),
        exported_at: Utc::now(),
        versions: export::versions(&mut conn, platform, document).await?,
        changes: export::changes(&mut conn, platform, document).await?,
    };
    let stem = match document {
        Some(d) => format!("clausewatch-{}-{d}-audit", timeline.platform),
        None => format!("clausewatch-{}-audit", timeline.platform),
    };
    let (body, content_type, extension) = match format {
        Format::Csv => (to_csv(&timeline)?, "text/csv; charset=utf-8", "csv"),
        Format::Json => {
            (serde_json::to_vec_pretty(&timeline).map_err(anyhow::Error::from)?, "application/json", "json")
        }
    };
    let disposition = format!("attachment; filename=\"{stem}.{extension}\"");
    Ok(([(header::CONTENT_TYPE, content_type.to_owned()), (header::CONTENT_DISPOSITION, disposition)], body)
        .into_response())
}

/// The CSV columns: one row per version and per change, in time order.
const CSV_HEADER: [&str; 15] = [
    "record",
    "document",
    "time",
    "version_id",
    "origin",
    "snapshot_sha256",
    "text_sha256",
    "change_id",
    "from_version_id",
    "to_version_id",
    "class",
    "severity",
    "alerting",
    "summary",
    "provision_keys",
];

/// The timeline as CSV: versions and changes interleaved by time, a change after the version
/// it leads to; provision keys in the last column, separated by spaces.
fn to_csv(timeline: &Timeline) -> Result<Vec<u8>, PageError> {
    let mut rows: Vec<(DateTime<Utc>, u8, i64, Vec<String>)> = Vec::new();
    for v in &timeline.versions {
        let row = vec![
            "version".to_owned(),
            v.document.clone(),
            time(v.captured_at),
            v.version_id.to_string(),
            v.origin.clone(),
            v.snapshot_sha256.clone().unwrap_or_default(),
            v.text_sha256.clone(),
        ];
        rows.push((v.captured_at, 0, v.version_id, pad(row)));
    }
    for c in &timeline.changes {
        let mut row = vec!["change".to_owned(), c.document.clone(), time(c.changed_at)];
        row.extend(["", "", "", ""].map(str::to_owned));
        row.extend([
            c.change_id.to_string(),
            c.from_version_id.to_string(),
            c.to_version_id.to_string(),
            c.class.clone(),
            c.severity.clone().unwrap_or_default(),
            c.alerting.to_string(),
            c.summary.clone(),
            c.provision_keys.join(" "),
        ]);
        rows.push((c.changed_at, 1, c.change_id, row));
    }
    rows.sort_by_key(|a| (a.0, a.1, a.2));
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(CSV_HEADER).map_err(anyhow::Error::from)?;
    for (_, _, _, row) in rows {
        out.write_record(&row).map_err(anyhow::Error::from)?;
    }
    out.into_inner().map_err(|e| PageError::Unexpected(anyhow::anyhow!("cannot write the CSV: {e}")))
}

/// A version row has no change columns.
fn pad(mut row: Vec<String>) -> Vec<String> {
    row.resize(CSV_HEADER.len(), String::new());
    row
}

fn time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}
