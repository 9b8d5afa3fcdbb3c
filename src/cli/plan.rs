//! `clausewatch plan set EMAIL_OR_ORG_ID PLAN [--until DATE]`: operators change plans without a
//! card. An email picks the organisation that user owns (refused when they own several).
use std::io::Write;

use anyhow::{Context, bail};
use sqlx::PgPool;

use crate::accounts::{plans, tokens::new_token};
use crate::db::organisations;
use crate::domain::account::OrgId;
use crate::domain::plan::Plan;
use crate::web::accounts::plans::parse_until;

/// `clausewatch plan …`
#[derive(Debug, Clone, clap::Args)]
pub struct PlanArgs {
    #[command(subcommand)]
    pub command: PlanCommand,
}

/// What to do with plans.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum PlanCommand {
    /// Put an organisation on a plan (free, watcher, professional).
    Set {
        /// An organisation id, or the email of the organisation's owner.
        target: String,
        /// free, watcher or professional.
        plan: String,
        /// Last day of the plan (YYYY-MM-DD, UTC); after it the organisation is on Free.
        #[arg(long)]
        until: Option<String>,
    },
}

/// Runs the command and prints what changed, including which platforms stay tracked.
pub async fn run(pool: &PgPool, args: &PlanArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let PlanCommand::Set { target, plan, until } = &args.command;
    let plan = Plan::parse(plan).map_err(|e| anyhow::anyhow!("{e}"))?;
    let until = parse_until(until.as_deref().unwrap_or("")).map_err(|e| anyhow::anyhow!("--until: {e}"))?;
    let mut tx = pool.begin().await.context("cannot start a transaction")?;
    let org = resolve_target(&mut tx, target).await?;
    let key = format!("cli:{}", new_token().raw);
    let changed = plans::set_plan(&mut tx, org, plan, until, &key, "cli").await?.map_err(|e| anyhow::anyhow!("{e}"))?;
    tx.commit().await.context("cannot save the plan")?;
    writeln!(out, "{}", changed.summary())?;
    Ok(())
}

async fn resolve_target(conn: &mut sqlx::PgConnection, target: &str) -> anyhow::Result<OrgId> {
    if let Ok(id) = target.trim().parse::<i64>() {
        return Ok(OrgId(id));
    }
    let owned = organisations::owned_orgs_for_operator(conn, target.trim()).await.context("cannot look up the user")?;
    match owned.as_slice() {
        [] => bail!("no user with email {target:?} owns an organisation; check the address or pass an organisation id"),
        [one] => Ok(OrgId(one.org_id)),
        many => {
            let ids: Vec<String> = many.iter().map(|o| format!("{} ({})", o.org_id, o.name)).collect();
            bail!("{target} owns several organisations; pass one id instead: {}", ids.join(", "))
        }
    }
}
