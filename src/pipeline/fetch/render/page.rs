//! One rendered capture: a fresh browser context and page, every request paused and vetted,
//! network activity followed until the page settles, then the DOM.

use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chromiumoxide::Page as Tab;
use chromiumoxide::browser::Browser;
use chromiumoxide::cdp::browser_protocol::fetch::{
    ContinueRequestParams, EnableParams, EventRequestPaused, FailRequestParams, RequestPattern, RequestStage,
};
use chromiumoxide::cdp::browser_protocol::network::{
    ErrorReason, EventDataReceived, EventLoadingFailed, EventLoadingFinished, EventRequestWillBeSent,
    EventResponseReceived, ResourceType, SetUserAgentOverrideParams,
};
use chromiumoxide::cdp::browser_protocol::page::{FrameId, NavigateParams};
use chromiumoxide::cdp::browser_protocol::target::{CreateBrowserContextParams, CreateTargetParams};
use futures_util::StreamExt;
use tokio::time::Instant;
use url::Url;

use crate::domain::declaration::{RangeEnd, RangeStart, Selector};
use crate::pipeline::fetch::guard::{AddressPolicy, Refusal};
use crate::pipeline::fetch::{FetchConfig, FetchError, Page};

/// How often the page is asked whether it settled.
const POLL: Duration = Duration::from_millis(100);

/// Headers kept with a rendered page as evidence (those of the main document's response).
const KEPT_HEADERS: [&str; 7] =
    ["content-type", "etag", "last-modified", "date", "server", "cache-control", "content-language"];

/// Run in every document before its own scripts: connections the request guard cannot see
/// (WebSocket, WebTransport, WebRTC) are not offered to the page.
const INIT_SCRIPT: &str = "for (const name of ['WebSocket', 'WebTransport', 'RTCPeerConnection', \
    'webkitRTCPeerConnection']) { try { delete window[name]; window[name] = undefined; } catch (e) {} }";

/// The browser's address policy under a fetcher configuration.
pub(super) fn policy(config: &FetchConfig) -> AddressPolicy {
    AddressPolicy { allow_private: config.allow_private, exceptions: config.allowed_addrs.clone() }
}

/// A refused page URL as a fetch error.
pub(super) fn refusal_error(url: &Url, refusal: Refusal) -> FetchError {
    match refusal {
        Refusal::Blocked(b) => FetchError::Blocked { host: b.host, addr: b.addr },
        Refusal::Scheme(_) => FetchError::InvalidUrl(format!("{url}: {refusal}")),
        Refusal::Unresolved(text) => FetchError::Connect(text),
    }
}

/// One capture's inputs.
pub(super) struct Capture<'a> {
    pub(super) url: &'a Url,
    pub(super) select: &'a [Selector],
    pub(super) config: &'a FetchConfig,
    pub(super) policy: AddressPolicy,
}

/// What the event listeners learned about the page's network activity.
#[derive(Debug)]
struct Network {
    /// Requests started and not yet finished or failed, by id, with their URLs.
    in_flight: HashMap<String, String>,
    /// Requests that finished or failed.
    ended: HashSet<String>,
    last_activity: Instant,
    /// Bytes received per request, and in all.
    received: HashMap<String, usize>,
    total: usize,
    /// The main document's response.
    main: Option<MainResponse>,
    /// What makes this capture fail whatever the page shows.
    failure: Option<FetchError>,
    /// Requests refused by resource type (logged at debug level, counted here).
    refused_types: usize,
}

/// The response to the page's own URL: final URL, status, kept headers.
type MainResponse = (String, u16, Vec<(String, String)>);

type Shared = Arc<Mutex<Network>>;

fn lock(shared: &Shared) -> std::sync::MutexGuard<'_, Network> {
    shared.lock().unwrap_or_else(|e| e.into_inner())
}

