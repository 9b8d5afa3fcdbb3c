//! Inline clean-up (links, escapes, bullets, whitespace), clause numbers and date stamps.
use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

use super::blocks::strip_emphasis;

fn re(pattern: &str) -> Regex {
    // The patterns are constants checked by the unit tests; an invalid one is a programming error.
    Regex::new(pattern).unwrap_or_else(|e| panic!("invalid built-in pattern {pattern}: {e}"))
}

static CLAUSE: LazyLock<Regex> =
    LazyLock::new(|| re(r"^(?i:(?:section|article|clause|part)\s+)?(\d+(?:\.\d+)*)(?:\.|\))?(?:\s+|$)(.*)$"));
static LETTER_CLAUSE: LazyLock<Regex> = LazyLock::new(|| re(r"^\(?([a-z]|[ivx]{1,4}|\d{1,3})\)\s+(.*)$"));
static ROMAN_CLAUSE: LazyLock<Regex> = LazyLock::new(|| re(r"^([IVX]{1,5})\.\s+(.*)$"));

const MONTHS: &str = "(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|\
sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|janvier|f[ée]vrier|mars|avril|mai|juin|juillet|\
ao[uû]t|septembre|octobre|novembre|d[ée]cembre|januar|februar|m[äa]rz|juni|juli|oktober|dezember)";

/// Dates in the formats terms pages use: ISO, numeric, "May 27, 2026", "27 May 2026", "May 2026".
pub(crate) static DATE: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)\b(?:\d{{4}}-\d{{1,2}}-\d{{1,2}}|\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{2,4}}|{MONTHS}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}(?:st|nd|rd|th|er)?\.?\s+(?:of\s+)?{MONTHS}\.?,?\s+\d{{4}}|{MONTHS}\.?,?\s+\d{{4}})\b"
    ))
});
static STAMP_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(?:last\s+(?:updated|modified|revised|changed|reviewed)|updated|effective|revised|modified|published|dated?|version|mis\s+à\s+jour|en\s+vigueur|stand|gültig)\b",
    )
});

/// Longest line, in words, that can be a date stamp.
const MAX_STAMP_WORDS: usize = 20;

/// Cleans inline Markdown: drops images and link targets, unescapes, normalises bullets,
/// invisible characters and whitespace (NFC). Keeps one line per input line, no blank lines.
pub(crate) fn clean_inline(text: &str) -> String {
    let text = visible_nfc(text);
    let text = drop_links(&text, Link::Image);
    let text = drop_links(&text, Link::Text);
    let text = unescape(&text);
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        let start = out.len();
        push_collapsed(&mut out, line);
        // A leading bullet (`*`, `+`, `•`, `-`) and the single space after it read `- `.
        let mut rest = out[start..].chars();
        if let (Some(bullet @ ('*' | '+' | '•' | '-')), Some(' ')) = (rest.next(), rest.next()) {
            out.replace_range(start..start + bullet.len_utf8(), "-");
        }
    }
    out
}

/// Which Markdown links [`drop_links`] removes.
#[derive(Clone, Copy, PartialEq)]
enum Link {
    /// `![alt](target)`, dropped whole.
    Image,
    /// `[text](target)`, kept as `text`.
    Text,
}

/// `text` with its images or links replaced, left to right, as the regexes
/// `!\[[^\]]*\]\((?:[^()]|\([^()]*\))*\)` → `` and `\[([^\]]*)\]\((?:[^()]|\([^()]*\))*\)` → `$1` would.
fn drop_links(text: &str, kind: Link) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut out = String::new();
    let (mut copied, mut from) = (0, 0);
    while let Some(found) = text[from..].find('[') {
        let open = from + found;
        let start = match kind {
            Link::Text => Some(open),
            Link::Image => open.checked_sub(1).filter(|&bang| bang >= from && bytes[bang] == b'!'),
        };
        let Some((start, (close, end))) = start.zip(link_at(bytes, open)) else {
            from = open + 1;
            continue;
        };
        out.push_str(&text[copied..start]);
        if kind == Link::Text {
            out.push_str(&text[open + 1..close]);
        }
        (copied, from) = (end, end);
    }
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

/// For `[…](…)` opening at `open`: where its `]` is and where the link ends. The target may
/// hold parentheses one level deep.
fn link_at(bytes: &[u8], open: usize) -> Option<(usize, usize)> {
    let close = open + 1 + bytes[open + 1..].iter().position(|&b| b == b']')?;
    if bytes.get(close + 1) != Some(&b'(') {
        return None;
    }
    let mut i = close + 2;
    loop {
        match *bytes.get(i)? {
            b')' => return Some((close, i + 1)),
            b'(' => {
                let group_end = i + 1 + bytes[i + 1..].iter().position(|&b| b == b'(' || b == b')')?;
                if bytes[group_end] == b'(' {
                    return None;
                }
                i = group_end + 1;
            }
            _ => i += 1,
        }
    }
}

