//! Same-day alerts. A capture that stores a substantive change queues one `alert` job in its
//! own transaction (history from `import-ota` and `rediff` never does). The job fans out to the
//! eligible members (see `recipients`) and writes one outbox row per recipient.
//!
//! Batching: the job runs `ALERT_BATCH_SECS` (default 10 minutes) after the capture, and each recipient's mail lists every
//! substantive change of their tracked platforms captured that UTC day that they have not been
//! alerted about yet (`alert_deliveries`). Captures are one job per document, minutes apart, so
//! the changes of one capture run arrive in one mail; the jobs of the other changes in it find
//! them delivered and send nothing. The key is `alert:{first change id}:{user id}`.
pub mod mail;
pub mod recipients;

use std::time::Duration;

use anyhow::Context;
use chrono::Utc;
use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, PgPool};

use super::{
    outbox::{self, NewMail},
    unsubscribe::{self, List, Unsubscribe},
};
use crate::archive::changes::Stored;
use crate::config::Config;
use crate::domain::email::EmailAddress;
use crate::jobs::JobContext;
use recipients::Recipient;

/// The job kind.
pub const KIND: &str = "alert";

/// The payload of an alert job.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AlertPayload {
    pub change_id: i64,
}

/// Queues the alert job of a captured change, in the capture's transaction, when the change is
/// alerts (substantive); returns the job id.
pub async fn enqueue_for_capture(
    conn: &mut PgConnection,
    stored: &Stored,
    batch_delay: Duration,
) -> Result<Option<i64>, sqlx::Error> {
    let Some((change_id, class, _)) = &stored.change else { return Ok(None) };
    if !class.alerts() {
        return Ok(None);
    }
    let payload = serde_json::json!({ "change_id": change_id });
    let run_after = Utc::now() + chrono::Duration::from_std(batch_delay).unwrap_or_default();
    sqlx::query_scalar("insert into jobs (kind, payload, run_after) values ($1, $2, $3) returning job_id")
        .bind(KIND)
        .bind(payload)
        .bind(run_after)
        .fetch_one(conn)
        .await
        .map(Some)
}

/// Runs an alert job (see `fan_out`).
pub async fn run(ctx: &JobContext, payload: &serde_json::Value) -> anyhow::Result<()> {
    let payload: AlertPayload = serde_json::from_value(payload.clone()).context("bad alert payload")?;
    fan_out(&ctx.pool, &ctx.config, payload.change_id).await.map(|_| ())
}

/// Recipients whose mails are written in one transaction.
const FAN_OUT_CHUNK: usize = 1_000;

/// Queues one mail per eligible recipient not yet alerted about this change; returns how many
/// mails this call queued. Running it again queues nothing more.
///
/// The changes are read once for all recipients; each chunk of recipients is rendered, then
/// written with one insert into the outbox and one into `alert_deliveries`, in one transaction.
pub async fn fan_out(pool: &PgPool, config: &Config, change_id: i64) -> anyhow::Result<usize> {
    let mut conn = pool.acquire().await?;
    let candidates = recipients::candidates(&mut conn, change_id).await.context("cannot find alert recipients")?;
    let recipients = recipients::group(candidates, change_id);
    let mut ids: Vec<i64> = recipients.iter().flat_map(|r| r.change_ids.iter().copied()).collect();
    ids.sort_unstable();
    ids.dedup();
    let changes = super::changes::load(&mut conn, &ids, &config.base_url).await.context("cannot read the changes")?;
    drop(conn);
    let mut queued = 0;
    for chunk in recipients.chunks(FAN_OUT_CHUNK) {
        let mails: Vec<(NewMail, &Recipient)> =
            chunk.iter().filter_map(|r| render_for(config, &changes, r).transpose()).collect::<anyhow::Result<_>>()?;
        let mut tx = pool.begin().await?;
        let new: Vec<&NewMail> = mails.iter().map(|(mail, _)| mail).collect();
        queued += outbox::enqueue_many(&mut tx, &new).await.context("cannot queue the alerts")?;
        let delivered: Vec<(&Recipient, &str)> =
            mails.iter().map(|(mail, r)| (*r, mail.idempotency_key.as_str())).collect();
        recipients::record_deliveries(&mut tx, &delivered).await.context("cannot record the alerts")?;
        tx.commit().await?;
    }
    if recipients.len() >= FAN_OUT_CHUNK {
        // Planner statistics must not wait for autovacuum after thousands of new rows.
        sqlx::query("analyze email_outbox, alert_deliveries").execute(pool).await?;
    }
    tracing::info!(change.id = change_id, recipients = recipients.len(), queued, "alert fanned out");
    Ok(queued)
}

/// One recipient's mail, listing their changes (None when the stored address does not parse).
fn render_for<'r>(
    config: &Config,
    changes: &[super::changes::ChangeView],
    recipient: &'r Recipient,
) -> anyhow::Result<Option<(NewMail, &'r Recipient)>> {
    let Ok(email) = EmailAddress::parse(&recipient.email) else {
        tracing::warn!(user.id = recipient.user_id, "a stored address does not parse: alert skipped");
        return Ok(None);
    };
    let listed: Vec<_> = changes.iter().filter(|c| recipient.change_ids.contains(&c.change_id)).cloned().collect();
    let what = Unsubscribe { user_id: recipient.user_id, org_id: recipient.org_id, list: List::Alerts };
    let (unsubscribe_url, headers) =
        unsubscribe::list_headers(&config.secret_key, &config.base_url, &config.mail_from.0, what);
    let settings_url = super::changes::link(&config.base_url, "/account");
    let rendered = mail::AlertMail { changes: listed, unsubscribe_url, settings_url }
        .render()
        .context("cannot render the alert")?;
    let first = recipient.change_ids.first().copied().unwrap_or_default();
    let mail = NewMail {
        idempotency_key: format!("alert:{first}:{}", recipient.user_id),
        org_id: Some(recipient.org_id),
        user_id: Some(recipient.user_id),
        recipient: email,
        template: "alert",
        rendered,
        headers,
    };
    Ok(Some((mail, recipient)))
}
