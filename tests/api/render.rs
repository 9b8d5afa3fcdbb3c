//! Pages built by scripts, rendered in real headless Chromium against loopback pages: late and
//! fetched text, pages that never settle, the request guard, a killed browser, idle closing.
//! Without Chromium these tests are skipped with a message, unless `CLAUSEWATCH_REQUIRE_BROWSER=1`.
use std::io::Write;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clausewatch::db::{self, fetch_events::Outcome};
use clausewatch::domain::declaration::Selector;
use clausewatch::pipeline::fetch::{FetchConfig, Fetcher};
use sqlx::PgPool;

use crate::helpers::TestApp;
use crate::site::{Behaviour, TestSite};

/// Terms long enough to pass for a document (a rendered text under 200 characters is suspect).
const TERMS: &str = "<h1>Terms of Use</h1><p>1. These terms govern your use of the Acme assistant and every \
    service we offer with it.</p><p>2. You keep the rights to what you write; we may use it to provide the \
    service, and to train our models unless you opt out in your settings.</p><p>3. Disputes are settled by \
    binding arbitration in Delaware, and you waive class actions.</p>";

/// Whether Chromium is installed; otherwise the test is skipped (or fails when it is required).
fn chromium_or_skip(test: &str) -> bool {
    let names = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];
    let path = std::env::var_os("PATH").unwrap_or_default();
    let found = std::env::split_paths(&path).any(|dir| names.iter().any(|name| dir.join(name).is_file()));
    if !found {
        assert!(
            std::env::var("CLAUSEWATCH_REQUIRE_BROWSER").as_deref() != Ok("1"),
            "CLAUSEWATCH_REQUIRE_BROWSER=1 but chromium is not installed: install the Debian package chromium"
        );
        eprintln!("{test}: skipped, chromium is not installed");
    }
    found
}

/// Fetcher settings for rendering `site`: private addresses refused except the site itself.
fn render_config(site: &TestSite, time_limit: Duration) -> FetchConfig {
    let mut config = crate::fetch::config();
    config.allow_private = false;
    config.allowed_addrs = vec![site.addr()];
    config.render.time_limit = time_limit;
    config
}

fn css(selector: &str) -> Vec<Selector> {
    vec![Selector::Css(selector.to_owned())]
}

/// A page whose `<main id="terms">` says "Loading…" until `script` replaces it.
fn shell(script: &str) -> Behaviour {
    Behaviour::html(&format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Terms</title></head><body>\
         <nav>Menu</nav><main id=\"terms\"><p>Loading…</p></main><script>{script}</script></body></html>"
    ))
}

/// JavaScript that writes the terms into `#terms`.
fn write_terms() -> String {
    format!("document.getElementById('terms').innerHTML = {};", serde_json::to_string(TERMS).unwrap())
}

/// Declares one document of platform `acme` whose page is `path` of the app's site.
fn declare(app: &TestApp, terms_type: &str, path: &str, scripts: bool) {
    let file = app.catalog.path().join("acme.json");
    let mut declaration: serde_json::Value = std::fs::read_to_string(&file)
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_else(|| serde_json::json!({ "name": "Acme", "terms": {} }));
    declaration["terms"][terms_type] = serde_json::json!({
        "fetch": app.site.url(path).to_string(),
        "select": "#terms",
        "executeClientScripts": scripts,
    });
    std::fs::write(file, declaration.to_string()).unwrap();
}

/// The app with a rendering fetcher (time limit `limit`).
async fn render_app(pool: PgPool, limit: Duration) -> TestApp {
    let mut app = TestApp::new(pool).await;
    app.state.fetcher = Fetcher::new(render_config(&app.site, limit)).unwrap();
    app
}

async fn latest_text(app: &TestApp, document: &str) -> String {
    let doc = app.document("acme", document).await;
    let mut conn = app.pool.acquire().await.unwrap();
    db::versions::latest_version(&mut conn, doc.document_id).await.unwrap().expect("a version").text
}

