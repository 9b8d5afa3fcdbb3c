//! Read queries for the public pages, the feeds and the JSON API: each answers one page in one
//! or two indexed queries, so no page issues a query per row.
pub mod changes;
pub mod documents;
pub mod platforms;
pub mod provisions;
pub mod topics;
