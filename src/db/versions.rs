//! Versions: the canonical text of a document, stored only when it changed; verifications.
use chrono::{DateTime, Utc};
use sqlx::PgConnection;

/// A stored version.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct VersionRow {
    pub version_id: i64,
    pub document_id: i64,
    pub snapshot_id: Option<i64>,
    pub text: String,
    pub sha256: String,
    pub captured_at: DateTime<Utc>,
    pub origin: String,
}

/// A version to store.
pub struct NewVersion<'a> {
    pub document_id: i64,
    pub snapshot_id: Option<i64>,
    pub text: &'a str,
    pub sha256: &'a str,
    pub captured_at: DateTime<Utc>,
    pub origin: &'a str,
    /// The line where the text states its date (`pipeline::diff::stated_date`), if it does.
    pub stated_date: Option<&'a str>,
}

/// Stores a version; `None` when the same text with the same date is already there (imports).
pub async fn insert_version(conn: &mut PgConnection, v: &NewVersion<'_>) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "insert into versions (document_id, snapshot_id, text, sha256, captured_at, origin, stated_date, stated_date_read)
         values ($1, $2, $3, $4, $5, $6, $7, true)
         on conflict (document_id, captured_at, sha256) do nothing
         returning version_id",
    )
    .bind(v.document_id)
    .bind(v.snapshot_id)
    .bind(v.text)
    .bind(v.sha256)
    .bind(v.captured_at)
    .bind(v.origin)
    .bind(v.stated_date)
    .fetch_optional(conn)
    .await
}

/// Up to `limit` versions whose stated date has not been read yet (stored before the column
/// existed, or by hand), with their texts.
pub async fn unread_stated_dates(conn: &mut PgConnection, limit: i64) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as("select version_id, text from versions where not stated_date_read order by version_id limit $1")
        .bind(limit)
        .fetch_all(conn)
        .await
}

/// Records the stated dates read for these versions (`None`: the text states none), in one
/// statement.
pub async fn set_stated_dates(conn: &mut PgConnection, read: &[(i64, Option<String>)]) -> Result<u64, sqlx::Error> {
    let ids: Vec<i64> = read.iter().map(|(id, _)| *id).collect();
    let dates: Vec<Option<String>> = read.iter().map(|(_, date)| date.clone()).collect();
    sqlx::query(
        "update versions v set stated_date = r.stated_date, stated_date_read = true
         from unnest($1::bigint[], $2::text[]) as r(version_id, stated_date)
         where v.version_id = r.version_id",
    )
    .bind(&ids)
    .bind(&dates)
    .execute(conn)
    .await
    .map(|r| r.rows_affected())
}

/// The document's latest version.
pub async fn latest_version(conn: &mut PgConnection, document_id: i64) -> Result<Option<VersionRow>, sqlx::Error> {
    sqlx::query_as(
        "select version_id, document_id, snapshot_id, text, sha256, captured_at, origin from versions
         where document_id = $1 order by captured_at desc, version_id desc limit 1",
    )
    .bind(document_id)
    .fetch_optional(conn)
    .await
}

/// The version in force just before `at` (for imports that land between stored versions).
pub async fn version_before(
    conn: &mut PgConnection,
    document_id: i64,
    at: DateTime<Utc>,
) -> Result<Option<VersionRow>, sqlx::Error> {
    sqlx::query_as(
        "select version_id, document_id, snapshot_id, text, sha256, captured_at, origin from versions
         where document_id = $1 and captured_at < $2 order by captured_at desc, version_id desc limit 1",
    )
    .bind(document_id)
    .bind(at)
    .fetch_optional(conn)
    .await
}

/// Records the region a version says it is for (None when it says none).
pub async fn set_variant(conn: &mut PgConnection, version_id: i64, variant: Option<&str>) -> Result<(), sqlx::Error> {
    sqlx::query("update versions set variant = $2 where version_id = $1")
        .bind(version_id)
        .bind(variant)
        .execute(conn)
        .await
        .map(|_| ())
}

