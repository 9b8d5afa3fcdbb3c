//! HTTP caching of the public pages, the feeds and the JSON API.
//!
//! Every answer gets a strong `ETag` (sha256 of the body) and a `Cache-Control`; a matching
//! `If-None-Match` gets 304. Answers to visitors without a session are also kept in memory, keyed
//! by path and query and by a local *generation*. Triggers (migration 0009) notify
//! `clausewatch_content_changed` when a transaction that changes anything the pages show commits;
//! each web process listens, and every notification moves its generation, so a stored page is
//! served until the archive changes, whichever process changed it, and not after (the delay is
//! the notification's trip, milliseconds). While the listening connection is down nothing is
//! served from memory: a lost notification cannot leave a stale page behind.
//!
//! When the archive changes under load, one request per page renders the new page while the
//! others get the page it replaces (stale by the length of one render) instead of all rendering
//! it at once.
use std::{
    collections::HashMap,
    hash::{BuildHasher, BuildHasherDefault},
    sync::{
        Arc, RwLock,
        atomic::{AtomicBool, AtomicI64, Ordering},
    },
    time::Duration,
};

use axum::{
    body::{Body, Bytes},
    extract::{Request, State},
    http::{HeaderMap, HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use sha2::{Digest, Sha256};
use sqlx::{PgPool, postgres::PgListener};

use crate::startup::AppState;

/// The session cookie's name (see `accounts::session_layer`): its presence makes an answer private.
const SESSION_COOKIE: &str = "clausewatch_session";
/// Stored bodies beyond this many bytes in all empty the store (crawlers asking for every diff
/// must not grow the process).
const BUDGET_BYTES: usize = 32 * 1024 * 1024;
/// The largest page the layer reads into memory.
const MAX_BODY: usize = 16 * 1024 * 1024;
/// Shared caches may keep an anonymous page this long before asking again with its ETag.
const PUBLIC_CACHE_CONTROL: &str = "public, max-age=60";
const PRIVATE_CACHE_CONTROL: &str = "private, no-cache";

/// One stored answer.
#[derive(Clone)]
struct Entry {
    generation: i64,
    etag: HeaderValue,
    content_type: Option<HeaderValue>,
    body: Bytes,
}

/// Renders of pages that hash to the same stripe take turns (see `serve`).
const STRIPES: usize = 64;
/// A request waits this long for another's render of its page before rendering it itself.
const RENDER_WAIT: Duration = Duration::from_secs(1);

/// The channel migration 0009's triggers notify.
const CHANNEL: &str = "clausewatch_content_changed";
/// How long the listener waits before connecting again after losing its connection.
const RECONNECT_AFTER: Duration = Duration::from_secs(1);

/// Anonymous answers by path and query; what a web process keeps between requests.
pub struct PageCache {
    entries: RwLock<Store>,
    rendering: Vec<tokio::sync::Mutex<()>>,
    generation: AtomicI64,
    /// True while the listener is subscribed; only then may stored pages be served.
    listening: AtomicBool,
}

impl Default for PageCache {
    fn default() -> Self {
        PageCache {
            entries: RwLock::default(),
            rendering: (0..STRIPES).map(|_| tokio::sync::Mutex::new(())).collect(),
            generation: AtomicI64::new(0),
            listening: AtomicBool::new(false),
        }
    }
}

#[derive(Default)]
struct Store {
    by_key: HashMap<String, Entry>,
    bytes: usize,
}

impl PageCache {
    /// Listens for changes to the archive for as long as the pool is open, reconnecting when the
    /// connection drops. Every web process runs one (`web::router` starts it).
    pub fn listen(self: &Arc<Self>, pool: PgPool) {
        let cache = Arc::clone(self);
        tokio::spawn(async move {
            loop {
                match cache.follow(&pool).await {
                    Err(sqlx::Error::PoolClosed) => return,
                    Err(error) => {
                        tracing::warn!(%error, "page cache: not listening for changes; pages are rendered afresh")
                    }
                    Ok(()) => tracing::warn!("page cache: the listening connection dropped; pages are rendered afresh"),
                }
                tokio::time::sleep(RECONNECT_AFTER).await;
            }
        });
    }

    /// Subscribes, then moves the generation at each notification until the connection drops.
    async fn follow(&self, pool: &PgPool) -> Result<(), sqlx::Error> {
        let result = async {
            let mut listener = PgListener::connect_with(pool).await?;
            listener.listen(CHANNEL).await?;
            // Whatever changed while nobody listened: start afresh.
            self.changed();
            self.listening.store(true, Ordering::Release);
            while listener.try_recv().await?.is_some() {
                self.changed();
            }
            Ok(())
        }
        .await;
        self.listening.store(false, Ordering::Release);
        self.changed();
        result
    }

    fn changed(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    /// The generation pages are stored under now; None while not listening.
    fn generation(&self) -> Option<i64> {
        self.listening.load(Ordering::Acquire).then(|| self.generation.load(Ordering::Acquire))
    }

    /// The stored answer for `key`, of whatever generation.
    fn get(&self, key: &str) -> Option<Entry> {
        self.entries.read().unwrap_or_else(|e| e.into_inner()).by_key.get(key).cloned()
    }

    fn stripe(&self, key: &str) -> &tokio::sync::Mutex<()> {
        let hash = BuildHasherDefault::<rustc_hash::FxHasher>::default().hash_one(key);
        &self.rendering[hash as usize % STRIPES]
    }

    fn put(&self, key: String, entry: Entry) {
        let mut store = self.entries.write().unwrap_or_else(|e| e.into_inner());
        if store.bytes + entry.body.len() > BUDGET_BYTES {
            store.by_key.clear();
            store.bytes = 0;
        }
        store.bytes += entry.body.len();
        if let Some(old) = store.by_key.insert(key, entry) {
            store.bytes -= old.body.len();
        }
    }

    /// How many answers are stored (for tests and metrics).
    pub fn len(&self) -> usize {
        self.entries.read().unwrap_or_else(|e| e.into_inner()).by_key.len()
    }

    /// True when nothing is stored.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A request that may write (any method but GET and HEAD) starts this process's cache afresh
/// once it is answered: a form's change shows at once on the next page this process serves, not
/// only when the change's notification comes back from Postgres (other processes still wait for it).
pub async fn after_writes(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let writes = !matches!(*request.method(), Method::GET | Method::HEAD);
    let response = next.run(request).await;
    if writes {
        state.page_cache.changed();
    }
    response
}

/// Where an answer came from, in the `X-Cache` header and the `clausewatch_page_cache_total` metric.
#[derive(Debug, Clone, Copy)]
enum Outcome {
    /// The stored page of the current generation.
    Hit,
    /// The page the one being rendered by another request replaces.
    Stale,
    /// Rendered now and stored.
    Miss,
    /// Rendered now and not stored (a signed-in visitor, or not listening).
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
pub async fn serve(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if request.method() != Method::GET {
        return next.run(request).await;
    }
    let anonymous = !has_session(request.headers());
    let ask = Ask {
        key: request.uri().path_and_query().map_or_else(|| request.uri().path().to_owned(), |p| p.to_string()),
        anonymous,
        if_none_match: request.headers().get(header::IF_NONE_MATCH).cloned(),
        generation: if anonymous { state.page_cache.generation() } else { None },
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

fn has_session(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .any(|pair| pair.trim_start().split('=').next() == Some(SESSION_COOKIE))
}

fn etag_of(body: &[u8]) -> HeaderValue {
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

    #[test]
    fn nothing_is_served_from_memory_until_the_listener_listens() {
        let cache = PageCache::default();
        assert_eq!(cache.generation(), None);
        cache.listening.store(true, Ordering::Release);
        let before = cache.generation().unwrap();
        cache.changed();
        assert_eq!(cache.generation(), Some(before + 1));
    }

    #[test]
    fn only_the_session_cookie_makes_a_request_private() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_static("theme=dark; other=1"));
        assert!(!has_session(&headers));
        headers.insert(header::COOKIE, HeaderValue::from_static("theme=dark; clausewatch_session=abc"));
        assert!(has_session(&headers));
    }

    #[test]
    fn a_full_store_empties_before_it_grows_past_its_budget() {
        let cache = PageCache::default();
        let big = Bytes::from(vec![b'x'; BUDGET_BYTES / 2 + 1]);
        let entry = |body: &Bytes| Entry { generation: 1, etag: etag_of(body), content_type: None, body: body.clone() };
        cache.put("/a".into(), entry(&big));
        cache.put("/b".into(), entry(&big));
        assert_eq!(cache.len(), 1);
        assert!(cache.get("/a").is_none());
        assert_eq!(cache.get("/b").map(|e| e.generation), Some(1));
    }
}
