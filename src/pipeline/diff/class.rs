//! Which class a provision's change falls in: markup, cosmetic, renumbered, metadata or substantive.
use std::sync::LazyLock;

use regex::Regex;

use super::ChangeClass;
use crate::pipeline::segment::inline::{DATE, mask_stamp_dates};

/// Web addresses: a change inside one is a link target, not wording.
static URL: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)\b(?:https?://|www\.)\S+"));
/// Text glued to the word before it in parentheses: a link's screen-reader label, as in
/// `form(opens in a new window)`. Prose puts a space before a parenthesis.
static GLUED_LABEL: LazyLock<Regex> = LazyLock::new(|| re(r"(\w)\([^()\s][^()]{1,39}\)"));
/// A line that states when the document took effect or was updated, with a date.
static DATE_LINE_WORDS: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\b(?:effective|updated|last\s+modified|revised|release\s+date)"));
/// DATE_LINE_WORDS' words anywhere, ASCII only so the search never leaves the fast engine.
static DATE_WORD: LazyLock<Regex> = LazyLock::new(|| re(r"(?i-u)effective|updated|modified|revised|release"));
/// A lower-case letter glued to an upper-case one.
static GLUED_WORDS: LazyLock<Regex> = LazyLock::new(|| re(r"(\p{Ll})(\p{Lu})"));
/// Longest line, in words, read as a line about the document's date.
const MAX_DATE_LINE_WORDS: usize = 40;
/// A clause number or letter leading a provision's text: `K.`, `12.3`, `(b)`, `Section 4`, `iv)`.
static LEADING_CLAUSE: LazyLock<Regex> = LazyLock::new(|| {
    re(r"^\W*(?i:(?:section|article|clause|part|§)\s*)?(?:\d+(?:\.\d+)*|[A-Z]|[ivxIVX]{1,5}|\(?[a-z]\))[.):]?(?:\s|$)")
});
/// The label of a list item at the start of a line: `- b. `, `2. `, `(c) `, `1.1.2 `.
static ITEM_LABEL: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?m)^[-*\s]*(?:\d{1,3}(?:\.\d{1,3})+\.?|\(?(?:\d{1,3}|[a-zA-Z]|[ivxIVX]{1,5})[.)]+)\s"));
/// A reference to a clause: `Section K`, `Sections 4.2`, `Article 12(b)`, `§ 3`.
static CLAUSE_REFERENCE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)\b(section|sections|article|articles|clause|clauses|exhibit|schedule|annex|appendix|paragraph|§)(\s*)(?:\d+(?:\.\d+)*|[a-z]|[ivx]{1,5})\b",
    )
});

fn re(pattern: &str) -> Regex {
    // Constant patterns checked by the unit tests; an invalid one is a programming error.
    Regex::new(pattern).unwrap_or_else(|e| panic!("invalid built-in pattern {pattern}: {e}"))
}

/// Classifies the change from `prev` to `next` text of one provision:
/// - markup when only link targets or Markdown syntax differ;
/// - cosmetic when only whitespace, punctuation, quote style, capitalisation or British and
///   American spelling ("authorisation" → "authorization") differ;
/// - renumbered when only the provision's own clause number or letter, or the numbers and
///   letters of clause references ("Section K" → "Section L"), differ;
/// - metadata when, beyond that, only dates in date-stamp lines ("Last updated …") differ;
/// - else substantive.
pub fn classify_texts(prev: &str, next: &str) -> ChangeClass {
    if cosmetic_form(prev).eq(cosmetic_form(next)) {
        return if only_markup_differs(prev, next) { ChangeClass::Markup } else { ChangeClass::Cosmetic };
    }
    let bare = |t: &str| without_glued_labels(&URL.replace_all(t, "")).into_owned();
    let (prev_bare, next_bare) = (bare(prev), bare(next));
    if cosmetic_form(&prev_bare).eq(cosmetic_form(&next_bare)) {
        return ChangeClass::Markup;
    }
    if cosmetic_form(&mask_clauses(&prev_bare)).eq(cosmetic_form(&mask_clauses(&next_bare))) {
        return ChangeClass::Renumbered;
    }
    if spelling_form(&prev_bare).eq(spelling_form(&next_bare)) {
        return ChangeClass::Cosmetic;
    }
    if cosmetic_form(&mask_stamp_dates(&prev_bare)).eq(cosmetic_form(&mask_stamp_dates(&next_bare)))
        || cosmetic_form(&without_date_lines(&prev_bare)).eq(cosmetic_form(&without_date_lines(&next_bare)))
    {
        ChangeClass::Metadata
    } else {
        ChangeClass::Substantive
    }
}

