//! ClauseWatch: watches the terms of AI platforms, provision by provision.
pub mod catalog;
pub mod domain;
pub mod pipeline;
