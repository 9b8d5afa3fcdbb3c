//! The one integration-test binary: every feature is a module here.
mod alert_triggers;
mod alerts;
mod archive;
mod cli;
mod digest;
mod helpers;
mod import;
mod jobs;
mod mail;
mod mail_sink;
mod support;
mod unsubscribe;
