//! Shared test helpers.
use std::path::PathBuf;

/// The shared corpus of real AI terms (`../shared/corpus` beside the checkout), read in place.
/// `CLAUSEWATCH_CORPUS` overrides the location.
#[allow(dead_code)]
pub fn corpus_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CLAUSEWATCH_CORPUS") {
        return PathBuf::from(dir);
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus")
}
