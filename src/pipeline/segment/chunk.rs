//! Packs a section's paragraphs into provisions under a word limit.

/// A paragraph or list item of a section, inline markup already cleaned.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Part {
    pub text: String,
    pub list_item: bool,
    /// The section's heading line: a list right after it is not glued to it.
    pub heading: bool,
}

/// Joins parts into chunks of at most `max_words` words: whole paragraphs where they fit,
/// else sentences; a single sentence longer than the limit stays whole. Never yields empty text.
pub(crate) fn chunk_parts(parts: &[Part], max_words: usize) -> Vec<String> {
    let mut pieces: Vec<(String, bool, usize)> = Vec::new();
    for (n, part) in parts.iter().enumerate() {
        let after_heading = n > 0 && parts[n - 1].heading;
        let words = word_count(&part.text);
        if words <= max_words {
            pieces.push((part.text.clone(), part.list_item && !after_heading, words));
            continue;
        }
        for (i, sentence) in split_sentences(&part.text).into_iter().enumerate() {
            let glue_line = (part.list_item && !after_heading) || i > 0;
            pieces.push((sentence.to_owned(), glue_line, word_count(sentence)));
        }
    }
    let mut chunks: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut current_words = 0;
    for (text, same_block, words) in pieces {
        if !current.is_empty() && current_words + words > max_words {
            chunks.push(std::mem::take(&mut current));
            current_words = 0;
        }
        if !current.is_empty() {
            current.push_str(if same_block { "\n" } else { "\n\n" });
        }
        current.push_str(&text);
        current_words += words;
    }
    if !current.trim().is_empty() {
        chunks.push(current);
    }
    chunks
}

/// The number of words, as `text.split_whitespace().count()`, byte by byte for ASCII text.
fn word_count(text: &str) -> usize {
    if !text.is_ascii() {
        return text.split_whitespace().count();
    }
    let mut words = 0;
    let mut in_word = false;
    for &b in text.as_bytes() {
        // ASCII characters with Unicode's White_Space property, which `char::is_whitespace` tests.
        let space = matches!(b, b'\t'..=b'\r' | b' ');
        words += usize::from(!space && !in_word);
        in_word = !space;
    }
    words
}

/// Splits text after `.`, `!` or `?` (and closing quotes/brackets) followed by whitespace and a
/// capital letter, digit, quote or bracket.
pub(crate) fn split_sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (_, c) = chars[i];
        if matches!(c, '.' | '!' | '?') {
            let mut j = i + 1;
            while j < chars.len() && matches!(chars[j].1, '"' | '\'' | '”' | '’' | ')' | ']') {
                j += 1;
            }
            let mut k = j;
            while k < chars.len() && chars[k].1.is_whitespace() {
                k += 1;
            }
            let starts_new = chars.get(k).is_some_and(|&(_, n)| {
                n.is_uppercase() || n.is_ascii_digit() || matches!(n, '"' | '“' | '(' | '[' | '-')
            });
            if k > j && starts_new {
                let end = chars[j - 1].0 + chars[j - 1].1.len_utf8();
                out.push(text[start..end].trim());
                start = chars[k].0;
                i = k;
                continue;
            }
        }
        i += 1;
    }
    let tail = text[start..].trim();
    if !tail.is_empty() {
        out.push(tail);
    }
    out.retain(|s| !s.is_empty());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_counted_as_split_whitespace_counts_them() {
        for text in ["", " ", "a", " a  b\t\nc\x0b\x0cd\re ", "x\x1fy", "é  b\u{a0}c\u{2003}d", "- a -"] {
            assert_eq!(word_count(text), text.split_whitespace().count(), "{text:?}");
        }
    }

    #[test]
    fn sentences_split_before_capitals_not_after_abbreviations() {
        assert_eq!(split_sentences("One, e.g. two. Three! (4) Four"), ["One, e.g. two.", "Three!", "(4) Four"]);
    }
}
