//! Documents: one terms document of one platform, with the declaration that fetches it.
use sqlx::PgConnection;

/// A document with what a capture needs.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DocumentRow {
    pub document_id: i64,
    pub platform_id: i64,
    pub platform_slug: String,
    pub platform_name: String,
    pub slug: String,
    pub terms_type: String,
    pub declaration: serde_json::Value,
    pub enabled: bool,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// The document query with a tail of filters, as one static string.
macro_rules! select_documents {
    ($tail:literal) => {
        concat!(
            "select d.document_id, d.platform_id, p.slug as platform_slug, p.name as platform_name,
                d.slug, d.terms_type, d.declaration, d.enabled, d.etag, d.last_modified
             from documents d join platforms p using (platform_id)",
            $tail
        )
    };
}

/// Inserts a document or updates its declaration, returning its id. A changed declaration
/// forgets the validators, so the next capture fetches the page in full.
pub async fn upsert_document(
    conn: &mut PgConnection,
    platform_id: i64,
    slug: &str,
    terms_type: &str,
    declaration: &serde_json::Value,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "insert into documents (platform_id, slug, terms_type, declaration) values ($1, $2, $3, $4)
         on conflict (platform_id, slug) do update
            set terms_type = excluded.terms_type, declaration = excluded.declaration, enabled = true,
                etag = case when documents.declaration = excluded.declaration then documents.etag end,
                last_modified = case when documents.declaration = excluded.declaration then documents.last_modified end
         returning document_id",
    )
    .bind(platform_id)
    .bind(slug)
    .bind(terms_type)
    .bind(declaration)
    .fetch_one(conn)
    .await
}

/// Enabled documents, optionally of one platform and/or with one slug.
pub async fn enabled_documents(
    conn: &mut PgConnection,
    platform: Option<&str>,
    document: Option<&str>,
) -> Result<Vec<DocumentRow>, sqlx::Error> {
    sqlx::query_as(select_documents!(
        " where d.enabled and p.enabled
            and ($1::text is null or p.slug = $1) and ($2::text is null or d.slug = $2)
          order by p.slug, d.slug"
    ))
    .bind(platform)
    .bind(document)
    .fetch_all(conn)
    .await
}

/// One document by id.
pub async fn document_by_id(conn: &mut PgConnection, document_id: i64) -> Result<Option<DocumentRow>, sqlx::Error> {
    sqlx::query_as(select_documents!(" where d.document_id = $1")).bind(document_id).fetch_optional(conn).await
}

/// A document as "Capture now" needs it: its platform's name, its terms type, and whether both
/// it and its platform are enabled.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CaptureTarget {
    pub platform_name: String,
    pub terms_type: String,
    pub enabled: bool,
}

/// The document with this id as a capture target, if there is one.
pub async fn capture_target(conn: &mut PgConnection, document_id: i64) -> Result<Option<CaptureTarget>, sqlx::Error> {
    sqlx::query_as(
        "select p.name as platform_name, d.terms_type, d.enabled and p.enabled as enabled
         from documents d join platforms p using (platform_id) where d.document_id = $1",
    )
    .bind(document_id)
    .fetch_optional(conn)
    .await
}

/// One document by platform and document slug.
pub async fn document_by_slugs(
    conn: &mut PgConnection,
    platform: &str,
    document: &str,
) -> Result<Option<DocumentRow>, sqlx::Error> {
    sqlx::query_as(select_documents!(" where p.slug = $1 and d.slug = $2"))
        .bind(platform)
        .bind(document)
        .fetch_optional(conn)
        .await
}

/// Locks the document row for the rest of the transaction, so two captures of one document
/// decide "new version or verification" one after the other.
pub async fn lock_document(conn: &mut PgConnection, document_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("select 1 from documents where document_id = $1 for update")
        .bind(document_id)
        .execute(conn)
        .await
        .map(|_| ())
}

/// Remembers the validators of the last full fetch, for conditional GET next time.
pub async fn set_validators(
    conn: &mut PgConnection,
    document_id: i64,
    etag: Option<&str>,
    last_modified: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query("update documents set etag = $2, last_modified = $3 where document_id = $1")
        .bind(document_id)
        .bind(etag)
        .bind(last_modified)
        .execute(conn)
        .await
        .map(|_| ())
}

/// Disables the documents of the catalogue's platforms that the catalogue no longer lists.
pub async fn disable_documents_except(conn: &mut PgConnection, keep: &[i64]) -> Result<u64, sqlx::Error> {
    sqlx::query("update documents set enabled = false where enabled and not (document_id = any($1))")
        .bind(keep)
        .execute(conn)
        .await
        .map(|r| r.rows_affected())
}

/// The id of a document, created without a declaration (not captured) if it does not exist.
pub async fn ensure_document(
    conn: &mut PgConnection,
    platform_id: i64,
    slug: &str,
    terms_type: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "with inserted as (
             insert into documents (platform_id, slug, terms_type, declaration, enabled)
             values ($1, $2, $3, 'null', false) on conflict (platform_id, slug) do nothing returning document_id)
         select document_id from inserted
         union all select document_id from documents where platform_id = $1 and slug = $2 limit 1",
    )
    .bind(platform_id)
    .bind(slug)
    .bind(terms_type)
    .fetch_one(conn)
    .await
}

/// Ids of all documents, or of those with this slug, in id order.
pub async fn document_ids(conn: &mut PgConnection, slug: Option<&str>) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar("select document_id from documents where $1::text is null or slug = $1 order by document_id")
        .bind(slug)
        .fetch_all(conn)
        .await
}
