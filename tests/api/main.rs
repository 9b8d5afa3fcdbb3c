//! The one integration-test binary: every feature is a module here.
mod archive;
mod catalog;
mod classify;
mod classify_gold;
mod cli;
mod differ;
mod extract;
mod fetch;
mod helpers;
mod import;
mod jobs;
mod resilience;
mod scale;
mod site;
mod support;