#[sqlx::test]
async fn terms_a_script_writes_after_400_ms_are_captured_and_not_the_loading_placeholder(pool: PgPool) {
    if !chromium_or_skip("terms_a_script_writes_after_400_ms") {
        return;
    }
    let app = render_app(pool, Duration::from_secs(10)).await;
    app.site.set("/terms", shell(&format!("setTimeout(() => {{ {} }}, 400);", write_terms())));
    declare(&app, "Terms of Service", "/terms", true);
    declare(&app, "Privacy Policy", "/terms", false);
    app.sync().await;

    let rendered = app.capture("acme", "terms-of-service").await;
    let plain = app.capture("acme", "privacy-policy").await;

    assert_eq!(rendered.outcome, Outcome::NewVersion, "{}", rendered.detail);
    assert!(rendered.rendered);
    let text = latest_text(&app, "terms-of-service").await;
    assert!(text.contains("binding arbitration in Delaware"), "{text}");
    assert!(!text.contains("Loading"), "{text}");
    let doc = app.document("acme", "terms-of-service").await;
    let (flag, body): (bool, Vec<u8>) = sqlx::query_as("select rendered, body from snapshots where document_id = $1")
        .bind(doc.document_id)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(flag, "the snapshot is marked as rendered");
    assert!(String::from_utf8(body).unwrap().contains("binding arbitration"), "the evidence is the rendered DOM");
    // The same page over plain HTTP shows only the placeholder: suspect, never a version.
    assert_eq!(plain.outcome, Outcome::Suspect, "{}", plain.detail);
    assert!(plain.detail.contains("placeholder"), "{}", plain.detail);
    assert!(!plain.rendered);
    // `clausewatch fetch` says which documents were rendered and how long each took.
    let mut table = Vec::new();
    clausewatch::cli::fetch::write_summary(&[rendered.clone(), plain.clone()], &mut table).unwrap();
    let table = String::from_utf8(table).unwrap();
    let row = |document: &str| table.lines().find(|l| l.starts_with(&format!("acme/{document}"))).unwrap().to_owned();
    assert!(row("terms-of-service").contains(" rendered ") && row("terms-of-service").contains(" ms "), "{table}");
    assert!(row("privacy-policy").contains(" http "), "{table}");
    assert!(table.contains("1 rendered in the headless browser"), "{table}");
}

#[sqlx::test]
async fn terms_a_script_loads_with_fetch_from_a_second_path_are_captured(pool: PgPool) {
    if !chromium_or_skip("terms_a_script_loads_with_fetch") {
        return;
    }
    let app = render_app(pool, Duration::from_secs(10)).await;
    let load =
        "fetch('/api/terms').then(r => r.text()).then(t => { document.getElementById('terms').innerHTML = t; });";
    app.site.set("/terms", shell(load));
    app.site.set("/api/terms", Behaviour::html(TERMS));
    declare(&app, "Terms of Service", "/terms", true);
    app.sync().await;

    let report = app.capture("acme", "terms-of-service").await;

    assert_eq!(report.outcome, Outcome::NewVersion, "{}", report.detail);
    assert_eq!(app.site.hits("/api/terms"), 1);
    let text = latest_text(&app, "terms-of-service").await;
    assert!(text.contains("train our models unless you opt out"), "{text}");
}

#[sqlx::test]
async fn a_page_that_keeps_requesting_fails_at_the_time_limit_with_a_reason(pool: PgPool) {
    if !chromium_or_skip("a_page_that_keeps_requesting") {
        return;
    }
    let app = render_app(pool, Duration::from_secs(2)).await;
    let poll = format!("{} setInterval(() => fetch('/poll').catch(() => {{}}), 100);", write_terms());
    app.site.set("/terms", shell(&poll));
    declare(&app, "Terms of Service", "/terms", true);
    app.sync().await;

    let started = Instant::now();
    let report = app.capture("acme", "terms-of-service").await;

    assert_eq!(report.outcome, Outcome::Failed, "{}", report.detail);
    assert!(report.detail.contains("did not settle within 2s"), "{}", report.detail);
    assert!(report.detail.contains("network") || report.detail.contains("in flight"), "{}", report.detail);
    let took = started.elapsed();
    assert!(took >= Duration::from_secs(2) && took < Duration::from_secs(8), "{took:?}");
    assert!(app.site.hits("/poll") >= 5, "the page kept polling");
    assert_eq!(app.counts("acme", "terms-of-service").await, (0, 0, 0));
    assert_eq!(app.last_event("acme", "terms-of-service").await.error_kind.as_deref(), Some("not-settled"));
}

