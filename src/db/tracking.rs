//! What an organisation follows: tracked platforms, alert preferences and watches. Every
//! function takes the caller's `OrgId`, so one tenant never reads or changes another's rows.
use sqlx::PgConnection;

use crate::domain::account::{OrgId, UserId};

/// A platform of the catalogue with whether the organisation tracks it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PlatformChoiceRow {
    pub platform_id: i64,
    pub slug: String,
    pub name: String,
    pub tracked: bool,
}

/// The catalogue with the organisation's choices, by name.
pub async fn platform_choices(conn: &mut PgConnection, org: OrgId) -> Result<Vec<PlatformChoiceRow>, sqlx::Error> {
    sqlx::query_as(
        "select p.platform_id, p.slug, p.name, (t.org_id is not null) as tracked
         from platforms p left join tracked_platforms t on t.platform_id = p.platform_id and t.org_id = $1
         where p.enabled or t.org_id is not null order by p.name, p.slug",
    )
    .bind(org.0)
    .fetch_all(conn)
    .await
}

/// The slugs of the tracked platforms, oldest first (the order a downgrade keeps them in).
pub async fn tracked_slugs(conn: &mut PgConnection, org: OrgId) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "select p.slug from tracked_platforms t join platforms p using (platform_id)
         where t.org_id = $1 order by t.created_at, t.platform_id",
    )
    .bind(org.0)
    .fetch_all(conn)
    .await
}

/// The ids of enabled platforms with these slugs.
pub async fn platform_ids_by_slugs(
    conn: &mut PgConnection,
    slugs: &[String],
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as("select platform_id, slug from platforms where slug = any($1) and enabled")
        .bind(slugs)
        .fetch_all(conn)
        .await
}

/// Tracks a platform; the database refuses one beyond the plan (`tracked_platforms_plan_limit`).
pub async fn track(conn: &mut PgConnection, org: OrgId, platform_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("insert into tracked_platforms (org_id, platform_id) values ($1, $2) on conflict do nothing")
        .bind(org.0)
        .bind(platform_id)
        .execute(conn)
        .await
        .map(|_| ())
}

/// Stops tracking every platform not in `keep`.
pub async fn untrack_all_but(conn: &mut PgConnection, org: OrgId, keep: &[i64]) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("delete from tracked_platforms where org_id = $1 and not (platform_id = any($2))")
        .bind(org.0)
        .bind(keep)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

/// A user's mail preferences in an organisation.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PreferencesRow {
    pub same_day_alerts: bool,
    pub weekly_digest: bool,
    /// ISO weekday, 1 = Monday.
    pub digest_weekday: i16,
    /// Hour of the day, UTC.
    pub digest_hour: i16,
}

impl Default for PreferencesRow {
    fn default() -> Self {
        PreferencesRow { same_day_alerts: true, weekly_digest: true, digest_weekday: 1, digest_hour: 8 }
    }
}

/// The preferences, or the defaults when none were saved.
pub async fn preferences(conn: &mut PgConnection, org: OrgId, user: UserId) -> Result<PreferencesRow, sqlx::Error> {
    let row: Option<PreferencesRow> = sqlx::query_as(
        "select same_day_alerts, weekly_digest, digest_weekday, digest_hour
         from alert_preferences where org_id = $1 and user_id = $2",
    )
    .bind(org.0)
    .bind(user.0)
    .fetch_optional(conn)
    .await?;
    Ok(row.unwrap_or_default())
}

/// Saves the preferences.
pub async fn save_preferences(
    conn: &mut PgConnection,
    org: OrgId,
    user: UserId,
    prefs: &PreferencesRow,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into alert_preferences (org_id, user_id, same_day_alerts, weekly_digest, digest_weekday, digest_hour)
         values ($1, $2, $3, $4, $5, $6)
         on conflict (org_id, user_id) do update set same_day_alerts = excluded.same_day_alerts,
             weekly_digest = excluded.weekly_digest, digest_weekday = excluded.digest_weekday,
             digest_hour = excluded.digest_hour",
    )
    .bind(org.0)
    .bind(user.0)
    .bind(prefs.same_day_alerts)
    .bind(prefs.weekly_digest)
    .bind(prefs.digest_weekday)
    .bind(prefs.digest_hour)
    .execute(conn)
    .await
    .map(|_| ())
}

/// A watch as listed: a topic, or a provision lineage with where it lives.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct WatchRow {
    pub watch_id: i64,
    pub topic: Option<String>,
    pub lineage_id: Option<i64>,
    /// "Platform · Document · provision" of a watched lineage (see `lineage_label`).
    pub provision: Option<String>,
}

/// "Platform · Document · provision" of lineage `$1` at its newest appearance.
const LINEAGE_LABEL: &str = "select p.name || ' · ' || d.terms_type || ' · ' || coalesce(nullif(pr.title, ''), pr.key)
     from provisions pr
     join versions v on v.version_id = pr.version_id
     join documents d on d.document_id = v.document_id
     join platforms p on p.platform_id = d.platform_id
     where pr.lineage_id = $1
     order by v.captured_at desc, v.version_id desc limit 1";

/// The organisation's watches.
pub async fn watches(conn: &mut PgConnection, org: OrgId) -> Result<Vec<WatchRow>, sqlx::Error> {
    sqlx::query_as(
        "select w.watch_id, w.topic, w.lineage_id, l.label as provision
         from watches w
         left join lateral (
             select p.name || ' · ' || d.terms_type || ' · ' || coalesce(nullif(pr.title, ''), pr.key) as label
             from provisions pr
             join versions v on v.version_id = pr.version_id
             join documents d on d.document_id = v.document_id
             join platforms p on p.platform_id = d.platform_id
             where pr.lineage_id = w.lineage_id
             order by v.captured_at desc, v.version_id desc limit 1
         ) l on true
         where w.org_id = $1 order by w.watch_id",
    )
    .bind(org.0)
    .fetch_all(conn)
    .await
}

/// Watches a topic (idempotent).
pub async fn watch_topic(conn: &mut PgConnection, org: OrgId, topic: &str) -> Result<(), sqlx::Error> {
    sqlx::query("insert into watches (org_id, topic) values ($1, $2) on conflict do nothing")
        .bind(org.0)
        .bind(topic)
        .execute(conn)
        .await
        .map(|_| ())
}

/// Watches a provision lineage (idempotent); false when no such lineage exists.
pub async fn watch_lineage(conn: &mut PgConnection, org: OrgId, lineage_id: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "insert into watches (org_id, lineage_id) select $1, lineage_id from lineages where lineage_id = $2
         on conflict do nothing",
    )
    .bind(org.0)
    .bind(lineage_id)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 1 {
        return Ok(true);
    }
    sqlx::query_scalar("select exists (select 1 from lineages where lineage_id = $1)")
        .bind(lineage_id)
        .fetch_one(conn)
        .await
}

/// "Platform · Document · provision" for a lineage (its newest appearance), to confirm a watch.
pub async fn lineage_label(conn: &mut PgConnection, lineage_id: i64) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(LINEAGE_LABEL).bind(lineage_id).fetch_optional(conn).await
}

/// Removes one of the organisation's watches; false when it has no watch with this id.
pub async fn unwatch(conn: &mut PgConnection, org: OrgId, watch_id: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("delete from watches where org_id = $1 and watch_id = $2")
        .bind(org.0)
        .bind(watch_id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}
