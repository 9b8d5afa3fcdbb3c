//! Word-level diff of two provision texts, merged into readable runs.
use std::ops::Range;
use std::time::Duration;

use similar::{ChangeTag, DiffTag, DiffableStr, TextDiff};

use super::WordOp;

/// Longest time one word diff may take before `similar` approximates.
const WORD_DIFF_TIMEOUT: Duration = Duration::from_millis(250);

/// Word diff of `prev` → `next` (Unicode words). Runs of the same kind are merged, and
/// whitespace between two changed runs is folded into them, so each edit reads as one
/// deletion followed by one insertion.
pub fn word_diff(prev: &str, next: &str) -> Vec<WordOp> {
    // The same tokens and diff as `diff_unicode_words`, with a faster tokeniser.
    let (old, new) = (word_bounds(prev), word_bounds(next));
    let diff = TextDiff::configure().timeout(WORD_DIFF_TIMEOUT).diff_slices(&old, &new);
    let (old_at, new_at) = (Offsets::of(&old), Offsets::of(&new));
    let mut runs: Vec<(ChangeTag, String)> = Vec::new();
    for op in diff.ops() {
        // A replacement reads as its deletion, then its insertion, as `iter_changes` yields it.
        let (tag, old_range, new_range) = op.as_tag_tuple();
        let spans = match tag {
            DiffTag::Equal => [(ChangeTag::Equal, old_at.span(prev, old_range)), (ChangeTag::Insert, "")],
            DiffTag::Delete => [(ChangeTag::Delete, old_at.span(prev, old_range)), (ChangeTag::Insert, "")],
            DiffTag::Insert => [(ChangeTag::Insert, new_at.span(next, new_range)), (ChangeTag::Insert, "")],
            DiffTag::Replace => {
                [(ChangeTag::Delete, old_at.span(prev, old_range)), (ChangeTag::Insert, new_at.span(next, new_range))]
            }
        };
        for (tag, text) in spans.into_iter().filter(|(_, text)| !text.is_empty()) {
            match runs.last_mut() {
                Some((t, s)) if *t == tag => s.push_str(text),
                _ => runs.push((tag, text.to_owned())),
            }
        }
    }
    fold_runs(runs)
}

/// Byte offsets of the tokens of a text (which they cover end to end): token `i` is
/// `text[at[i]..at[i + 1]]`.
struct Offsets(Vec<usize>);

impl Offsets {
    fn of(tokens: &[&str]) -> Self {
        let mut at = Vec::with_capacity(tokens.len() + 1);
        at.push(0);
        at.extend(tokens.iter().scan(0, |end, t| {
            *end += t.len();
            Some(*end)
        }));
        Self(at)
    }

    /// The text of the tokens in `range`: one slice, as they are contiguous.
    fn span<'t>(&self, text: &'t str, range: Range<usize>) -> &'t str {
        &text[self.0[range.start]..self.0[range.end]]
    }
}

/// The text split at Unicode (UAX #29) word boundaries, as `similar` splits it for word diffs.
fn word_bounds(text: &str) -> Vec<&str> {
    let mut tokens = Vec::new();
    let bytes = text.as_bytes();
    let mut done = 0;
    while let Some(found) = bytes[done..].iter().position(|b| !b.is_ascii()) {
        let wide = done + found;
        // Word boundaries next to a space between ASCII characters depend on nothing beyond
        // them, so only the stretch between the nearest such cuts needs the Unicode tables.
        let from = (done + 1..wide).rev().find(|&i| is_safe_cut(bytes, i)).unwrap_or(done);
        let to = (wide + 1..bytes.len()).find(|&i| is_safe_cut(bytes, i)).unwrap_or(bytes.len());
        ascii_tokens(&text[done..from], &mut tokens);
        tokens.extend(text[from..to].tokenize_unicode_words());
        done = to;
    }
    ascii_tokens(&text[done..], &mut tokens);
    tokens
}

/// Whether `i` is a word boundary that Unicode's rules settle from the two ASCII bytes around
/// it alone: one is a space and the other is not (WB3d, WB4 and WB999; no rule reaches across).
fn is_safe_cut(bytes: &[u8], i: usize) -> bool {
    let (a, b) = (bytes[i - 1], bytes[i]);
    a.is_ascii() && b.is_ascii() && ((a == b' ') != (b == b' '))
}

/// Appends the word tokens of ASCII `text`.
fn ascii_tokens<'t>(text: &'t str, tokens: &mut Vec<&'t str>) {
    let bytes = text.as_bytes();
    let mut start = 0;
    while start < bytes.len() {
        let end = ascii_token_end(bytes, start);
        tokens.push(&text[start..end]);
        start = end;
    }
}

