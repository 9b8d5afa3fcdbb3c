//! Newtypes and plain data: no axum, no sqlx, no I/O.
pub mod declaration;
pub mod email;
pub mod provision;
