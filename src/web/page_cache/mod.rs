//! HTTP caching of the public pages, the feeds and the JSON API.
//!
//! Every answer gets a strong `ETag` (sha256 of the body) and a `Cache-Control`; a matching
//! `If-None-Match` gets 304. Answers are also kept in memory, keyed by the visitor's *view* (what
//! their plan and rights let them see: `extract::View`, the same for all of a class and nothing
//! of one user), by path and query, and by a local *generation*. Visitors and Free or Watcher
//! members share the public view, so they are served the same stored page; a signed-in
//! member's view is remembered per session (`viewers`). Triggers (migration 0009) notify
//! `clausewatch_content_changed` when a transaction that changes anything the pages show commits;
//! each web process listens, and every notification moves its generation, so a stored page is
//! served until the archive changes, whichever process changed it, and not after (the delay is
//! the notification's trip, milliseconds). While the listening connection is down nothing is
//! served from memory: a lost notification cannot leave a stale page behind.
//!
//! When the archive changes under load, one request per page renders the new page while the
//! others get the page it replaces (stale by the length of one render) instead of all rendering
//! it at once.
mod request;
mod serve;
mod viewers;

pub use serve::serve;

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
    body::Bytes,
    extract::{Request, State},
    http::{HeaderValue, Method},
    middleware::Next,
    response::Response,
};
use sqlx::{PgPool, postgres::PgListener};

use crate::startup::AppState;

/// Stored bodies beyond this many bytes in all empty the store (crawlers asking for every diff
/// must not grow the process).
const BUDGET_BYTES: usize = 32 * 1024 * 1024;

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

/// The channel migration 0009's triggers notify.
const CHANNEL: &str = "clausewatch_content_changed";
/// How long the listener waits before connecting again after losing its connection.
const RECONNECT_AFTER: Duration = Duration::from_secs(1);

/// The channel migration 0018's triggers notify.
const VIEWERS_CHANNEL: &str = "clausewatch_viewers_changed";

/// Answers by view, path and query; what a web process keeps between requests.
pub struct PageCache {
    entries: RwLock<Store>,
    /// The view of each signed-in session.
    pub viewers: viewers::Viewers,
    rendering: Vec<tokio::sync::Mutex<()>>,
    generation: AtomicI64,
    /// True while the listener is subscribed; only then may stored pages be served.
    listening: AtomicBool,
}

impl Default for PageCache {
    fn default() -> Self {
        PageCache {
            entries: RwLock::default(),
            viewers: viewers::Viewers::default(),
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

    /// Subscribes, then moves the generation at each notification of a change to the archive,
    /// and forgets the sessions' views at each of a change to accounts, until the connection drops.
    async fn follow(&self, pool: &PgPool) -> Result<(), sqlx::Error> {
        let result = async {
            let mut listener = PgListener::connect_with(pool).await?;
            listener.listen_all([CHANNEL, VIEWERS_CHANNEL]).await?;
            // Whatever changed while nobody listened: start afresh.
            self.changed();
            self.viewers.forget_all();
            self.listening.store(true, Ordering::Release);
            while let Some(notification) = listener.try_recv().await? {
                if notification.channel() == VIEWERS_CHANNEL {
                    self.viewers.forget_all();
                } else {
                    self.changed();
                }
            }
            Ok(())
        }
        .await;
        self.listening.store(false, Ordering::Release);
        self.changed();
        self.viewers.forget_all();
        result
    }

    /// Starts afresh: every stored page is stale from now on.
    pub fn changed(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    /// The generation pages are stored under now; None while not listening.
    pub fn generation(&self) -> Option<i64> {
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

/// A request that may write (any method but GET and HEAD) and succeeded (2xx or 3xx) starts this
/// process's cache afresh once it is answered: a form's change shows at once on the next page this
/// process serves, not only when the change's notification comes back from Postgres (other
/// processes still wait for it); the same goes for the sessions' views (a logout, a switch of
/// organisation). A refused request (403 for CSRF, 4xx) changed nothing, so it
/// flushes nothing: anyone could otherwise empty the cache with one bad POST.
pub async fn after_writes(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let writes = !matches!(*request.method(), Method::GET | Method::HEAD);
    let response = next.run(request).await;
    if writes && (response.status().is_success() || response.status().is_redirection()) {
        state.page_cache.changed();
        state.page_cache.viewers.forget_all();
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn a_full_store_empties_before_it_grows_past_its_budget() {
        let cache = PageCache::default();
        let big = Bytes::from(vec![b'x'; BUDGET_BYTES / 2 + 1]);
        let entry =
            |body: &Bytes| Entry { generation: 1, etag: serve::etag_of(body), content_type: None, body: body.clone() };
        cache.put("/a".into(), entry(&big));
        cache.put("/b".into(), entry(&big));
        assert_eq!(cache.len(), 1);
        assert!(cache.get("/a").is_none());
        assert_eq!(cache.get("/b").map(|e| e.generation), Some(1));
    }
}
