//! Command-line commands, each a few lines over the library; `main.rs` only parses and calls.
pub mod admin;
pub mod catalog;
pub mod changes;
pub mod classify;
pub mod diff;
pub mod fetch;
pub mod import;
pub mod mail;
pub mod plan;
pub mod reanalyse;
pub mod train;
