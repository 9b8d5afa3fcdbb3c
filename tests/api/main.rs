//! The one integration-test binary: every feature is a module here.
mod fetch;
mod site;
mod support;
