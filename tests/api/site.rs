//! A real loopback HTTP site whose routes are set at run time, for fetcher, capture and
//! archive tests.
//!
//! ```ignore
//! let site = TestSite::start().await;
//! site.set("/tos", Behaviour::html("<h1>Terms</h1>"));
//! let url = site.url("/tos");
//! // … fetch it …
//! assert_eq!(site.hits("/tos"), 1);
//! ```
//! Unknown paths answer 404. Every request is counted and its headers kept, per path.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use url::Url;

/// How the site answers a path.
#[derive(Debug, Clone)]
pub enum Behaviour {
    /// 200 with this body. With an `etag`, a request whose `If-None-Match` matches gets 304.
    Page {
        /// The body bytes, sent as they are.
        body: Vec<u8>,
        /// The `Content-Type` header; none is sent when `None`.
        content_type: Option<String>,
        /// The `ETag` header.
        etag: Option<String>,
    },
    /// An empty answer with this status.
    Status(u16),
    /// One behaviour per hit, in order; the last repeats (500-then-200, 429-then-200, …).
    Sequence(Vec<Behaviour>),
    /// 429 with `Retry-After: <retry_after_secs>`.
    TooManyRequests {
        /// The `Retry-After` value in seconds.
        retry_after_secs: u64,
    },
    /// 200 `text/html` (no Content-Length) whose body comes `chunk` by `chunk`, one per `interval`.
    SlowBody {
        /// One chunk of the body.
        chunk: Vec<u8>,
        /// The pause before each chunk.
        interval: Duration,
        /// How many chunks.
        chunks: usize,
    },
    /// Accepts the request and sends nothing for this long, then an empty 200.
    HangBeforeHeaders(Duration),
    /// 302 to this path (or absolute URL).
    Redirect(String),
    /// 200 with a corpus file (path relative to the corpus folder), read in place per request.
    CorpusFile {
        /// Path under the corpus folder, e.g. `snapshots/<service>/<type>/<date>.html`.
        path: String,
        /// The `Content-Type` header.
        content_type: String,
    },
}

impl Behaviour {
    /// 200 `text/html; charset=utf-8` with `body`.
    pub fn html(body: &str) -> Self {
        Self::Page {
            body: body.as_bytes().to_vec(),
            content_type: Some("text/html; charset=utf-8".to_owned()),
            etag: None,
        }
    }

    /// 200 with raw bytes and the given content type.
    pub fn bytes(body: &[u8], content_type: &str) -> Self {
        Self::Page { body: body.to_vec(), content_type: Some(content_type.to_owned()), etag: None }
    }

    /// 200 with an owned body and the given content type.
    pub fn page(body: Vec<u8>, content_type: &str) -> Self {
        Self::Page { body, content_type: Some(content_type.to_owned()), etag: None }
    }

    /// The same page with an `ETag` (a matching `If-None-Match` gets 304).
    pub fn with_etag(self, tag: &str) -> Self {
        match self {
            Self::Page { body, content_type, .. } => Self::Page { body, content_type, etag: Some(tag.to_owned()) },
            other => other,
        }
    }

    /// A corpus file; `.html` files are served as `text/html`, others as `text/markdown`.
    pub fn corpus(path: &str) -> Self {
        let content_type = if path.ends_with(".html") { "text/html" } else { "text/markdown; charset=utf-8" };
        Self::CorpusFile { path: path.to_owned(), content_type: content_type.to_owned() }
    }
}

#[derive(Debug, Default)]
struct Route {
    behaviour: Option<Behaviour>,
    requests: Vec<HeaderMap>,
}

type Routes = Arc<Mutex<HashMap<String, Route>>>;

/// A running loopback site; it stops with the test's runtime.
#[derive(Debug, Clone)]
pub struct TestSite {
    addr: SocketAddr,
    routes: Routes,
}