/// Drops the backslash of each backslash escape of ASCII punctuation (`\.` → `.`).
fn unescape(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut out = String::new();
    let (mut copied, mut from) = (0, 0);
    while let Some(found) = text[from..].find('\\') {
        let slash = from + found;
        if bytes.get(slash + 1).is_some_and(u8::is_ascii_punctuation) {
            out.push_str(&text[copied..slash]);
            copied = slash + 1;
            from = slash + 2;
        } else {
            from = slash + 1;
        }
    }
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

/// `text` in NFC without invisible characters, no-break spaces as spaces; borrowed when
/// nothing changes (the common case: already NFC, no such characters).
fn visible_nfc(text: &str) -> Cow<'_, str> {
    let invisible = |c: char| matches!(c, '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{ad}');
    let visible = |c: char| (!invisible(c)).then_some(if c == '\u{a0}' { ' ' } else { c });
    if text.is_ascii() {
        return Cow::Borrowed(text);
    }
    let mut to_replace = false;
    let nfc = is_nfc_quick(text.chars().inspect(|&c| to_replace |= c == '\u{a0}' || invisible(c)));
    if nfc == IsNormalized::Yes {
        // NFC already (and every character seen): normalising would change nothing.
        if to_replace {
            return Cow::Owned(text.chars().filter_map(visible).collect());
        }
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.nfc().filter_map(visible).collect())
}

/// Appends `line` with each run of whitespace as one space (`line` is trimmed).
fn push_collapsed(out: &mut String, line: &str) {
    let bytes = line.as_bytes();
    let single_spaced =
        line.is_ascii() && !bytes.iter().any(|b| matches!(b, b'\t'..=b'\r')) && !bytes.windows(2).any(|w| w == b"  ");
    if single_spaced {
        out.push_str(line);
        return;
    }
    for (i, word) in line.split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(word);
    }
}

/// Splits a heading into its clause number and title: `12. Miscellaneous` → (`12`, `Miscellaneous`).
pub(crate) fn split_clause(heading: &str) -> (Option<String>, String) {
    let found = CLAUSE
        .captures(heading)
        .map(|c| (c[1].to_owned(), c[2].to_owned()))
        .or_else(|| LETTER_CLAUSE.captures(heading).map(|c| (format!("({})", &c[1]), c[2].to_owned())))
        .or_else(|| ROMAN_CLAUSE.captures(heading).map(|c| (c[1].to_owned(), c[2].to_owned())));
    match found {
        Some((clause, rest)) => {
            let title = rest.trim_start_matches(['-', '–', '—', ':', '.', ' ']).trim();
            let title = if title.is_empty() { heading.trim() } else { title };
            (Some(clause), title.to_owned())
        }
        None => (None, heading.trim().to_owned()),
    }
}

/// A short line that states when the document was updated or takes effect, with a date.
pub(crate) fn is_date_stamp(line: &str) -> bool {
    !line.contains('\n')
        && line.split_whitespace().nth(MAX_STAMP_WORDS).is_none()
        && line.contains(char::is_numeric) // every date has a digit: a cheap test first
        && STAMP_WORDS.is_match(line)
        && DATE.is_match(line)
}

/// `text` without emphasis (see [`strip_emphasis`]) when that is a date stamp.
pub(crate) fn emphasised_date_stamp(text: &str) -> Option<String> {
    // Stripping emphasis only drops `*` and `_`, so words with any other character stay words:
    // text with too many of them is no stamp, and long paragraphs skip the stripping.
    let mut kept_words = text.split_whitespace().filter(|w| w.contains(|c| c != '*' && c != '_'));
    if kept_words.nth(MAX_STAMP_WORDS).is_some() {
        return None;
    }
    let stripped = strip_emphasis(text);
    is_date_stamp(&stripped).then_some(stripped)
}

/// Replaces dates in date-stamp lines with a placeholder; other lines are kept as they are.
pub(crate) fn mask_stamp_dates(text: &str) -> String {
    text.lines()
        .map(|line| {
            if emphasised_date_stamp(line).is_some() {
                DATE.replace_all(line, "<date>").into_owned()
            } else {
                line.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_images_anchors_and_escapes_are_cleaned() {
        let raw = "12\\. Misc[](#h_01J) see [the policy](https://x.y/a_(b)) ![](/i.png)\n*   item";
        assert_eq!(clean_inline(raw), "12. Misc see the policy\n- item");
    }

    proptest::proptest! {
        #[test]
        fn links_images_and_escapes_go_as_the_regexes_drop_them(text in "[!\\[\\]()\\\\a.é\n]{0,30}") {
            let image = re(r"!\[[^\]]*\]\((?:[^()]|\([^()]*\))*\)");
            let link = re(r"\[([^\]]*)\]\((?:[^()]|\([^()]*\))*\)");
            let escape = re(r"\\([!-/:-@\[-`{-~])");
            proptest::prop_assert_eq!(drop_links(&text, Link::Image), image.replace_all(&text, ""));
            proptest::prop_assert_eq!(drop_links(&text, Link::Text), link.replace_all(&text, "$1"));
            proptest::prop_assert_eq!(unescape(&text), escape.replace_all(&text, "$1"));
        }
    }

    #[test]
    fn clause_numbers_are_split_from_titles() {
        assert_eq!(split_clause("4.2 Use of Materials"), (Some("4.2".into()), "Use of Materials".into()));
        assert_eq!(split_clause("Section 3 – Fees"), (Some("3".into()), "Fees".into()));
        assert_eq!(split_clause("(a) Scope"), (Some("(a)".into()), "Scope".into()));
        assert_eq!(split_clause("Privacy"), (None, "Privacy".into()));
    }

    #[test]
    fn date_stamps_in_many_formats_are_recognised() {
        for line in [
            "Last Updated: 2024-10-01 (past versions)",
            "Version Effective Date: May 27, 2026",
            "Effective: February 14, 2025",
            "Updated on 3 March 2025",
            "Last modified 03/04/2025",
            "Effective as of January 2024",
        ] {
            assert!(is_date_stamp(line), "{line}");
        }
        assert!(!is_date_stamp("We may update these Terms from time to time."));
        assert!(!is_date_stamp("Effective communication matters to us."));
    }
}