/// The text without labels glued to the word before them (`form(opens in a new window)`).
pub(super) fn without_glued_labels(text: &str) -> std::borrow::Cow<'_, str> {
    GLUED_LABEL.replace_all(text, "$1")
}

/// True when the two texts are the same once Markdown syntax characters are set aside.
fn only_markup_differs(prev: &str, next: &str) -> bool {
    let bare = |t: &str| -> String {
        t.chars().filter(|c| !matches!(c, '*' | '_' | '#' | '`' | '\\' | '>' | '|') && !c.is_whitespace()).collect()
    };
    bare(prev) == bare(next)
}

/// The class of a provision only one version has: metadata when it only states the document's
/// date ("Updated: January 10, 2024"), else substantive.
pub fn classify_one_sided(text: &str) -> ChangeClass {
    // The first line that is not blank or a date line settles it: most provisions are long.
    if text.lines().all(|line| line.trim().is_empty() || is_date_line(line)) {
        ChangeClass::Metadata
    } else {
        ChangeClass::Substantive
    }
}

/// Whether a line states the text's date ("Effective May 1, 2025", "Note: This policy is
/// effective on October 8, 2025 or …").
fn is_date_line(line: &str) -> bool {
    // Cheap tests first (most lines fail them): separating glued words below only adds words,
    // and every date line has one of DATE_LINE_WORDS' words in it, glued or not.
    if line.split_whitespace().count() > MAX_DATE_LINE_WORDS {
        return false;
    }
    let lower = line.to_ascii_lowercase();
    if !["effective", "updated", "modified", "revised", "release"].iter().any(|word| lower.contains(word)) {
        return false;
    }
    // Extraction glues words across elements: "UpdatedJanuary 10, 2024".
    let line = GLUED_WORDS.replace_all(line, "$1 $2");
    DATE.is_match(&line) && DATE_LINE_WORDS.is_match(&line) && line.split_whitespace().count() <= MAX_DATE_LINE_WORDS
}

/// The first line of a document that states its date ("Last updated: May 1, 2025"), as a reader
/// would write it: glued words apart, Markdown emphasis and heading marks gone.
pub fn stated_date(text: &str) -> Option<String> {
    // Only the lines with one of the date words are read: a document is long, and this runs on
    // every page that shows one.
    let line = DATE_WORD.find_iter(text).find_map(|word| {
        let start = text[..word.start()].rfind('\n').map_or(0, |i| i + 1);
        let end = text[word.end()..].find('\n').map_or(text.len(), |i| word.end() + i);
        let line = &text[start..end];
        is_date_line(line).then_some(line)
    })?;
    let line = GLUED_WORDS.replace_all(line, "$1 $2");
    let plain: String = line.chars().filter(|c| !matches!(c, '*' | '_' | '#')).collect();
    Some(plain.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// The text without the lines that state its date.
fn without_date_lines(text: &str) -> String {
    text.lines().filter(|l| !is_date_line(l)).collect::<Vec<_>>().join("\n")
}

/// The text with its leading clause label and the labels of clause references masked.
fn mask_clauses(text: &str) -> String {
    let text = LEADING_CLAUSE.replace(text, "");
    let text = ITEM_LABEL.replace_all(&text, "");
    CLAUSE_REFERENCE.replace_all(&text, "$1$2").into_owned()
}

/// Letters and digits only, lower-cased: what is left when cosmetic differences are ignored.
/// Compared lazily: most modified provisions differ early on.
fn cosmetic_form(text: &str) -> impl Iterator<Item = char> + '_ {
    text.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase)
}

