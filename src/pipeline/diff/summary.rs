//! One-line summaries of provision changes and of whole changes.
use std::sync::LazyLock;

use regex::Regex;

use super::{Change, ChangeClass, ChangeKind, ProvisionChange, WordOp};

/// A list item's label on its own: `3.`, `(b)`, `iv)`.
static LIST_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\(?(?:[a-z]|[ivx]{1,4}|\d{1,3})[.)]$").unwrap_or_else(|e| panic!("invalid built-in pattern: {e}"))
});

/// What a clause number or letter looks like without its punctuation: `5`, `b`, `iv`, `4.2`.
static BARE_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\(?(?:[a-z]|[ivx]{1,4}|\d{1,3}(?:\.\d{1,3})*)[.)]?$")
        .unwrap_or_else(|e| panic!("invalid built-in pattern: {e}"))
});

/// For each run of a word diff, whether it is an inserted or deleted clause label: a number or
/// letter at the start of a line whose text goes on with `.` or `)` (`5. Prohibitions` →
/// `1. Prohibitions`). Such a run names a list item's place, not what changed.
fn label_runs(words: &[WordOp]) -> Vec<bool> {
    let at_line_start = |before: &str| {
        let line = before.rsplit('\n').next().unwrap_or("");
        line.trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '#' | '-' | '*' | '>')).is_empty()
    };
    words
        .iter()
        .enumerate()
        .map(|(i, op)| {
            let (text, insert) = match op {
                WordOp::Insert(s) => (s.trim(), true),
                WordOp::Delete(s) => (s.trim(), false),
                WordOp::Equal(_) => return false,
            };
            if !BARE_LABEL.is_match(text) {
                return false;
            }
            // This side's text before and after the run; the other side's runs are not on it.
            fn on_side(w: &WordOp, insert: bool) -> Option<&str> {
                match w {
                    WordOp::Equal(s) => Some(s),
                    WordOp::Insert(s) if insert => Some(s),
                    WordOp::Delete(s) if !insert => Some(s),
                    _ => None,
                }
            }
            let before: String = words[..i].iter().filter_map(|w| on_side(w, insert)).collect();
            let after = words[i + 1..].iter().find_map(|w| on_side(w, insert)).unwrap_or("");
            at_line_start(&before) && (text.ends_with(['.', ')']) || after.starts_with(['.', ')']))
        })
        .collect()
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// How much a provision change matters to a reader, beyond its class: what the headline of a
/// change picks its provision by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Importance {
    /// The highest exposure of the provision's topics: 0 none, 1 low, 2 medium, 3 high.
    pub exposure: u8,
}

/// True when a quoted fragment would name nothing: a date, a month, a year, a number of a
/// list item.
fn trivial(fragment: &str) -> bool {
    let fragment = fragment.trim();
    if LIST_LABEL.is_match(fragment) {
        return true;
    }
    let tokens: Vec<String> =
        fragment.split(|c: char| !c.is_alphanumeric()).filter(|t| !t.is_empty()).map(str::to_lowercase).collect();
    let month = |t: &str| MONTHS.iter().any(|m| *m == t || (t.len() == 3 && m.starts_with(t))) || t == "sept";
    let has_month = tokens.iter().any(|t| month(t));
    !tokens.is_empty()
        && tokens.iter().all(|t| {
            let digits = t.trim_end_matches(['s', 't', 'n', 'd', 'r', 'h']);
            let numeric = !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit());
            month(t)
                || (numeric && digits.len() == 4 && (digits.starts_with("19") || digits.starts_with("20")))
                || (numeric && digits.len() <= 2 && has_month)
        })
}

/// Longest summary line, in characters.
pub const MAX_SUMMARY_CHARS: usize = 160;

/// Cuts `text` to at most `max` characters at a word boundary, ending with ` …` when cut.
pub fn cut_at_word(text: &str, max: usize) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        return flat;
    }
    let budget = max.saturating_sub(2);
    let head: String = flat.chars().take(budget).collect();
    let cut = match head.rfind(' ') {
        Some(at) if at > 0 => &head[..at],
        _ => head.as_str(),
    };
    format!("{} …", cut.trim_end_matches([',', ';', ':']))
}

