//! Plan changes without a card: operators (CLI, admin page) and the self-serve trial.
use chrono::{DateTime, Duration, Utc};
use sqlx::PgConnection;

use crate::db::{organisations, tracking};
use crate::domain::account::OrgId;
use crate::domain::plan::Plan;

/// How long the self-serve trial lasts.
pub const TRIAL_DAYS: i64 = 14;
/// The plan the trial gives.
pub const TRIAL_PLAN: Plan = Plan::Watcher;

/// The result of a plan change: what stays tracked and what is paused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanChanged {
    pub org: OrgId,
    pub plan: Plan,
    pub until: Option<DateTime<Utc>>,
    pub kept: Vec<String>,
    pub paused: Vec<String>,
}

impl PlanChanged {
    /// One sentence for the person who changed it.
    pub fn summary(&self) -> String {
        let until = self.until.map(|u| format!(" until {}", u.format("%Y-%m-%d %H:%M UTC"))).unwrap_or_default();
        let mut text = format!("Organisation {} is now on {}{until}.", self.org, self.plan.name());
        text.push_str(&tracking_sentence(&self.kept, &self.paused));
        text
    }
}

/// "openai stays tracked; anthropic and xai are paused …" (empty when nothing is tracked).
pub fn tracking_sentence(kept: &[String], paused: &[String]) -> String {
    if kept.is_empty() && paused.is_empty() {
        return String::new();
    }
    let mut text = match kept.len() {
        0 => " No platform stays tracked.".to_owned(),
        1 => format!(" {} stays tracked.", kept[0]),
        _ => format!(" {} stay tracked.", kept.join(", ")),
    };
    if !paused.is_empty() {
        text.push_str(&format!(
            " Paused (kept, but no alerts or digests) until the plan allows them again: {}.",
            paused.join(", ")
        ));
    }
    text
}

/// Why a plan change was refused; messages are safe to show.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanChangeError {
    #[error("No organisation {0} exists.")]
    NoSuchOrg(OrgId),
    #[error("This organisation already used its free trial. Ask us about a paid plan.")]
    TrialUsed,
    #[error("This organisation is already on {0}; a trial would not add anything.")]
    AlreadyPaid(Plan),
    #[error("This form was already submitted; nothing was changed twice.")]
    AlreadyDone,
}

/// Sets an organisation's plan (operators). `key` makes a resubmitted form a no-op.
pub async fn set_plan(
    conn: &mut PgConnection,
    org: OrgId,
    plan: Plan,
    until: Option<DateTime<Utc>>,
    key: &str,
    by: &str,
) -> anyhow::Result<Result<PlanChanged, PlanChangeError>> {
    if organisations::lock_org(conn, org).await?.is_none() {
        return Ok(Err(PlanChangeError::NoSuchOrg(org)));
    }
    if !organisations::record_plan_change(conn, key, org, plan.as_str(), until, by).await? {
        return Ok(Err(PlanChangeError::AlreadyDone));
    }
    organisations::set_plan(conn, org, plan.as_str(), until).await?;
    Ok(Ok(changed(conn, org, Plan::effective(plan, until, Utc::now()), until).await?))
}

/// Starts the 14-day Watcher trial, once per organisation and only from Free.
pub async fn start_trial(conn: &mut PgConnection, org: OrgId) -> anyhow::Result<Result<PlanChanged, PlanChangeError>> {
    let Some(row) = organisations::lock_org(conn, org).await? else {
        return Ok(Err(PlanChangeError::NoSuchOrg(org)));
    };
    if row.trial_used_at.is_some() {
        return Ok(Err(PlanChangeError::TrialUsed));
    }
    let current = Plan::effective(Plan::parse(&row.plan).unwrap_or(Plan::Free), row.plan_until, Utc::now());
    if current != Plan::Free {
        return Ok(Err(PlanChangeError::AlreadyPaid(current)));
    }
    let until = Utc::now() + Duration::days(TRIAL_DAYS);
    if !organisations::start_trial(conn, org, TRIAL_PLAN.as_str(), until).await? {
        return Ok(Err(PlanChangeError::TrialUsed));
    }
    Ok(Ok(changed(conn, org, TRIAL_PLAN, Some(until)).await?))
}

async fn changed(
    conn: &mut PgConnection,
    org: OrgId,
    plan: Plan,
    until: Option<DateTime<Utc>>,
) -> Result<PlanChanged, sqlx::Error> {
    let tracked = tracking::tracked_slugs(conn, org).await?;
    let (kept, paused) = plan.split_tracked(&tracked);
    Ok(PlanChanged { org, plan, until, kept: kept.to_vec(), paused: paused.to_vec() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_downgrade_summary_names_what_stays_and_what_pauses() {
        let change = PlanChanged {
            org: OrgId(7),
            plan: Plan::Free,
            until: None,
            kept: vec!["openai".into()],
            paused: vec!["anthropic".into(), "xai".into()],
        };
        assert_eq!(
            change.summary(),
            "Organisation 7 is now on Free. openai stays tracked. Paused (kept, but no alerts or digests) until the plan allows them again: anthropic, xai."
        );
        assert_eq!(tracking_sentence(&[], &[]), "");
    }
}
