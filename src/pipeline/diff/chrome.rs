//! Site chrome: navigation, footers, banners, cookie notices and buttons that a platform's
//! pages share. Learnt from the archive itself: a line that recurs in two or more of a
//! platform's documents, or that comes and goes across a document's captures (present, gone,
//! present again: a banner, a cookie notice, a footer title), is chrome, not terms. Changes
//! confined to chrome never alert.
use std::collections::{HashMap, HashSet};

use crate::pipeline::segment::inline::clean_inline;

/// Documents of a platform a line must recur in to count as chrome.
pub const MIN_DOCUMENTS: usize = 2;

/// The chrome lines of one platform, as fingerprints.
#[derive(Debug, Clone, Default)]
pub struct Chrome {
    lines: HashSet<String>,
}

impl Chrome {
    /// Chrome from stored fingerprints.
    pub fn new(fingerprints: impl IntoIterator<Item = String>) -> Self {
        Self { lines: fingerprints.into_iter().collect() }
    }

    /// No chrome known (a platform with one document, or the `diff` command).
    pub fn none() -> Self {
        Self::default()
    }

    /// How many chrome lines are known.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// True when no chrome line is known.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// True when this line (Markdown or cleaned text) is chrome.
    pub fn is_chrome_line(&self, line: &str) -> bool {
        !self.lines.is_empty() && fingerprint(line).is_some_and(|f| self.lines.contains(&f))
    }

    /// True when the text has words and every line with words is chrome.
    pub fn is_all_chrome(&self, text: &str) -> bool {
        let mut worded = text.lines().filter(|l| fingerprint(l).is_some()).peekable();
        worded.peek().is_some() && worded.all(|l| self.is_chrome_line(l))
    }

    /// The text without its chrome lines, and whether any was removed.
    pub fn strip(&self, text: &str) -> (String, bool) {
        if self.lines.is_empty() {
            return (text.to_owned(), false);
        }
        let kept: Vec<&str> = text.lines().filter(|l| !self.is_chrome_line(l)).collect();
        let stripped = kept.len() != text.lines().count();
        (kept.join("\n"), stripped)
    }
}

impl Chrome {
    /// A version's whole text (Markdown) without its chrome lines, nor the underline of a
    /// chrome heading.
    pub fn strip_document(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut dropped = false;
        for line in text.lines() {
            let underline = !line.trim().is_empty() && line.trim().chars().all(|c| c == '-' || c == '=');
            if self.is_chrome_line(line) || (dropped && underline) {
                dropped = !underline;
                continue;
            }
            dropped = false;
            out.push_str(line);
            out.push('\n');
        }
        out
    }
}

/// A line's fingerprint: its cleaned words without glued link labels, lower-cased, with digits
/// folded (a footer's year or a banner's partner count changes, the footer stays chrome). None for lines without a letter.
pub fn fingerprint(line: &str) -> Option<String> {
    let cleaned = clean_inline(line);
    let cleaned = super::class::without_glued_labels(&cleaned);
    let mut out = String::with_capacity(cleaned.len());
    let mut gap = false;
    for c in cleaned.chars() {
        if c.is_alphabetic() {
            if gap && !out.is_empty() {
                out.push(' ');
            }
            gap = false;
            out.extend(c.to_lowercase());
        } else if c.is_numeric() {
            if gap && !out.is_empty() {
                out.push(' ');
            }
            gap = false;
            if !out.ends_with('#') {
                out.push('#');
            }
        } else {
            gap = true;
        }
    }
    out.chars().any(char::is_alphabetic).then_some(out)
}