#[tokio::test]
async fn a_selector_that_never_appears_fails_at_the_time_limit_naming_it() {
    if !chromium_or_skip("a_selector_that_never_appears") {
        return;
    }
    let site = TestSite::start().await;
    site.set("/terms", shell(""));
    let fetcher = Fetcher::new(render_config(&site, Duration::from_millis(1500))).unwrap();

    let err = fetcher.render(&site.url("/terms"), &css("#terms h1")).await.unwrap_err();

    assert_eq!(err.kind(), "not-settled", "{err}");
    assert!(err.to_string().contains("the selector \"#terms h1\" never appeared"), "{err}");
    fetcher.renderer().close().await;
}

/// A tracing subscriber writing into a buffer, for the span of a current-thread test.
fn capture_logs() -> (Arc<Mutex<Vec<u8>>>, tracing::subscriber::DefaultGuard) {
    struct Sink(Arc<Mutex<Vec<u8>>>);
    impl Write for Sink {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let buffer = Arc::new(Mutex::new(Vec::new()));
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::INFO)
        .with_ansi(false)
        .with_writer(move || Sink(writer.clone()))
        .finish();
    (buffer, tracing::subscriber::set_default(subscriber))
}

/// A loopback listener on another address (127.0.0.2) counting the connections it gets.
async fn stranger() -> (SocketAddr, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.2:0").await.expect("127.0.0.2 is loopback on Linux");
    let addr = listener.local_addr().unwrap();
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    tokio::spawn(async move {
        while let Ok((_socket, _)) = listener.accept().await {
            seen.fetch_add(1, Ordering::SeqCst);
        }
    });
    (addr, count)
}

