//! The platform list and platform pages: documents, their versions and topic counts.
use chrono::{DateTime, Utc};
use sqlx::PgConnection;

/// A platform with how much of it is archived.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PlatformSummaryRow {
    pub slug: String,
    pub name: String,
    pub documents: i64,
    pub versions: i64,
    pub changes: i64,
    /// When its newest version was captured.
    pub last_version_at: Option<DateTime<Utc>>,
}

/// Every enabled platform with counts, by name.
pub async fn platform_summaries(conn: &mut PgConnection) -> Result<Vec<PlatformSummaryRow>, sqlx::Error> {
    sqlx::query_as(
        "select p.slug, p.name,
            (select count(*) from documents d where d.platform_id = p.platform_id
                and exists (select 1 from versions v where v.document_id = d.document_id)) as documents,
            (select count(*) from versions v join documents d using (document_id) where d.platform_id = p.platform_id) as versions,
            (select count(*) from changes c join documents d using (document_id) where d.platform_id = p.platform_id) as changes,
            (select max(v.captured_at) from versions v join documents d using (document_id)
                where d.platform_id = p.platform_id) as last_version_at
         from platforms p where p.enabled order by p.name",
    )
    .fetch_all(conn)
    .await
}

/// One version of one of a platform's documents, with the change that led to it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TimelineRow {
    pub document_id: i64,
    pub document_slug: String,
    pub terms_type: String,
    pub version_id: i64,
    pub captured_at: DateTime<Utc>,
    /// Its newest verification, else its capture.
    pub verified_at: DateTime<Utc>,
    pub change_id: Option<i64>,
    pub class: Option<String>,
    pub summary: Option<String>,
    pub from_version_id: Option<i64>,
}

/// Every version of every document of a platform, by document then oldest first.
pub async fn platform_timeline(conn: &mut PgConnection, platform_id: i64) -> Result<Vec<TimelineRow>, sqlx::Error> {
    sqlx::query_as(
        "select d.document_id, d.slug as document_slug, d.terms_type, v.version_id, v.captured_at,
            coalesce((select max(w.verified_at) from verifications w where w.version_id = v.version_id), v.captured_at)
                as verified_at,
            c.change_id, c.class, c.summary, c.from_version_id
         from documents d
         join versions v on v.document_id = d.document_id
         left join changes c on c.to_version_id = v.version_id
         where d.platform_id = $1
         order by d.terms_type, d.document_id, v.captured_at, v.version_id",
    )
    .bind(platform_id)
    .fetch_all(conn)
    .await
}

/// How many provisions of the given versions carry each topic, and at which exposure.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TopicCountRow {
    pub topic: String,
    pub provisions: i64,
    pub high: i64,
    pub medium: i64,
    pub low: i64,
}

/// Topic counts over the provisions of `version_ids` (a platform's current versions).
pub async fn topic_counts(conn: &mut PgConnection, version_ids: &[i64]) -> Result<Vec<TopicCountRow>, sqlx::Error> {
    sqlx::query_as(
        "select pt.topic, count(*) as provisions,
                count(*) filter (where pt.exposure = 'high') as high,
                count(*) filter (where pt.exposure = 'medium') as medium,
                count(*) filter (where pt.exposure = 'low') as low
         from provision_topics pt
         join provisions pr on pr.provision_id = pt.provision_id
         where pr.version_id = any($1) group by pt.topic order by count(*) desc, pt.topic",
    )
    .bind(version_ids)
    .fetch_all(conn)
    .await
}

/// Provisions of `version_ids` by the highest exposure among their topics.
#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct ExposureSummaryRow {
    pub high: i64,
    pub medium: i64,
    pub low: i64,
}

/// How many provisions of the given versions are at High, Medium and Low exposure (each counted
/// once, at its highest topic).
pub async fn exposure_summary(conn: &mut PgConnection, version_ids: &[i64]) -> Result<ExposureSummaryRow, sqlx::Error> {
    sqlx::query_as(concat!(
        "with ranked as (
             select pt.provision_id, max(",
        exposure_rank!("pt.exposure"),
        ") as rank
             from provision_topics pt
             join provisions pr on pr.provision_id = pt.provision_id
             where pr.version_id = any($1)
             group by pt.provision_id)
         select count(*) filter (where rank = 3) as high,
                count(*) filter (where rank = 2) as medium,
                count(*) filter (where rank = 1) as low
         from ranked",
    ))
    .bind(version_ids)
    .fetch_one(conn)
    .await
}
