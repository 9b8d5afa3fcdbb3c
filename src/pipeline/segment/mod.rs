//! Segmenting: splits a version's text into ordered, keyed provisions.
//!
//! A provision is a heading with its body up to the next heading of any level, a date-stamp
//! line, or (in text without headings) a paragraph with the list it introduces. Long ones are
//! split at paragraphs, then at sentences.
mod blocks;
mod chunk;
pub(crate) mod inline;
mod keys;
mod memo;

use blocks::{Block, parse_blocks};
use chunk::{Part, chunk_parts};
use keys::{KeySet, slug, stamp_key};
use memo::Memo;

use crate::domain::provision::{Provision, sha256_hex};

/// Longest provision, in words, before it is split at paragraphs, then sentences.
pub const MAX_PROVISION_WORDS: usize = 400;

/// A heading (or heading-less run) with the blocks under it, before length splitting.
struct Section {
    heading_path: Vec<String>,
    clause: Option<String>,
    title: Option<String>,
    key_base: String,
    /// True when this continues an earlier section's body (after a date stamp).
    continues: bool,
    parts: Vec<Part>,
}

impl Section {
    fn plain(heading_path: Vec<String>, key_base: String, continues: bool) -> Self {
        Self { heading_path, clause: None, title: None, key_base, continues, parts: Vec::new() }
    }
}

/// Splits a version's text (raw OTA Markdown or canonical text) into provisions.
///
/// Keys are unique within the result, no provision is empty, and every provision over
/// [`MAX_PROVISION_WORDS`] words is a single sentence that could not be split further.
pub fn segment(text: &str) -> Vec<Provision> {
    segment_with(text, &mut Memo::default())
}

/// Segments two versions of one document, as [`segment`] does each: the second reuses the
/// paragraphs and sections it shares with the first instead of cleaning and splitting them again.
pub fn segment_pair(prev: &str, next: &str) -> (Vec<Provision>, Vec<Provision>) {
    let mut memo = Memo::recording();
    let prev = segment_with(prev, &mut memo);
    memo.stop_recording();
    (prev, segment_with(next, &mut memo))
}

fn segment_with<'t>(text: &'t str, memo: &mut Memo<'t>) -> Vec<Provision> {
    let blocks = parse_blocks(text, memo);
    let sections = if blocks.iter().any(|b| matches!(b, Block::Heading { .. })) {
        heading_sections(blocks)
    } else {
        paragraph_sections(blocks)
    };
    let mut keys = KeySet::default();
    let mut out = Vec::new();
    for section in sections {
        emit(section, &mut keys, &mut out, memo);
    }
    out
}

/// Groups blocks under headings; text before the first heading is the preamble.
fn heading_sections(blocks: Vec<Block>) -> Vec<Section> {
    let mut stack: Vec<(u8, String)> = Vec::new();
    let mut sections: Vec<Section> = Vec::new();
    let mut current: Option<Section> = None;
    for block in blocks {
        match block {
            Block::Heading { level, clause, title, line } => {
                sections.extend(current.take());
                while stack.last().is_some_and(|(l, _)| *l >= level) {
                    stack.pop();
                }
                let path = stack.iter().map(|(_, t)| t.clone()).collect();
                let key_base = match &clause {
                    Some(c) => format!("{}-{}", slug(c, 4), slug(&title, 8)),
                    None => slug(&title, 8),
                };
                stack.push((level, display(clause.as_deref(), &title)));
                let mut s = Section::plain(path, key_base, false);
                s.parts.push(Part { text: line, list_item: false, heading: true });
                s.clause = clause;
                s.title = Some(title);
                current = Some(s);
            }
            Block::Stamp { text } => {
                let cont = current.take().map(|c| {
                    let next = continuation_of(&c, &stack);
                    sections.push(c);
                    next
                });
                let mut s = Section::plain(stack.iter().map(|(_, t)| t.clone()).collect(), stamp_key(&text), false);
                s.parts.push(Part { text, list_item: false, heading: false });
                sections.push(s);
                current = cont;
            }
            Block::Para { text, list_item } => {
                let s = current.get_or_insert_with(|| Section::plain(Vec::new(), "preamble".into(), false));
                s.parts.push(Part { text, list_item, heading: false });
            }
        }
    }
    sections.extend(current);
    sections.into_iter().filter(|s| !s.parts.is_empty()).collect()
}

/// An empty section that continues `section`'s body under the same headings.
fn continuation_of(section: &Section, stack: &[(u8, String)]) -> Section {
    let path = stack.iter().map(|(_, t)| t.clone()).collect();
    Section::plain(path, section.key_base.clone(), true)
}

