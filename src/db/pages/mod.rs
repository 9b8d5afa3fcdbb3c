//! Read queries for the public pages, the feeds and the JSON API: each answers one page in one
//! or two indexed queries, so no page issues a query per row.
/// The current version of every document (the newest by capture time) as `current_versions`,
/// for the queries of the modules below.
macro_rules! with_current_versions {
    ($tail:literal) => {
        concat!(
            "with current_versions as (
                 select distinct on (document_id) version_id from versions
                 order by document_id, captured_at desc, version_id desc) ",
            $tail
        )
    };
}

pub mod changes;
pub mod documents;
pub mod facts;
pub mod platforms;
pub mod provisions;
pub mod search;
pub mod topics;
