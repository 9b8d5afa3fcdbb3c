//! The middleware: serve a page from the store, or render it and add validators to the answer.
use std::time::Duration;

use axum::{
    body::Body,
    extract::{MatchedPath, Request, State},
    http::{HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use sha2::{Digest, Sha256};

use super::{Entry, request, viewers};
use crate::startup::AppState;
use crate::web::extract::View;

/// The largest page the layer reads into memory.
const MAX_BODY: usize = 16 * 1024 * 1024;
/// Shared caches may keep an anonymous page this long before asking again with its ETag.
const PUBLIC_CACHE_CONTROL: &str = "public, max-age=60";
const PRIVATE_CACHE_CONTROL: &str = "private, no-cache";
/// A request waits this long for another's render of its page before rendering it itself.
const RENDER_WAIT: Duration = Duration::from_secs(1);

/// Where an answer came from, in the `X-Cache` header and the `clausewatch_page_cache_total` metric.
#[derive(Debug, Clone, Copy)]
enum Outcome {
    /// The stored page of the current generation.
    Hit,
    /// The page the one being rendered by another request replaces.
    Stale,
    /// Rendered now and stored.
    Miss,
    /// Rendered now and not stored (a query the route does not read, a new session, or not listening).
    Bypass,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Hit => "hit",
            Outcome::Stale => "stale",
            Outcome::Miss => "miss",
            Outcome::Bypass => "bypass",
        }
    }
}

/// What a request asks of the cache.
struct Ask {
    key: String,
    anonymous: bool,
    if_none_match: Option<HeaderValue>,
    /// The generation to store under; None when the answer must not be stored.
    generation: Option<i64>,
}

/// The middleware: serve from the store, or run the handler and add validators to its answer.
/// HEAD is answered as GET (axum drops the body at the top of the router), headers included.
pub async fn serve(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        return next.run(request).await;
    }
    let anonymous = request::is_anonymous(request.headers());
    let route = request.extensions().get::<MatchedPath>().map(MatchedPath::as_str);
    let stored_as = request::cache_address(route, request.uri().path(), request.uri().query());
    let generation = state.page_cache.generation();
    let (view, request) =
        if anonymous { (View::PUBLIC, request) } else { viewers::view_of(&state, request, generation.is_some()).await };
    let address = stored_as.clone().unwrap_or_else(|| request.uri().to_string());
    let ask = Ask {
        key: format!("{}{address}", view.key_prefix()),
        anonymous,
        if_none_match: request.headers().get(header::IF_NONE_MATCH).cloned(),
        generation: generation.filter(|_| stored_as.is_some()),
    };
    let cache = &state.page_cache;
    let current =
        |entry: &Option<Entry>| ask.generation.is_some() && entry.as_ref().map(|e| e.generation) == ask.generation;

    let stored = cache.get(&ask.key);
    if let Some(entry) = stored.as_ref().filter(|_| current(&stored)) {
        return answer(entry, Outcome::Hit, &ask);
    }
    // One render per page at a time: the others take the page it replaces, or wait for it.
    let _rendering = match ask.generation.map(|_| cache.stripe(&ask.key)) {
        None => None,
        Some(stripe) => match stripe.try_lock() {
            Ok(guard) => Some(guard),
            Err(_) => {
                if let Some(stale) = &stored {
                    return answer(stale, Outcome::Stale, &ask);
                }
                let guard = tokio::time::timeout(RENDER_WAIT, stripe.lock()).await.ok();
                let rendered = cache.get(&ask.key);
                if let Some(entry) = rendered.as_ref().filter(|_| current(&rendered)) {
                    return answer(entry, Outcome::Hit, &ask);
                }
                guard
            }
        },
    };

    let response = next.run(request).await;
    if response.status() != StatusCode::OK || response.headers().contains_key(header::SET_COOKIE) {
        return response;
    }
    let (parts, body) = response.into_parts();
    let body = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(body) => body,
        Err(error) => {
            tracing::error!(%error, "cannot read a page body for caching");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let entry = Entry {
        generation: ask.generation.unwrap_or(-1),
        etag: etag_of(&body),
        content_type: parts.headers.get(header::CONTENT_TYPE).cloned(),
        body,
    };
    let outcome = if ask.generation.is_some() {
        cache.put(ask.key.clone(), entry.clone());
        Outcome::Miss
    } else {
        Outcome::Bypass
    };
    let mut response = answer(&entry, outcome, &ask);
    if response.status() == StatusCode::OK {
        for (name, value) in &parts.headers {
            response.headers_mut().entry(name).or_insert_with(|| value.clone());
        }
    }
    response
}

/// The answer for a page: 304 when the client holds it already.
fn answer(entry: &Entry, outcome: Outcome, ask: &Ask) -> Response {
    crate::metrics::page_cache(outcome.as_str());
    let mut response = if ask.if_none_match.as_ref().is_some_and(|v| matches(v, &entry.etag)) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut response = Response::new(Body::from(entry.body.clone()));
        if let Some(content_type) = &entry.content_type {
            response.headers_mut().insert(header::CONTENT_TYPE, content_type.clone());
        }
        response
    };
    let cache_control = if ask.anonymous { PUBLIC_CACHE_CONTROL } else { PRIVATE_CACHE_CONTROL };
    let headers = response.headers_mut();
    headers.insert(header::ETAG, entry.etag.clone());
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache_control));
    headers.insert(header::VARY, HeaderValue::from_static("Cookie"));
    headers.insert("x-cache", HeaderValue::from_static(outcome.as_str()));
    response
}

pub(super) fn etag_of(body: &[u8]) -> HeaderValue {
    let digest = Sha256::digest(body);
    HeaderValue::from_str(&format!("\"{}\"", hex::encode(&digest[..16]))).expect("hex is a valid header value")
}

/// `If-None-Match` holds `*` or a list of entity tags, weak ones compared weakly (RFC 9110 §13.1.2).
fn matches(if_none_match: &HeaderValue, etag: &HeaderValue) -> bool {
    let Ok(list) = if_none_match.to_str() else { return false };
    let ours = etag.to_str().unwrap_or_default();
    list.split(',').map(str::trim).any(|tag| tag == "*" || tag.trim_start_matches("W/") == ours)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_none_match_lists_and_weak_tags_match() {
        let etag = HeaderValue::from_static("\"abc\"");
        assert!(matches(&HeaderValue::from_static("\"abc\""), &etag));
        assert!(matches(&HeaderValue::from_static("\"x\", W/\"abc\""), &etag));
        assert!(matches(&HeaderValue::from_static("*"), &etag));
        assert!(!matches(&HeaderValue::from_static("\"abd\""), &etag));
    }
}
