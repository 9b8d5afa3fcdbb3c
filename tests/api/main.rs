//! The one integration-test binary: every feature is a module here.
mod differ;
mod support;
