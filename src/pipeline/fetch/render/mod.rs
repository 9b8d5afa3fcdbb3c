//! Pages built by scripts (`executeClientScripts`): rendered in headless Chromium, driven over
//! the DevTools protocol (chromiumoxide).
//!
//! - Every request the browser makes is paused (`Fetch.requestPaused`) and passes the guard
//!   before it continues: http(s) only, no private, loopback or link-local address unless
//!   allowed, images, media and fonts never loaded. Responses from a refused address, and pages
//!   or resources over the size cap, fail the capture (`page.rs`).
//! - A capture waits until the declaration's selectors are present and the network is idle, up
//!   to a time limit; then the rendered DOM is the page, extracted like any other.
//! - Each capture gets a fresh browser context (no cookies or storage survive it).
//! - One browser process per `Renderer` (per process: the fetcher's clones share it), started
//!   on first need, closed after `idle_close` unused, and restarted when it crashed or hung.

mod page;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use chromiumoxide::browser::{Browser, BrowserConfig};
use futures_util::StreamExt;
use tokio::task::JoinHandle;
use tokio::time::Instant;
use url::Url;

use super::{FetchError, Fetcher, Page};
use crate::domain::declaration::Selector;

/// Browser settings of the fetcher.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderConfig {
    /// The Chromium binary; `None` looks for `chromium`, `chromium-browser`, `google-chrome`
    /// and `google-chrome-stable` on `PATH`.
    pub browser: Option<PathBuf>,
    /// Longest a page may take to settle, from the start of navigation.
    pub time_limit: Duration,
    /// The network counts as idle after this long without a request in flight.
    pub network_idle: Duration,
    /// The browser process is closed after this long without a capture.
    pub idle_close: Duration,
    /// Most bytes all of one page's resources together may download.
    pub max_total_bytes: usize,
}

impl Default for RenderConfig {
    /// 30 s to settle, 500 ms network idle, closed after 5 min idle, 50 MiB per page.
    fn default() -> Self {
        Self {
            browser: None,
            time_limit: Duration::from_secs(30),
            network_idle: Duration::from_millis(500),
            idle_close: Duration::from_secs(300),
            max_total_bytes: 50 * 1024 * 1024,
        }
    }
}

/// Names tried on `PATH` when no browser path is configured.
const BROWSER_NAMES: [&str; 4] = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];

/// The browser of one process. Cheap to create: no process starts before the first render.
#[derive(Debug)]
pub struct Renderer {
    inner: Arc<RendererInner>,
}

#[derive(Debug)]
struct RendererInner {
    config: RenderConfig,
    /// The running browser, if any. Held only to start, take or replace it, never across a capture.
    session: tokio::sync::Mutex<Option<Arc<Session>>>,
}

/// One running browser process.
struct Session {
    browser: Browser,
    /// Drives the DevTools connection; it ends when the browser goes away.
    handler: JoinHandle<()>,
    pid: Option<u32>,
    /// Captures running now.
    active: AtomicUsize,
    last_used: Mutex<Instant>,
    /// The browser's profile folder, removed when the session ends.
    _profile: tempfile::TempDir,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session").field("pid", &self.pid).field("active", &self.active).finish_non_exhaustive()
    }
}

impl Session {
    fn is_alive(&self) -> bool {
        !self.handler.is_finished()
    }

    /// Asks the browser for its version: a browser that cannot answer within 5 s is hung.
    async fn responds(&self) -> bool {
        matches!(tokio::time::timeout(Duration::from_secs(5), self.browser.version()).await, Ok(Ok(_)))
    }
}

/// Marks a session busy for the life of a capture.
struct InUse(Arc<Session>);

impl InUse {
    fn new(session: Arc<Session>) -> Self {
        session.active.fetch_add(1, Ordering::SeqCst);
        InUse(session)
    }
}

