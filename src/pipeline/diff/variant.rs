//! Regional variants: a platform may serve different terms by region (Anthropic's consumer
//! terms for the UK and for the EEA). A document says which region it is for near its start.
use std::sync::LazyLock;

use regex::Regex;

/// How far into a document the statement of its region is looked for, in characters.
const LOOK_CHARS: usize = 6_000;

/// "These Terms apply to you if you are a consumer who is resident in the United Kingdom."
static APPLIES_TO_RESIDENTS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:terms|policy|notice|agreement)\s+(?:applies|apply)\s+(?:only\s+)?to\s+you\s+if\s+you\s+(?:are|live|reside)\b[^.]{0,80}?\b(?:resident|located|living|based)\s+in\s+(?:the\s+)?([A-Z][\w]*(?:[ ,]+(?:or\s+|and\s+)?(?:the\s+)?[A-Z][\w]*)*)",
    )
    .unwrap_or_else(|e| panic!("invalid built-in pattern: {e}"))
});

/// The region a document says it is for, when it says so near its start: `United Kingdom`,
/// `European Economic Area or Switzerland`.
pub fn region(text: &str) -> Option<String> {
    let end = text.char_indices().nth(LOOK_CHARS).map_or(text.len(), |(i, _)| i);
    let found = APPLIES_TO_RESIDENTS.captures(&text[..end])?;
    Some(found[1].trim_end_matches([',', ' ']).to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_region_of_consumer_terms_is_read_from_their_opening() {
        let uk = "Welcome.\n\nThese Terms apply to you if you are a consumer who is resident in the United Kingdom. You are a consumer if…";
        let eu = "These Terms apply to you if you are a consumer who is resident in the European Economic Area or Switzerland. You are";
        assert_eq!(region(uk).as_deref(), Some("United Kingdom"));
        assert_eq!(region(eu).as_deref(), Some("European Economic Area or Switzerland"));
        assert_eq!(region("These Terms apply to everyone who uses the Services."), None);
    }
}
