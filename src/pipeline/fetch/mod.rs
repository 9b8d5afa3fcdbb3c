//! The polite, safe fetcher: one user agent, conditional GET, timeouts, a body cap, bounded
//! redirects, retries with backoff (honouring `Retry-After`), per-host spacing, charset decoding
//! and an address guard against private and loopback targets. Pages built by scripts are
//! rendered in headless Chromium (`render`), every browser request passing the same guard.
//! No database.

pub mod charset;
mod error;
mod exchange;
pub mod guard;
pub mod render;
mod retry;
mod spacing;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use url::Url;

pub use error::FetchError;
use guard::GuardedResolver;
pub use render::{RenderConfig, Renderer};
use spacing::HostSpacing;

/// Limits and manners of a [`Fetcher`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchConfig {
    /// The `User-Agent` sent with every request.
    pub user_agent: String,
    /// Limit for establishing a connection.
    pub connect_timeout: Duration,
    /// Limit for one request, from sending it to the last byte of the body.
    pub total_timeout: Duration,
    /// Largest body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Most redirects followed for one fetch.
    pub max_redirects: usize,
    /// Most attempts (first try included) on 5xx, 429, connection failures and timeouts.
    pub max_attempts: u32,
    /// First backoff delay; it doubles with each failed attempt.
    pub retry_base: Duration,
    /// Cap on any wait between attempts, `Retry-After` included.
    pub max_retry_after: Duration,
    /// Least time between the starts of two requests to the same host.
    pub per_host_spacing: Duration,
    /// Allow private, loopback and link-local addresses (tests, intranets). Off by default.
    pub allow_private: bool,
    /// Non-public addresses allowed all the same when `allow_private` is off, address and port
    /// both matching: a test's loopback site, one intranet server. The browser checks every
    /// request against them; the HTTP path honours them for IP-literal URLs (a name resolving
    /// to a non-public address is still refused).
    pub allowed_addrs: Vec<SocketAddr>,
    /// The headless browser for pages built by scripts.
    pub render: RenderConfig,
}

impl FetchConfig {
    /// Defaults for a service reachable at `base_url` (named in the user agent so site owners
    /// can find us): 10 s connect, 30 s total, 5 MiB, 5 redirects, 3 attempts from 500 ms,
    /// `Retry-After` capped at 60 s, 1 s between requests to one host, private addresses refused.
    pub fn new(base_url: &str) -> Self {
        Self {
            user_agent: format!("ClauseWatch/{} (+{base_url})", env!("CARGO_PKG_VERSION")),
            connect_timeout: Duration::from_secs(10),
            total_timeout: Duration::from_secs(30),
            max_body_bytes: 5 * 1024 * 1024,
            max_redirects: 5,
            max_attempts: 3,
            retry_base: Duration::from_millis(500),
            max_retry_after: Duration::from_secs(60),
            per_host_spacing: Duration::from_secs(1),
            allow_private: false,
            allowed_addrs: Vec::new(),
            render: RenderConfig::default(),
        }
    }
}

/// Validators from the previous fetch of a document, for a conditional GET.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    /// Sent as `If-None-Match`.
    pub etag: Option<String>,
    /// Sent as `If-Modified-Since`.
    pub last_modified: Option<String>,
}

/// What a successful fetch produced.
#[derive(Debug, Clone, PartialEq, Eq)]
#[expect(
    clippy::large_enum_variant,
    reason = "one outcome per fetch, moved once; callers match on `Fetched(Page)` directly"
)]
pub enum FetchOutcome {
    /// The server said the document is unchanged since the validators were taken.
    NotModified {
        /// The status (304).
        status: u16,
        /// Attempts it took.
        attempts: u32,
    },
    /// A fresh copy of the document.
    Fetched(Page),
}

/// A fetched document: the evidence (bytes, status, chosen headers) and its decoded text.
/// An empty body is a valid page; callers decide whether it is suspect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// The URL after redirects.
    pub final_url: Url,
    /// The HTTP status (2xx).
    pub status: u16,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// Selected headers, lower-case names: content-type, etag, last-modified, date, server,
    /// cache-control, content-language.
    pub headers: Vec<(String, String)>,
    /// The raw body.
    pub body: Vec<u8>,
    /// The body decoded to text.
    pub text: String,
    /// The name of the encoding used to decode (`"UTF-8"`, `"windows-1252"`, …).
    pub charset: &'static str,
    /// The `ETag` header, for the next conditional GET.
    pub etag: Option<String>,
    /// The `Last-Modified` header, for the next conditional GET.
    pub last_modified: Option<String>,
    /// Attempts it took.
    pub attempts: u32,
    /// Whether this is a page rendered by the headless browser (its DOM after scripts ran)
    /// rather than the bytes the server sent.
    pub rendered: bool,
}

/// Installs ring as rustls' process-wide crypto provider; reqwest's TLS needs one before a
/// client is built. Idempotent: an already installed provider is kept.
pub fn install_crypto_provider() {
    // Err only means a provider is already installed, which is what we want.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// The fetcher. Build one at start-up and clone it freely: clones share the HTTP connection
/// pool and the per-host spacing.
#[derive(Debug, Clone)]
pub struct Fetcher {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    client: reqwest::Client,
    config: FetchConfig,
    spacing: HostSpacing,
    renderer: Renderer,
}

impl Fetcher {
    /// Builds the HTTP client: guarded DNS, no proxies, no automatic redirects or retries
    /// (the fetcher does both itself, checking each hop).
    pub fn new(config: FetchConfig) -> Result<Fetcher, FetchError> {
        install_crypto_provider();
        let client = reqwest::Client::builder()
            .user_agent(config.user_agent.as_str())
            .connect_timeout(config.connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .retry(reqwest::retry::never())
            .no_proxy()
            .dns_resolver(GuardedResolver { allow_private: config.allow_private })
            .build()
            .map_err(|e| FetchError::Setup(e.to_string()))?;
        let renderer = Renderer::new(config.render.clone());
        let inner = Inner { client, config, spacing: HostSpacing::default(), renderer };
        Ok(Fetcher { inner: Arc::new(inner) })
    }

    /// The configuration this fetcher was built with.
    pub fn config(&self) -> &FetchConfig {
        &self.inner.config
    }

    /// The headless browser of this fetcher (one per process: clones share it).
    pub fn renderer(&self) -> &Renderer {
        &self.inner.renderer
    }

    /// Waits until `host` may be contacted again (per-host spacing, shared with `render`).
    pub(crate) async fn wait_turn(&self, host: &str) {
        self.inner.spacing.wait_turn(host, self.inner.config.per_host_spacing).await;
    }

    /// Fetches `url`, conditionally when `validators` hold anything, retrying 5xx, 429,
    /// connection failures and timeouts with backoff up to `max_attempts`.
    #[tracing::instrument(skip_all, fields(url = %url))]
    pub async fn fetch(&self, url: &Url, validators: &Validators) -> Result<FetchOutcome, FetchError> {
        let config = &self.inner.config;
        let mut attempt = 1;
        loop {
            let failure = match self.attempt(url, validators, attempt).await {
                Ok(outcome) => return Ok(outcome),
                Err(failure) => failure,
            };
            if !failure.error.is_retryable() || attempt >= config.max_attempts {
                return Err(failure.error);
            }
            let delay = match failure.retry_after {
                Some(wait) => wait.min(config.max_retry_after),
                None => retry::backoff(config.retry_base, attempt, config.max_retry_after),
            };
            tracing::debug!(attempt, error = %failure.error, ?delay, "fetch failed; retrying");
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }
}
