//! Captures that look wrong: stored as evidence, never as a version.
use std::fmt;

/// Below this share of the previous version's length, a new text is a collapse, not a change.
pub const COLLAPSE_RATIO: f64 = 0.2;

/// Error pages are short; a long text that merely mentions one of these phrases is a document.
const ERROR_PAGE_MAX_CHARS: usize = 3_000;

/// Phrases of error, block and interstitial pages, compared after folding case and apostrophes.
pub(crate) const ERROR_PAGE_PHRASES: &[&str] = &[
    "this page isn't available",
    "page not found",
    "404 not found",
    "403 forbidden",
    "access denied",
    "internal server error",
    "service unavailable",
    "bad gateway",
    "gateway timeout",
    "too many requests",
    "an unexpected error has occurred",
    "something went wrong",
    "just a moment...",
    "attention required! | cloudflare",
    "enable javascript and cookies to continue",
    "checking your browser before accessing",
    "are you a robot",
];

/// Phrases a page shows while its scripts load the document, compared like the above.
const PLACEHOLDER_PHRASES: &[&str] =
    &["loading…", "loading...", "please wait", "javascript is required", "you need to enable javascript"];

/// A placeholder is short; a longer text mentioning one of those phrases is a document.
const PLACEHOLDER_MAX_CHARS: usize = 1_000;

/// A rendered page whose document has fewer characters (whitespace ignored) than this showed a
/// placeholder or a shell, not terms: the shortest corpus document has several thousand.
pub const RENDERED_MIN_CHARS: usize = 200;

/// Why a capture is suspect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Suspicion {
    /// The extracted text is empty.
    EmptyText,
    /// The declaration's selector matched nothing on the page.
    NothingSelected { selector: String },
    /// The page reads like a known error or block page.
    ErrorPage { phrase: &'static str },
    /// The text shrank below `COLLAPSE_RATIO` of the previous version.
    Collapse { chars: usize, previous: usize },
    /// The page shows a loading placeholder instead of the document.
    Placeholder { phrase: &'static str },
    /// A rendered page gave too little text to be the document.
    TooShort { chars: usize },
}

impl Suspicion {
    /// A short stable name, stored as the fetch event's error kind.
    pub fn kind(&self) -> &'static str {
        match self {
            Suspicion::EmptyText => "empty-text",
            Suspicion::NothingSelected { .. } => "selector-lost",
            Suspicion::ErrorPage { .. } => "error-page",
            Suspicion::Collapse { .. } => "collapse",
            Suspicion::Placeholder { .. } => "placeholder",
            Suspicion::TooShort { .. } => "too-short",
        }
    }
}

impl fmt::Display for Suspicion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Suspicion::EmptyText => f.write_str("the page gave no text"),
            Suspicion::NothingSelected { selector } => {
                write!(f, "the selector {selector:?} matched nothing: the page layout may have changed")
            }
            Suspicion::ErrorPage { phrase } => write!(f, "the page looks like an error page ({phrase:?})"),
            Suspicion::Collapse { chars, previous } => write!(
                f,
                "the text collapsed to {chars} characters from {previous} (below {}%)",
                (COLLAPSE_RATIO * 100.0) as u32
            ),
            Suspicion::Placeholder { phrase } => {
                write!(
                    f,
                    "the page shows a placeholder ({phrase:?}) instead of the document: its scripts did not finish"
                )
            }
            Suspicion::TooShort { chars } => write!(
                f,
                "the rendered page gave only {chars} characters (fewer than {RENDERED_MIN_CHARS}): a placeholder, not the document"
            ),
        }
    }
}

/// Judges an extracted text against the previous version's length in characters.
pub fn judge(text: &str, previous_chars: Option<usize>) -> Option<Suspicion> {
    let chars = text.chars().filter(|c| !c.is_whitespace()).count();
    if chars == 0 {
        return Some(Suspicion::EmptyText);
    }
    if text.len() <= ERROR_PAGE_MAX_CHARS {
        let folded = text.to_lowercase().replace(['\u{2019}', '\u{2018}'], "'");
        if let Some(phrase) = ERROR_PAGE_PHRASES.iter().find(|p| folded.contains(**p)) {
            return Some(Suspicion::ErrorPage { phrase });
        }
        if text.len() <= PLACEHOLDER_MAX_CHARS
            && let Some(phrase) = PLACEHOLDER_PHRASES.iter().find(|p| folded.contains(**p))
        {
            return Some(Suspicion::Placeholder { phrase });
        }
    }
    match previous_chars {
        Some(previous) if (chars as f64) < previous as f64 * COLLAPSE_RATIO => {
            Some(Suspicion::Collapse { chars, previous })
        }
        _ => None,
    }
}

/// Judges the text of a rendered page: as [`judge`], and too short to be a document is suspect.
pub fn judge_rendered(text: &str, previous_chars: Option<usize>) -> Option<Suspicion> {
    judge(text, previous_chars).or_else(|| {
        let chars = significant_chars(text);
        (chars < RENDERED_MIN_CHARS).then_some(Suspicion::TooShort { chars })
    })
}

/// Characters that count for the collapse rule (whitespace ignored).
pub fn significant_chars(text: &str) -> usize {
    text.chars().filter(|c| !c.is_whitespace()).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_or_blank_text_is_suspect() {
        assert_eq!(judge("", None), Some(Suspicion::EmptyText));
        assert_eq!(judge(" \n\t ", Some(10)), Some(Suspicion::EmptyText));
    }

    #[test]
    fn a_short_error_page_is_suspect_whatever_its_apostrophe() {
        let page = "This page isn\u{2019}t available\n\nTry reloading the page.";
        assert!(matches!(judge(page, None), Some(Suspicion::ErrorPage { .. })));
    }

    #[test]
    fn a_long_document_mentioning_an_error_phrase_is_not_suspect() {
        let long = format!("If you see Page Not Found, contact us. {}", "Terms apply. ".repeat(400));
        assert_eq!(judge(&long, Some(long.len())), None);
    }

    #[test]
    fn a_loading_placeholder_is_suspect_and_a_long_text_mentioning_loading_is_not() {
        assert_eq!(judge("Terms of Use\n\nLoading…", None), Some(Suspicion::Placeholder { phrase: "loading…" }));
        assert_eq!(judge("Loading...", None), Some(Suspicion::Placeholder { phrase: "loading..." }));
        let long = format!("Loading... of cargo is covered below. {}", "Terms apply. ".repeat(100));
        assert_eq!(judge(&long, None), None);
    }

    #[test]
    fn a_short_rendered_text_is_suspect_where_a_static_one_is_not() {
        let shell = "Terms of Use\n\nSign in";
        assert_eq!(judge(shell, None), None);
        assert_eq!(judge_rendered(shell, None), Some(Suspicion::TooShort { chars: 16 }));
        assert_eq!(judge_rendered(&"Terms apply to you. ".repeat(20), None), None);
    }

    #[test]
    fn a_text_below_a_fifth_of_the_previous_is_a_collapse() {
        assert!(matches!(judge("Privacy Statement, updated", Some(300_000)), Some(Suspicion::Collapse { .. })));
        assert_eq!(judge(&"word ".repeat(30), Some(100)), None);
    }
}
