//! Failures: connection errors, timeouts, retries, redirects and error statuses.

use std::time::{Duration, Instant};

use clausewatch::pipeline::fetch::FetchError;
use url::Url;

use super::{config, error, fetch, page};
use crate::site::{Behaviour, TestSite, closed_port};

#[tokio::test]
async fn a_closed_port_fails_with_a_connect_error_after_the_allowed_attempts() {
    let addr = closed_port().await;
    let url = Url::parse(&format!("http://{addr}/tos")).expect("url");

    let err = error(fetch(config(), &url).await);

    assert_eq!(err.kind(), "connect", "{err}");
    assert_eq!(err.status(), None);
}

#[tokio::test]
async fn a_connection_that_is_never_accepted_fails_with_a_timeout_after_the_connect_limit() {
    // A listener whose accept queue is full: the kernel drops further SYNs, so connecting hangs.
    let socket = tokio::net::TcpSocket::new_v4().expect("socket");
    socket.bind("127.0.0.1:0".parse().expect("addr")).expect("bind");
    let listener = socket.listen(0).expect("listen");
    let addr = listener.local_addr().expect("addr");
    let mut fillers = Vec::new();
    for _ in 0..4 {
        let filler = tokio::time::timeout(Duration::from_millis(200), tokio::net::TcpStream::connect(addr));
        if let Ok(Ok(stream)) = filler.await {
            fillers.push(stream);
        }
    }
    let mut config = config();
    config.connect_timeout = Duration::from_millis(300);
    config.max_attempts = 1;
    let url = Url::parse(&format!("http://{addr}/tos")).expect("url");

    let err = error(fetch(config, &url).await);

    assert_eq!(err, FetchError::Timeout { after: Duration::from_millis(300) });
    drop(listener);
}

#[tokio::test]
async fn a_server_that_never_answers_fails_with_a_timeout_and_is_retried() {
    let site = TestSite::start().await;
    site.set("/tos", Behaviour::HangBeforeHeaders(Duration::from_secs(30)));
    let mut config = config();
    config.total_timeout = Duration::from_millis(300);
    config.max_attempts = 2;

    let err = error(fetch(config, &site.url("/tos")).await);

    assert_eq!(err, FetchError::Timeout { after: Duration::from_millis(300) });
    assert_eq!(err.kind(), "timeout");
    assert_eq!(site.hits("/tos"), 2);
}

#[tokio::test]
async fn a_body_sent_slowly_past_the_total_limit_fails_with_a_timeout() {
    let site = TestSite::start().await;
    let slow = Behaviour::SlowBody { chunk: b"<p>x</p>".to_vec(), interval: Duration::from_millis(100), chunks: 30 };
    site.set("/tos", slow);
    let mut config = config();
    config.total_timeout = Duration::from_millis(300);
    config.max_attempts = 1;

    let err = error(fetch(config, &site.url("/tos")).await);

    assert_eq!(err.kind(), "timeout", "{err}");
    assert_eq!(site.hits("/tos"), 1);
}

#[tokio::test]
async fn a_500_then_a_200_is_retried_and_succeeds_on_the_second_attempt() {
    let site = TestSite::start().await;
    site.set("/tos", Behaviour::Sequence(vec![Behaviour::Status(500), Behaviour::html("<h1>Terms</h1>")]));

    let page = page(fetch(config(), &site.url("/tos")).await);

    assert_eq!(page.attempts, 2);
    assert_eq!(page.status, 200);
    assert_eq!(page.text, "<h1>Terms</h1>");
    assert_eq!(site.hits("/tos"), 2);
}

#[tokio::test]
async fn a_persistent_503_fails_with_its_status_after_max_attempts() {
    let site = TestSite::start().await;
    site.set("/tos", Behaviour::Status(503));

    let err = error(fetch(config(), &site.url("/tos")).await);

    assert_eq!(err, FetchError::Status { status: 503 });
    assert_eq!((err.kind(), err.status()), ("http-status", Some(503)));
    assert_eq!(site.hits("/tos"), 3);
}

#[tokio::test]
async fn a_404_fails_at_once_without_retrying() {
    let site = TestSite::start().await;
    site.set("/tos", Behaviour::Status(404));

    let err = error(fetch(config(), &site.url("/tos")).await);

    assert_eq!(err.status(), Some(404));
    assert_eq!(site.hits("/tos"), 1);
}

#[tokio::test]
async fn a_429_with_retry_after_is_waited_out_and_then_succeeds() {
    let site = TestSite::start().await;
    let steps = vec![Behaviour::TooManyRequests { retry_after_secs: 1 }, Behaviour::html("ok")];
    site.set("/tos", Behaviour::Sequence(steps));
    let started = Instant::now();

    let page = page(fetch(config(), &site.url("/tos")).await);

    assert_eq!(page.attempts, 2);
    assert_eq!(site.hits("/tos"), 2);
    // Only a lower bound: the 10 ms backoff base would retry far sooner without Retry-After.
    assert!(started.elapsed() >= Duration::from_millis(900));
}

#[tokio::test]
async fn a_redirect_is_followed_to_the_final_url() {
    let site = TestSite::start().await;
    site.set("/old", Behaviour::Redirect("/new".to_owned()));
    site.set("/new", Behaviour::html("moved"));

    let page = page(fetch(config(), &site.url("/old")).await);

    assert_eq!(page.final_url, site.url("/new"));
    assert_eq!(page.text, "moved");
    assert_eq!((site.hits("/old"), site.hits("/new")), (1, 1));
}

#[tokio::test]
async fn a_redirect_loop_fails_after_the_redirect_limit() {
    let site = TestSite::start().await;
    site.set("/a", Behaviour::Redirect("/b".to_owned()));
    site.set("/b", Behaviour::Redirect(site.url("/a").to_string()));

    let err = error(fetch(config(), &site.url("/a")).await);

    assert_eq!(err, FetchError::TooManyRedirects { limit: 5 });
    assert_eq!(err.kind(), "redirect-loop");
    assert_eq!(site.hits("/a") + site.hits("/b"), 6, "the first request and 5 redirects, no retry");
}
