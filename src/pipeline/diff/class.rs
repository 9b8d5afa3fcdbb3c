//! Cosmetic and metadata changes.
use super::ChangeClass;
use crate::pipeline::segment::inline::mask_stamp_dates;

/// Classifies the change from `prev` to `next` text of one provision: cosmetic when only
/// whitespace, punctuation, quote style or capitalisation differ; metadata when, beyond that,
/// only dates in date-stamp lines ("Last updated …", "Effective …") differ; else substantive.
pub fn classify_texts(prev: &str, next: &str) -> ChangeClass {
    if cosmetic_form(prev).eq(cosmetic_form(next)) {
        ChangeClass::Cosmetic
    } else if cosmetic_form(&mask_stamp_dates(prev)).eq(cosmetic_form(&mask_stamp_dates(next))) {
        ChangeClass::Metadata
    } else {
        ChangeClass::Substantive
    }
}

/// Letters and digits only, lower-cased: what is left when cosmetic differences are ignored.
/// Compared lazily: most modified provisions differ early on.
fn cosmetic_form(text: &str) -> impl Iterator<Item = char> + '_ {
    text.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase)
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }
}
