//! The one integration-test binary: every feature is a module here.
mod archive;
mod catalog;
mod cli;
mod extract;
mod helpers;
mod import;
mod jobs;
mod resilience;
mod scale;
mod fetch;
mod site;
mod support;
