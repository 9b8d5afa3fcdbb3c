//! ClauseWatch: watches the terms of AI platforms, provision by provision.
pub mod domain;
pub mod pipeline;
