//! The one integration-test binary: every feature is a module here.
mod classify;
mod support;
