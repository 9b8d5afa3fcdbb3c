//! Work shared between the two versions of a diff: consecutive versions share most paragraphs
//! and sections, so the second version reuses what the first one computed.
use rustc_hash::FxHashMap;

use super::blocks::Block;
use super::chunk::Part;

/// Results keyed by their whole input, so a hit gives exactly what computing would. (Fx hashing:
/// the keys are whole paragraphs, and SipHash over them cost more than the lookups saved.)
#[derive(Default)]
pub(crate) struct Memo<'t> {
    /// Whether new results are kept (while segmenting the first version).
    recording: bool,
    /// A paragraph's raw lines → its block, if any.
    paragraphs: FxHashMap<Vec<&'t str>, Option<Block>>,
    /// A section's parts → the SHA-256 and text of each of its provisions.
    chunks: FxHashMap<Vec<Part>, Vec<(String, String)>>,
}

impl<'t> Memo<'t> {
    /// A memo that keeps results until [`Self::stop_recording`].
    pub(crate) fn recording() -> Self {
        Self { recording: true, ..Self::default() }
    }

    /// Keeps what was recorded, but records nothing more.
    pub(crate) fn stop_recording(&mut self) {
        self.recording = false;
    }

    /// The block of a paragraph's `lines`, computed by `make` unless known.
    pub(crate) fn paragraph(&mut self, lines: &[&'t str], make: impl FnOnce() -> Option<Block>) -> Option<Block> {
        if let Some(block) = self.paragraphs.get(lines) {
            return block.clone();
        }
        let block = make();
        if self.recording {
            self.paragraphs.insert(lines.to_vec(), block.clone());
        }
        block
    }

    /// The provisions' SHA-256 and text of a section's `parts`, computed by `make` unless known.
    pub(crate) fn chunks(
        &mut self,
        parts: &[Part],
        make: impl FnOnce() -> Vec<(String, String)>,
    ) -> Vec<(String, String)> {
        if let Some(chunks) = self.chunks.get(parts) {
            return chunks.clone();
        }
        let chunks = make();
        if self.recording {
            self.chunks.insert(parts.to_vec(), chunks.clone());
        }
        chunks
    }
}