/// Text without headings: each paragraph (with the list it introduces) is a provision.
fn paragraph_sections(blocks: Vec<Block>) -> Vec<Section> {
    let mut sections: Vec<Section> = Vec::new();
    for block in blocks {
        match block {
            Block::Para { text, list_item: true } if !sections.is_empty() => {
                if let Some(last) = sections.last_mut() {
                    last.parts.push(Part { text, list_item: true, heading: false });
                }
            }
            Block::Para { text, .. } => {
                let mut s = Section::plain(Vec::new(), slug(&text, 6), false);
                s.parts.push(Part { text, list_item: false, heading: false });
                sections.push(s);
            }
            Block::Stamp { text } => {
                let mut s = Section::plain(Vec::new(), stamp_key(&text), false);
                s.parts.push(Part { text, list_item: false, heading: false });
                sections.push(s);
            }
            Block::Heading { .. } => {}
        }
    }
    sections
}

/// How a heading reads in a heading path: `12. Miscellaneous`, `(a) Scope`, `Privacy`.
fn display(clause: Option<&str>, title: &str) -> String {
    match clause {
        Some(c) if c.starts_with('(') => format!("{c} {title}"),
        Some(c) => format!("{c}. {title}"),
        None => title.to_owned(),
    }
}

/// Splits a section into provisions of at most [`MAX_PROVISION_WORDS`] words and keys them.
fn emit(section: Section, keys: &mut KeySet, out: &mut Vec<Provision>, memo: &mut Memo<'_>) {
    let chunks = memo.chunks(&section.parts, || {
        let texts = chunk_parts(&section.parts, MAX_PROVISION_WORDS);
        texts.into_iter().map(|text| (sha256_hex(&text), text)).collect()
    });
    let own_heading = section.title.as_ref().map(|t| display(section.clause.as_deref(), t));
    for (i, (sha256, text)) in chunks.into_iter().enumerate() {
        let first = i == 0 && !section.continues;
        let key = if first { keys.fresh(&section.key_base) } else { keys.part(&section.key_base) };
        let mut heading_path = section.heading_path.clone();
        if !first && let Some(h) = &own_heading {
            heading_path.push(h.clone());
        }
        out.push(Provision {
            ordinal: out.len(),
            key,
            heading_path,
            clause: if first { section.clause.clone() } else { None },
            title: if first { section.title.clone() } else { None },
            sha256,
            text,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn setext_headings_with_numbers_and_anchors_become_keyed_provisions() {
        let text = "Terms\n=====\n\n**Last updated: May 2, 2025**\n\nIntro.\n\n\
                    12\\. Miscellaneous[](#h_01JD)\n------------------\n\n1.  Force.\n2.  Agency.\n";
        let p = segment(text);
        let keys: Vec<&str> = p.iter().map(|p| p.key.as_str()).collect();
        assert_eq!(keys, ["terms", "last-updated", "terms-part-2", "12-miscellaneous"]);
        assert_eq!(p[3].clause.as_deref(), Some("12"));
        assert_eq!(p[3].title.as_deref(), Some("Miscellaneous"));
        assert_eq!(p[3].text, "12. Miscellaneous\n\n1. Force.\n2. Agency.");
        assert_eq!(p[3].heading_path, ["Terms"]);
    }

    #[test]
    fn numbered_bold_paragraphs_are_headings_with_their_body() {
        let p = segment("1. **Eligibility.** You must be 18.\n    More text.\n\n2. **Use.** Be nice.\n");
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].key, "1-eligibility");
        assert_eq!(p[0].text, "1. Eligibility. You must be 18.\nMore text.");
    }

    #[test]
    fn text_without_structure_is_split_on_paragraphs_and_duplicates_get_suffixes() {
        let p = segment("Same start here.\n\nSame start here.\n\nOther.");
        let keys: Vec<&str> = p.iter().map(|p| p.key.as_str()).collect();
        assert_eq!(keys, ["same-start-here", "same-start-here-2", "other"]);
    }

    #[test]
    fn long_sections_are_split_below_the_word_limit() {
        let para = "Word ".repeat(150).trim().to_owned() + ".";
        let text = format!("# Big\n\n{para}\n\n{para}\n\n{para}\n");
        let p = segment(&text);
        assert_eq!(p.len(), 2);
        assert_eq!(p[1].key, "big-part-2");
        assert!(p.iter().all(|p| p.text.split_whitespace().count() <= MAX_PROVISION_WORDS));
    }
}
