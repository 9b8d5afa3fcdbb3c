//! Platforms: the services whose terms are watched.
use sqlx::PgConnection;

/// A platform as listed on pages.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PlatformRow {
    pub platform_id: i64,
    pub slug: String,
    pub name: String,
    pub enabled: bool,
}

/// Inserts or renames a platform, returning its id.
pub async fn upsert_platform(conn: &mut PgConnection, slug: &str, name: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "insert into platforms (slug, name) values ($1, $2)
         on conflict (slug) do update set name = excluded.name, enabled = true
         returning platform_id",
    )
    .bind(slug)
    .bind(name)
    .fetch_one(conn)
    .await
}

/// Every platform, by name.
pub async fn list_platforms(conn: &mut PgConnection) -> Result<Vec<PlatformRow>, sqlx::Error> {
    sqlx::query_as("select platform_id, slug, name, enabled from platforms order by name").fetch_all(conn).await
}

/// One platform by slug.
pub async fn platform_by_slug(conn: &mut PgConnection, slug: &str) -> Result<Option<PlatformRow>, sqlx::Error> {
    sqlx::query_as("select platform_id, slug, name, enabled from platforms where slug = $1")
        .bind(slug)
        .fetch_optional(conn)
        .await
}

/// The id of a platform, created with `name` if it does not exist (an existing name is kept).
pub async fn ensure_platform(conn: &mut PgConnection, slug: &str, name: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "with inserted as (
             insert into platforms (slug, name) values ($1, $2) on conflict (slug) do nothing returning platform_id)
         select platform_id from inserted union all select platform_id from platforms where slug = $1 limit 1",
    )
    .bind(slug)
    .bind(name)
    .fetch_one(conn)
    .await
}
