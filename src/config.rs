//! One typed configuration, read once in `main` from flags and environment variables.
use std::{fmt, net::SocketAddr, path::PathBuf, str::FromStr, time::Duration};

use clap::Args;
use croner::Cron;
use url::Url;

/// Everything the service needs to know about its surroundings. Every field is a flag with an
/// environment variable of the same name; the defaults work on a machine with a local Postgres.
#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Postgres connection string; the database is created if it does not exist.
    #[arg(long, env = "DATABASE_URL", default_value = "postgres://postgres@127.0.0.1:5432/clausewatch")]
    pub database_url: DatabaseUrl,
    /// Address the web server listens on.
    #[arg(long, env = "BIND_ADDR", default_value = "127.0.0.1:8080")]
    pub bind_addr: SocketAddr,
    /// Public address of the service, used in links and the fetcher's user agent.
    #[arg(long, env = "BASE_URL", default_value = "http://127.0.0.1:8080")]
    pub base_url: Url,
    /// Folder of Open Terms Archive declarations: the platforms and documents watched.
    #[arg(long, env = "CATALOG_DIR", default_value = "catalog")]
    pub catalog_dir: PathBuf,
    /// When captures run (cron, UTC; five fields, or six with seconds).
    #[arg(long, env = "FETCH_SCHEDULE", default_value = "0 6 * * *")]
    pub fetch_schedule: Schedule,
    /// Allow fetching loopback, private and link-local addresses (for tests and intranets).
    #[arg(long, env = "FETCH_ALLOW_PRIVATE", default_value_t = false, value_parser = parse_flag)]
    pub fetch_allow_private: bool,
    /// Seconds between two requests to the same host.
    #[arg(long, env = "FETCH_HOST_SPACING_SECS", default_value_t = 1.0)]
    pub fetch_host_spacing_secs: f64,
    /// The Chromium binary that renders pages built by scripts (`executeClientScripts`).
    /// Unset: `chromium`, `chromium-browser`, `google-chrome` or `google-chrome-stable` on `PATH`.
    #[arg(long, env = "CHROMIUM_PATH")]
    pub chromium_path: Option<PathBuf>,
    /// Seconds a rendered page may take to settle (selectors present, network idle).
    #[arg(long, env = "RENDER_TIME_LIMIT_SECS", default_value_t = 30)]
    pub render_time_limit_secs: u64,
    /// Seconds without a rendered capture after which the browser process is closed.
    #[arg(long, env = "BROWSER_IDLE_SECS", default_value_t = 300)]
    pub browser_idle_secs: u64,
    /// Days a document may fail or stay suspect before operators are mailed (once per spell).
    #[arg(long, env = "CAPTURE_ALERT_DAYS", default_value_t = 2)]
    pub capture_alert_days: u32,
    /// How many background workers run in this process.
    #[arg(long, env = "WORKERS", default_value_t = 2)]
    pub workers: usize,
    /// Failed logins per account within the rate-limit window before "try again later".
    #[arg(long, env = "LOGIN_ATTEMPTS_PER_ACCOUNT", default_value_t = 5)]
    pub login_attempts_per_account: i64,
    /// Login, sign-up and reset attempts per client IP within the rate-limit window.
    #[arg(long, env = "AUTH_ATTEMPTS_PER_IP", default_value_t = 30)]
    pub auth_attempts_per_ip: i64,
    /// Length of the rate-limit window, in minutes.
    #[arg(long, env = "RATE_LIMIT_WINDOW_MINS", default_value_t = 15)]
    pub rate_limit_window_mins: i64,
    /// Days a session lasts without activity.
    #[arg(long, env = "SESSION_DAYS", default_value_t = 14)]
    pub session_days: i64,
    /// Seconds a connection has to send a request's headers (and to start the next request).
    #[arg(long, env = "HTTP_HEADER_TIMEOUT_SECS", default_value_t = 10)]
    pub http_header_timeout_secs: u64,
    /// Seconds a request may take, its body included, before it is answered 503.
    #[arg(long, env = "HTTP_REQUEST_TIMEOUT_SECS", default_value_t = 30)]
    pub http_request_timeout_secs: u64,
    /// Seconds a connection may stay open without a byte either way.
    #[arg(long, env = "HTTP_IDLE_TIMEOUT_SECS", default_value_t = 60)]
    pub http_idle_timeout_secs: u64,
    /// Connections open at once; more wait until one closes.
    #[arg(long, env = "HTTP_MAX_CONNECTIONS", default_value_t = 4096)]
    pub http_max_connections: usize,
    /// Where `/metrics` is served, on a listener of its own (e.g. `127.0.0.1:9100`). Unset: nowhere.
    #[arg(long, env = "METRICS_ADDR")]
    pub metrics_addr: Option<SocketAddr>,
    /// Log format: `compact` for people, `json` for machines.
    #[arg(long, env = "LOG_FORMAT", default_value = "compact")]
    pub log_format: LogFormat,
    /// Where mail goes: `smtp://host:port` (add `?tls=required` for STARTTLS) or
    /// `smtps://user:pass@host:465`. Unset: mail is written as `.eml` files to `MAIL_DIR`.
    #[arg(long, env = "SMTP_URL")]
    pub smtp_url: Option<crate::mail::SmtpUrl>,
    /// The sender of every mail.
    #[arg(long, env = "MAIL_FROM", default_value = "ClauseWatch <alerts@localhost>")]
    pub mail_from: crate::mail::MailFrom,
    /// Folder for mail when `SMTP_URL` is unset (development).
    #[arg(long, env = "MAIL_DIR", default_value = "mail-out")]
    pub mail_dir: PathBuf,
    /// At most this many mails per second leave the outbox (per process): a ceiling for a
    /// server that limits senders; the default does not bind a 10,000-recipient alert.
    #[arg(long, env = "MAIL_RATE_PER_SEC", default_value_t = 2000.0)]
    pub mail_rate_per_sec: f64,
    /// SMTP connections each process delivers on at once.
    #[arg(long, env = "MAIL_CONCURRENCY", default_value_t = 8)]
    pub mail_concurrency: usize,
    /// How long an alert waits after its capture, in seconds, so that the changes of one capture
    /// run arrive in one mail.
    #[arg(long, env = "ALERT_BATCH_SECS", default_value_t = 600)]
    pub alert_batch_secs: u64,
    /// Key that signs unsubscribe links (at least 32 characters). Unset: a random key per
    /// process, so links in mail sent before a restart stop working: set it in production.
    #[arg(long, env = "SECRET_KEY", default_value = "")]
    pub secret_key: crate::mail::unsubscribe::SecretKey,
    /// The Watcher plan's price as `/pricing` shows it (free text, e.g. "€29 / month").
    #[arg(long, env = "PRICE_WATCHER", default_value = "€29 / month")]
    pub price_watcher: String,
    /// The Professional plan's price as `/pricing` shows it (free text, e.g. "€99 / month").
    #[arg(long, env = "PRICE_PROFESSIONAL", default_value = "€99 / month")]
    pub price_professional: String,
}

