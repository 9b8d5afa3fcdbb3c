//! The HTTP server: axum's router on hyper, with the limits `axum::serve` does not expose. A
//! connection must send a request's headers within `HTTP_HEADER_TIMEOUT_SECS` (hyper counts the
//! wait for the next request on a kept-alive connection too; a connection that sends no byte at
//! all is closed by the watchdog after the same time), is closed after
//! `HTTP_IDLE_TIMEOUT_SECS` without a byte either way, and at most `HTTP_MAX_CONNECTIONS` are open
//! at once: beyond that, new ones wait in the kernel's accept queue until one closes. Request
//! timeouts and body limits are layers of the router (`web::guard`).
mod idle;

use std::{future::Future, io, net::SocketAddr, sync::Arc, time::Duration};

use axum::{Router, body::Body, extract::ConnectInfo, http::Request};
use hyper::body::Incoming;
use hyper_util::{
    rt::{TokioExecutor, TokioIo, TokioTimer},
    server::{conn::auto::Builder, graceful::GracefulShutdown},
    service::TowerToHyperService,
};
use tokio::{
    net::{TcpListener, TcpStream},
    sync::{OwnedSemaphorePermit, Semaphore},
};
use tower::ServiceExt;

use crate::config::Config;

/// What bounds each connection.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    pub header_timeout: Duration,
    pub idle_timeout: Duration,
    pub max_connections: usize,
}

impl ConnectionLimits {
    /// The limits the configuration sets.
    pub fn from_config(config: &Config) -> ConnectionLimits {
        ConnectionLimits {
            header_timeout: Duration::from_secs(config.http_header_timeout_secs.max(1)),
            idle_timeout: Duration::from_secs(config.http_idle_timeout_secs.max(1)),
            max_connections: config.http_max_connections.max(1),
        }
    }
}

/// Serves `app` on `listener` until `stop` resolves, then finishes the requests in flight.
/// Handlers see the client's address as `ConnectInfo<SocketAddr>` (per-IP rate limits).
pub async fn serve(listener: TcpListener, app: Router, limits: ConnectionLimits, stop: impl Future<Output = ()>) {
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let graceful = GracefulShutdown::new();
    let builder = builder(limits);
    let mut stop = std::pin::pin!(stop);
    loop {
        let (permit, stream, client) = tokio::select! {
            () = &mut stop => break,
            accepted = accept(&listener, &slots) => accepted,
        };
        let (io, activity) = idle::Watched::new(stream);
        let service = app.clone().map_request(move |mut request: Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(client));
            request.map(Body::new)
        });
        let connection = builder.serve_connection(TokioIo::new(io), TowerToHyperService::new(service)).into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            let _slot = permit;
            tokio::select! {
                result = connection => {
                    if let Err(error) = result {
                        tracing::debug!(error = %error, "connection ended with an error");
                    }
                }
                () = activity.idle_for(limits.header_timeout, limits.idle_timeout) => tracing::debug!("closed an idle connection"),
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
}

/// hyper's connection settings: HTTP/1.1 and HTTP/2, with a timer so the header timeout runs.
fn builder(limits: ConnectionLimits) -> Builder<TokioExecutor> {
    let mut builder = Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(limits.header_timeout);
    builder.http2().timer(TokioTimer::new());
    builder
}

/// The next connection, once a slot is free. Accept errors (a full descriptor table, "Too many
/// open files") are logged and retried after a pause instead of spinning.
async fn accept(listener: &TcpListener, slots: &Arc<Semaphore>) -> (OwnedSemaphorePermit, TcpStream, SocketAddr) {
    let permit = Arc::clone(slots).acquire_owned().await.expect("the connection semaphore is never closed");
    loop {
        match listener.accept().await {
            Ok((stream, client)) => return (permit, stream, client),
            Err(error) if is_connection_error(&error) => {}
            Err(error) => {
                tracing::warn!(%error, "cannot accept a connection; trying again in a second");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}

/// Errors of one client's connection, not of the listener.
fn is_connection_error(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::ConnectionRefused | io::ErrorKind::ConnectionAborted | io::ErrorKind::ConnectionReset
    )
}

/// Raises this process's soft limit of open files to its hard limit (often 1,024 soft against
/// 524,288 hard), so the connection cap, not the descriptor table, bounds the connections.
pub fn raise_open_files_limit() {
    #[cfg(unix)]
    {
        let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
        // SAFETY: getrlimit and setrlimit only read and write the struct passed by reference.
        let raised = unsafe {
            libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 && limit.rlim_cur < limit.rlim_max && {
                limit.rlim_cur = limit.rlim_max;
                libc::setrlimit(libc::RLIMIT_NOFILE, &limit) == 0
            }
        };
        if raised {
            tracing::info!(open_files = limit.rlim_cur, "raised the open files limit");
        }
    }
}
