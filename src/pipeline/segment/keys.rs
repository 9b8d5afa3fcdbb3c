//! Readable, unique provision keys.
use std::collections::{HashMap, HashSet};

use super::inline::DATE;

/// Keys already handed out in one version.
#[derive(Default)]
pub(crate) struct KeySet {
    used: HashSet<String>,
    parts: HashMap<String, usize>,
    last_of_base: HashMap<String, String>,
}

impl KeySet {
    /// A new key for a new section: `base`, else `base-2`, `base-3`, …
    pub(crate) fn fresh(&mut self, base: &str) -> String {
        let base = if base.is_empty() { "provision" } else { base };
        let mut key = base.to_owned();
        let mut n = 2;
        while self.used.contains(&key) {
            key = format!("{base}-{n}");
            n += 1;
        }
        self.used.insert(key.clone());
        self.last_of_base.insert(base.to_owned(), key.clone());
        key
    }

    /// The next continuation key of the latest section with `base`: `<key>-part-2`, …
    pub(crate) fn part(&mut self, base: &str) -> String {
        let base = if base.is_empty() { "provision" } else { base };
        let owner = self.last_of_base.get(base).cloned().unwrap_or_else(|| base.to_owned());
        let n = self.parts.entry(owner.clone()).or_insert(1);
        *n += 1;
        let candidate = format!("{owner}-part-{n}");
        self.fresh(&candidate)
    }
}

/// Lower-case ASCII-ish slug of at most `max_words` words: `Use of Materials` → `use-of-materials`.
pub(crate) fn slug(text: &str, max_words: usize) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() {
            word.extend(c.to_lowercase());
        } else if !word.is_empty() && c != '\'' && c != '’' {
            words.push(std::mem::take(&mut word));
        }
        if words.len() >= max_words {
            break;
        }
    }
    if !word.is_empty() && words.len() < max_words {
        words.push(word);
    }
    words.join("-")
}

/// Key of a date-stamp line without its date: `Last updated: May 2, 2025` → `last-updated`.
pub(crate) fn stamp_key(text: &str) -> String {
    let base = slug(&DATE.replace_all(text, " "), 5);
    if base.is_empty() { "date".to_owned() } else { base }
}