impl Config {
    /// The built-in defaults, with environment variables applied (tests and tools edit fields).
    pub fn from_env() -> Result<Config, clap::Error> {
        #[derive(clap::Parser)]
        struct Only {
            #[command(flatten)]
            config: Config,
        }
        <Only as clap::Parser>::try_parse_from(["clausewatch"]).map(|only| only.config)
    }

    /// How long an alert job waits after its capture.
    pub fn alert_batch(&self) -> Duration {
        Duration::from_secs(self.alert_batch_secs)
    }

    /// Spacing between requests to one host.
    pub fn fetch_host_spacing(&self) -> Duration {
        Duration::from_secs_f64(self.fetch_host_spacing_secs.max(0.0))
    }
}

/// Accepts the usual spellings of on and off, so `FETCH_ALLOW_PRIVATE=1` works.
fn parse_flag(raw: &str) -> Result<bool, String> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" | "" => Ok(false),
        other => Err(format!("expected 1/0, true/false, yes/no or on/off, got {other:?}")),
    }
}

/// A Postgres URL whose `Display` and `Debug` never show the password.
#[derive(Clone)]
pub struct DatabaseUrl(Url);

impl DatabaseUrl {
    /// The full URL, password included: only for connecting.
    pub fn expose(&self) -> &str {
        self.0.as_str()
    }