/// The end of the ASCII token at `start`: a run of spaces (WB3d), a word of letters, digits and
/// `_` with inner `.` `'` `:` between letters or `.` `'` `,` `;` between digits (WB5–WB13b),
/// CR LF (WB3), else one byte (WB999). As `unicode-segmentation`'s own ASCII fast path.
fn ascii_token_end(bytes: &[u8], start: usize) -> usize {
    let core = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let infix = |b: u8, prev: u8, next: u8| match b {
        b'.' | b',' | b';' | b'\'' if prev.is_ascii_digit() && next.is_ascii_digit() => true,
        b'\'' | b'.' | b':' => prev.is_ascii_alphabetic() && next.is_ascii_alphabetic(),
        _ => false,
    };
    let first = bytes[start];
    let mut i = start + 1;
    if first == b' ' {
        while i < bytes.len() && bytes[i] == b' ' {
            i += 1;
        }
    } else if core(first) {
        while i < bytes.len()
            && (core(bytes[i]) || (i + 1 < bytes.len() && infix(bytes[i], bytes[i - 1], bytes[i + 1])))
        {
            i += 1;
        }
    } else if first == b'\r' && bytes.get(i) == Some(&b'\n') {
        i += 1;
    }
    i
}

fn fold_runs(runs: Vec<(ChangeTag, String)>) -> Vec<WordOp> {
    let mut out = Vec::new();
    let (mut del, mut ins) = (String::new(), String::new());
    for (k, (tag, text)) in runs.iter().enumerate() {
        match tag {
            ChangeTag::Delete => del.push_str(text),
            ChangeTag::Insert => ins.push_str(text),
            ChangeTag::Equal => {
                let between_changes = (!del.is_empty() || !ins.is_empty())
                    && runs.get(k + 1).is_some_and(|(t, _)| *t != ChangeTag::Equal);
                if between_changes && text.trim().is_empty() {
                    del.push_str(text);
                    ins.push_str(text);
                    continue;
                }
                flush(&mut out, &mut del, &mut ins);
                out.push(WordOp::Equal(text.clone()));
            }
        }
    }
    flush(&mut out, &mut del, &mut ins);
    out
}

fn flush(out: &mut Vec<WordOp>, del: &mut String, ins: &mut String) {
    if !del.is_empty() {
        out.push(WordOp::Delete(std::mem::take(del)));
    }
    if !ins.is_empty() {
        out.push(WordOp::Insert(std::mem::take(ins)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_tokens_are_the_unicode_word_bounds() {
        let texts = [
            "e.g. it's 3.14, 1,000; a:b a..b x_1 _ \r\n\n\t  end.",
            "http://x.y/a_(b) 'q' \"q\" 12'34 a'1 1'a 1.a a.1 ... -- ' . :",
            "",
            " ",
            "a",
        ];
        for text in texts {
            assert_eq!(word_bounds(text), text.tokenize_unicode_words(), "{text:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_ascii_text_has_the_unicode_word_bounds(text in "[a-c0-2 .,;:'_\"\r\n\t\x0b-]{0,40}|[ -~\n]{0,80}") {
            proptest::prop_assert_eq!(word_bounds(&text), text.tokenize_unicode_words());
        }
    }

    #[test]
    fn mixed_tokens_are_the_unicode_word_bounds() {
        let texts = [
            "You’re “here”, e.g. café’s 3’4 a\u{301} b \u{301}c \u{2003} d\u{2003} x \u{200d}y z\u{ad} w",
            "é",
            " é ",
            "a é",
            "é a",
            "日本語 テキスト。 x",
            "🇫🇷🇫🇷🇫 x 👍🏽 \u{3000} y\r\n‘q’",
        ];
        for text in texts {
            assert_eq!(word_bounds(text), text.tokenize_unicode_words(), "{text:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_text_has_the_unicode_word_bounds(
            text in "[a-b1 .,:'\r\n\u{e9}\u{2019}\u{201c}\u{2014}\u{2003}\u{301}\u{200d}\u{ad}\u{3000}\u{1f1eb}\u{65e5}]{0,40}"
        ) {
            proptest::prop_assert_eq!(word_bounds(&text), text.tokenize_unicode_words());
        }
    }

    #[test]
    fn a_dropped_word_is_one_deletion_between_equal_runs() {
        let ops = word_diff("generate text content now", "generate content now");
        let deleted: Vec<&str> =
            ops.iter().filter_map(|o| if let WordOp::Delete(s) = o { Some(s.trim()) } else { None }).collect();
        assert_eq!(deleted, ["text"]);
        assert!(!ops.iter().any(|o| matches!(o, WordOp::Insert(_))));
    }

    #[test]
    fn a_replaced_phrase_is_one_deletion_and_one_insertion() {
        let ops = word_diff("we may sell data", "we will never sell data");
        assert_eq!(
            ops,
            [
                WordOp::Equal("we ".into()),
                WordOp::Delete("may".into()),
                WordOp::Insert("will never".into()),
                WordOp::Equal(" sell data".into())
            ]
        );
    }
}
