//! Turns Markdown-like text into blocks: headings, paragraphs and list items.
use std::sync::LazyLock;

use regex::Regex;

use super::inline::{clean_inline, emphasised_date_stamp, is_date_stamp, split_clause};
use super::memo::Memo;

/// One block of a version's text, inline markup already cleaned.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Block {
    /// A heading; `level` 1–6 for Markdown headings, higher for bold run-in headings.
    Heading {
        level: u8,
        clause: Option<String>,
        title: String,
        /// The heading as it reads, with any run-in body (`1. Eligibility. Your use …`).
        line: String,
    },
    /// A paragraph or list item.
    Para { text: String, list_item: bool },
    /// A date-stamp line ("Last updated: …"), kept as a provision of its own.
    Stamp { text: String },
}

/// Longest bold line, in words, still read as a heading.
const MAX_BOLD_HEADING_WORDS: usize = 15;

static ATX: LazyLock<Regex> = LazyLock::new(|| re(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$"));
static SETEXT: LazyLock<Regex> = LazyLock::new(|| re(r"^ {0,3}(=+|-+)\s*$"));
static LIST_ITEM: LazyLock<Regex> = LazyLock::new(|| re(r"^\s*(?:[-*+•]|\d{1,3}[.)]|\(?[a-z]{1,3}\))\s+\S"));
static NUMBERED_BOLD: LazyLock<Regex> =
    LazyLock::new(|| re(r"^\s*(\(?\d+(?:\.\d+)*\\?[.)]?|\([a-z]\)|[a-z][.)])\s*\*\*(.+?)\*\*\s*(.*)$"));
static BOLD_NUMBERED: LazyLock<Regex> = LazyLock::new(|| re(r"^\s*\*\*\s*(\d+(?:\.\d+)*)\\?\.?\s+(.+?)\*\*\s*(.*)$"));
static BOLD_LINE: LazyLock<Regex> = LazyLock::new(|| re(r"^\s*\*\*([^*]+?)\*\*\s*$"));
static BOLD_LEAD: LazyLock<Regex> = LazyLock::new(|| re(r"^\s*\*\*([^*]{2,80}?[.:])\*\*\s+(\S.*)$"));

fn re(pattern: &str) -> Regex {
    // The patterns are constants checked by the unit tests; an invalid one is a programming error.
    Regex::new(pattern).unwrap_or_else(|e| panic!("invalid built-in pattern {pattern}: {e}"))
}

/// Splits text into blocks. Never fails; odd input yields paragraphs.
pub(crate) fn parse_blocks<'t>(text: &'t str, memo: &mut Memo<'t>) -> Vec<Block> {
    let lines: Vec<&str> = text.lines().collect();
    let mut blocks = Vec::new();
    let mut para: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim_end();
        let next_is_setext = lines.get(i + 1).is_some_and(|n| is_setext(n) && !line.trim().is_empty());
        if line.trim().is_empty() {
            flush(&mut para, &mut blocks, memo);
        } else if next_is_setext && !LIST_ITEM.is_match(line) {
            flush(&mut para, &mut blocks, memo);
            let level = if lines[i + 1].trim_start().starts_with('=') { 1 } else { 2 };
            push_heading(&mut blocks, level, line);
            i += 1;
        } else if let Some(c) = atx_heading(line) {
            flush(&mut para, &mut blocks, memo);
            let level = u8::try_from(c[1].len()).unwrap_or(6);
            push_heading(&mut blocks, level, &c[2]);
        } else if is_setext(line) && para.is_empty() {
            // A thematic break (`---`) on its own: no content.
        } else if LIST_ITEM.is_match(line) && !para.is_empty() && !is_indented(line) {
            flush(&mut para, &mut blocks, memo);
            para.push(line);
        } else {
            para.push(line);
        }
        i += 1;
    }
    flush(&mut para, &mut blocks, memo);
    blocks
}

/// A setext underline (`===`, `---`); the regex only where one can start.
fn is_setext(line: &str) -> bool {
    line.trim_start_matches(' ').starts_with(['=', '-']) && SETEXT.is_match(line)
}

/// `## Title` (the regex only where a `#` can start one).
fn atx_heading(line: &str) -> Option<regex::Captures<'_>> {
    line.trim_start_matches(' ').starts_with('#').then(|| ATX.captures(line)).flatten()
}

