//! ClauseWatch: watches the terms of AI platforms, provision by provision.
pub mod cli;
pub mod corpus;
pub mod domain;
pub mod pipeline;
