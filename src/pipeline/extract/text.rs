//! The canonical text rules shared by the HTML extractor and the Markdown normaliser.

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// What a block of canonical text is; decides how blocks are separated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum BlockKind {
    Heading(u8),
    Paragraph,
    ListItem,
    TableRow,
}

/// One block of canonical text, already cleaned (may hold several lines).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Block {
    pub(super) text: String,
    pub(super) kind: BlockKind,
}

/// How one character is written in canonical text.
enum CharRule {
    Keep(char),
    Space,
    Drop,
}

fn char_rule(c: char) -> CharRule {
    match c {
        // zero-width space/joiners, word joiner, byte order mark, soft hyphen
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' => CharRule::Drop,
        '\n' => CharRule::Keep('\n'),
        c if c.is_whitespace() => CharRule::Space,
        c if c.is_control() => CharRule::Drop,
        c => CharRule::Keep(c),
    }
}

/// Cleans raw text: drops invisible characters, turns every space-like character into a space,
/// collapses runs of spaces, trims each line and drops empty lines (lines are kept apart by `\n`).
pub(super) fn clean_lines(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut line_start = 0;
    let mut pending_space = false;
    for c in raw.chars() {
        match char_rule(c) {
            CharRule::Drop => {}
            CharRule::Space => pending_space = out.len() > line_start,
            CharRule::Keep('\n') => {
                if out.len() > line_start {
                    out.push('\n');
                    line_start = out.len();
                }
                pending_space = false;
            }
            CharRule::Keep(c) => {
                if pending_space {
                    out.push(' ');
                    pending_space = false;
                }
                out.push(c);
            }
        }
    }
    if out.ends_with('\n') {
        out.pop();
    }
    out
}

/// Joins blocks into canonical text: one blank line between blocks, none between consecutive
/// list items or table rows; Unicode NFC; exactly one final newline (empty text stays empty).
pub(super) fn assemble(blocks: &[Block]) -> String {
    let mut out = String::new();
    let mut previous: Option<BlockKind> = None;
    for block in blocks {
        // A block whose only content was invisible (or empty bold) would leave a bare "## ".
        if block.text.trim_matches(|c: char| c == '*' || c.is_whitespace()).is_empty() {
            continue;
        }
        if let Some(previous) = previous {
            let tight = previous == block.kind && matches!(block.kind, BlockKind::ListItem | BlockKind::TableRow);
            out.push_str(if tight { "\n" } else { "\n\n" });
        }
        if let BlockKind::Heading(level) = block.kind {
            out.extend(std::iter::repeat_n('#', usize::from(level.clamp(1, 6))));
            out.push(' ');
        }
        out.push_str(&block.text);
        previous = Some(block.kind);
    }
    if out.is_empty() {
        return out;
    }
    // No line ends in white space, whatever the markup around it was.
    let mut out: String = out.lines().map(str::trim_end).collect::<Vec<_>>().join("\n");
    out.push('\n');
    nfc(out)
}

fn nfc(text: String) -> String {
    match is_nfc_quick(text.chars()) {
        IsNormalized::Yes => text,
        _ => text.nfc().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_characters_are_dropped_and_spaces_collapse() {
        let raw = "  Zero\u{200B}width soft\u{00AD}hyphen\u{00A0}\u{00A0}nbsp \t tab\u{FEFF}  \n\n next ";
        assert_eq!(clean_lines(raw), "Zerowidth softhyphen nbsp tab\nnext");
    }

    #[test]
    fn text_is_composed_to_nfc() {
        let blocks = [Block { text: "Cafe\u{0301}".to_owned(), kind: BlockKind::Paragraph }];
        assert_eq!(assemble(&blocks), "Caf\u{00E9}\n");
    }

    #[test]
    fn list_items_are_tight_and_paragraphs_are_apart() {
        let block = |text: &str, kind| Block { text: text.to_owned(), kind };
        let blocks = [
            block("Title", BlockKind::Heading(2)),
            block("Intro", BlockKind::Paragraph),
            block("- a", BlockKind::ListItem),
            block("- b", BlockKind::ListItem),
            block("Outro", BlockKind::Paragraph),
        ];
        assert_eq!(assemble(&blocks), "## Title\n\nIntro\n\n- a\n- b\n\nOutro\n");
    }
}
