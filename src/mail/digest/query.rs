//! What a digest needs: who is due this hour, and the week's changes of their tracked platforms.
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use url::Url;

use crate::mail::changes::{self, ChangeView};

/// A user due for a digest, with the organisations whose tracked platforms it covers.
#[derive(Debug, Clone)]
pub struct DigestRecipient {
    pub user_id: i64,
    /// The organisation the unsubscribe link names (the first one).
    pub org_id: i64,
    pub org_ids: Vec<i64>,
    pub email: String,
    /// Whether to send a "no changes" mail for a quiet week.
    pub empty_digest: bool,
}

#[derive(sqlx::FromRow)]
struct DueRow {
    user_id: i64,
    org_id: i64,
    email: String,
    empty_digest: bool,
}

/// Members whose digest is on and due at this ISO weekday and hour, and whose organisation
/// tracks at least one platform; one entry per user.
pub async fn recipients(conn: &mut PgConnection, weekday: i16, hour: i16) -> Result<Vec<DigestRecipient>, sqlx::Error> {
    let rows: Vec<DueRow> = sqlx::query_as(
        "select m.user_id, m.org_id, u.email, coalesce(ap.empty_digest, true) as empty_digest
         from memberships m
         join users u on u.user_id = m.user_id
         left join alert_preferences ap on ap.org_id = m.org_id and ap.user_id = m.user_id
         where coalesce(ap.weekly_digest, true)
           and coalesce(ap.digest_weekday, 1) = $1
           and coalesce(ap.digest_hour, 8) = $2
           and exists (select 1 from active_tracked_platforms tp where tp.org_id = m.org_id)
         order by m.user_id, m.org_id",
    )
    .bind(weekday)
    .bind(hour)
    .fetch_all(conn)
    .await?;
    let mut by_user: BTreeMap<i64, DigestRecipient> = BTreeMap::new();
    for row in rows {
        let entry = by_user.entry(row.user_id).or_insert_with(|| DigestRecipient {
            user_id: row.user_id,
            org_id: row.org_id,
            org_ids: Vec::new(),
            email: row.email.clone(),
            empty_digest: false,
        });
        entry.org_ids.push(row.org_id);
        entry.empty_digest |= row.empty_digest;
    }
    Ok(by_user.into_values().collect())
}

/// One tracked platform's week.
#[derive(Debug, Clone)]
pub struct PlatformWeek {
    pub name: String,
    pub slug: String,
    /// Substantive changes, most severe first.
    pub changes: Vec<ChangeView>,
    /// Cosmetic and date-only changes, counted but not listed.
    pub minor: usize,
    /// When a document of this platform was last fetched and found as stored, `2026-11-29 06:00 UTC`.
    pub last_verified: Option<String>,
}

#[derive(sqlx::FromRow)]
struct PlatformRow {
    platform_id: i64,
    slug: String,
    name: String,
    last_verified: Option<DateTime<Utc>>,
}

/// The captured changes between `since` (excluded) and `until` (included) of the platforms the
/// organisations track, per platform, platforms with the most substantive changes first.
pub async fn week(
    conn: &mut PgConnection,
    org_ids: &[i64],
    since: DateTime<Utc>,
    until: DateTime<Utc>,
    base: &Url,
) -> Result<Vec<PlatformWeek>, sqlx::Error> {
    let platforms: Vec<PlatformRow> = sqlx::query_as(
        "select p.platform_id, p.slug, p.name,
                (select greatest(max(vf.verified_at), max(v.captured_at))
                 from documents d
                 left join versions v on v.document_id = d.document_id and v.origin = 'capture'
                 left join verifications vf on vf.version_id = v.version_id
                 where d.platform_id = p.platform_id) as last_verified
         from platforms p
         where p.platform_id in (select platform_id from active_tracked_platforms where org_id = any($1))
         order by p.name",
    )
    .bind(org_ids)
    .fetch_all(&mut *conn)
    .await?;
    let ids: Vec<i64> = platforms.iter().map(|p| p.platform_id).collect();
    let changed: Vec<(i64, i64)> = sqlx::query_as(
        "select c.change_id, d.platform_id
         from changes c
         join versions v on v.version_id = c.to_version_id
         join documents d on d.document_id = c.document_id
         where d.platform_id = any($1) and v.origin = 'capture' and v.captured_at > $2 and v.captured_at <= $3
         order by c.change_id",
    )
    .bind(&ids)
    .bind(since)
    .bind(until)
    .fetch_all(&mut *conn)
    .await?;
    let change_ids: Vec<i64> = changed.iter().map(|(c, _)| *c).collect();
    let views = changes::load(conn, &change_ids, base).await?;
    let mut weeks: Vec<PlatformWeek> = platforms
        .into_iter()
        .map(|p| {
            let mine: Vec<ChangeView> = changed
                .iter()
                .filter(|(_, platform)| *platform == p.platform_id)
                .filter_map(|(id, _)| views.iter().find(|v| v.change_id == *id).cloned())
                .collect();
            let (mut substantive, minor): (Vec<ChangeView>, Vec<ChangeView>) =
                mine.into_iter().partition(|c| c.class == "substantive");
            substantive.sort_by_key(|c| std::cmp::Reverse(c.severity()));
            PlatformWeek {
                name: p.name,
                slug: p.slug,
                changes: substantive,
                minor: minor.len(),
                last_verified: p.last_verified.map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string()),
            }
        })
        .collect();
    weeks.sort_by_key(|w| (std::cmp::Reverse(w.changes.len()), std::cmp::Reverse(w.minor)));
    Ok(weeks)
}
