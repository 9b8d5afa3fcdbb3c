//! The one integration-test binary: every feature is a module here.
mod accounts;
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
mod tenancy;
mod tiers;
mod unsubscribe;