#[tokio::test]
async fn script_requests_to_refused_addresses_are_refused_and_logged_and_the_page_still_renders() {
    if !chromium_or_skip("script_requests_to_refused_addresses") {
        return;
    }
    let (logs, _guard) = capture_logs();
    let site = TestSite::start().await;
    let other_port = TestSite::start().await;
    other_port.set("/secret", Behaviour::html("secret"));
    let (other_addr, other_addr_hits) = stranger().await;
    let probes = format!(
        "fetch('{}').catch(() => {{}}); fetch('http://{other_addr}/secret').catch(() => {{}}); \
         const i = new Image(); i.src = '/logo.png'; document.body.appendChild(i); {}",
        other_port.url("/secret"),
        write_terms()
    );
    site.set("/terms", shell(&probes));
    site.set("/logo.png", Behaviour::bytes(b"\x89PNG", "image/png"));
    let fetcher = Fetcher::new(render_config(&site, Duration::from_secs(10))).unwrap();

    let page = fetcher.render(&site.url("/terms"), &css("#terms")).await.expect("the page renders");
    let refused_page = fetcher.render(&other_port.url("/secret"), &css("body")).await.unwrap_err();
    fetcher.renderer().close().await;

    assert!(page.rendered);
    assert!(page.text.contains("binding arbitration"), "{}", page.text);
    assert_eq!(other_port.hits("/secret"), 0, "another port of the allowed address is refused");
    assert_eq!(other_addr_hits.load(Ordering::SeqCst), 0, "another loopback address is refused");
    assert_eq!(site.hits("/logo.png"), 0, "images are not loaded");
    assert_eq!(refused_page.kind(), "blocked", "{refused_page}");
    let logs = String::from_utf8(logs.lock().unwrap().clone()).unwrap();
    let refusals: Vec<&str> = logs.lines().filter(|l| l.contains("request refused by the guard")).collect();
    assert!(refusals.iter().any(|l| l.contains(&other_port.url("/secret").to_string())), "{logs}");
    assert!(refusals.iter().any(|l| l.contains(&format!("http://{other_addr}/secret"))), "{logs}");
    assert!(refusals.iter().all(|l| l.contains("non-public address")), "{logs}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_browser_killed_mid_capture_fails_that_capture_and_the_next_one_works() {
    if !chromium_or_skip("a_browser_killed_mid_capture") {
        return;
    }
    let site = TestSite::start().await;
    site.set("/hang", shell(""));
    site.set("/terms", shell(&write_terms()));
    let fetcher = Fetcher::new(render_config(&site, Duration::from_secs(20))).unwrap();
    let (hanging, url) = (fetcher.clone(), site.url("/hang"));
    let started = Instant::now();
    let capture = tokio::spawn(async move { hanging.render(&url, &css("#terms h1")).await });
    while site.hits("/hang") == 0 {
        assert!(started.elapsed() < Duration::from_secs(15), "the browser never asked for the page");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let pid = fetcher.renderer().browser_pid().await.expect("a browser runs");

    // SAFETY: kill(2) on the browser process this test started.
    assert_eq!(unsafe { libc::kill(pid as i32, libc::SIGKILL) }, 0);
    let err = capture.await.unwrap().unwrap_err();
    let page = fetcher.render(&site.url("/terms"), &css("#terms")).await;

    assert_eq!(err.kind(), "browser", "{err}");
    assert!(started.elapsed() < Duration::from_secs(15), "the failure did not wait for the time limit");
    let page = page.expect("the next capture works in a new browser");
    assert!(page.text.contains("binding arbitration"), "{}", page.text);
    let new_pid = fetcher.renderer().browser_pid().await.expect("a new browser runs");
    assert_ne!(new_pid, pid);
    fetcher.renderer().close().await;
    assert_eq!(fetcher.renderer().browser_pid().await, None);
}

#[tokio::test]
async fn an_idle_browser_is_closed_and_started_again_on_need() {
    if !chromium_or_skip("an_idle_browser_is_closed") {
        return;
    }
    let site = TestSite::start().await;
    site.set("/terms", shell(&write_terms()));
    let mut config = render_config(&site, Duration::from_secs(10));
    config.render.idle_close = Duration::from_millis(300);
    let fetcher = Fetcher::new(config).unwrap();

    fetcher.render(&site.url("/terms"), &css("#terms")).await.expect("renders");
    let pid = fetcher.renderer().browser_pid().await.expect("a browser runs");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let closed = fetcher.renderer().browser_pid().await;
    let gone = !std::path::Path::new(&format!("/proc/{pid}")).exists();
    let again = fetcher.render(&site.url("/terms"), &css("#terms")).await;

    assert_eq!(closed, None, "the idle browser was closed");
    assert!(gone, "its process ended");
    assert!(again.expect("a new browser starts on need").text.contains("binding arbitration"));
    fetcher.renderer().close().await;
}

#[sqlx::test]
async fn without_chromium_rendered_documents_fail_saying_install_chromium_and_the_rest_capture(pool: PgPool) {
    let mut app = TestApp::new(pool).await;
    let mut config = render_config(&app.site, Duration::from_secs(5));
    config.render.browser = Some("/nonexistent/chromium".into());
    app.state.fetcher = Fetcher::new(config).unwrap();
    app.site.set("/terms", shell(&write_terms()));
    app.site.set("/privacy", Behaviour::html(&format!("<main id=\"terms\">{TERMS}</main>")));
    declare(&app, "Terms of Service", "/terms", true);
    declare(&app, "Privacy Policy", "/privacy", false);
    app.sync().await;

    let rendered = app.capture("acme", "terms-of-service").await;
    let plain = app.capture("acme", "privacy-policy").await;

    assert_eq!(rendered.outcome, Outcome::Failed);
    assert!(rendered.detail.contains("install chromium"), "{}", rendered.detail);
    assert_eq!(app.last_event("acme", "terms-of-service").await.error_kind.as_deref(), Some("no-browser"));
    assert_eq!(plain.outcome, Outcome::NewVersion, "{}", plain.detail);
}

/// Resident and proportional memory (KiB) of `root` and all its descendants, from `/proc`.
fn tree_memory(root: u32) -> (u64, u64, usize) {
    let mut parents: Vec<(u32, u32)> = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else { continue };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { continue };
        // The command name may hold spaces: fields start after its closing parenthesis.
        let Some(ppid) = stat.rsplit_once(')').and_then(|(_, rest)| rest.split_whitespace().nth(1)) else { continue };
        parents.push((pid, ppid.parse().unwrap_or(0)));
    }
    let mut tree = vec![root];
    let mut i = 0;
    while i < tree.len() {
        let parent = tree[i];
        tree.extend(parents.iter().filter(|(_, p)| *p == parent).map(|(pid, _)| *pid));
        i += 1;
    }
    let field = |pid: u32, file: &str, name: &str| -> u64 {
        std::fs::read_to_string(format!("/proc/{pid}/{file}"))
            .ok()
            .and_then(|text| {
                let line = text.lines().find(|l| l.starts_with(name))?.to_owned();
                line.split_whitespace().nth(1)?.parse().ok()
            })
            .unwrap_or(0)
    };
    let alive: Vec<u32> =
        tree.into_iter().filter(|pid| std::path::Path::new(&format!("/proc/{pid}")).exists()).collect();
    let rss = alive.iter().map(|&pid| field(pid, "status", "VmRSS:")).sum();
    let pss = alive.iter().map(|&pid| field(pid, "smaps_rollup", "Pss:")).sum();
    (rss, pss, alive.len())
}

/// This process alone (the browser is its child: `tree_memory` would count it too).
fn own_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap_or("VmRSS: 0 kB");
    line.split_whitespace().nth(1).and_then(|n| n.parse().ok()).unwrap_or(0)
}

