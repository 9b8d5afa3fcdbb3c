//! Fetch, extract, segment, align, diff, classify: plain functions over plain data.
pub mod analyse;
pub mod classify;
