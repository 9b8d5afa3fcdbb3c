//! `clausewatch mail status` and `clausewatch mail retry --dead`: the outbox for operators.
//! Nothing printed here names a recipient; addresses inside server replies are masked.
use std::io::Write;
use std::sync::LazyLock;

use anyhow::{Context, bail};
use chrono::{DateTime, TimeDelta, Utc};
use regex::Regex;
use sqlx::PgPool;

use crate::mail::outbox;

/// How many recent errors `mail status` shows.
const ERRORS_SHOWN: i64 = 5;

/// `clausewatch mail …`
#[derive(Debug, Clone, clap::Args)]
pub struct MailArgs {
    #[command(subcommand)]
    pub command: MailCommand,
}

/// What to do with the outbox.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum MailCommand {
    /// Mails per status, the oldest queued mail and the last errors.
    Status,
    /// Queue mails again.
    Retry {
        /// Re-queue every dead mail (attempts reset, due now).
        #[arg(long)]
        dead: bool,
    },
}

/// Runs the command.
pub async fn run(pool: &PgPool, args: &MailArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut conn = pool.acquire().await.context("cannot reach the database")?;
    match args.command {
        MailCommand::Status => status(&mut conn, Utc::now(), out).await,
        MailCommand::Retry { dead: true } => {
            let count = outbox::requeue_dead(&mut conn).await.context("cannot re-queue dead mails")?;
            let s = if count == 1 { "" } else { "s" };
            writeln!(out, "re-queued {count} dead mail{s}; the delivery loop sends them now")?;
            Ok(())
        }
        MailCommand::Retry { dead: false } => bail!("say which mails to retry: `clausewatch mail retry --dead`"),
    }
}

async fn status(conn: &mut sqlx::PgConnection, now: DateTime<Utc>, out: &mut dyn Write) -> anyhow::Result<()> {
    let counts = outbox::status_counts(conn).await.context("cannot count mails")?;
    let count = |status: &str| counts.iter().find(|(s, _)| s == status).map_or(0, |(_, n)| *n);
    let statuses = ["queued", "sending", "sent", "failed", "dead"];
    let line: Vec<String> = statuses.iter().map(|s| format!("{} {s}", count(s))).collect();
    writeln!(out, "outbox: {}", line.join(", "))?;
    match outbox::oldest_queued(conn).await.context("cannot read the queue")? {
        Some(oldest) => writeln!(
            out,
            "oldest queued: {}, queued {} ago, {} attempt{} so far, next attempt {}",
            oldest.template,
            age(now - oldest.created_at),
            oldest.attempts,
            if oldest.attempts == 1 { "" } else { "s" },
            if oldest.next_attempt_at <= now {
                "now".to_owned()
            } else {
                format!("in {}", age(oldest.next_attempt_at - now))
            },
        )?,
        None => writeln!(out, "oldest queued: none")?,
    }
    let errors = outbox::recent_errors(conn, ERRORS_SHOWN).await.context("cannot read the errors")?;
    if errors.is_empty() {
        writeln!(out, "last errors: none")?;
    } else {
        writeln!(out, "last errors (newest first):")?;
    }
    for e in errors {
        let at = e
            .last_attempt_at
            .map_or_else(|| "unknown time".to_owned(), |t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string());
        writeln!(out, "  {at}  #{} {} ({}): {}", e.outbox_id, e.template, e.status, mask_addresses(&e.last_error))?;
    }
    Ok(())
}

/// "3d 4h", "2h 5m", "5m 3s", "12s".
fn age(delta: TimeDelta) -> String {
    let secs = delta.num_seconds().max(0);
    let (d, h, m, s) = (secs / 86_400, secs / 3_600 % 24, secs / 60 % 60, secs % 60);
    match (d, h, m) {
        (0, 0, 0) => format!("{s}s"),
        (0, 0, _) => format!("{m}m {s}s"),
        (0, _, _) => format!("{h}h {m}m"),
        _ => format!("{d}d {h}h"),
    }
}

/// Replaces every email address in `text` by its first letter and its top-level domain:
/// `bob@example.org` becomes `b***@***.org`.
pub fn mask_addresses(text: &str) -> String {
    static ADDRESS: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"([^\s<>"'(),;:@]+)@([^\s<>"'(),;@]+)"#).expect("a valid pattern"));
    ADDRESS
        .replace_all(text, |caps: &regex::Captures<'_>| {
            let first = caps[1].chars().next().unwrap_or('*');
            let tld = caps[2].rsplit_once('.').map_or("", |(_, tld)| tld);
            format!("{first}***@***.{tld}")
        })
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_in_server_replies_are_masked() {
        assert_eq!(
            mask_addresses("550 5.1.1 <bob.smith@example.org>: mailbox unavailable"),
            "550 5.1.1 <b***@***.org>: mailbox unavailable"
        );
        assert_eq!(mask_addresses("451 4.3.0 try again later"), "451 4.3.0 try again later");
    }

    #[test]
    fn ages_read_in_two_units() {
        assert_eq!(age(TimeDelta::seconds(12)), "12s");
        assert_eq!(age(TimeDelta::seconds(7_500)), "2h 5m");
        assert_eq!(age(TimeDelta::days(3)), "3d 0h");
    }
}
