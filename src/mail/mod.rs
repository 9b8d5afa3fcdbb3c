//! Mail: the outbox, rendering, the delivery loop and the `Mailer` that hands a message to
//! SMTP (production) or writes it to a folder (development, announced in the log).
pub mod alerts;
pub mod changes;
pub mod delivery;
pub mod digest;
pub mod message;
pub mod outbox;
pub mod preferences;
pub mod render;
pub mod smtp;
pub mod unsubscribe;

use std::{
    fmt,
    path::PathBuf,
    str::FromStr,
    sync::{Arc, Mutex},
    time::Duration,
};

use anyhow::Context;
use lettre::{
    AsyncTransport, Message, Tokio1Executor,
    message::Mailbox,
    transport::smtp::{AsyncSmtpTransport, PoolConfig, authentication::Credentials},
};
use url::Url;

use crate::config::Config;

/// How long one SMTP command may take before the attempt counts as a temporary failure.
pub const SMTP_TIMEOUT: Duration = Duration::from_secs(20);

/// An `smtp://` or `smtps://` URL whose `Debug` and `Display` hide the password.
#[derive(Clone)]
pub struct SmtpUrl(Url);

impl SmtpUrl {
    /// The full URL, password included: only for connecting.
    pub fn expose(&self) -> &str {
        self.0.as_str()
    }
}

impl FromStr for SmtpUrl {
    type Err = String;
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let url = Url::parse(raw.trim()).map_err(|e| format!("SMTP_URL is not a URL: {e}"))?;
        match (url.scheme(), url.host_str()) {
            ("smtp" | "smtps", Some(_)) => Ok(SmtpUrl(url)),
            ("smtp" | "smtps", None) => Err("SMTP_URL names no host".into()),
            (other, _) => Err(format!("SMTP_URL must start with smtp:// or smtps://, not {other}://")),
        }
    }
}

impl fmt::Display for SmtpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut shown = self.0.clone();
        if shown.password().is_some() {
            let _ = shown.set_password(Some("***"));
        }
        f.write_str(shown.as_str())
    }
}

impl fmt::Debug for SmtpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// The sender, `Name <address>` or a bare address.
#[derive(Debug, Clone)]
pub struct MailFrom(pub Mailbox);

impl FromStr for MailFrom {
    type Err = String;
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        raw.trim().parse().map(MailFrom).map_err(|e| format!("MAIL_FROM is not a mailbox ({e})"))
    }
}

/// Why a message was not handed over.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Worth retrying: connection refused, timeout, 4xx.
    #[error("temporary: {0}")]
    Temporary(String),
    /// Never worth retrying: 5xx, an address or message that cannot be built.
    #[error("permanent: {0}")]
    Permanent(String),
}

#[derive(Clone)]
enum Backend {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Plain(Arc<smtp::PlainSmtp>),
    Files(PathBuf),
    Memory(Arc<Mutex<Vec<Vec<u8>>>>),
}

/// Sends messages through one backend; cheap to clone (the SMTP pool is shared).
#[derive(Clone)]
pub struct Mailer {
    backend: Backend,
    from: Mailbox,
}

impl fmt::Debug for Mailer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.backend {
            Backend::Smtp(_) | Backend::Plain(_) => "Mailer(smtp)",
            Backend::Files(_) => "Mailer(files)",
            Backend::Memory(_) => "Mailer(memory)",
        })
    }
}

impl Mailer {
    /// SMTP when `SMTP_URL` is set, otherwise `.eml` files in `MAIL_DIR` (said in the log).
    pub fn from_config(config: &Config) -> anyhow::Result<Mailer> {
        let from = config.mail_from.0.clone();
        match &config.smtp_url {
            Some(url) => Mailer::smtp(url, from),
            None => {
                tracing::warn!(folder = %config.mail_dir.display(), "SMTP_URL is not set: mail is written to files, not sent");
                Ok(Mailer::files(config.mail_dir.clone(), from))
            }
        }
    }

