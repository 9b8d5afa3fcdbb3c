//! The date line each version states, read once when it is stored (`versions.stated_date`) so
//! pages quote it without loading the text. Versions stored before the column existed are read
//! by [`backfill`], at start-up and by `clausewatch rediff` (which also reads every version of
//! the documents it recomputes again, so a better reader reaches old versions).
use sqlx::PgPool;

use crate::db;
use crate::pipeline::diff::stated_date;

/// Versions read per statement: a few hundred texts in memory at once.
const BATCH: i64 = 200;

/// Reads the stated date of every version that has not had it read, in batches, each its own
/// statement (two processes starting together read some twice, to the same result). Returns
/// how many versions were read; once done, one index lookup that finds nothing.
pub async fn backfill(pool: &PgPool) -> anyhow::Result<u64> {
    let mut read = 0;
    loop {
        let mut conn = pool.acquire().await?;
        let unread = db::versions::unread_stated_dates(&mut conn, BATCH).await?;
        if unread.is_empty() {
            break;
        }
        let dates: Vec<(i64, Option<String>)> = unread.iter().map(|(id, text)| (*id, stated_date(text))).collect();
        db::versions::set_stated_dates(&mut conn, &dates).await?;
        read += dates.len() as u64;
    }
    if read > 0 {
        tracing::info!(versions = read, "read the stated dates of versions stored before they were kept");
    }
    Ok(read)
}
