//! Open Terms Archive (OTA) declarations: where a terms document lives and which part of the page
//! is the document.
//!
//! The format is OTA's own, so users can drop OTA declarations in unchanged:
//! `{ "name": …, "terms": { "<Terms type>": { "fetch": url, "select": sel, "remove": sel } } }`,
//! or a `combine` list of pages sharing `select`/`remove` given at the terms level.

mod history;
mod parse;
mod selector;

use std::collections::BTreeMap;
use std::fmt;

pub use history::DeclarationHistory;

/// A service and the terms documents it publishes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declaration {
    /// The service name as written in the declaration ("Claude.ai").
    pub name: String,
    /// Terms type ("Terms of Service") to where the document lives.
    pub terms: BTreeMap<String, TermsDeclaration>,
}

/// One terms document, made of one page or of several combined pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermsDeclaration {
    /// One entry per page, in the order their texts are joined.
    pub sources: Vec<SourceDocument>,
}

/// One page of a terms document and how to pick the document out of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceDocument {
    /// The page address (http or https).
    pub fetch: url::Url,
    /// What part of the page is the document; every match is kept, in order.
    pub select: Vec<Selector>,
    /// What to drop from the page before selecting.
    pub remove: Vec<Selector>,
    /// Whether OTA renders the page in a browser first.
    pub execute_client_scripts: bool,
    /// Names of OTA JavaScript filters; recorded, but ClauseWatch cannot run them.
    pub filters: Vec<String>,
}

/// A part of a page: every element matching a CSS selector, or the content between two markers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selector {
    /// A CSS selector (already checked to parse).
    Css(String),
    /// Everything between a start marker and an end marker, in document order.
    Range {
        /// Where the range starts.
        start: RangeStart,
        /// Where the range ends.
        end: RangeEnd,
    },
}

/// The start of a range selector: before (including) or after (excluding) the first match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RangeStart {
    /// `startBefore`: the marker element is part of the range.
    Before(String),
    /// `startAfter`: the range begins right after the marker element.
    After(String),
}

/// The end of a range selector: before (excluding) or after (including) the first match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RangeEnd {
    /// `endBefore`: the range stops right before the marker element.
    Before(String),
    /// `endAfter`: the marker element is part of the range.
    After(String),
}

impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Css(css) => f.write_str(css),
            Self::Range { start, end } => {
                let (start_key, start_css) = match start {
                    RangeStart::Before(css) => ("startBefore", css),
                    RangeStart::After(css) => ("startAfter", css),
                };
                let (end_key, end_css) = match end {
                    RangeEnd::Before(css) => ("endBefore", css),
                    RangeEnd::After(css) => ("endAfter", css),
                };
                write!(f, "{{{start_key}: {start_css}, {end_key}: {end_css}}}")
            }
        }
    }
}

/// One thing wrong with a declaration, at a field path such as `terms.Privacy Policy.select[1]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclarationProblem {
    /// Where the problem is (dotted path, array indexes in brackets; empty for the whole file).
    pub field: String,
    /// What is wrong, in words a user can act on.
    pub message: String,
}

impl fmt::Display for DeclarationProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() { f.write_str(&self.message) } else { write!(f, "{}: {}", self.field, self.message) }
    }
}

impl Declaration {
    /// Parses an OTA declaration, reporting every problem found (not just the first).
    pub fn parse(json: &str) -> Result<Declaration, Vec<DeclarationProblem>> {
        parse::parse_declaration(json)
    }
}

/// The lower-case slug OTA uses for names: "Claude.ai" → "claude-ai",
/// "Terms of Service" → "terms-of-service".
pub fn slug(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut pending_dash = false;
    for c in name.chars() {
        if c.is_alphanumeric() {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.extend(c.to_lowercase());
        } else {
            pending_dash = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::slug;

    #[test]
    fn slugs_follow_the_corpus_folder_names() {
        assert_eq!(slug("Claude.ai"), "claude-ai");
        assert_eq!(slug("Terms of Service"), "terms-of-service");
        assert_eq!(slug("Google Generative AI Services"), "google-generative-ai-services");
        assert_eq!(slug("  In-App  Purchases Policy "), "in-app-purchases-policy");
        assert_eq!(slug("Anthropic (Claude)"), "anthropic-claude");
    }
}
