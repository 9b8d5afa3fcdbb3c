//! Fetch, extract, segment, align, diff, classify: plain functions over plain data.
pub mod align;
pub mod analyse;
pub mod classify;
pub mod diff;
pub mod extract;
pub mod facts;
pub mod fetch;
pub mod segment;