/// `label: verb "quote"; verb "quote"`, each quote cut so the line stays short.
pub(crate) fn quoted(label: &str, parts: &[(&str, &str)]) -> String {
    if parts.is_empty() {
        return label.to_owned();
    }
    let overhead: usize = parts.iter().map(|(verb, _)| verb.chars().count() + 5).sum();
    let room = MAX_SUMMARY_CHARS.saturating_sub(label.chars().count() + overhead) / parts.len();
    let rendered: Vec<String> =
        parts.iter().map(|(verb, text)| format!("{verb} \"{}\"", cut_at_word(text, room.max(24)))).collect();
    format!("{label}: {}", rendered.join("; "))
}

/// Summary of a modified provision: the longest insertion and deletion, quoted. Fragments
/// that only name a date or a list item's number, or that moved (deleted in one place and
/// inserted in another), are passed over while others exist.
pub(crate) fn modified(label: &str, words: &[WordOp]) -> String {
    let labels = label_runs(words);
    let runs = |insert: bool| -> Vec<&str> {
        words
            .iter()
            .zip(&labels)
            .filter(|(_, is_label)| !**is_label)
            .filter_map(|(w, _)| match w {
                WordOp::Insert(s) if insert => Some(s.trim()),
                WordOp::Delete(s) if !insert => Some(s.trim()),
                _ => None,
            })
            .collect()
    };
    let (inserted, deleted) = (runs(true), runs(false));
    let worded = |side: &[&str]| -> Vec<String> {
        side.iter().filter(|s| s.chars().any(char::is_alphanumeric)).map(|s| (*s).to_owned()).collect()
    };
    let telling = |side: &[&str], other: &[&str]| -> Vec<String> {
        side.iter()
            .filter(|s| s.chars().any(char::is_alphanumeric) && !trivial(s) && !other.contains(s))
            .map(|s| (*s).to_owned())
            .collect()
    };
    let (mut ins_pool, mut del_pool) = (telling(&inserted, &deleted), telling(&deleted, &inserted));
    if ins_pool.is_empty() && del_pool.is_empty() {
        (ins_pool, del_pool) = (worded(&inserted), worded(&deleted));
        let moved = |side: &[String], other: &[String]| side.iter().all(|s| other.contains(s));
        if !ins_pool.is_empty() && moved(&ins_pool, &del_pool) && moved(&del_pool, &ins_pool) {
            return format!("{label}: wording moved within it");
        }
    }
    let longest = |pool: Vec<String>| pool.into_iter().max_by_key(String::len);
    let (ins, del) = (longest(ins_pool), longest(del_pool));
    let (ins, del) = (ins.as_deref(), del.as_deref());
    let changes = words.iter().filter(|w| !matches!(w, WordOp::Equal(_))).count();
    match (ins, del) {
        (Some(i), Some(d)) if changes == 2 => {
            format!("{label}: {}", quoted_pair(d, i, label))
        }
        (Some(i), Some(d)) => quoted(label, &[("added", i), ("removed", d)]),
        (Some(i), None) => quoted(label, &[("added", i)]),
        (None, Some(d)) => quoted(label, &[("removed", d)]),
        (None, None) => format!("{label}: punctuation or spacing changed"),
    }
}

fn quoted_pair(old: &str, new: &str, label: &str) -> String {
    let room = MAX_SUMMARY_CHARS.saturating_sub(label.chars().count() + 22) / 2;
    format!("replaced \"{}\" with \"{}\"", cut_at_word(old, room.max(24)), cut_at_word(new, room.max(24)))
}

/// How much a provision change tells a reader, to pick a change's headline: exposure of its
/// topics first, then a new or dropped section, then how much text it touched; a change whose
/// quotes are only dates or list numbers, or a table-of-contents row, comes last.
fn weight(pc: &ProvisionChange, importance: Importance) -> (bool, u8, bool, usize) {
    let changed: Vec<&str> = pc
        .words
        .iter()
        .zip(label_runs(&pc.words))
        .filter_map(|(w, is_label)| match w {
            WordOp::Insert(s) | WordOp::Delete(s) if !is_label => Some(s.as_str()),
            _ => None,
        })
        .collect();
    let words: usize = changed.iter().map(|s| s.split_whitespace().count()).sum();
    let telling = match pc.kind {
        ChangeKind::Modified => changed.iter().any(|s| {
            let s = s.trim();
            // A word deleted in one place and inserted in another moved: it tells nothing.
            s.chars().any(char::is_alphanumeric) && !trivial(s) && changed.iter().filter(|o| o.trim() == s).count() == 1
        }),
        _ => true,
    };
    let section = matches!(pc.kind, ChangeKind::Added | ChangeKind::Removed) && !pc.label.is_empty();
    let toc_row = pc.label.to_lowercase().contains("contents");
    (telling && !toc_row, importance.exposure, section, words)
}

