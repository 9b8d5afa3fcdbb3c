//! What the model sees of a text: its sentences, and each sentence as a set of hashed features
//! (lowercased word unigrams and bigrams, runs of digits folded to one `0`, and the sentence's
//! length in words, coarsely). Training and serving call the same functions.

/// Number of hash buckets for word features. Collisions at this size are rare for the few
/// hundred thousand distinct n-grams of the labelled sets; only non-zero weights are stored.
pub const BUCKETS: u32 = 1 << 20;

/// Length classes, in words: headings and fragments are short, clauses long.
const LENGTH_CLASSES: [usize; 4] = [3, 6, 12, 25];

/// The sorted, distinct feature buckets of one sentence (or any unit of text).
pub fn features(text: &str, out: &mut Vec<u32>) {
    out.clear();
    let mut previous: Option<u64> = None;
    let mut words = 0;
    for_each_word(text, |word| {
        let hash = fnv1a(word.as_bytes());
        out.push(bucket(hash));
        if let Some(before) = previous {
            out.push(bucket(before.rotate_left(23) ^ hash.wrapping_mul(0x9E37_79B9_7F4A_7C15)));
        }
        previous = Some(hash);
        words += 1;
    });
    let class = LENGTH_CLASSES.iter().position(|&most| words <= most).unwrap_or(LENGTH_CLASSES.len());
    out.push(bucket(fnv1a(format!("\0length {class}").as_bytes())));
    out.sort_unstable();
    out.dedup();
}

/// Calls `f` with each word of `text`, lowercased, with every run of digits written `0`.
fn for_each_word(text: &str, mut f: impl FnMut(&str)) {
    let mut word = String::new();
    for c in text.chars() {
        if c.is_numeric() {
            if !word.ends_with('0') {
                word.push('0');
            }
        } else if c.is_alphabetic() {
            word.extend(c.to_lowercase());
        } else if !word.is_empty() {
            f(stem(&word));
            word.clear();
        }
    }
    if !word.is_empty() {
        f(stem(&word));
    }
}

/// The first [`STEM_CHARS`] characters of a word: "terminate", "terminated" and "termination"
/// become one feature, which matters with a few hundred labelled sentences per topic.
fn stem(word: &str) -> &str {
    match word.char_indices().nth(STEM_CHARS) {
        Some((cut, _)) => &word[..cut],
        None => word,
    }
}

const STEM_CHARS: usize = 6;

/// The sentences of a provision: cut after `.`, `!` or `?` when the next word starts with a
/// capital, a digit or a quote, and at line breaks. Headings and list items become sentences.
pub fn sentences(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut cuts = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'\n' {
            cuts.push((start, i));
            start = i + 1;
        } else if matches!(b, b'.' | b'!' | b'?') && ends_sentence(&text[i + 1..]) {
            cuts.push((start, i + 1));
            start = i + 1;
        }
        i += 1;
    }
    cuts.push((start, bytes.len()));
    cuts.into_iter().map(move |(from, to)| text[from..to].trim()).filter(|s| s.chars().any(char::is_alphanumeric))
}

fn ends_sentence(after: &str) -> bool {
    let rest = after.trim_start_matches([' ', '\t']);
    if rest.len() == after.len() {
        return false;
    }
    rest.chars().next().is_some_and(|c| c.is_uppercase() || c.is_numeric() || "\"'“‘(*[".contains(c))
}

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

fn bucket(hash: u64) -> u32 {
    ((hash ^ (hash >> 29)) % u64::from(BUCKETS)) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_and_numbers_do_not_make_new_features() {
        let (mut a, mut b) = (Vec::new(), Vec::new());
        features("Notice of 30 days", &mut a);
        features("NOTICE of 90 Days", &mut b);
        assert_eq!(a, b);
        assert_eq!(a.len(), 4 + 3 + 1, "four words, three bigrams and the length class");
    }

    #[test]
    fn sentences_are_cut_at_full_stops_before_capitals_and_at_line_breaks() {
        let text = "We may change these Terms, e.g. by posting. You accept them.\n### Arbitration\nU.S. law applies.";
        let found: Vec<&str> = sentences(text).collect();
        assert_eq!(
            found,
            ["We may change these Terms, e.g. by posting.", "You accept them.", "### Arbitration", "U.S. law applies."]
        );
    }
}
