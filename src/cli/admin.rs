//! `clausewatch admin grant EMAIL` / `admin revoke EMAIL`: who may open the operators' pages.
use std::io::Write;

use anyhow::{Context, bail};
use sqlx::PgPool;

use crate::db::users;

/// `clausewatch admin …`
#[derive(Debug, Clone, clap::Args)]
pub struct AdminArgs {
    #[command(subcommand)]
    pub command: AdminCommand,
}

/// Operator rights.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum AdminCommand {
    /// Make the user with this email an operator.
    Grant { email: String },
    /// Take operator rights away.
    Revoke { email: String },
}

/// Runs the command.
pub async fn run(pool: &PgPool, args: &AdminArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let (email, grant) = match &args.command {
        AdminCommand::Grant { email } => (email, true),
        AdminCommand::Revoke { email } => (email, false),
    };
    let mut conn = pool.acquire().await.context("cannot reach the database")?;
    if !users::set_admin(&mut conn, email.trim(), grant).await.context("cannot update the user")? {
        bail!("no user has the email {email:?}; they must sign up first");
    }
    let verb = if grant { "is now an operator" } else { "is no longer an operator" };
    writeln!(out, "{} {verb}.", email.trim())?;
    Ok(())
}