/// Learns chrome from a platform's documents: `documents[d]` holds the texts of document `d`'s
/// versions, oldest first. Returns each fingerprint that recurs in at least [`MIN_DOCUMENTS`]
/// documents, or that comes back to a document after leaving it, with one line it came from,
/// sorted by fingerprint. Captures that open with an error message are passed over for the
/// second rule (what they lost did not leave the document).
pub fn learn<'t>(documents: &[Vec<&'t str>]) -> Vec<(String, &'t str)> {
    let mut seen: HashMap<String, (usize, usize, &'t str)> = HashMap::new();
    let mut chrome: HashMap<String, &'t str> = HashMap::new();
    for (d, texts) in documents.iter().enumerate() {
        // Per fingerprint of this document: 1 present, 2 gone since, 3 back again.
        let mut presence: HashMap<String, u8> = HashMap::new();
        for text in texts {
            let mut here: HashMap<String, &'t str> = HashMap::new();
            for line in text.lines() {
                if let Some(f) = fingerprint(line) {
                    here.entry(f).or_insert(line);
                }
            }
            for (f, line) in &here {
                let entry = seen.entry(f.clone()).or_insert((d, 0, line));
                if entry.1 == 0 || entry.0 != d {
                    entry.0 = d;
                    entry.1 += 1;
                }
            }
            if opens_with_error(text) {
                continue;
            }
            for (f, state) in presence.iter_mut() {
                *state = match (*state, here.contains_key(f)) {
                    (1, false) => 2,
                    (2, true) => 3,
                    (s, _) => s,
                };
            }
            for (f, line) in here {
                let state = presence.entry(f.clone()).or_insert(1);
                if *state == 3 {
                    chrome.entry(f).or_insert(line);
                }
            }
        }
    }
    chrome.extend(seen.into_iter().filter(|(_, (_, n, _))| *n >= MIN_DOCUMENTS).map(|(f, (_, _, line))| (f, line)));
    let mut out: Vec<(String, &str)> = chrome.into_iter().collect();
    out.sort();
    out
}

/// True when the first lines of a text carry an error message.
fn opens_with_error(text: &str) -> bool {
    let opening = text.lines().take(6).collect::<Vec<_>>().join("\n").to_lowercase().replace('\u{2019}', "'");
    crate::archive::suspect::ERROR_PAGE_PHRASES.iter().any(|p| opening.contains(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_shared_by_two_documents_are_chrome_whatever_their_numbers() {
        let terms =
            ["# Terms\n\nYou must be 18.\n\n© 2025 OpenAI · [Security](/security)", "# Terms\n\nYou must be 13."];
        let privacy = ["# Privacy\n\nWe keep logs.\n\n© 2026 OpenAI · [Security](/trust)"];
        let learnt = learn(&[terms.to_vec(), privacy.to_vec()]);
        let chrome = Chrome::new(learnt.into_iter().map(|(f, _)| f));
        assert!(chrome.is_chrome_line("© 2027 OpenAI · Security"));
        assert!(!chrome.is_chrome_line("You must be 18."), "a line of one document only is terms");
        assert!(!chrome.is_chrome_line("# Terms"), "a heading both versions of one document have is not shared");
        assert_eq!(chrome.strip("We keep logs.\n© 2025 OpenAI · Security"), ("We keep logs.".to_owned(), true));
        assert!(chrome.is_all_chrome("© 1999 OpenAI · Security"));
        assert!(!chrome.is_all_chrome(""));
    }

    #[test]
    fn a_line_that_leaves_a_document_and_comes_back_is_chrome() {
        let versions = [
            "# Terms\n\nYou must be 18.\n\nWe value your privacy: 1714 partners",
            "# Terms\n\nYou must be 18.",
            "# Terms\n\nYou must be 21.\n\nWe value your privacy: 1722 partners",
            "This page isn’t available\n\n# Terms",
            "# Terms\n\nYou must be 21.",
        ];
        let learnt: Vec<String> = learn(&[versions.to_vec()]).into_iter().map(|(f, _)| f).collect();
        assert_eq!(learnt, [fingerprint("We value your privacy: 1 partners").unwrap_or_default()]);
    }

    #[test]
    fn a_fingerprint_folds_case_punctuation_links_and_digits() {
        assert_eq!(
            fingerprint("We and our 1725 partners use [cookies](https://x.y)."),
            fingerprint("we and our 1731 partners use cookies")
        );
        assert_eq!(fingerprint("---"), None);
        assert_eq!(fingerprint("2025"), None);
    }
}