impl Drop for InUse {
    fn drop(&mut self) {
        *self.0.last_used.lock().unwrap_or_else(|e| e.into_inner()) = Instant::now();
        self.0.active.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Renderer {
    /// A renderer with these settings; the browser starts on first need.
    pub fn new(config: RenderConfig) -> Renderer {
        Renderer { inner: Arc::new(RendererInner { config, session: tokio::sync::Mutex::new(None) }) }
    }

    /// The settings.
    pub fn config(&self) -> &RenderConfig {
        &self.inner.config
    }

    /// The process id of the running browser, if one runs (for tests and measurements).
    pub async fn browser_pid(&self) -> Option<u32> {
        self.inner.session.lock().await.as_ref().filter(|s| s.is_alive()).and_then(|s| s.pid)
    }

    /// Closes the browser now, if one runs; the next render starts a new one.
    pub async fn close(&self) {
        let taken = self.inner.session.lock().await.take();
        if let Some(session) = taken {
            shut_down(session).await;
        }
    }

    /// The running browser, started (or restarted, when the last one died) as needed.
    async fn session(&self) -> Result<Arc<Session>, FetchError> {
        let mut slot = self.inner.session.lock().await;
        if let Some(session) = slot.as_ref() {
            if session.is_alive() {
                return Ok(session.clone());
            }
            tracing::warn!(pid = session.pid, "the headless browser died: starting a new one");
            if let Some(dead) = slot.take() {
                tokio::spawn(shut_down(dead));
            }
        }
        let session = Arc::new(launch(&self.inner.config).await?);
        tracing::info!(pid = session.pid, "headless browser started");
        *slot = Some(session.clone());
        spawn_idle_watch(Arc::downgrade(&self.inner), Arc::downgrade(&session), self.inner.config.idle_close);
        Ok(session)
    }

    /// Drops `session` when it no longer answers, so the next capture starts a fresh browser.
    async fn check_health(&self, session: &Arc<Session>) {
        if session.is_alive() && session.responds().await {
            return;
        }
        tracing::warn!(pid = session.pid, "the headless browser crashed or hung: it will be restarted");
        let mut slot = self.inner.session.lock().await;
        if slot.as_ref().is_some_and(|s| Arc::ptr_eq(s, session)) {
            slot.take();
        }
        drop(slot);
        kill(session.pid);
    }
}

impl Fetcher {
    /// Renders `url` in the headless browser and returns its DOM once the `select` selectors are
    /// present and the network is idle. Spacing applies to the page's host.
    #[tracing::instrument(skip_all, fields(url = %url))]
    pub async fn render(&self, url: &Url, select: &[Selector]) -> Result<Page, FetchError> {
        let config = self.config();
        let renderer = self.renderer();
        let policy = page::policy(config);
        policy.check_url(url).await.map_err(|r| page::refusal_error(url, r))?;
        let session = renderer.session().await?;
        let in_use = InUse::new(session.clone());
        self.wait_turn(url.host_str().unwrap_or_default()).await;
        // The page's own limit, plus a margin for the browser to answer at all.
        let limit = renderer.config().time_limit + Duration::from_secs(10);
        let job = page::Capture { url, select, config, policy };
        let result = match tokio::time::timeout(limit, job.run(&session.browser)).await {
            Ok(result) => result,
            Err(_) => Err(FetchError::Browser(format!("no answer within {limit:?}"))),
        };
        drop(in_use);
        if matches!(result, Err(FetchError::Browser(_))) {
            renderer.check_health(&session).await;
        }
        result
    }
}

/// Finds the browser binary: the configured path, else the usual names on `PATH`.
fn find_browser(configured: Option<&Path>) -> Result<PathBuf, FetchError> {
    if let Some(path) = configured {
        return match path.is_file() {
            true => Ok(path.to_path_buf()),
            false => Err(FetchError::NoBrowser(format!("CHROMIUM_PATH {} does not exist", path.display()))),
        };
    }
    let dirs = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&dirs)
        .flat_map(|dir| BROWSER_NAMES.iter().map(move |name| dir.join(name)))
        .find(|candidate| candidate.is_file())
        .ok_or_else(|| FetchError::NoBrowser(format!("none of {} is on PATH", BROWSER_NAMES.join(", "))))
}

/// Starts a headless browser with a fresh profile folder.
async fn launch(config: &RenderConfig) -> Result<Session, FetchError> {
    let binary = find_browser(config.browser.as_deref())?;
    let profile = tempfile::Builder::new()
        .prefix("clausewatch-chromium-")
        .tempdir()
        .map_err(|e| FetchError::Browser(format!("cannot make a profile folder: {e}")))?;
    let mut builder = BrowserConfig::builder()
        .chrome_executable(&binary)
        .user_data_dir(profile.path())
        .respect_https_errors()
        .launch_timeout(Duration::from_secs(20))
        .request_timeout(config.time_limit.max(Duration::from_secs(10)))
        .window_size(1280, 1000)
        .args([
            "--disable-gpu",
            "--disable-quic",
            "--disable-component-update",
            "--disable-domain-reliability",
            "--no-default-browser-check",
            "--no-pings",
            "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
            "--blink-settings=imagesEnabled=false",
        ]);
    // Chromium's sandbox cannot start as root (containers); elsewhere it stays on.
    // SAFETY: geteuid has no preconditions and cannot fail.
    if unsafe { libc::geteuid() } == 0 {
        builder = builder.no_sandbox();
    }
    let browser_config = builder.build().map_err(FetchError::Browser)?;
    let (mut browser, mut handler) = Browser::launch(browser_config).await.map_err(|e| match e {
        chromiumoxide::error::CdpError::Io(io) if io.kind() == std::io::ErrorKind::NotFound => {
            FetchError::NoBrowser(format!("{} cannot be started ({io})", binary.display()))
        }
        other => FetchError::Browser(format!("{} did not start: {other}", binary.display())),
    })?;
    let pid = browser.get_mut_child().and_then(|child| child.as_mut_inner().id());
    let handler = tokio::spawn(async move {
        while let Some(event) = handler.next().await {
            if let Err(error) = event {
                tracing::debug!(%error, "the DevTools connection ended");
                break;
            }
        }
    });
    Ok(Session {
        browser,
        handler,
        pid,
        active: AtomicUsize::new(0),
        last_used: Mutex::new(Instant::now()),
        _profile: profile,
    })
}

/// Closes the browser when it has been unused for `idle`; ends with the session or the renderer.
fn spawn_idle_watch(renderer: Weak<RendererInner>, session: Weak<Session>, idle: Duration) {
    let tick = (idle / 4).clamp(Duration::from_millis(50), Duration::from_secs(15));
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(tick).await;
            let (Some(renderer), Some(watched)) = (renderer.upgrade(), session.upgrade()) else {
                return;
            };
            let idle_for = watched.last_used.lock().unwrap_or_else(|e| e.into_inner()).elapsed();
            if watched.active.load(Ordering::SeqCst) > 0 || idle_for < idle {
                continue;
            }
            let mut slot = renderer.session.lock().await;
            if !slot.as_ref().is_some_and(|s| Arc::ptr_eq(s, &watched)) {
                return;
            }
            if watched.active.load(Ordering::SeqCst) > 0 {
                continue;
            }
            let taken = slot.take();
            drop((slot, watched));
            if let Some(session) = taken {
                tracing::info!(pid = session.pid, ?idle_for, "closing the idle headless browser");
                shut_down(session).await;
            }
            return;
        }
    });
}

