//! Word-level diff of two provision texts, merged into readable runs.
use std::time::Duration;

use similar::{ChangeTag, TextDiff};

use super::WordOp;

/// Longest time one word diff may take before `similar` approximates.
const WORD_DIFF_TIMEOUT: Duration = Duration::from_millis(250);

/// Word diff of `prev` → `next` (Unicode words). Runs of the same kind are merged, and
/// whitespace between two changed runs is folded into them, so each edit reads as one
/// deletion followed by one insertion.
pub fn word_diff(prev: &str, next: &str) -> Vec<WordOp> {
    let diff = TextDiff::configure().timeout(WORD_DIFF_TIMEOUT).diff_unicode_words(prev, next);
    let mut runs: Vec<(ChangeTag, String)> = Vec::new();
    for change in diff.iter_all_changes() {
        let tag = change.tag();
        match runs.last_mut() {
            Some((t, s)) if *t == tag => s.push_str(change.value()),
            _ => runs.push((tag, change.value().to_owned())),
        }
    }
    fold_runs(runs)
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
