//! Operators hear of a document that stops capturing. Open Terms Archive files an issue when a
//! declaration stops working; here each operator gets one mail per failure spell (the failed or
//! suspect captures since the last good one) once the spell is `CAPTURE_ALERT_DAYS` old.
use chrono::Utc;
use sqlx::PgPool;

use crate::accounts::{mails, notices};
use crate::config::Config;
use crate::db::capture_health::{self, CaptureHealthRow};
use crate::domain::account::UserId;

/// Whether a document's failure spell has lasted long enough to tell operators.
pub fn spell_is_due(health: &CaptureHealthRow, days: u32, now: chrono::DateTime<Utc>) -> bool {
    health.failing_since.is_some_and(|since| now - since >= chrono::Duration::days(i64::from(days)))
}

/// After a capture: mails every operator about the document's failure spell when it is due and
/// they were not told of it yet; returns how many mails this call queued.
pub async fn tell_operators_if_failing(pool: &PgPool, document_id: i64, config: &Config) -> anyhow::Result<usize> {
    let mut tx = pool.begin().await?;
    let Some(health) = capture_health::of_document(&mut tx, document_id).await? else {
        return Ok(0);
    };
    let days = config.capture_alert_days;
    let (Some(since), Some(spell), Some(last_at)) =
        (health.failing_since, health.spell_event_id, health.last_capture_at)
    else {
        return Ok(0);
    };
    if health.operators_mailed_at.is_some() || !spell_is_due(&health, days, Utc::now()) {
        return Ok(0);
    }
    let operators = capture_health::operators(&mut tx).await?;
    if operators.is_empty() {
        tracing::warn!(document.id = document_id, %since, "document failing and no operator to tell: `clausewatch admin grant EMAIL` names one");
        return Ok(0);
    }
    if !capture_health::record_notice(&mut tx, spell, document_id, operators.len()).await? {
        return Ok(0);
    }
    let name = format!("{} {}", health.platform_name, health.terms_type);
    let doc = notices::FailingDocument {
        name: &name,
        since,
        failed_captures: health.failed_captures,
        last_at,
        last_outcome: health.last_outcome.as_deref().unwrap_or("failed"),
        last_reason: health.last_error.as_deref().unwrap_or("no reason was recorded"),
    };
    let mail = notices::capture_failing(&config.base_url, &doc, days)?;
    for operator in &operators {
        let key = format!("capture-failing:{spell}:{}", operator.user_id);
        mails::enqueue(&mut tx, &key, None, Some(UserId(operator.user_id)), &operator.email, &mail).await?;
    }
    tx.commit().await?;
    tracing::warn!(document.id = document_id, %since, operators = operators.len(), "document failing: operators mailed");
    Ok(operators.len())
}
