//! `/metrics` for Prometheus, and the middleware that times every request by route.
use std::time::Instant;

use axum::{
    Router,
    extract::{MatchedPath, Request, State},
    http::{StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
    routing::get,
};

use crate::{db, metrics, startup::AppState};

pub fn router() -> Router<AppState> {
    Router::new().route("/metrics", get(scrape))
}

/// Records method, matched route (never the raw URI: ids would explode the label set), status
/// and latency of every request.
pub async fn track(request: Request, next: Next) -> Response {
    let started = Instant::now();
    crate::memory::request_seen();
    let method = request.method().as_str().to_owned();
    let route = request.extensions().get::<MatchedPath>().map_or("unmatched", |p| p.as_str()).to_owned();
    let response = next.run(request).await;
    metrics::http_request(&method, &route, response.status().as_u16(), started.elapsed().as_secs_f64());
    response
}

async fn scrape(State(state): State<AppState>) -> Response {
    let Some(handle) = metrics::handle() else {
        return (StatusCode::SERVICE_UNAVAILABLE, "metrics are not available in this process\n").into_response();
    };
    if let Err(error) = refresh_gauges(&state).await {
        tracing::warn!(%error, "cannot read queue gauges for /metrics");
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], handle.render()).into_response()
}

async fn refresh_gauges(state: &AppState) -> Result<(), sqlx::Error> {
    let mut conn = state.pool.acquire().await?;
    for count in db::jobs::job_counts(&mut conn).await? {
        metrics::gauge("clausewatch_jobs", &[("kind", count.kind), ("state", count.state)], count.count as f64);
    }
    let outbox: Vec<(String, i64)> =
        sqlx::query_as("select status, count(*) from email_outbox group by status").fetch_all(&mut *conn).await?;
    for status in ["queued", "sending", "sent", "failed", "dead"] {
        let n = outbox.iter().find(|(s, _)| s == status).map_or(0, |(_, n)| *n);
        metrics::gauge("clausewatch_outbox_mails", &[("status", status.to_owned())], n as f64);
    }
    let oldest: Option<f64> = sqlx::query_scalar(
        "select extract(epoch from now() - min(created_at))::float8 from email_outbox where status = 'queued'",
    )
    .fetch_one(&mut *conn)
    .await?;
    metrics::gauge("clausewatch_outbox_oldest_queued_seconds", &[], oldest.unwrap_or(0.0));
    Ok(())
}
