//! Prometheus metrics: counters and histograms recorded where things happen, gauges of the
//! queue and outbox read from Postgres at scrape time (so every process reports the same truth).
use std::{
    sync::{Once, OnceLock},
    time::Duration,
};

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

/// Buckets for request latency, in seconds.
const LATENCY_BUCKETS: &[f64] = &[0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0];

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// How often histogram samples are folded into their buckets between scrapes.
const UPKEEP_EVERY: Duration = Duration::from_secs(5);

/// Installs the global recorder once per process and returns its handle (`None` if another
/// recorder was installed first). The recorder keeps every histogram sample until upkeep folds
/// it into its buckets, which only a scrape would do: a thread runs upkeep so a process nobody
/// scrapes does not grow by every request it serves.
pub fn handle() -> Option<&'static PrometheusHandle> {
    static UPKEEP: Once = Once::new();
    let handle = HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("duration_seconds".into()), LATENCY_BUCKETS)
                .ok()?;
            builder.install_recorder().ok()
        })
        .as_ref()?;
    UPKEEP.call_once(|| {
        let upkeep = move || {
            loop {
                std::thread::sleep(UPKEEP_EVERY);
                handle.run_upkeep();
            }
        };
        if let Err(error) = std::thread::Builder::new().name("metrics-upkeep".into()).spawn(upkeep) {
            tracing::warn!(%error, "cannot start the metrics upkeep thread");
        }
    });
    Some(handle)
}

/// Counts a finished capture by outcome.
pub fn capture_finished(outcome: &'static str) {
    metrics::counter!("clausewatch_captures_total", "outcome" => outcome).increment(1);
}

/// Counts a stored version and, when it changed something, the change by class.
pub fn version_stored(change_class: Option<&'static str>) {
    metrics::counter!("clausewatch_versions_stored_total").increment(1);
    if let Some(class) = change_class {
        metrics::counter!("clausewatch_changes_stored_total", "class" => class).increment(1);
    }
}

/// Counts a public answer by where it came from: "hit", "stale", "miss" or "bypass" (see
/// `web::page_cache`).
pub fn page_cache(outcome: &'static str) {
    metrics::counter!("clausewatch_page_cache_total", "outcome" => outcome).increment(1);
}

/// Counts an HTTP request and its latency by route.
pub fn http_request(method: &str, route: &str, status: u16, seconds: f64) {
    let labels = [("method", method.to_owned()), ("route", route.to_owned())];
    metrics::histogram!("clausewatch_http_request_duration_seconds", &labels).record(seconds);
    let status = status.to_string();
    metrics::counter!("clausewatch_http_requests_total", "method" => method.to_owned(), "route" => route.to_owned(), "status" => status)
        .increment(1);
}

/// Sets a gauge read from the database at scrape time.
pub fn gauge(name: &'static str, labels: &[(&'static str, String)], value: f64) {
    let labels: Vec<(&'static str, String)> = labels.to_vec();
    metrics::gauge!(name, &labels).set(value);
}