    /// `host:port` for messages.
    pub fn host(&self) -> String {
        format!("{}:{}", self.0.host_str().unwrap_or("localhost"), self.0.port().unwrap_or(5432))
    }

    /// The database name, `postgres` when the URL names none.
    pub fn database(&self) -> &str {
        self.0.path().trim_start_matches('/').split('/').next().filter(|d| !d.is_empty()).unwrap_or("postgres")
    }

    /// The same server with another database name.
    pub fn with_database(&self, name: &str) -> DatabaseUrl {
        let mut url = self.0.clone();
        url.set_path(&format!("/{name}"));
        DatabaseUrl(url)
    }
}

impl FromStr for DatabaseUrl {
    type Err = String;
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let url = Url::parse(raw).map_err(|e| format!("not a URL: {e}"))?;
        match url.scheme() {
            "postgres" | "postgresql" => Ok(DatabaseUrl(url)),
            other => Err(format!("expected a postgres:// URL, got {other}://")),
        }
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut shown = self.0.clone();
        if shown.password().is_some() {
            let _ = shown.set_password(Some("***"));
        }
        f.write_str(shown.as_str())
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// A cron schedule in UTC.
#[derive(Clone)]
pub struct Schedule {
    source: String,
    cron: Cron,
}

impl Schedule {
    /// The first tick strictly after `after`.
    pub fn next_after(&self, after: chrono::DateTime<chrono::Utc>) -> Option<chrono::DateTime<chrono::Utc>> {
        self.cron.find_next_occurrence(&after, false).ok()
    }

    /// The last tick at or before `at`.
    pub fn last_at_or_before(&self, at: chrono::DateTime<chrono::Utc>) -> Option<chrono::DateTime<chrono::Utc>> {
        self.cron.find_previous_occurrence(&at, true).ok()
    }
}

impl FromStr for Schedule {
    type Err = String;
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let cron = Cron::from_str(raw.trim()).map_err(|e| format!("not a cron expression ({e})"))?;
        Ok(Schedule { source: raw.trim().to_owned(), cron })
    }
}

impl fmt::Debug for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.source)
    }
}

impl fmt::Display for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

/// How logs are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Compact,
    Json,
}

impl FromStr for LogFormat {
    type Err = String;
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "compact" | "text" | "" => Ok(LogFormat::Compact),
            "json" => Ok(LogFormat::Json),
            other => Err(format!("expected compact or json, got {other:?}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_url_never_shows_its_password() {
        let url: DatabaseUrl = "postgres://app:hunter2@db.example:6543/cw".parse().unwrap();
        assert!(!url.to_string().contains("hunter2"));
        assert!(!format!("{url:?}").contains("hunter2"));
        assert_eq!(url.host(), "db.example:6543");
        assert_eq!(url.database(), "cw");
    }

    #[test]
    fn the_default_schedule_ticks_daily_at_six_utc() {
        let schedule: Schedule = "0 6 * * *".parse().unwrap();
        let at = chrono::DateTime::parse_from_rfc3339("2026-11-29T07:00:00Z").unwrap().to_utc();
        let next = schedule.next_after(at).unwrap();
        assert_eq!(next.to_rfc3339(), "2026-11-30T06:00:00+00:00");
    }

    #[test]
    fn garbage_schedules_and_urls_are_refused() {
        assert!("every day".parse::<Schedule>().is_err());
        assert!("mysql://x/y".parse::<DatabaseUrl>().is_err());
        assert!(parse_flag("maybe").is_err());
    }
}
