//! Fetch, extract, segment, align, diff, classify: plain functions over plain data.
pub mod extract; pub mod fetch; pub mod segment; pub mod diff;
