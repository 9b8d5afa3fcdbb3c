//! Command-line subcommands, each a function the thin `main.rs` calls.
pub mod diff;