    /// A pooled SMTP mailer; `smtp://host:port?tls=required` upgrades with STARTTLS,
    /// `smtps://` speaks TLS from the start, and plain `smtp://` keeps its own connections with
    /// `TCP_NODELAY` (see `smtp`).
    pub fn smtp(url: &SmtpUrl, from: Mailbox) -> anyhow::Result<Mailer> {
        let parsed = &url.0;
        if parsed.scheme() == "smtp" && !parsed.query_pairs().any(|(k, _)| k == "tls") {
            let host = parsed.host_str().unwrap_or("localhost").trim_matches(['[', ']']).to_owned();
            let credentials = (!parsed.username().is_empty()).then(|| {
                let decode = |s: &str| percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned();
                Credentials::new(decode(parsed.username()), decode(parsed.password().unwrap_or("")))
            });
            let plain = smtp::PlainSmtp::new(host, parsed.port().unwrap_or(25), credentials, SMTP_TIMEOUT);
            return Ok(Mailer { backend: Backend::Plain(Arc::new(plain)), from });
        }
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose())
            .with_context(|| format!("SMTP_URL {url} is not usable"))?
            .timeout(Some(SMTP_TIMEOUT))
            .pool_config(PoolConfig::new().max_size(32).idle_timeout(Duration::from_secs(60)))
            .build();
        Ok(Mailer { backend: Backend::Smtp(transport), from })
    }

    /// Writes each message to `<folder>/<message-id>.eml`.
    pub fn files(folder: PathBuf, from: Mailbox) -> Mailer {
        Mailer { backend: Backend::Files(folder), from }
    }

    /// Keeps messages in memory (unit tests): see `sent`.
    pub fn in_memory(from: Mailbox) -> Mailer {
        Mailer { backend: Backend::Memory(Arc::default()), from }
    }

    /// The sender.
    pub fn from_mailbox(&self) -> &Mailbox {
        &self.from
    }

    /// Messages kept by an in-memory mailer, as sent bytes.
    pub fn sent(&self) -> Vec<Vec<u8>> {
        match &self.backend {
            Backend::Memory(sent) => sent.lock().map(|s| s.clone()).unwrap_or_default(),
            _ => Vec::new(),
        }
    }

    /// Hands one message over; `Ok` means the server (or folder) accepted it.
    pub async fn send(&self, message: Message, message_id: &str) -> Result<(), SendError> {
        match &self.backend {
            Backend::Smtp(transport) => {
                let sent = tokio::time::timeout(SMTP_TIMEOUT * 3, transport.send(message)).await;
                match sent {
                    Err(_) => Err(SendError::Temporary("the SMTP server did not answer in time".into())),
                    Ok(Ok(_)) => Ok(()),
                    Ok(Err(e)) if e.is_permanent() => Err(SendError::Permanent(e.to_string())),
                    Ok(Err(e)) => Err(SendError::Temporary(e.to_string())),
                }
            }
            Backend::Plain(plain) => match tokio::time::timeout(SMTP_TIMEOUT * 3, plain.send(&message)).await {
                Err(_) => Err(SendError::Temporary("the SMTP server did not answer in time".into())),
                Ok(sent) => sent,
            },
            Backend::Files(folder) => {
                let name = message_id.trim_matches(['<', '>']).replace(['/', '\\'], "_");
                tokio::fs::create_dir_all(folder)
                    .await
                    .map_err(|e| SendError::Temporary(format!("cannot create {}: {e}", folder.display())))?;
                let path = folder.join(format!("{name}.eml"));
                tokio::fs::write(&path, message.formatted())
                    .await
                    .map_err(|e| SendError::Temporary(format!("cannot write {}: {e}", path.display())))
            }
            Backend::Memory(sent) => {
                sent.lock()
                    .map_err(|_| SendError::Temporary("the in-memory mailer is poisoned".into()))?
                    .push(message.formatted());
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_urls_hide_passwords_and_refuse_other_schemes() {
        let url: SmtpUrl = "smtps://user:hunter2@mail.example:465".parse().unwrap();
        assert!(!url.to_string().contains("hunter2"));
        assert!(!format!("{url:?}").contains("hunter2"));
        assert!("http://mail.example".parse::<SmtpUrl>().is_err());
        assert!("smtp://".parse::<SmtpUrl>().is_err());
    }

    #[test]
    fn the_default_sender_parses() {
        let from: MailFrom = "ClauseWatch <alerts@localhost>".parse().unwrap();
        assert_eq!(from.0.email.to_string(), "alerts@localhost");
        assert!("not a mailbox".parse::<MailFrom>().is_err());
    }
}
