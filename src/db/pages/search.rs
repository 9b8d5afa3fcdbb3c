//! `/search`: full-text search over the current provisions of watched platforms (English
//! stemming; the stored vector and GIN index of migration 0019), filtered by platform, topic and exposure.
use sqlx::PgConnection;

/// Marks ts_headline puts around a matched word: private-use characters, which no archived
/// text uses, so the page can tell matches from text without parsing HTML.
pub const MATCH_START: char = '\u{E000}';
pub const MATCH_END: char = '\u{E001}';

/// What to search for; every part is optional, and `Default` lists every current provision.
#[derive(Debug, Default, Clone, Copy)]
pub struct SearchFilter<'a> {
    /// Words as people type them (`websearch_to_tsquery`: quotes for phrases, `-` to exclude, `or`).
    pub words: Option<&'a str>,
    pub platform: Option<&'a str>,
    pub topic: Option<&'a str>,
    /// `high`, `medium` or `low`: the exposure of `topic` in the provision, or without a topic the
    /// provision's highest exposure (as the platform page counts it).
    pub exposure: Option<&'a str>,
}

/// A matching provision.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SearchHitRow {
    /// How many provisions match in all (the same on every row).
    pub total: i64,
    pub platform_slug: String,
    pub platform_name: String,
    pub document_slug: String,
    pub terms_type: String,
    pub lineage_id: i64,
    pub key: String,
    pub heading_path: Vec<String>,
    pub title: Option<String>,
    /// With words: the passages that match, matched words between `MATCH_START` and `MATCH_END`;
    /// without: the start of the text.
    pub passage: String,
    pub topics: Vec<String>,
}

/// One page of matches, best first (by rank with words, else in document order).
pub async fn search_provisions(
    conn: &mut PgConnection,
    filter: SearchFilter<'_>,
    limit: i64,
    offset: i64,
) -> Result<Vec<SearchHitRow>, sqlx::Error> {
    let headline = format!(
        "StartSel={MATCH_START}, StopSel={MATCH_END}, MaxWords=40, MinWords=15, MaxFragments=2, FragmentDelimiter=\" … \""
    );
    // The headline is made only for the page's rows, after the limit: it reparses each text.
    sqlx::query_as(with_current_versions!(
        ", query as (select case when $1::text is null then null else websearch_to_tsquery('english', $1) end as tsq),
         hits as (
             select pr.provision_id, p.name as platform_name, d.terms_type, pr.ordinal,
                    coalesce(ts_rank(pr.search, query.tsq), 0) as rank,
                    count(*) over () as total
             from current_versions cv
             join provisions pr on pr.version_id = cv.version_id
             join versions v on v.version_id = cv.version_id
             join documents d on d.document_id = v.document_id
             join platforms p on p.platform_id = d.platform_id
             cross join query
             where p.enabled
               and (query.tsq is null or pr.search @@ query.tsq)
               and ($2::text is null or p.slug = $2)
               and ($3::text is null or exists (
                     select 1 from provision_topics pt where pt.provision_id = pr.provision_id and pt.topic = $3
                        and ($4::text is null or pt.exposure = $4)))
               and ($4::text is null or $3::text is not null or (
                     select max(",
        exposure_rank!("pt.exposure"),
        ") from provision_topics pt where pt.provision_id = pr.provision_id) = ",
        exposure_rank!("$4"),
        ")
             order by rank desc, p.name, d.terms_type, pr.ordinal
             limit $5 offset $6)
         select h.total, p.slug as platform_slug, p.name as platform_name, d.slug as document_slug, d.terms_type,
                pr.lineage_id, pr.key, pr.heading_path, pr.title,
                case when query.tsq is null then left(pr.text, 1200)
                     else ts_headline('english', pr.text, query.tsq, $7) end as passage,
                coalesce((select array_agg(pt.topic order by pt.confidence desc, pt.topic) from provision_topics pt
                          where pt.provision_id = pr.provision_id), '{}') as topics
         from hits h
         join provisions pr on pr.provision_id = h.provision_id
         join versions v on v.version_id = pr.version_id
         join documents d on d.document_id = v.document_id
         join platforms p on p.platform_id = d.platform_id
         cross join query
         order by h.rank desc, h.platform_name, h.terms_type, h.ordinal"
    ))
    .bind(filter.words)
    .bind(filter.platform)
    .bind(filter.topic)
    .bind(filter.exposure)
    .bind(limit)
    .bind(offset)
    .bind(headline)
    .fetch_all(conn)
    .await
}
