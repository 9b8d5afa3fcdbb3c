//! One-line summaries of provision changes and of whole changes.
use super::{Change, ChangeClass, ChangeKind, WordOp};

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

/// Summary of a modified provision: the longest insertion and deletion, quoted.
pub(crate) fn modified(label: &str, words: &[WordOp]) -> String {
    let longest = |pick: fn(&WordOp) -> Option<&str>| {
        words
            .iter()
            .filter_map(pick)
            .map(str::trim)
            .filter(|s| s.chars().any(char::is_alphanumeric))
            .max_by_key(|s| s.len())
    };
    let ins = longest(|w| if let WordOp::Insert(s) = w { Some(s) } else { None });
    let del = longest(|w| if let WordOp::Delete(s) = w { Some(s) } else { None });
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

/// `Substantive: 3 added, 1 renumbered — §12 Community Localization: added "…"`.
pub(crate) fn change_summary(change: &Change) -> String {
    if change.is_empty() {
        return "No changes".to_owned();
    }
    let class = match change.class {
        ChangeClass::Substantive => "Substantive",
        ChangeClass::Metadata => "Metadata only",
        ChangeClass::Cosmetic => "Cosmetic only",
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
    let lead = change.provisions.iter().find(|p| p.class == change.class).map(|p| p.summary.as_str());
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
    fn long_quotes_are_cut_at_a_word_with_an_ellipsis() {
        let s = quoted("§1 Acceptance", &[("added", &"We may update these Terms from time to time. ".repeat(8))]);
        assert!(s.starts_with("§1 Acceptance: added \"We may update these Terms"), "{s}");
        assert!(s.ends_with(" …\""), "{s}");
        assert!(s.chars().count() <= MAX_SUMMARY_CHARS, "{s}");
    }
}
