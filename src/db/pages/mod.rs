//! Read queries for the public pages, the feeds and the JSON API: each answers one page in one
//! or two indexed queries, so no page issues a query per row.
/// The current version of every document (the newest by capture time) as `current_versions`,
/// for the queries of the modules below.
macro_rules! with_current_versions {
    ($($tail:expr),+) => {
        concat!(
            "with current_versions as (
                 select distinct on (document_id) version_id from versions
                 order by document_id, captured_at desc, version_id desc) ",
            $($tail),+
        )
    };
}

/// The rank of an exposure in SQL (high 3, medium 2, low 1, else null) of `$value`, a column or
/// a parameter, so provisions rank by their highest topic the same way everywhere.
macro_rules! exposure_rank {
    ($value:literal) => {
        concat!("(case ", $value, " when 'high' then 3 when 'medium' then 2 when 'low' then 1 end)")
    };
}

pub mod changes;
pub mod documents;
pub mod facts;
pub mod platforms;
pub mod provisions;
pub mod search;
pub mod topics;