fn word_similarity(a: &str, b: &str) -> f32 {
    let a: Vec<&str> = a.split_whitespace().collect();
    let b: Vec<&str> = b.split_whitespace().collect();
    similar::TextDiff::configure().timeout(Duration::from_secs(20)).diff_slices(&a, &b).ratio()
}

/// Renders 14 corpus snapshots, each served as a script-built copy (a shell that fetches the
/// snapshot and puts it in place), and prints the time of each and the memory of the browser:
/// `cargo test --test api render::measure -- --ignored --nocapture`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement: prints capture times and browser memory"]
async fn measure_rendering_fourteen_corpus_snapshots() {
    if !chromium_or_skip("measure_rendering_fourteen_corpus_snapshots") {
        return;
    }
    use clausewatch::pipeline::extract::extract;
    let site = TestSite::start().await;
    // Newest snapshots first, one document after the other, until 14.
    let mut by_document: std::collections::BTreeMap<String, Vec<crate::extract::Snapshot>> = Default::default();
    for snapshot in crate::extract::snapshots() {
        if crate::extract::SKIPPED.iter().any(|(key, _)| *key == snapshot.key) {
            continue;
        }
        by_document.entry(format!("{}/{}", snapshot.service, snapshot.terms_slug)).or_default().push(snapshot);
    }
    let mut chosen = Vec::new();
    while chosen.len() < 14 && by_document.values().any(|v| !v.is_empty()) {
        for snapshots in by_document.values_mut() {
            if chosen.len() < 14
                && let Some(snapshot) = snapshots.pop()
            {
                chosen.push(snapshot);
            }
        }
    }
    assert_eq!(chosen.len(), 14);
    for (i, snapshot) in chosen.iter().enumerate() {
        let relative = snapshot.path.strip_prefix(crate::support::corpus_dir()).unwrap().to_string_lossy().into_owned();
        site.set(&format!("/raw/{i}"), Behaviour::corpus(&relative));
        let script = format!(
            "fetch('/raw/{i}').then(r => r.text()).then(h => {{ const d = new DOMParser().parseFromString(h, 'text/html'); \
             document.documentElement.replaceWith(document.adoptNode(d.documentElement)); }});"
        );
        site.set(&format!("/doc/{i}"), shell(&script));
    }
    let fetcher = Fetcher::new(render_config(&site, Duration::from_secs(30))).unwrap();
    let rss_before = own_rss_kib();

    // Sample the memory of this process and of the browser's process tree every 25 ms.
    let peaks = Arc::new(Mutex::new((0_u64, 0_u64, 0_u64, 0_usize)));
    let (sampler, stop) = (fetcher.clone(), Arc::new(std::sync::atomic::AtomicBool::new(false)));
    let (peaks_w, stop_r) = (peaks.clone(), stop.clone());
    let sampling = tokio::spawn(async move {
        while !stop_r.load(Ordering::SeqCst) {
            if let Some(pid) = sampler.renderer().browser_pid().await {
                let (rss, pss, count) = tree_memory(pid);
                let own = own_rss_kib();
                let mut p = peaks_w.lock().unwrap();
                *p = (p.0.max(rss), p.1.max(pss), p.2.max(own), p.3.max(count));
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    });

    let all = Instant::now();
    let mut failures = Vec::new();
    for (i, snapshot) in chosen.iter().enumerate() {
        let source = crate::extract::source_for(snapshot);
        let started = Instant::now();
        let rendered = fetcher.render(&site.url(&format!("/doc/{i}")), &source.select).await;
        let took = started.elapsed();
        match rendered {
            Ok(page) => {
                let text = extract(&page.text, &source).unwrap_or_default();
                let raw = std::fs::read(&snapshot.path).unwrap();
                let expected = extract(&String::from_utf8_lossy(&raw), &source).unwrap_or_default();
                let similarity = word_similarity(&text, &expected);
                println!("{:>6} ms  {similarity:.4}  {:>7} chars  {}", took.as_millis(), text.len(), snapshot.key);
                if similarity < 0.95 {
                    failures.push(format!("{}: similarity {similarity:.3}", snapshot.key));
                }
            }
            Err(error) => {
                println!("{:>6} ms  failed: {error}  {}", took.as_millis(), snapshot.key);
                failures.push(format!("{}: {error}", snapshot.key));
            }
        }
    }
    let total = all.elapsed();
    stop.store(true, Ordering::SeqCst);
    sampling.await.unwrap();
    let pid = fetcher.renderer().browser_pid().await.expect("the browser runs");
    tokio::time::sleep(Duration::from_secs(3)).await;
    let (idle_rss, idle_pss, idle_count) = tree_memory(pid);
    fetcher.renderer().close().await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (closed_rss, _, closed_count) = tree_memory(pid);
    let (peak_rss, peak_pss, peak_all, peak_count) = *peaks.lock().unwrap();
    let mib = |kib: u64| kib as f64 / 1024.0;
    println!("14 rendered in {:.1} s ({} ms each on average)", total.as_secs_f64(), total.as_millis() / 14);
    println!(
        "browser peak: RSS {:.0} MiB summed over {peak_count} processes (PSS {:.0} MiB); this process peak RSS {:.0} MiB",
        mib(peak_rss),
        mib(peak_pss),
        mib(peak_all)
    );
    println!(
        "this process: RSS {:.0} MiB before, {:.0} MiB after closing the browser",
        mib(rss_before),
        mib(own_rss_kib())
    );
    println!(
        "browser idle 3 s after the last capture: RSS {:.0} MiB over {idle_count} processes (PSS {:.0} MiB)",
        mib(idle_rss),
        mib(idle_pss)
    );
    println!("browser closed: {closed_count} processes left, RSS {:.0} MiB", mib(closed_rss));
    assert_eq!(closed_count, 0, "closing the browser ends all its processes");
    assert!(failures.is_empty(), "{failures:?}");
}
