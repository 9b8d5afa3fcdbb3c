//! Changes across platforms: the home page, `/changes`, the feeds and the API.
use chrono::{DateTime, Utc};
use sqlx::PgConnection;

/// A change with where it happened, as lists show it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ChangeListRow {
    pub change_id: i64,
    pub class: String,
    /// Whether the change alerts subscribers (it changed the terms' own words).
    pub alert: bool,
    pub summary: String,
    pub from_version_id: i64,
    pub to_version_id: i64,
    /// When the new version was captured.
    pub changed_at: DateTime<Utc>,
    pub platform_slug: String,
    pub platform_name: String,
    pub document_slug: String,
    pub terms_type: String,
    /// How many provisions the change touched.
    pub provisions: i64,
    /// The highest exposure (`high`, `medium`, `low`) of the topics of the provisions a
    /// substantive change touched; None when they carry no analysed topic.
    pub severity: Option<String>,
}

/// One provision change of a change.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ProvisionChangeRow {
    pub ordinal: i32,
    pub kind: String,
    pub class: String,
    pub lineage_id: Option<i64>,
    pub key: String,
    pub label: String,
    pub summary: String,
    /// `[{"Equal": "…"}, {"Insert": "…"}, {"Delete": "…"}]`
    pub words: serde_json::Value,
}

macro_rules! select_changes {
    ($($tail:expr),*) => {
        concat!(
            "select c.change_id, c.class, c.alert, c.summary, c.from_version_id, c.to_version_id, v.captured_at as changed_at,
                p.slug as platform_slug, p.name as platform_name, d.slug as document_slug, d.terms_type,
                (select count(*) from provision_changes pc where pc.change_id = c.change_id) as provisions, ",
            change_severity!(),
            "
             from changes c
             join versions v on v.version_id = c.to_version_id
             join documents d on d.document_id = c.document_id
             join platforms p on p.platform_id = d.platform_id",
            $($tail),*
        )
    };
}

/// Which changes a list shows; every part is optional (`Default` is every change).
#[derive(Debug, Default, Clone, Copy)]
pub struct ChangeFilter<'a> {
    pub platform: Option<&'a str>,
    /// A document slug; meaningful with `platform`.
    pub document: Option<&'a str>,
    /// Changes whose new version was captured at or after this time.
    pub since: Option<DateTime<Utc>>,
    /// Only changes that alert.
    pub alerting: bool,
    /// Only changes of this class (`substantive`, `metadata`, …).
    pub class: Option<&'a str>,
    /// Only alerting changes of this severity (`high`, `medium`, `low`).
    pub severity: Option<&'a str>,
}

/// The filter as SQL over `p` (platforms), `d` (documents), `v` (the new version) and `c`, on $1–$6.
macro_rules! change_filter {
    () => {
        " where ($1::text is null or p.slug = $1) and ($2::text is null or d.slug = $2)
            and ($3::timestamptz is null or v.captured_at >= $3) and (not $4::bool or c.alert)
            and ($5::text is null or c.class = $5) and ($6::text is null or (c.alert and c.severity = $6))"
    };
}

/// The newest changes the filter keeps, newest first.
pub async fn recent_changes(
    conn: &mut PgConnection,
    filter: ChangeFilter<'_>,
    limit: i64,
    offset: i64,
) -> Result<Vec<ChangeListRow>, sqlx::Error> {
    sqlx::query_as(select_changes!(
        change_filter!(),
        " order by v.captured_at desc, c.change_id desc limit $7 offset $8"
    ))
    .bind(filter.platform)
    .bind(filter.document)
    .bind(filter.since)
    .bind(filter.alerting)
    .bind(filter.class)
    .bind(filter.severity)
    .bind(limit)
    .bind(offset)
    .fetch_all(conn)
    .await
}

/// How many changes the filter keeps.
pub async fn count_changes(conn: &mut PgConnection, filter: ChangeFilter<'_>) -> Result<i64, sqlx::Error> {
    let sql = concat!(
        "select count(*) from changes c join versions v on v.version_id = c.to_version_id
         join documents d on d.document_id = c.document_id join platforms p on p.platform_id = d.platform_id",
        change_filter!()
    );
    sqlx::query_scalar(sql)
        .bind(filter.platform)
        .bind(filter.document)
        .bind(filter.since)
        .bind(filter.alerting)
        .bind(filter.class)
        .bind(filter.severity)
        .fetch_one(conn)
        .await
}

/// One change by id.
pub async fn change_by_id(conn: &mut PgConnection, change_id: i64) -> Result<Option<ChangeListRow>, sqlx::Error> {
    sqlx::query_as(select_changes!(" where c.change_id = $1")).bind(change_id).fetch_optional(conn).await
}

/// The provision changes of a change, in order.
pub async fn provision_changes_of(
    conn: &mut PgConnection,
    change_id: i64,
) -> Result<Vec<ProvisionChangeRow>, sqlx::Error> {
    sqlx::query_as(
        "select ordinal, kind, class, lineage_id, key, label, summary, words from provision_changes
         where change_id = $1 order by ordinal",
    )
    .bind(change_id)
    .fetch_all(conn)
    .await
}

/// The documents that have changes, as (slug, name) with one entry per slug: the `/changes`
/// filter, where a document slug alone (`privacy-policy`) picks that kind of document of every platform.
pub async fn changed_documents(conn: &mut PgConnection) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query_as(
        "select distinct on (d.slug) d.slug, d.terms_type from documents d
         where exists (select 1 from changes c where c.document_id = d.document_id)
         order by d.slug, d.terms_type",
    )
    .fetch_all(conn)
    .await
}
