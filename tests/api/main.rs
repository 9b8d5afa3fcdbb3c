//! The one integration-test binary: every feature is a module here.
mod catalog;
mod extract;
mod support;