/// What a new version is compared with: the latest version up to `previous` (included) that is
/// not a broken capture, of this variant when one is given; with its variant.
pub async fn baseline(
    conn: &mut PgConnection,
    previous: &VersionRow,
    variant: Option<&str>,
) -> Result<Option<(VersionRow, Option<String>)>, sqlx::Error> {
    let row: Option<(i64, Option<String>)> = sqlx::query_as(
        "select v.version_id, v.variant from versions v
         where v.document_id = $1 and (v.captured_at, v.version_id) <= ($2, $3)
           and ($4::text is null or v.variant = $4)
           and not exists (select 1 from changes c where c.to_version_id = v.version_id and c.class = 'broken')
         order by v.captured_at desc, v.version_id desc limit 1",
    )
    .bind(previous.document_id)
    .bind(previous.captured_at)
    .bind(previous.version_id)
    .bind(variant)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((version_id, variant)) = row else { return Ok(None) };
    if version_id == previous.version_id {
        return Ok(Some((previous.clone(), variant)));
    }
    let version: VersionRow = sqlx::query_as(
        "select version_id, document_id, snapshot_id, text, sha256, captured_at, origin from versions where version_id = $1",
    )
    .bind(version_id)
    .fetch_one(conn)
    .await?;
    Ok(Some((version, variant)))
}

/// Forgets versions whose text equals the version before them (left by imports that landed
/// between stored versions); their verifications move to the version before. Returns how many.
pub async fn delete_repeated(conn: &mut PgConnection, document_id: i64) -> Result<u64, sqlx::Error> {
    let repeated: Vec<(i64, i64)> = sqlx::query_as(
        "select version_id, previous_id from (
             select version_id, sha256,
                    lag(version_id) over w as previous_id, lag(sha256) over w as previous_sha256
             from versions where document_id = $1 window w as (order by captured_at, version_id)
         ) o where sha256 = previous_sha256",
    )
    .bind(document_id)
    .fetch_all(&mut *conn)
    .await?;
    // Walked newest first, a run of repeats hands its verifications down to the first of them.
    for (version_id, previous_id) in repeated.iter().rev() {
        sqlx::query("update verifications set version_id = $2 where version_id = $1")
            .bind(version_id)
            .bind(previous_id)
            .execute(&mut *conn)
            .await?;
    }
    let ids: Vec<i64> = repeated.iter().map(|(id, _)| *id).collect();
    sqlx::query("delete from versions where version_id = any($1)")
        .bind(&ids)
        .execute(conn)
        .await
        .map(|r| r.rows_affected())
}

/// Every version of a document, oldest first.
pub async fn versions_of(conn: &mut PgConnection, document_id: i64) -> Result<Vec<VersionRow>, sqlx::Error> {
    sqlx::query_as(
        "select version_id, document_id, snapshot_id, text, sha256, captured_at, origin from versions
         where document_id = $1 order by captured_at, version_id",
    )
    .bind(document_id)
    .fetch_all(conn)
    .await
}

/// The ids of a document's versions, oldest first.
pub async fn version_ids_of(conn: &mut PgConnection, document_id: i64) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar("select version_id from versions where document_id = $1 order by captured_at, version_id")
        .bind(document_id)
        .fetch_all(conn)
        .await
}

/// How many versions a document has.
pub async fn count_versions(conn: &mut PgConnection, document_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("select count(*) from versions where document_id = $1").bind(document_id).fetch_one(conn).await
}

/// Records that a capture found the latest version unchanged.
pub async fn insert_verification(
    conn: &mut PgConnection,
    document_id: i64,
    version_id: i64,
    snapshot_id: Option<i64>,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "insert into verifications (document_id, version_id, snapshot_id) values ($1, $2, $3)
         returning verification_id",
    )
    .bind(document_id)
    .bind(version_id)
    .bind(snapshot_id)
    .fetch_one(conn)
    .await
}

/// How many verifications a document has.
pub async fn count_verifications(conn: &mut PgConnection, document_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("select count(*) from verifications where document_id = $1")
        .bind(document_id)
        .fetch_one(conn)
        .await
}

/// When a version was last confirmed: its newest verification, else its capture.
pub async fn last_verified_at(conn: &mut PgConnection, version_id: i64) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    sqlx::query_scalar(
        "select coalesce((select max(verified_at) from verifications where version_id = $1),
                         (select captured_at from versions where version_id = $1))",
    )
    .bind(version_id)
    .fetch_one(conn)
    .await
}