/// `Substantive: 3 added, 1 renumbered — §12 Community Localization: added "…"`, led by the
/// most important provision change of the change's class.
pub(crate) fn change_summary(change: &Change, importance: &dyn Fn(&ProvisionChange) -> Importance) -> String {
    if change.is_empty() {
        return "No changes".to_owned();
    }
    let class = match change.class {
        ChangeClass::Substantive => "Substantive",
        ChangeClass::Metadata => "Metadata only",
        ChangeClass::Renumbered => "Renumbered only",
        ChangeClass::Cosmetic => "Cosmetic only",
        ChangeClass::Markup => "Markup only",
        ChangeClass::Chrome => "Site chrome only",
        ChangeClass::Variant => "Regional variant",
        ChangeClass::Broken => "Broken capture",
    };
    let kinds = [
        (ChangeKind::Added, "added"),
        (ChangeKind::Removed, "removed"),
        (ChangeKind::Modified, "modified"),
        (ChangeKind::Moved, "moved"),
        (ChangeKind::Renumbered, "renumbered"),
    ];
    let counts: Vec<String> = kinds
        .iter()
        .filter_map(|(kind, word)| {
            let n = change.provisions.iter().filter(|p| p.kind == *kind).count();
            (n > 0).then(|| format!("{n} {word}"))
        })
        .collect();
    let lead = change
        .provisions
        .iter()
        .enumerate()
        .filter(|(_, p)| p.class == change.class)
        // Earlier provisions win ties: `max_by_key` keeps the last maximum, so order is reversed.
        .max_by_key(|(i, p)| (weight(p, importance(p)), std::cmp::Reverse(*i)))
        .map(|(_, p)| p.summary.as_str());
    let line = match lead {
        Some(s) => format!("{class}: {} — {s}", counts.join(", ")),
        None => format!("{class}: {}", counts.join(", ")),
    };
    cut_at_word(&line, MAX_SUMMARY_CHARS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_months_years_and_list_labels_are_trivial_but_numbers_of_days_are_not() {
        for t in ["May 1", "July", "2025", "May 1, 2026", "3.", "(b)", "iv)", "1 June"] {
            assert!(trivial(t), "{t}");
        }
        for t in ["30", "60 days", "Training", "May we", "Marc"] {
            assert!(!trivial(t), "{t}");
        }
    }

    #[test]
    fn a_moved_or_dated_fragment_is_not_quoted_when_a_telling_one_exists() {
        let words = [
            WordOp::Equal("On ".into()),
            WordOp::Delete("May 1".into()),
            WordOp::Insert("June 2".into()),
            WordOp::Equal(" we ".into()),
            WordOp::Insert("will train on your chats".into()),
            WordOp::Equal(" today.".into()),
        ];
        assert_eq!(modified("§1 Use", &words), "§1 Use: added \"will train on your chats\"");
        let moved = [WordOp::Insert("July".into()), WordOp::Equal(" a ".into()), WordOp::Delete("July".into())];
        assert_eq!(modified("§2", &moved), "§2: wording moved within it");
    }

    #[test]
    fn a_renumbered_clause_label_is_not_quoted() {
        let words = [
            WordOp::Delete("5".into()),
            WordOp::Insert("1".into()),
            WordOp::Equal(". Prohibitions. Customer data is processed for ".into()),
            WordOp::Insert("or ".into()),
            WordOp::Equal("on".into()),
            WordOp::Delete(" or".into()),
            WordOp::Equal(" behalf of the Customer.".into()),
        ];
        assert_eq!(modified("§1 Prohibitions", &words), "§1 Prohibitions: wording moved within it");
        let days = [WordOp::Equal("Within ".into()), WordOp::Delete("30".into()), WordOp::Insert("60".into())];
        assert_eq!(modified("§2", &days), "§2: replaced \"30\" with \"60\"");
        let item = [WordOp::Equal("Terms\n- ".into()), WordOp::Insert("(b)".into()), WordOp::Equal(" Fees".into())];
        assert!(label_runs(&item)[1]);
    }

    #[test]
    fn long_quotes_are_cut_at_a_word_with_an_ellipsis() {
        let s = quoted("§1 Acceptance", &[("added", &"We may update these Terms from time to time. ".repeat(8))]);
        assert!(s.starts_with("§1 Acceptance: added \"We may update these Terms"), "{s}");
        assert!(s.ends_with(" …\""), "{s}");
        assert!(s.chars().count() <= MAX_SUMMARY_CHARS, "{s}");
    }
}