fn is_indented(line: &str) -> bool {
    line.starts_with("  ") || line.starts_with('\t')
}

fn push_heading(blocks: &mut Vec<Block>, level: u8, raw: &str) {
    let cleaned = strip_emphasis(&clean_inline(raw));
    if cleaned.is_empty() {
        return;
    }
    if is_date_stamp(&cleaned) {
        blocks.push(Block::Stamp { text: cleaned });
        return;
    }
    let (clause, title) = split_clause(&cleaned);
    blocks.push(Block::Heading { level, clause, title, line: cleaned });
}

/// Ends the current paragraph and classifies it.
fn flush<'t>(para: &mut Vec<&'t str>, blocks: &mut Vec<Block>, memo: &mut Memo<'t>) {
    if para.is_empty() {
        return;
    }
    blocks.extend(memo.paragraph(para, || paragraph_block(para)));
    para.clear();
}

/// The block a paragraph's (non-empty) lines make, if any.
fn paragraph_block(para: &[&str]) -> Option<Block> {
    let (first, rest) = (para[0], &para[1..]);
    let list_item = LIST_ITEM.is_match(first);
    if let Some(block) = bold_heading(first, rest) {
        return Some(block);
    }
    let text = clean_inline(&para.join("\n"));
    if text.is_empty() {
        return None;
    }
    Some(match emphasised_date_stamp(&text) {
        Some(stamp) => Block::Stamp { text: stamp },
        None => Block::Para { text, list_item },
    })
}

/// Bold headings: `1. **Title.** body`, `**1. Title**`, a wholly bold short line, `**Lead.** body`.
fn bold_heading(first: &str, rest: &[&str]) -> Option<Block> {
    if !first.contains("**") {
        return None; // every pattern below needs bold markers
    }
    let body_tail = || rest.join("\n");
    let make = |level: u8, clause: Option<String>, title: &str, body: &str| {
        let title = strip_emphasis(&clean_inline(title)).trim_end_matches(['.', ':']).trim().to_owned();
        if title.is_empty() || is_date_stamp(&title) {
            return None;
        }
        let mut line = match &clause {
            Some(c) => format!("{c}. {title}"),
            None => title.clone(),
        };
        let body = clean_inline(body);
        if !body.is_empty() {
            line = format!("{line}. {body}").replace(".. ", ". ").replace(":. ", ": ");
        }
        Some(Block::Heading { level, clause, title, line })
    };
    let with_rest = |head_body: &str| {
        let tail = body_tail();
        if tail.is_empty() { head_body.to_owned() } else { format!("{head_body}\n{tail}") }
    };
    if let Some(c) = NUMBERED_BOLD.captures(first).or_else(|| BOLD_NUMBERED.captures(first)) {
        let clause = normalize_clause(&c[1]);
        let depth = clause.split('.').count();
        let level = 7 + u8::try_from(depth.min(4)).unwrap_or(4);
        return make(level, Some(clause), &c[2], &with_rest(&c[3]));
    }
    if rest.is_empty()
        && let Some(c) = BOLD_LINE.captures(first)
        && c[1].split_whitespace().count() <= MAX_BOLD_HEADING_WORDS
    {
        return make(7, None, &c[1], "");
    }
    if let Some(c) = BOLD_LEAD.captures(first)
        && c[1].split_whitespace().count() <= 10
    {
        return make(12, None, &c[1], &with_rest(&c[2]));
    }
    None
}

/// `12\.` → `12`, `(b)` and `b.` → `(b)`.
fn normalize_clause(raw: &str) -> String {
    let bare = raw.trim_matches(|c: char| matches!(c, '(' | ')' | '.' | '\\') || c.is_whitespace());
    if bare.chars().all(|c| c.is_ascii_digit() || c == '.') { bare.to_owned() } else { format!("({bare})") }
}

/// Removes bold/italic markers wrapping the whole text or inside it (`**`, `__`, edge `_`/`*`).
pub(crate) fn strip_emphasis(text: &str) -> String {
    let t = text.replace("**", "").replace("__", "");
    let t = t.trim();
    let t = t.strip_prefix('_').and_then(|s| s.strip_suffix('_')).unwrap_or(t);
    let t = t.strip_prefix('*').and_then(|s| s.strip_suffix('*')).unwrap_or(t);
    t.trim().to_owned()
}
