//! The archive: captures documents into snapshots and versions, syncs the catalogue into the
//! database, and imports Open Terms Archive history. Persistence at the edges, pure stages inside.
pub mod capture;
pub mod catalog_sync;
pub mod changes;
pub mod compare;
pub mod health;
pub mod import;
pub mod reanalyse;
pub mod severity;
pub mod stated_dates;
pub mod suspect;

pub use capture::{CaptureReport, capture_document};

use sha2::{Digest, Sha256};

/// Hex sha256 of bytes: the fingerprint of snapshots and versions.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}
