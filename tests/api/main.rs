//! The one integration-test binary: every feature is a module here.
mod api_v1;
mod archive;
mod catalog;
mod classify;
mod cli;
mod differ;
mod extract;
mod fetch;
mod helpers;
mod import;
mod jobs;
mod pages;
mod rediff;
mod resilience;
mod scale;
mod site;
mod support;
