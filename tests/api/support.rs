//! Shared test helpers.
use std::path::PathBuf;

/// The shared folder beside the checkout (`../shared`), read in place; `CLAUSEWATCH_SHARED`
/// overrides the location.
pub fn shared_dir() -> PathBuf {
    std::env::var_os("CLAUSEWATCH_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared"))
}

/// The shared corpus of real AI terms; `CLAUSEWATCH_CORPUS` overrides the location.
#[allow(dead_code)]
pub fn corpus_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CLAUSEWATCH_CORPUS") {
        return PathBuf::from(dir);
    }
    shared_dir().join("corpus")
}
