//! One attempt: a request, its redirects (each hop guarded and spaced), and the body.

use std::time::Duration;

use reqwest::header::{self, HeaderMap};
use reqwest::{Response, StatusCode};
use tokio::time::{Instant, timeout_at};
use url::Url;

use super::{FetchError, FetchOutcome, Fetcher, Page, Validators, charset, guard, retry};

/// Content types accepted as documents (a missing one is accepted too).
const TEXT_TYPES: [&str; 4] = ["text/html", "application/xhtml+xml", "text/plain", "text/markdown"];

/// Headers kept with a page as evidence.
const KEPT_HEADERS: [&str; 7] =
    ["content-type", "etag", "last-modified", "date", "server", "cache-control", "content-language"];

const ACCEPT: &str = "text/html,application/xhtml+xml,text/plain;q=0.9,text/markdown;q=0.9,*/*;q=0.1";

/// A failed attempt and the wait the server asked for, if it did.
pub(super) struct AttemptFailure {
    pub(super) error: FetchError,
    pub(super) retry_after: Option<Duration>,
}

impl From<FetchError> for AttemptFailure {
    fn from(error: FetchError) -> Self {
        Self { error, retry_after: None }
    }
}

impl Fetcher {
    /// Runs one attempt, following at most `max_redirects` redirects.
    pub(super) async fn attempt(
        &self,
        start: &Url,
        validators: &Validators,
        attempt: u32,
    ) -> Result<FetchOutcome, AttemptFailure> {
        let config = &self.inner.config;
        let mut current = start.clone();
        let mut redirects = 0;
        loop {
            let (response, deadline) = self.send(&current, validators).await?;
            let status = response.status();
            if status.is_redirection() && status != StatusCode::NOT_MODIFIED {
                redirects += 1;
                if redirects > config.max_redirects {
                    return Err(FetchError::TooManyRedirects { limit: config.max_redirects }.into());
                }
                current = redirect_target(&current, response.headers(), status)?;
                continue;
            }
            if status == StatusCode::NOT_MODIFIED {
                let status = status.as_u16();
                return Ok(FetchOutcome::NotModified { status, attempts: attempt });
            }
            if !status.is_success() {
                return Err(AttemptFailure {
                    error: FetchError::Status { status: status.as_u16() },
                    retry_after: retry_after(response.headers()),
                });
            }
            let page = self.read_page(response, deadline, attempt).await?;
            return Ok(FetchOutcome::Fetched(page));
        }
    }

    /// Checks the URL, waits for the host's turn, and sends one request; the returned deadline
    /// bounds the rest of this exchange (the body).
    async fn send(&self, url: &Url, validators: &Validators) -> Result<(Response, Instant), FetchError> {
        let config = &self.inner.config;
        let host = checked_host(url)?;
        if !guard::is_excepted(url, &config.allowed_addrs) {
            guard::check_host(url, config.allow_private)
                .map_err(|b| FetchError::Blocked { host: b.host, addr: b.addr })?;
        }
        self.inner.spacing.wait_turn(&host, config.per_host_spacing).await;
        let mut request = self.inner.client.get(url.clone()).header(header::ACCEPT, ACCEPT);
        if let Some(etag) = &validators.etag {
            request = request.header(header::IF_NONE_MATCH, etag.as_str());
        }
        if let Some(date) = &validators.last_modified {
            request = request.header(header::IF_MODIFIED_SINCE, date.as_str());
        }
        let deadline = Instant::now() + config.total_timeout;
        let timeout = FetchError::Timeout { after: config.total_timeout };
        let response = timeout_at(deadline, request.send())
            .await
            .map_err(|_| timeout.clone())?
            .map_err(|e| FetchError::from_reqwest(&e, config.connect_timeout))?;
        Ok((response, deadline))
    }

