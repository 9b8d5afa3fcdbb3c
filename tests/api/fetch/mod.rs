//! The fetcher against a real loopback site: timeouts, retries, redirects, caps, types,
//! charsets, conditional GET, the address guard and the user agent.

mod failures;
mod guard;
mod pages;

use std::time::Duration;

use clausewatch::pipeline::fetch::{FetchConfig, FetchError, FetchOutcome, Fetcher, Page, Validators};
use url::Url;

/// Fast limits for loopback tests; private addresses allowed (the site is on 127.0.0.1).
pub fn config() -> FetchConfig {
    let mut config = FetchConfig::new("http://clausewatch.test");
    config.connect_timeout = Duration::from_secs(2);
    config.total_timeout = Duration::from_secs(5);
    config.retry_base = Duration::from_millis(10);
    config.per_host_spacing = Duration::ZERO;
    config.allow_private = true;
    config
}

pub fn fetcher(config: FetchConfig) -> Fetcher {
    Fetcher::new(config).expect("fetcher builds")
}

pub async fn fetch(config: FetchConfig, url: &Url) -> Result<FetchOutcome, FetchError> {
    fetcher(config).fetch(url, &Validators::default()).await
}

pub fn page(outcome: Result<FetchOutcome, FetchError>) -> Page {
    match outcome {
        Ok(FetchOutcome::Fetched(page)) => page,
        other => panic!("expected a fetched page, got {other:?}"),
    }
}

pub fn error(outcome: Result<FetchOutcome, FetchError>) -> FetchError {
    match outcome {
        Err(err) => err,
        Ok(other) => panic!("expected an error, got {other:?}"),
    }
}
