//! Site chrome lines of each platform, learnt from its stored versions.
use sqlx::PgConnection;

use crate::pipeline::diff::{Chrome, chrome::learn};

/// The platform a document belongs to.
pub async fn platform_of(conn: &mut PgConnection, document_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("select platform_id from documents where document_id = $1")
        .bind(document_id)
        .fetch_one(conn)
        .await
}

/// Learns the platform's chrome again from every stored version of its documents and stores
/// it; returns how many lines are chrome.
pub async fn refresh(conn: &mut PgConnection, platform_id: i64) -> Result<usize, sqlx::Error> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "select v.document_id, v.text from versions v join documents d on d.document_id = v.document_id
         where d.platform_id = $1 order by v.document_id, v.captured_at",
    )
    .bind(platform_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut documents: Vec<Vec<&str>> = Vec::new();
    let mut last = None;
    for (document_id, text) in &rows {
        if last != Some(*document_id) {
            documents.push(Vec::new());
            last = Some(*document_id);
        }
        if let Some(texts) = documents.last_mut() {
            texts.push(text.as_str());
        }
    }
    let learnt = learn(&documents);
    sqlx::query("delete from chrome_lines where platform_id = $1").bind(platform_id).execute(&mut *conn).await?;
    let (fingerprints, samples): (Vec<&str>, Vec<&str>) = learnt.iter().map(|(f, s)| (f.as_str(), *s)).unzip();
    sqlx::query(
        "insert into chrome_lines (platform_id, fingerprint, sample)
         select $1, f, s from unnest($2::text[], $3::text[]) as u(f, s)",
    )
    .bind(platform_id)
    .bind(&fingerprints)
    .bind(&samples)
    .execute(conn)
    .await?;
    Ok(learnt.len())
}

/// The platform's stored chrome.
pub async fn chrome_of(conn: &mut PgConnection, platform_id: i64) -> Result<Chrome, sqlx::Error> {
    let lines: Vec<String> = sqlx::query_scalar("select fingerprint from chrome_lines where platform_id = $1")
        .bind(platform_id)
        .fetch_all(conn)
        .await?;
    Ok(Chrome::new(lines))
}