    /// Checks the content type, reads the body under the cap and the deadline, and decodes it.
    async fn read_page(&self, response: Response, deadline: Instant, attempt: u32) -> Result<Page, FetchError> {
        let content_type = header_text(response.headers(), header::CONTENT_TYPE.as_str());
        if let Some(ct) = &content_type {
            check_content_type(ct)?;
        }
        let final_url = response.url().clone();
        let status = response.status().as_u16();
        let headers: Vec<(String, String)> = KEPT_HEADERS
            .iter()
            .filter_map(|name| Some((name.to_string(), header_text(response.headers(), name)?)))
            .collect();
        let find = |name: &str| headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
        let (etag, last_modified) = (find("etag"), find("last-modified"));
        let body = self.read_body(response, deadline).await?;
        let (text, charset) = charset::decode(&body, content_type.as_deref());
        Ok(Page {
            final_url,
            status,
            content_type,
            headers,
            body,
            text,
            charset,
            etag,
            last_modified,
            attempts: attempt,
            rendered: false,
        })
    }

    /// Streams the body, refusing it as soon as it (or its announced length) passes the cap.
    async fn read_body(&self, mut response: Response, deadline: Instant) -> Result<Vec<u8>, FetchError> {
        let config = &self.inner.config;
        let limit = config.max_body_bytes;
        let too_large = FetchError::BodyTooLarge { limit };
        if response.content_length().is_some_and(|len| len > u64::try_from(limit).unwrap_or(u64::MAX)) {
            return Err(too_large);
        }
        let mut body = Vec::new();
        loop {
            let chunk = timeout_at(deadline, response.chunk())
                .await
                .map_err(|_| FetchError::Timeout { after: config.total_timeout })?
                .map_err(|e| FetchError::from_reqwest(&e, config.connect_timeout))?;
            let Some(chunk) = chunk else {
                return Ok(body);
            };
            if body.len().saturating_add(chunk.len()) > limit {
                return Err(too_large);
            }
            body.extend_from_slice(&chunk);
        }
    }
}

/// The host of an http(s) URL, or why the URL cannot be fetched.
fn checked_host(url: &Url) -> Result<String, FetchError> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(FetchError::InvalidUrl(format!("{url}: only http and https can be fetched")));
    }
    url.host_str()
        .filter(|h| !h.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| FetchError::InvalidUrl(format!("{url}: no host")))
}

/// Where a redirect points, resolved against the current URL.
fn redirect_target(current: &Url, headers: &HeaderMap, status: StatusCode) -> Result<Url, FetchError> {
    let location =
        header_text(headers, header::LOCATION.as_str()).ok_or(FetchError::Status { status: status.as_u16() })?;
    let next = current.join(&location).map_err(|e| FetchError::InvalidUrl(format!("redirect to {location:?}: {e}")))?;
    checked_host(&next)?;
    Ok(next)
}

/// Refuses any type other than the text documents we archive.
fn check_content_type(content_type: &str) -> Result<(), FetchError> {
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    if essence.is_empty() || TEXT_TYPES.iter().any(|t| essence.eq_ignore_ascii_case(t)) {
        Ok(())
    } else {
        Err(FetchError::UnsupportedContentType(essence.to_owned()))
    }
}

/// A header's value as text (lossy for non-ASCII bytes).
fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    let value = headers.get(name)?;
    Some(String::from_utf8_lossy(value.as_bytes()).into_owned())
}

/// The wait asked for by a `Retry-After` header, if readable.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = header_text(headers, header::RETRY_AFTER.as_str())?;
    retry::parse_retry_after(&value, chrono::Utc::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_types_are_accepted_and_others_refused() {
        for ok in ["text/html; charset=utf-8", "TEXT/HTML", "application/xhtml+xml", "text/plain", "text/markdown", ""]
        {
            assert!(check_content_type(ok).is_ok(), "{ok}");
        }
        for bad in ["application/pdf", "image/png", "application/json", "text/htmlx"] {
            let err = check_content_type(bad).err();
            assert_eq!(err, Some(FetchError::UnsupportedContentType(bad.to_owned())));
        }
    }

    #[test]
    fn only_http_and_https_urls_with_a_host_are_fetched() {
        let parse = |u: &str| Url::parse(u).unwrap();
        assert!(checked_host(&parse("https://example.com/tos")).is_ok());
        assert_eq!(checked_host(&parse("ftp://example.com/")).map_err(|e| e.kind()), Err("invalid-url"));
        assert_eq!(checked_host(&parse("file:///etc/passwd")).map_err(|e| e.kind()), Err("invalid-url"));
    }
}
