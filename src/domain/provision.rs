//! A provision: one keyed, ordered piece of a version's text.
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// One provision of a version: a heading with its body, or a block of paragraphs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provision {
    /// Position in the version, from 0.
    pub ordinal: usize,
    /// Readable slug unique within the version (`4-2-use-of-materials`), used for anchors.
    pub key: String,
    /// Titles of the enclosing headings, outermost first (not the provision's own title).
    pub heading_path: Vec<String>,
    /// Clause number of the provision's own heading (`4.2`, `(a)`, `12`), if any.
    pub clause: Option<String>,
    /// The provision's own heading title, if it is a heading-led provision.
    pub title: Option<String>,
    /// Normalised text: heading line, then the body; never empty.
    pub text: String,
    /// Lower-case hex SHA-256 of `text`.
    pub sha256: String,
}

impl Provision {
    /// A label for people: `§4.2 Use of Materials`, the title, or the enclosing heading.
    pub fn label(&self) -> String {
        match (&self.clause, &self.title) {
            (Some(c), Some(t)) => format!("§{c} {t}"),
            (Some(c), None) => format!("§{c}"),
            (None, Some(t)) => t.clone(),
            (None, None) if !self.text.contains('\n') && self.text.split_whitespace().count() <= 12 => {
                self.text.clone()
            }
            (None, None) => match self.heading_path.last() {
                Some(h) => format!("{h} (continued)"),
                None => first_words(&self.text, 6),
            },
        }
    }
}

/// Lower-case hex SHA-256 of a text.
pub fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// The first `n` words of a text, with `…` when cut.
fn first_words(text: &str, n: usize) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.len() <= n { words.join(" ") } else { format!("{} …", words[..n].join(" ")) }
}
