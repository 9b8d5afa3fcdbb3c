//! The one integration-test binary: every feature is a module here.
mod accounts;
mod archive;
mod cli;
mod helpers;
mod import;
mod jobs;
mod support;
mod tenancy;
mod tiers;
