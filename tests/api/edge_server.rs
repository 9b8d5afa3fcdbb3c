//! The production server's connection limits (issue 19, F3) and the setting that moves
//! `/metrics` off the public address (F7). Servers here run `web::server::serve`, as `serve` does.
use std::{net::SocketAddr, time::Duration};

use clausewatch::{
    config::Config,
    startup::{self, AppState, Roles},
    web::{self, server::ConnectionLimits},
};
use reqwest::{StatusCode, redirect};
use sqlx::PgPool;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
};

use crate::accounts::WebApp;

/// The app served by the production server on 127.0.0.1:0, after `edit` changed its configuration.
pub async fn spawn_edge(pool: PgPool, edit: impl FnOnce(&mut Config)) -> (WebApp, AppState) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let base = format!("http://{}", listener.local_addr().expect("an address"));
    let mut config = Config::from_env().expect("the configuration parses");
    config.base_url = base.parse().expect("a URL");
    edit(&mut config);
    let state = AppState::from_pool(pool.clone(), config).expect("the state builds");
    let limits = ConnectionLimits::from_config(&state.config);
    let app = web::router(state.clone());
    tokio::spawn(web::server::serve(listener, app, limits, std::future::pending()));
    let http = reqwest::Client::builder().redirect(redirect::Policy::none()).build().expect("a client");
    (WebApp { base, pool, http, state: state.clone() }, state)
}

/// Reads until the server closes the connection; None if it is still open after `within`.
async fn closed_within(socket: &mut TcpStream, within: Duration) -> Option<String> {
    let mut received = Vec::new();
    let read = tokio::time::timeout(within, socket.read_to_end(&mut received)).await.ok()?;
    let _ = read; // a reset counts as closed too
    Some(String::from_utf8_lossy(&received).into_owned())
}

/// GET `/healthz` on a fresh connection, giving up after a second.
async fn healthz(base: &str) -> Option<StatusCode> {
    let client = reqwest::Client::builder().pool_max_idle_per_host(0).build().expect("a client");
    let answer = client.get(format!("{base}/healthz")).timeout(Duration::from_secs(1)).send().await;
    answer.ok().map(|r| r.status())
}

fn address(base: &str) -> SocketAddr {
    base.trim_start_matches("http://").parse().expect("a socket address")
}

#[sqlx::test]
async fn a_client_that_sends_half_a_header_is_disconnected_after_the_header_timeout(pool: PgPool) {
    let (app, _) = spawn_edge(pool, |c| c.http_header_timeout_secs = 1).await;
    let mut socket = TcpStream::connect(address(&app.base)).await.unwrap();

    socket.write_all(b"GET /healthz HTTP/1.1\r\nHost: loc").await.unwrap();

    let answer = closed_within(&mut socket, Duration::from_secs(5)).await;
    assert!(answer.is_some(), "the connection is still open 5 s after a 1 s header timeout");
}

#[sqlx::test]
async fn a_client_that_connects_and_sends_nothing_is_disconnected_after_the_header_timeout(pool: PgPool) {
    let (app, _) = spawn_edge(pool, |c| c.http_header_timeout_secs = 1).await;
    let mut socket = TcpStream::connect(address(&app.base)).await.unwrap();

    let answer = closed_within(&mut socket, Duration::from_secs(5)).await;

    assert_eq!(answer.as_deref(), Some(""), "a silent connection is closed without an answer");
}

#[sqlx::test]
async fn a_connection_without_traffic_is_closed_after_the_idle_timeout(pool: PgPool) {
    let (app, _) = spawn_edge(pool, |c| {
        c.http_header_timeout_secs = 60;
        c.http_idle_timeout_secs = 1;
    })
    .await;
    let mut socket = TcpStream::connect(address(&app.base)).await.unwrap();

    let answer = closed_within(&mut socket, Duration::from_secs(5)).await;

    assert_eq!(answer.as_deref(), Some(""), "an idle connection is closed without an answer");
}

#[sqlx::test]
async fn a_request_whose_body_never_arrives_is_answered_503_after_the_request_timeout(pool: PgPool) {
    let (app, _) = spawn_edge(pool, |c| c.http_request_timeout_secs = 1).await;
    let mut socket = TcpStream::connect(address(&app.base)).await.unwrap();

    let head = "POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nemail=a";
    socket.write_all(head.as_bytes()).await.unwrap();
    let mut answer = vec![0; 4096];
    let read = tokio::time::timeout(Duration::from_secs(5), socket.read(&mut answer)).await;

    let answer = String::from_utf8_lossy(&answer[..read.expect("an answer within 5 s").unwrap()]).into_owned();
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(answer.contains("took longer than 1 seconds"), "{answer}");
}

#[sqlx::test]
async fn beyond_the_connection_cap_new_clients_wait_until_a_connection_closes(pool: PgPool) {
    let (app, _) = spawn_edge(pool, |c| c.http_max_connections = 2).await;
    assert_eq!(healthz(&app.base).await, Some(StatusCode::OK));
    let idle_one = TcpStream::connect(address(&app.base)).await.unwrap();
    let _idle_two = TcpStream::connect(address(&app.base)).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;

    assert_eq!(healthz(&app.base).await, None, "a third connection waits while two are open");
    drop(idle_one);

    assert_eq!(healthz(&app.base).await, Some(StatusCode::OK), "it is served once one closes");
}

#[sqlx::test]
async fn metrics_are_not_public_and_are_served_on_metrics_addr_when_set(pool: PgPool) {
    let (public, _) = spawn_edge(pool.clone(), |_| {}).await;
    assert_eq!(public.get(&mut Default::default(), "/metrics").await.status, StatusCode::NOT_FOUND);

    let metrics_addr = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let mut config = Config::from_env().unwrap();
    config.metrics_addr = Some(metrics_addr);
    let state = AppState::from_pool(pool, config).unwrap();
    tokio::spawn(startup::run(state, Some(listener), Roles { web: true, workers: false }, std::future::pending()));
    tokio::time::sleep(Duration::from_millis(300)).await;

    let scraped = reqwest::get(format!("http://{metrics_addr}/metrics")).await.unwrap();
    assert_eq!(scraped.status(), StatusCode::OK);
    assert!(scraped.text().await.unwrap().contains("clausewatch_outbox_mails"));
    assert_eq!(reqwest::get(format!("{base}/metrics")).await.unwrap().status(), StatusCode::NOT_FOUND);
}
