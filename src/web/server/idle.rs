//! A socket that remembers when it last moved a byte, so a connection with no traffic either way
//! can be closed whatever hyper is waiting for.
use std::{
    io,
    pin::Pin,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    task::{Context, Poll},
    time::Duration,
};

use tokio::{
    io::{AsyncRead, AsyncWrite, ReadBuf},
    net::TcpStream,
    time::Instant,
};

/// The socket, noting each read and write that moved bytes.
pub struct Watched {
    stream: TcpStream,
    activity: Activity,
}

/// When the socket last moved a byte, in milliseconds since it was accepted (0: never).
#[derive(Clone)]
pub struct Activity {
    since: Instant,
    last_ms: Arc<AtomicU64>,
}

impl Watched {
    pub fn new(stream: TcpStream) -> (Watched, Activity) {
        let activity = Activity { since: Instant::now(), last_ms: Arc::default() };
        (Watched { stream, activity: activity.clone() }, activity)
    }
}

impl Activity {
    fn touch(&self) {
        let ms = u64::try_from(self.since.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_ms.store(ms.max(1), Ordering::Relaxed);
    }

    /// Resolves once no byte has moved for `limit`, or none at all arrived within `first_byte`
    /// (hyper's header timeout starts only once it knows the protocol, that is after a byte).
    pub async fn idle_for(&self, first_byte: Duration, limit: Duration) {
        loop {
            let last_ms = self.last_ms.load(Ordering::Relaxed);
            let allowed = if last_ms == 0 { first_byte.min(limit) } else { limit };
            let last = self.since + Duration::from_millis(last_ms);
            if last.elapsed() >= allowed {
                return;
            }
            tokio::time::sleep_until(last + allowed).await;
        }
    }
}

impl AsyncRead for Watched {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let polled = Pin::new(&mut this.stream).poll_read(cx, buf);
        if buf.filled().len() > before {
            this.activity.touch();
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, data: &[u8]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.stream).poll_write(cx, data);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            this.activity.touch();
        }
        polled
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.stream).poll_write_vectored(cx, bufs);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            this.activity.touch();
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}