impl Capture<'_> {
    /// Renders the page in a browser context of its own, removed afterwards whatever happened.
    pub(super) async fn run(self, browser: &Browser) -> Result<Page, FetchError> {
        let context = browser.create_browser_context(CreateBrowserContextParams::default()).await.map_err(cdp)?;
        let target = CreateTargetParams::builder()
            .url("about:blank")
            .browser_context_id(context.clone())
            .build()
            .map_err(FetchError::Browser)?;
        let result = match browser.new_page(target).await.map_err(cdp) {
            Ok(tab) => {
                let result = self.in_tab(&tab).await;
                let _ = tokio::time::timeout(Duration::from_secs(5), tab.close()).await;
                result
            }
            Err(error) => Err(error),
        };
        let _ = tokio::time::timeout(Duration::from_secs(5), browser.dispose_browser_context(context)).await;
        result
    }

    async fn in_tab(&self, tab: &Tab) -> Result<Page, FetchError> {
        let limit = self.config.render.time_limit;
        let main_frame = tab.mainframe().await.map_err(cdp)?;
        let network = Shared::new(Mutex::new(Network {
            in_flight: HashMap::new(),
            ended: HashSet::new(),
            last_activity: Instant::now(),
            received: HashMap::new(),
            total: 0,
            main: None,
            failure: None,
            refused_types: 0,
        }));
        let listeners = self.listen(tab, main_frame.clone(), network.clone()).await?;
        tab.execute(SetUserAgentOverrideParams::new(self.config.user_agent.clone())).await.map_err(cdp)?;
        tab.add_init_script(INIT_SCRIPT).await.map_err(cdp)?;
        let everything = RequestPattern::builder().url_pattern("*").request_stage(RequestStage::Request).build();
        tab.execute(EnableParams::builder().pattern(everything).build()).await.map_err(cdp)?;

        let started = Instant::now();
        let deadline = started + limit;
        let outcome = self.navigate_and_settle(tab, &network, deadline, limit).await;
        listeners.abort();
        let refused = lock(&network).refused_types;
        if refused > 0 {
            tracing::debug!(refused, "images, media and fonts not loaded");
        }
        outcome?;

        let html: String = tab.content().await.map_err(cdp)?;
        let network = lock(&network);
        if let Some(failure) = network.failure.clone() {
            return Err(failure);
        }
        if html.len() > self.config.max_body_bytes {
            return Err(FetchError::BodyTooLarge { limit: self.config.max_body_bytes });
        }
        let (final_url, status, headers) = network.main.clone().unwrap_or_else(|| (self.url.to_string(), 200, vec![]));
        let final_url = Url::parse(&final_url).unwrap_or_else(|_| self.url.clone());
        let find = |name: &str| headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
        Ok(Page {
            final_url,
            status,
            // The rendered DOM is serialised as UTF-8 HTML whatever the server sent.
            content_type: Some("text/html; charset=utf-8".to_owned()),
            etag: find("etag"),
            last_modified: find("last-modified"),
            headers,
            body: html.clone().into_bytes(),
            text: html,
            charset: "UTF-8",
            attempts: 1,
            rendered: true,
        })
    }

    /// Navigates, then polls until the selectors are present and the network idle.
    async fn navigate_and_settle(
        &self,
        tab: &Tab,
        network: &Shared,
        deadline: Instant,
        limit: Duration,
    ) -> Result<(), FetchError> {
        let navigation = tokio::time::timeout_at(deadline, tab.execute(NavigateParams::new(self.url.as_str())));
        let not_settled = |waiting_for: String| FetchError::NotSettled { after: limit, waiting_for };
        match navigation.await {
            Err(_) => return Err(not_settled("the page itself never answered".to_owned())),
            Ok(Err(error)) => return Err(cdp(error)),
            Ok(Ok(answer)) => {
                if let Some(failure) = lock(network).failure.clone() {
                    return Err(failure);
                }
                if let Some(text) = answer.result.error_text.as_ref() {
                    return Err(FetchError::Connect(text.clone()));
                }
            }
        }
        let probe = selector_probe(self.select);
        let quiet_after = self.config.render.network_idle;
        // The page's text must also stay put for as long: scripts that write it on a timer.
        let (mut last_size, mut changed_at) = (-1_i64, Instant::now());
        loop {
            let (missing, size): (Option<String>, i64) = match tab.evaluate(probe.as_str()).await {
                Ok(result) => result.into_value().unwrap_or((Some("the document".to_owned()), -1)),
                // A navigation in progress destroys the context: ask again.
                Err(_) => (Some("the document".to_owned()), -1),
            };
            if size != last_size {
                (last_size, changed_at) = (size, Instant::now());
            }
            let waiting_for = {
                let network = lock(network);
                if let Some(failure) = network.failure.clone() {
                    return Err(failure);
                }
                if let Some((_, status, _)) = &network.main
                    && !(200..300).contains(status)
                {
                    return Err(FetchError::Status { status: *status });
                }
                match missing {
                    Some(selector) => Some(format!("the selector {selector:?} never appeared")),
                    None if !network.in_flight.is_empty() => {
                        let first = network.in_flight.values().next().cloned().unwrap_or_default();
                        Some(format!("{} requests still in flight ({first})", network.in_flight.len()))
                    }
                    None if network.last_activity.elapsed() < quiet_after => {
                        Some("the network never stayed idle".to_owned())
                    }
                    None if changed_at.elapsed() < quiet_after => {
                        Some("the page text never stopped changing".to_owned())
                    }
                    None => None,
                }
            };
            let Some(waiting_for) = waiting_for else {
                return Ok(());
            };
            if Instant::now() + POLL > deadline {
                return Err(not_settled(waiting_for));
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Subscribes to the page's requests and network events; the returned task follows them.
    async fn listen(
        &self,
        tab: &Tab,
        main_frame: Option<FrameId>,
        network: Shared,
    ) -> Result<tokio::task::JoinHandle<()>, FetchError> {
        let mut paused = tab.event_listener::<EventRequestPaused>().await.map_err(cdp)?;
        let mut sent = tab.event_listener::<EventRequestWillBeSent>().await.map_err(cdp)?;
        let mut finished = tab.event_listener::<EventLoadingFinished>().await.map_err(cdp)?;
        let mut failed = tab.event_listener::<EventLoadingFailed>().await.map_err(cdp)?;
        let mut responses = tab.event_listener::<EventResponseReceived>().await.map_err(cdp)?;
        let mut data = tab.event_listener::<EventDataReceived>().await.map_err(cdp)?;
        let (tab, policy) = (tab.clone(), self.policy.clone());
        let (max_body, max_total) = (self.config.max_body_bytes, self.config.render.max_total_bytes);
        let page_url = self.url.clone();
        Ok(tokio::spawn(async move {
            loop {
                // In the order the browser sent them: each kind has its own channel, and a
                // request's end handled before its start would leave it in flight for good.
                tokio::select! {
                    biased;
                    Some(event) = sent.next() => {
                        // Long-lived streams never finish, and what is never fetched (data: and
                        // blob: URLs, images, media, fonts) reports no end reliably: none of them
                        // keeps a page from settling.
                        let untracked = matches!(
                            event.r#type,
                            Some(ResourceType::EventSource | ResourceType::WebSocket | ResourceType::Image | ResourceType::Media | ResourceType::Font)
                        ) || event.request.url.starts_with("data:") || event.request.url.starts_with("blob:");
                        let mut network = lock(&network);
                        network.last_activity = Instant::now();
                        if !untracked && !network.ended.contains(event.request_id.inner()) {
                            network.in_flight.insert(event.request_id.inner().clone(), event.request.url.clone());
                        }
                    }
                    Some(event) = finished.next() => {
                        let mut network = lock(&network);
                        network.last_activity = Instant::now();
                        network.in_flight.remove(event.request_id.inner());
                        network.ended.insert(event.request_id.inner().clone());
                    }
                    Some(event) = failed.next() => {
                        let mut network = lock(&network);
                        network.last_activity = Instant::now();
                        network.in_flight.remove(event.request_id.inner());
                        network.ended.insert(event.request_id.inner().clone());
                    }
                    Some(event) = responses.next() => {
                        let mut network = lock(&network);
                        network.last_activity = Instant::now();
                        if let Some(addr) = remote_addr(&event.response.remote_ip_address, event.response.remote_port)
                            && !policy.permits(addr)
                        {
                            tracing::warn!(url = %event.response.url, %addr, "a response came from a refused address: capture abandoned");
                            let host = Url::parse(&event.response.url).ok().and_then(|u| u.host_str().map(str::to_owned));
                            network.failure.get_or_insert(FetchError::Blocked { host: host.unwrap_or_default(), addr: addr.ip() });
                        }
                        if event.r#type == ResourceType::Document && event.frame_id.as_ref() == main_frame.as_ref() {
                            let headers = kept_headers(event.response.headers.inner());
                            let status = u16::try_from(event.response.status).unwrap_or(0);
                            network.main = Some((event.response.url.clone(), status, headers));
                        }
                    }
                    Some(event) = data.next() => {
                        let mut network = lock(&network);
                        network.last_activity = Instant::now();
                        let length = usize::try_from(event.data_length).unwrap_or(0);
                        network.total += length;
                        let received = network.received.entry(event.request_id.inner().clone()).or_default();
                        *received += length;
                        let over = if *received > max_body { Some(max_body) } else if network.total > max_total { Some(max_total) } else { None };
                        if let Some(limit) = over {
                            network.failure.get_or_insert(FetchError::BodyTooLarge { limit });
                        }
                    }
                    Some(event) = paused.next() => {
                        let verdict = Verdict { tab: tab.clone(), policy: policy.clone(), network: network.clone() };
                        let is_main = event.resource_type == ResourceType::Document
                            && main_frame.as_ref() == Some(&event.frame_id);
                        tokio::spawn(verdict.decide(event, is_main, page_url.clone()));
                    }
                    else => return,
                }
            }
        }))
    }
}

/// Lets one paused request continue, or fails it.
struct Verdict {
    tab: Tab,
    policy: AddressPolicy,
    network: Shared,
}

impl Verdict {
    async fn decide(self, event: Arc<EventRequestPaused>, is_main: bool, page_url: Url) {
        let url = event.request.url.clone();
        let allowed = match Url::parse(&url) {
            _ if matches!(event.resource_type, ResourceType::Image | ResourceType::Media | ResourceType::Font) => {
                lock(&self.network).refused_types += 1;
                tracing::debug!(%url, kind = ?event.resource_type, "request refused: images, media and fonts are not loaded");
                false
            }
            Ok(parsed) if matches!(parsed.scheme(), "data" | "blob" | "about") => true,
            Ok(parsed) => match self.policy.check_url(&parsed).await {
                Ok(()) => true,
                Err(refusal) => {
                    tracing::warn!(%url, reason = %refusal, page = %page_url, "request refused by the guard");
                    if is_main {
                        lock(&self.network).failure.get_or_insert(refusal_error(&parsed, refusal));
                    }
                    false
                }
            },
            Err(error) => {
                tracing::warn!(%url, reason = %error, "request refused: not a valid URL");
                false
            }
        };
        let sent = if allowed {
            self.tab.execute(ContinueRequestParams::new(event.request_id.clone())).await.map(|_| ())
        } else {
            let fail = FailRequestParams::new(event.request_id.clone(), ErrorReason::BlockedByClient);
            self.tab.execute(fail).await.map(|_| ())
        };
        if let Err(error) = sent {
            // The page dropped the request while it was paused (its element removed, a new
            // document): it ends without a network event, so it is no longer waited for.
            tracing::debug!(%url, %error, "the paused request could not be released");
            if let Some(id) = &event.network_id {
                let mut network = lock(&self.network);
                network.in_flight.remove(id.inner());
                network.ended.insert(id.inner().clone());
            }
        }
    }
}

/// A JavaScript expression giving `[missing, size]`: `missing` is `null` when every selector of
/// the declaration matches an element, else the first one that does not (range selectors need
/// both their markers); `size` is the length of the body's text, to see it stop changing.
fn selector_probe(select: &[Selector]) -> String {
    let mut css: Vec<&str> = Vec::new();
    for selector in select {
        match selector {
            Selector::Css(s) => css.push(s),
            Selector::Range { start, end } => {
                css.push(match start {
                    RangeStart::Before(s) | RangeStart::After(s) => s,
                });
                css.push(match end {
                    RangeEnd::Before(s) | RangeEnd::After(s) => s,
                });
            }
        }
    }
    let list = serde_json::to_string(&css).unwrap_or_else(|_| "[]".to_owned());
    format!(
        "(() => {{ if (document.readyState === 'loading' || !document.body) return ['the document', -1]; \
         const size = document.body.textContent.length; \
         for (const s of {list}) {{ try {{ if (!document.querySelector(s)) return [s, size]; }} catch (e) {{ return [s, size]; }} }} \
         return [null, size]; }})()"
    )
}

fn remote_addr(ip: &Option<String>, port: Option<i64>) -> Option<SocketAddr> {
    let ip: IpAddr = ip.as_deref()?.trim_start_matches('[').trim_end_matches(']').parse().ok()?;
    Some(SocketAddr::new(ip, u16::try_from(port?).ok()?))
}

fn kept_headers(headers: &serde_json::Value) -> Vec<(String, String)> {
    let Some(map) = headers.as_object() else {
        return Vec::new();
    };
    KEPT_HEADERS
        .iter()
        .filter_map(|name| {
            let value = map.iter().find(|(k, _)| k.eq_ignore_ascii_case(name))?.1.as_str()?;
            Some(((*name).to_owned(), value.to_owned()))
        })
        .collect()
}

/// A DevTools protocol failure: the browser crashed, hung or misbehaved.
fn cdp(error: chromiumoxide::error::CdpError) -> FetchError {
    FetchError::Browser(error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_probe_checks_every_selector_and_both_range_markers() {
        let select = vec![
            Selector::Css("#terms".to_owned()),
            Selector::Range { start: RangeStart::Before("h1".to_owned()), end: RangeEnd::After("footer".to_owned()) },
        ];
        let probe = selector_probe(&select);
        assert!(probe.contains(r##"["#terms","h1","footer"]"##), "{probe}");
    }

    #[test]
    fn a_remote_address_is_read_with_or_without_brackets() {
        assert_eq!(remote_addr(&Some("127.0.0.1".into()), Some(80)), Some("127.0.0.1:80".parse().unwrap()));
        assert_eq!(remote_addr(&Some("[::1]".into()), Some(443)), Some("[::1]:443".parse().unwrap()));
        assert_eq!(remote_addr(&None, Some(80)), None);
    }
}
