//! `clausewatch import-ota PATH`.
use std::{io::Write, path::Path};

use crate::archive::import::import_ota;
use crate::startup::AppState;

/// Imports and prints what was added.
pub async fn run(state: &AppState, path: &Path, out: &mut dyn Write) -> anyhow::Result<()> {
    let report = import_ota(&state.pool, path).await?;
    writeln!(
        out,
        "{} documents: {} versions added, {} already there or unchanged, {} suspect (error pages, collapsed text) left out",
        report.documents, report.added, report.skipped, report.suspect
    )?;
    Ok(())
}