impl TestSite {
    /// Binds `127.0.0.1:0` and serves on the current runtime.
    pub async fn start() -> TestSite {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
        let addr = listener.local_addr().expect("local address");
        let routes = Routes::default();
        let app = Router::new().fallback(answer).with_state(routes.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        TestSite { addr, routes }
    }

    /// The site's address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The absolute URL of `path` (which starts with `/`).
    pub fn url(&self, path: &str) -> Url {
        Url::parse(&format!("http://{}{path}", self.addr)).expect("valid test URL")
    }

    /// Sets (or replaces) how `path` answers; its hit count is kept.
    pub fn set(&self, path: &str, behaviour: Behaviour) {
        self.routes.lock().expect("routes").entry(path.to_owned()).or_default().behaviour = Some(behaviour);
    }

    /// How many requests reached `path` (unknown paths are counted too).
    pub fn hits(&self, path: &str) -> usize {
        self.routes.lock().expect("routes").get(path).map_or(0, |r| r.requests.len())
    }

    /// The headers of every request that reached `path`, in order.
    pub fn requests(&self, path: &str) -> Vec<HeaderMap> {
        self.routes.lock().expect("routes").get(path).map_or_else(Vec::new, |r| r.requests.clone())
    }
}

/// A closed loopback port: connecting to it is refused.
pub async fn closed_port() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
    listener.local_addr().expect("local address")
}

async fn answer(State(routes): State<Routes>, uri: Uri, headers: HeaderMap) -> Response {
    let behaviour = {
        let mut routes = routes.lock().expect("routes");
        let route = routes.entry(uri.path().to_owned()).or_default();
        let hit = route.requests.len();
        route.requests.push(headers.clone());
        route.behaviour.as_ref().map(|b| pick(b, hit).clone())
    };
    match behaviour {
        Some(b) => respond(b, &headers).await,
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// The behaviour for the `hit`-th request (0-based), unfolding sequences.
fn pick(behaviour: &Behaviour, hit: usize) -> &Behaviour {
    match behaviour {
        Behaviour::Sequence(steps) if !steps.is_empty() => pick(&steps[hit.min(steps.len() - 1)], hit),
        other => other,
    }
}

async fn respond(behaviour: Behaviour, request: &HeaderMap) -> Response {
    match behaviour {
        Behaviour::Page { body, content_type, etag } => page(body, content_type, etag, request),
        Behaviour::Status(code) => StatusCode::from_u16(code).expect("valid status").into_response(),
        Behaviour::Sequence(_) => StatusCode::NOT_FOUND.into_response(),
        Behaviour::TooManyRequests { retry_after_secs } => {
            (StatusCode::TOO_MANY_REQUESTS, [(header::RETRY_AFTER, retry_after_secs.to_string())]).into_response()
        }
        Behaviour::SlowBody { chunk, interval, chunks } => slow_body(chunk, interval, chunks),
        Behaviour::HangBeforeHeaders(pause) => {
            tokio::time::sleep(pause).await;
            StatusCode::OK.into_response()
        }
        Behaviour::Redirect(to) => (StatusCode::FOUND, [(header::LOCATION, to)]).into_response(),
        Behaviour::CorpusFile { path, content_type } => {
            let file = crate::support::corpus_dir().join(PathBuf::from(path));
            let body = tokio::fs::read(&file).await.unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            page(body, Some(content_type), None, request)
        }
    }
}

fn page(body: Vec<u8>, content_type: Option<String>, etag: Option<String>, request: &HeaderMap) -> Response {
    if let Some(tag) = &etag
        && request.get(header::IF_NONE_MATCH).is_some_and(|v| v.as_bytes() == tag.as_bytes())
    {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, tag.clone())]).into_response();
    }
    let mut response = Response::new(Body::from(body));
    let headers = response.headers_mut();
    if let Some(ct) = content_type.and_then(|ct| HeaderValue::from_str(&ct).ok()) {
        headers.insert(header::CONTENT_TYPE, ct);
    }
    if let Some(tag) = etag.and_then(|t| HeaderValue::from_str(&t).ok()) {
        headers.insert(header::ETAG, tag);
    }
    response
}

fn slow_body(chunk: Vec<u8>, interval: Duration, chunks: usize) -> Response {
    let chunk = Bytes::from(chunk);
    let stream = futures_util::stream::unfold(0usize, move |sent| {
        let chunk = chunk.clone();
        async move {
            if sent >= chunks {
                return None;
            }
            tokio::time::sleep(interval).await;
            Some((Ok::<_, std::io::Error>(chunk), sent + 1))
        }
    });
    let mut response = Response::new(Body::from_stream(stream));
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
    response
}
