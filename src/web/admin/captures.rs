//! `/admin/captures`: every document's last capture, outcome and reason, its last version and
//! verification, and since when it has been failing; "Capture now" queues the capture that
//! `clausewatch fetch --document SLUG` runs, for a worker to take at once.
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;

use crate::db::capture_health::{self, CaptureHealthRow};
use crate::db::documents::capture_target;
use crate::jobs::capture::KIND as CAPTURE;
use crate::startup::AppState;
use crate::web::accounts::error::{PageError, page};
use crate::web::csrf::{CsrfForm, csrf_token};
use crate::web::extract::AdminUser;
use crate::web::pages::{datetime, document_href};

/// One document's row.
struct CaptureView {
    document_id: i64,
    name: String,
    href: String,
    enabled: bool,
    last_capture: String,
    outcome: String,
    good: bool,
    reason: String,
    rendered: bool,
    last_version: String,
    last_verified: String,
    /// "since … (N captures)" while the document is in a failure spell.
    failing: Option<String>,
    /// When operators were mailed about the spell.
    mailed: Option<String>,
    queued: bool,
}

#[derive(Template)]
#[template(path = "admin/captures.html")]
struct CapturesPage {
    csrf: String,
    notice: Option<String>,
    failing: usize,
    alert_days: u32,
    rows: Vec<CaptureView>,
}

/// `?queued=ID` or `?already=ID` after "Capture now".
#[derive(Debug, serde::Deserialize)]
pub struct AfterQueue {
    queued: Option<i64>,
    already: Option<i64>,
}

fn never_or(at: Option<chrono::DateTime<Utc>>) -> String {
    at.map_or_else(|| "never".to_owned(), datetime)
}

fn view(row: CaptureHealthRow) -> CaptureView {
    let now = Utc::now();
    let failing = row.failing_since.map(|since| {
        let days = (now - since).num_days();
        let captures =
            if row.failed_captures == 1 { "1 capture".to_owned() } else { format!("{} captures", row.failed_captures) };
        let how_long = match days {
            0 => "under a day".to_owned(),
            1 => "1 day".to_owned(),
            n => format!("{n} days"),
        };
        format!("since {} ({how_long}, {captures})", datetime(since))
    });
    let outcome = row.last_outcome.clone().unwrap_or_else(|| "not captured yet".to_owned());
    let reason = match (&row.last_error, row.last_http_status) {
        (Some(error), _) => error.clone(),
        (None, Some(status)) => format!("HTTP {status}"),
        (None, None) => String::new(),
    };
    CaptureView {
        document_id: row.document_id,
        name: format!("{} {}", row.platform_name, row.terms_type),
        href: document_href(&row.platform_slug, &row.document_slug),
        enabled: row.enabled,
        last_capture: never_or(row.last_capture_at),
        good: !matches!(row.last_outcome.as_deref(), Some("failed" | "suspect")),
        outcome,
        reason,
        rendered: row.last_rendered,
        last_version: never_or(row.last_version_at),
        last_verified: never_or(row.last_verified_at),
        failing,
        mailed: row.operators_mailed_at.map(datetime),
        queued: row.capture_queued,
    }
}

/// `GET /admin/captures`
pub async fn show(
    State(state): State<AppState>,
    admin: AdminUser,
    Query(after): Query<AfterQueue>,
) -> Result<Response, PageError> {
    let mut conn = state.pool.acquire().await?;
    let rows = capture_health::all_documents(&mut conn).await?;
    let name_of = |id: i64| {
        rows.iter()
            .find(|r| r.document_id == id)
            .map_or_else(|| format!("document {id}"), |r| format!("{} {}", r.platform_name, r.terms_type))
    };
    let notice = match (after.queued, after.already) {
        (Some(id), _) => Some(format!(
            "A capture of {} is queued: a worker takes it within seconds. Reload this page to see its outcome.",
            name_of(id)
        )),
        (None, Some(id)) => Some(format!(
            "A capture of {} was already queued or running, so no second one was added. Reload this page to see its outcome.",
            name_of(id)
        )),
        (None, None) => None,
    };
    let alert_days = state.config.capture_alert_days;
    let view = CapturesPage {
        csrf: csrf_token(&admin.0.session).await?,
        notice,
        failing: rows.iter().filter(|r| r.failing_since.is_some()).count(),
        alert_days,
        rows: rows.into_iter().map(view).collect(),
    };
    page(StatusCode::OK, &view)
}

/// `POST /admin/captures/{document}/capture`: queues one capture of the document, once however
/// many times it is pressed while that capture waits.
#[tracing::instrument(skip_all, fields(document = %document))]
pub async fn capture_now(
    State(state): State<AppState>,
    admin: AdminUser,
    Path(document): Path<String>,
    _form: CsrfForm,
) -> Result<Response, PageError> {
    let missing =
        || PageError::NotFound(format!("There is no document {document:?}: pick one from the captures page."));
    let document_id = document.parse::<i64>().ok().filter(|id| *id > 0).ok_or_else(missing)?;
    let mut conn = state.pool.acquire().await?;
    let target = capture_target(&mut conn, document_id).await?.ok_or_else(missing)?;
    if !target.enabled {
        return Err(PageError::Invalid(format!(
            "{} {} is disabled in the catalogue, so it is not captured: enable it there first.",
            target.platform_name, target.terms_type
        )));
    }
    let queued = capture_health::queue_capture(&mut conn, document_id, CAPTURE).await?;
    tracing::info!(operator = admin.0.id.0, queued, "capture now");
    let param = if queued { "queued" } else { "already" };
    Ok(Redirect::to(&format!("/admin/captures?{param}={document_id}")).into_response())
}
