//! Same-day alerts. A capture that stores a substantive change queues one `alert` job in its
//! own transaction (history from `import-ota` and `rediff` never does). The job fans out to the
//! eligible members (see `recipients`) and writes one outbox row per recipient.
//!
//! Batching: the job runs `BATCH_DELAY` after the capture, and each recipient's mail lists every
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

/// How long an alert waits after its capture, so that one capture run makes one mail.
pub const BATCH_DELAY: Duration = Duration::from_secs(10 * 60);

/// The payload of an alert job.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AlertPayload {
    pub change_id: i64,
}

/// Queues the alert job of a captured change, in the capture's transaction, when the change is
/// alerts (substantive); returns the job id.
pub async fn enqueue_for_capture(conn: &mut PgConnection, stored: &Stored) -> Result<Option<i64>, sqlx::Error> {
    let Some((change_id, class, _)) = &stored.change else { return Ok(None) };
    if !class.alerts() {
        return Ok(None);
    }
    let payload = serde_json::json!({ "change_id": change_id });
    let run_after = Utc::now() + chrono::Duration::from_std(BATCH_DELAY).unwrap_or_default();
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

/// Queues one mail per eligible recipient not yet alerted about this change; returns how many
/// mails this call queued. Running it again queues nothing more.
pub async fn fan_out(pool: &PgPool, config: &Config, change_id: i64) -> anyhow::Result<usize> {
    let mut conn = pool.acquire().await?;
    let candidates = recipients::candidates(&mut conn, change_id).await.context("cannot find alert recipients")?;
    drop(conn);
    let recipients = recipients::group(candidates, change_id);
    let mut queued = 0;
    for recipient in &recipients {
        if queue_for(pool, config, recipient)
            .await
            .with_context(|| format!("cannot queue the alert for user {}", recipient.user_id))?
        {
            queued += 1;
        }
    }
    tracing::info!(change.id = change_id, recipients = recipients.len(), queued, "alert fanned out");
    Ok(queued)
}

/// Renders and queues one recipient's mail and records what it lists, in one transaction.
async fn queue_for(pool: &PgPool, config: &Config, recipient: &Recipient) -> anyhow::Result<bool> {
    let Ok(email) = EmailAddress::parse(&recipient.email) else {
        tracing::warn!(user.id = recipient.user_id, "a stored address does not parse: alert skipped");
        return Ok(false);
    };
    let mut tx = pool.begin().await?;
    let changes = super::changes::load(&mut tx, &recipient.change_ids, &config.base_url).await?;
    let what = Unsubscribe { user_id: recipient.user_id, org_id: recipient.org_id, list: List::Alerts };
    let (unsubscribe_url, headers) =
        unsubscribe::list_headers(&config.secret_key, &config.base_url, &config.mail_from.0, what);
    let settings_url = super::changes::link(&config.base_url, "/account");
    let rendered =
        mail::AlertMail { changes, unsubscribe_url, settings_url }.render().context("cannot render the alert")?;
    let first = recipient.change_ids.first().copied().unwrap_or_default();
    let key = format!("alert:{first}:{}", recipient.user_id);
    let new = NewMail {
        idempotency_key: key.clone(),
        org_id: Some(recipient.org_id),
        user_id: Some(recipient.user_id),
        recipient: email,
        template: "alert",
        rendered,
        headers,
    };
    let queued = outbox::enqueue(&mut tx, &new).await?;
    recipients::record_delivery(&mut tx, recipient, &key).await?;
    tx.commit().await?;
    Ok(queued)
}