/// The words of a text lower-cased, with British spellings written the American way
/// ("organisation" → "organization", "colour" → "color", "licence" → "license"): a
/// provision that only changes its spelling says the same. Only long words are rewritten, so
/// "our" and "or" stay apart.
fn spelling_form(text: &str) -> impl Iterator<Item = String> + '_ {
    const ENDINGS: [(&str, &str); 14] = [
        ("isations", "izations"),
        ("isation", "ization"),
        ("ising", "izing"),
        ("ised", "ized"),
        ("ises", "izes"),
        ("ise", "ize"),
        ("yse", "yze"),
        ("ysed", "yzed"),
        ("ysing", "yzing"),
        ("ence", "ense"),
        ("lled", "led"),
        ("lling", "ling"),
        ("tre", "ter"),
        ("ogue", "og"),
    ];
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(|word| {
        let word = word.to_lowercase().replace("judgement", "judgment");
        if word.chars().count() < 6 {
            return word;
        }
        // colour, favourable, behavioural
        let word = word.replace("our", "or");
        match ENDINGS.iter().find(|(uk, _)| word.ends_with(uk)) {
            Some((uk, us)) => format!("{}{us}", &word[..word.len() - uk.len()]),
            None => word,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stated_date_is_the_first_date_line_as_a_reader_writes_it() {
        let text = "# Terms of Use\n\n**Effective:** May 1, 2025\n\nWelcome to our service, updated on June 2, 2025 with more words.";
        assert_eq!(stated_date(text).as_deref(), Some("Effective: May 1, 2025"));
        assert_eq!(stated_date("Privacy Policy\nUpdatedJanuary 10, 2024").as_deref(), Some("Updated January 10, 2024"));
        assert_eq!(stated_date("We may update these terms from time to time."), None);
    }

    #[test]
    fn british_and_american_spelling_is_cosmetic_but_other_words_are_not() {
        assert_eq!(
            classify_texts("Your authorisation to use our licence", "Your authorization to use our license"),
            ChangeClass::Cosmetic
        );
        assert_eq!(classify_texts("We cancelled the colour", "We canceled the color"), ChangeClass::Cosmetic);
        assert_eq!(classify_texts("an unfavourable result", "an unfavorable result"), ChangeClass::Cosmetic);
        assert_eq!(classify_texts("We keep our data", "We keep or data"), ChangeClass::Substantive);
        assert_eq!(classify_texts("the licensor may", "the licensee may"), ChangeClass::Substantive);
    }

    #[test]
    fn quote_style_punctuation_and_case_are_cosmetic() {
        assert_eq!(classify_texts("If you're here, ok", "If you’re  here ok"), ChangeClass::Cosmetic);
        assert_eq!(classify_texts("THE Terms", "the terms"), ChangeClass::Cosmetic);
    }

    #[test]
    fn a_new_date_in_a_stamp_line_is_metadata_but_elsewhere_substantive() {
        let a = "Last updated: February 12, 2026\nBody.";
        let b = "Last updated: 2026-05-27\nBody.";
        assert_eq!(classify_texts(a, b), ChangeClass::Metadata);
        assert_eq!(classify_texts("Fees due May 1, 2026", "Fees due June 1, 2026"), ChangeClass::Substantive);
        let note = "Terms\nEffective October 8, 2025\nNote: This policy is effective on October 8, 2025 or the date you acknowledge it.\nBody.";
        assert_eq!(classify_texts(note, "Terms\nEffective October 8, 2025\nBody."), ChangeClass::Metadata);
    }

    #[test]
    fn a_provision_that_only_states_the_date_is_metadata() {
        assert_eq!(classify_one_sided("Updated: January 10, 2024"), ChangeClass::Metadata);
        assert_eq!(classify_one_sided("UpdatedJanuary 10, 2024"), ChangeClass::Metadata);
        assert_eq!(classify_one_sided("Fees are due by May 1, 2024."), ChangeClass::Substantive);
    }

    #[test]
    fn link_targets_and_markdown_syntax_are_markup() {
        let a = "See https://x.example/a?utm=1 for more.";
        let b = "See https://x.example/b?utm=2 for more.";
        assert_eq!(classify_texts(a, b), ChangeClass::Markup);
        assert_eq!(classify_texts("**Use** of data", "Use of _data_"), ChangeClass::Markup);
        assert_eq!(
            classify_texts("fill out this form.", "fill out this form(opens in a new window)."),
            ChangeClass::Markup
        );
        assert_eq!(classify_texts("our rules (as updated) apply", "our rules apply"), ChangeClass::Substantive);
    }

    #[test]
    fn a_new_section_letter_or_reference_is_renumbered_but_a_new_number_of_days_is_not() {
        assert_eq!(
            classify_texts("K. Indemnification\nYou will…", "L. Indemnification\nYou will…"),
            ChangeClass::Renumbered
        );
        assert_eq!(
            classify_texts("Except as set out in Section K, we may", "Except as set out in Section L, we may"),
            ChangeClass::Renumbered
        );
        assert_eq!(classify_texts("(b) We keep it", "(c) We keep it"), ChangeClass::Renumbered);
        assert_eq!(
            classify_texts("Do not:\n- b. spam\n- c. scrape", "Do not:\n- 2. spam\n- 3. scrape"),
            ChangeClass::Renumbered
        );
        assert_eq!(classify_texts("within 30 days", "within 60 days"), ChangeClass::Substantive);
        assert_eq!(classify_texts("Terms:\n30 days notice", "Terms:\n60 days notice"), ChangeClass::Substantive);
        assert_eq!(classify_texts("We may sell data", "We never sell data"), ChangeClass::Substantive);
    }
}
