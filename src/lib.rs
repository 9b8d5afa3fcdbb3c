//! ClauseWatch: watches the terms of AI platforms, provision by provision.
pub mod accounts;
pub mod archive;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod corpus;
pub mod db;
pub mod domain;
pub mod jobs;
pub mod mail;
pub mod memory;
pub mod metrics;
pub mod pipeline;
pub mod startup;
pub mod telemetry;
pub mod web;