/// Ends a browser: politely when nothing else holds it, by signal otherwise.
async fn shut_down(session: Arc<Session>) {
    let pid = session.pid;
    match Arc::try_unwrap(session) {
        Ok(mut session) => {
            let closed = tokio::time::timeout(Duration::from_secs(5), session.browser.close()).await;
            let exited = match closed {
                Ok(Ok(_)) => tokio::time::timeout(Duration::from_secs(5), session.browser.wait()).await.is_ok(),
                _ => false,
            };
            if !exited {
                let _ = session.browser.kill().await;
            }
            session.handler.abort();
        }
        // A capture still holds it: kill the process; its handle reaps it when dropped.
        Err(_) => kill(pid),
    }
}

/// Sends SIGKILL to a browser process.
fn kill(pid: Option<u32>) {
    if let Some(pid) = pid.and_then(|p| i32::try_from(p).ok()) {
        // SAFETY: kill(2) with a pid this process started; a stale pid fails with ESRCH.
        unsafe {
            libc::kill(pid, libc::SIGKILL);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_configured_browser_path_that_does_not_exist_says_to_install_chromium() {
        let err = find_browser(Some(Path::new("/nonexistent/chromium"))).unwrap_err();
        assert_eq!(err.kind(), "no-browser");
        assert!(err.to_string().contains("install chromium"), "{err}");
    }
}
