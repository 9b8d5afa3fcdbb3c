//! Why a fetch failed, in words safe to show an operator, with a stable kind for storage.

use std::error::Error as StdError;
use std::net::IpAddr;
use std::time::Duration;

use super::guard::BlockedAddress;

/// Why a fetch failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    /// The host is (or resolves to) a private, loopback or otherwise non-public address.
    #[error("refused to fetch {host}: it resolves to the non-public address {addr}")]
    Blocked {
        /// The host as written in the URL.
        host: String,
        /// The refused address.
        addr: IpAddr,
    },
    /// The URL (or a redirect's `Location`) cannot be fetched: bad syntax, no host, not http(s).
    #[error("invalid URL: {0}")]
    InvalidUrl(String),
    /// The connection could not be made (refused, reset, DNS failure, TLS failure).
    #[error("could not connect: {0}")]
    Connect(String),
    /// No complete answer (headers and body) within the limit.
    #[error("no complete answer within {after:?}")]
    Timeout {
        /// The limit that ran out.
        after: Duration,
    },
    /// More redirects than allowed, or a loop.
    #[error("more than {limit} redirects")]
    TooManyRedirects {
        /// The redirect limit.
        limit: usize,
    },
    /// The body is larger than the cap.
    #[error("the body is larger than {limit} bytes")]
    BodyTooLarge {
        /// The size cap in bytes.
        limit: usize,
    },
    /// The server answered with a type that is not a text document.
    #[error("unsupported content type {0:?}")]
    UnsupportedContentType(String),
    /// The server answered with an error status (after retries, for 5xx and 429).
    #[error("the server answered HTTP {status}")]
    Status {
        /// The HTTP status code.
        status: u16,
    },
    /// The exchange broke off in a way not covered above (a malformed response, a reset body).
    #[error("HTTP protocol error: {0}")]
    Protocol(String),
    /// The HTTP client could not be built (start-up configuration).
    #[error("HTTP client set-up failed: {0}")]
    Setup(String),
    /// The page needs its scripts run and no browser is installed.
    #[error(
        "this page is built by scripts and needs a browser, but {0}: install chromium (Debian: apt-get install chromium) or set CHROMIUM_PATH"
    )]
    NoBrowser(String),
    /// The headless browser crashed, hung or broke the protocol; it is restarted for the next capture.
    #[error("the headless browser failed: {0}")]
    Browser(String),
    /// A rendered page did not settle (selectors present, network idle) within the time limit.
    #[error("the page did not settle within {after:?}: {waiting_for}")]
    NotSettled {
        /// The time limit.
        after: Duration,
        /// What was still missing when it ran out.
        waiting_for: String,
    },
}

impl FetchError {
    /// A stable short name for storage and metrics.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Blocked { .. } => "blocked",
            Self::InvalidUrl(_) => "invalid-url",
            Self::Connect(_) => "connect",
            Self::Timeout { .. } => "timeout",
            Self::TooManyRedirects { .. } => "redirect-loop",
            Self::BodyTooLarge { .. } => "too-large",
            Self::UnsupportedContentType(_) => "unsupported-type",
            Self::Status { .. } => "http-status",
            Self::Protocol(_) => "protocol",
            Self::Setup(_) => "setup",
            Self::NoBrowser(_) => "no-browser",
            Self::Browser(_) => "browser",
            Self::NotSettled { .. } => "not-settled",
        }
    }

    /// The HTTP status behind an [`FetchError::Status`] error.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Status { status } => Some(*status),
            _ => None,
        }
    }

    /// Whether trying again later may succeed (5xx, 429, connection failures, timeouts).
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Connect(_) | Self::Timeout { .. } | Self::Protocol(_) | Self::Browser(_) => true,
            Self::Status { status } => *status == 429 || *status >= 500,
            _ => false,
        }
    }

    /// Maps a reqwest error, finding a guard refusal from the resolver in its source chain.
    pub(super) fn from_reqwest(err: &reqwest::Error, connect_timeout: Duration) -> Self {
        if let Some(blocked) = find_source::<BlockedAddress>(err) {
            return Self::Blocked { host: blocked.host.clone(), addr: blocked.addr };
        }
        let text = chain_text(err);
        if err.is_connect() && err.is_timeout() {
            Self::Timeout { after: connect_timeout }
        } else if err.is_connect() {
            Self::Connect(text)
        } else if err.is_builder() {
            Self::InvalidUrl(text)
        } else {
            Self::Protocol(text)
        }
    }
}

/// The first error of type `T` in `err`'s source chain.
fn find_source<'a, T: StdError + 'static>(err: &'a (dyn StdError + 'static)) -> Option<&'a T> {
    let mut current = Some(err);
    while let Some(e) = current {
        if let Some(found) = e.downcast_ref::<T>() {
            return Some(found);
        }
        current = e.source();
    }
    None
}

/// The messages of an error and its sources, joined with ": ", without repeats.
fn chain_text(err: &(dyn StdError + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut current = Some(err);
    while let Some(e) = current {
        let text = e.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        current = e.source();
    }
    parts.join(": ")
}
