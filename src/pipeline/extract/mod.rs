//! Extraction: from a fetched HTML page and its declaration to canonical text.
//!
//! Canonical text is Markdown-like: `#`…`######` headings, paragraphs one blank line apart,
//! list items `- ` / `1. ` (nested ones indented by two spaces per level, no blank line between
//! items, nor between adjacent lists), table rows `| a | b |`, `<br>` as a line break, bold as `**…**`, italics dropped,
//! link text kept but targets dropped, images and scripts dropped; Unicode NFC, invisible
//! characters removed, whitespace collapsed, lines trimmed, one final newline.
//! [`normalize_markdown`] applies the same rules to Open Terms Archive's Markdown.

mod markdown;
mod render;
mod select;
mod text;

use scraper::Html;

use crate::domain::declaration::{Selector, SourceDocument, TermsDeclaration};

pub use markdown::normalize_markdown;

/// Why a page could not be turned into text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExtractError {
    /// The selector matched nothing on the page (the page layout probably changed).
    #[error("nothing on the page matches the selector `{selector}`")]
    NothingSelected {
        /// The selector, as written in the declaration.
        selector: String,
    },
    /// The selector is not valid CSS.
    #[error("`{selector}` is not a valid CSS selector: {reason}")]
    InvalidSelector {
        /// The selector, as given.
        selector: String,
        /// What the CSS parser objected to.
        reason: String,
    },
    /// The selected part of the page holds no text.
    #[error("the part of the page selected by `{selector}` has no text")]
    NoText {
        /// The selectors, as written in the declaration.
        selector: String,
    },
    /// `extract_terms` was given a different number of pages than the declaration combines.
    #[error("the declaration combines {expected} page(s) but {given} were given")]
    PageCountMismatch {
        /// Pages in the declaration.
        expected: usize,
        /// Pages given.
        given: usize,
    },
}

/// Extracts the canonical text of one page: `remove` is applied first, then every `select`
/// match (document order, nested matches once) is written out.
pub fn extract(html: &str, source: &SourceDocument) -> Result<String, ExtractError> {
    extract_with(html, &source.select, &source.remove)
}

/// Extracts a whole terms document: one page per source, texts joined by a blank line.
pub fn extract_terms(pages: &[&str], terms: &TermsDeclaration) -> Result<String, ExtractError> {
    if pages.len() != terms.sources.len() {
        return Err(ExtractError::PageCountMismatch { expected: terms.sources.len(), given: pages.len() });
    }
    let mut parts = Vec::with_capacity(pages.len());
    for (page, source) in pages.iter().zip(&terms.sources) {
        parts.push(extract(page, source)?);
    }
    let joined: Vec<&str> = parts.iter().map(|part| part.trim_end()).collect();
    Ok(format!("{}\n", joined.join("\n\n")))
}

/// Extracts the text of every element matching one CSS selector (for `clausewatch diff --select`).
pub fn extract_css(html: &str, select: &str) -> Result<String, ExtractError> {
    select::compile(select)?;
    extract_with(html, &[Selector::Css(select.to_owned())], &[])
}

fn extract_with(html: &str, select: &[Selector], remove: &[Selector]) -> Result<String, ExtractError> {
    let document = Html::parse_document(html);
    let (roots, filter) = select::plan(&document, select, remove)?;
    let blocks = render::render(&roots, &filter);
    let text = text::assemble(&blocks);
    if text.is_empty() {
        let selector = select.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
        return Err(ExtractError::NoText { selector });
    }
    Ok(text)
}

#[cfg(test)]
mod tests;
