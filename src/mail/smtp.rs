//! Plain `smtp://` delivery on kept-open connections with `TCP_NODELAY`.
//!
//! lettre's pooled transport writes a message and its terminating `\r\n.\r\n` in two writes;
//! without `TCP_NODELAY` the second waits for the server's delayed acknowledgement (about 40 ms a
//! mail), and it sends a NOOP before reusing a connection. Neither is needed for a relay on a
//! trusted network, where a 10,000-recipient alert must leave in seconds. TLS URLs keep lettre's
//! transport (see `Mailer::smtp`).
use std::time::{Duration, Instant};

use lettre::{
    Message,
    transport::smtp::{
        Error,
        authentication::{Credentials, Mechanism},
        client::AsyncSmtpConnection,
        extension::ClientId,
    },
};
use tokio::{net::TcpStream, sync::Mutex};

use super::SendError;

/// Connections idle longer than this are closed instead of reused (servers time them out).
const MAX_IDLE: Duration = Duration::from_secs(30);

/// Open connections to one plain SMTP server, handed to one sender at a time.
pub struct PlainSmtp {
    host: String,
    port: u16,
    credentials: Option<Credentials>,
    timeout: Duration,
    idle: Mutex<Vec<(AsyncSmtpConnection, Instant)>>,
}

impl PlainSmtp {
    /// A pool for `host:port`, logging in with `credentials` when given.
    pub fn new(host: String, port: u16, credentials: Option<Credentials>, timeout: Duration) -> PlainSmtp {
        PlainSmtp { host, port, credentials, timeout, idle: Mutex::new(Vec::new()) }
    }

    /// Sends one message; a kept connection that turns out closed is replaced once.
    pub async fn send(&self, message: &Message) -> Result<(), SendError> {
        let (envelope, bytes) = (message.envelope(), message.formatted());
        let reused = self.take_idle().await;
        let was_reused = reused.is_some();
        let mut conn = match reused {
            Some(conn) => conn,
            None => self.connect().await?,
        };
        let mut sent = conn.send(envelope, &bytes).await;
        if was_reused && sent.as_ref().is_err_and(|e| !e.is_permanent()) {
            conn = self.connect().await?;
            sent = conn.send(envelope, &bytes).await;
        }
        if !conn.has_broken() {
            self.idle.lock().await.push((conn, Instant::now()));
        }
        sent.map(|_| ()).map_err(refusal)
    }

    async fn take_idle(&self) -> Option<AsyncSmtpConnection> {
        let mut idle = self.idle.lock().await;
        while let Some((conn, since)) = idle.pop() {
            if since.elapsed() < MAX_IDLE && !conn.has_broken() {
                return Some(conn);
            }
        }
        None
    }

    async fn connect(&self) -> Result<AsyncSmtpConnection, SendError> {
        let server = format!("{}:{}", self.host, self.port);
        let unreachable = |e: String| SendError::Temporary(format!("cannot connect to the SMTP server {server}: {e}"));
        let stream = match tokio::time::timeout(self.timeout, TcpStream::connect((self.host.as_str(), self.port))).await
        {
            Ok(Ok(stream)) => stream,
            Ok(Err(e)) => return Err(unreachable(e.to_string())),
            Err(_) => return Err(unreachable("timed out".into())),
        };
        stream.set_nodelay(true).map_err(|e| unreachable(e.to_string()))?;
        let mut conn = AsyncSmtpConnection::connect_with_transport(Box::new(stream), &ClientId::default())
            .await
            .map_err(refusal)?;
        if let Some(credentials) = &self.credentials {
            conn.auth(&[Mechanism::Plain, Mechanism::Login], credentials).await.map_err(refusal)?;
        }
        Ok(conn)
    }
}

/// A server's refusal or a lost connection, as the outbox records it.
fn refusal(e: Error) -> SendError {
    if e.is_permanent() { SendError::Permanent(e.to_string()) } else { SendError::Temporary(e.to_string()) }
}
