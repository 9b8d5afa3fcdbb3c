//! Newtypes and plain data: no axum, no sqlx, no I/O.
pub mod account;
pub mod declaration;
pub mod email;
pub mod plan;
pub mod provision;
pub mod topic;
