//! How severe a change is: the highest exposure among the topics whose wording or facts it
//! changed. A provision tagged with a high-exposure topic does not make every edit to it high: a
//! modified provision counts a topic only when the sentences its edit touched are themselves
//! about that topic, or when the edit altered one of that topic's facts.
use std::collections::HashSet;

use crate::domain::topic::{Exposure, Taxonomy};
use crate::pipeline::classify::Classifier;
use crate::pipeline::diff::{Change, ChangeKind, ProvisionChange, WordOp};

/// What is known of one side of a provision change: its topics with this provision's exposure.
pub type TopicsOf<'a> = dyn Fn(&ProvisionChange) -> Vec<(String, Option<Exposure>)> + 'a;

/// The change's severity: None when it touched no topic (or does not alert).
///
/// `topics` gives a provision change's topics (the new provision's, or the old one's when it
/// was removed); `facts_altered` holds `(provision change index, topic)` pairs whose facts the
/// change altered.
pub fn severity(change: &Change, topics: &TopicsOf<'_>, facts_altered: &HashSet<(usize, String)>) -> Option<Exposure> {
    if !change.class.alerts() {
        return None;
    }
    let (classifier, taxonomy) = (Classifier::builtin(), Taxonomy::builtin());
    let level = |slug: &str, own: Option<Exposure>| own.or_else(|| taxonomy.get(slug).map(|t| t.exposure));
    change
        .provisions
        .iter()
        .enumerate()
        .filter(|(_, pc)| pc.class == change.class)
        .filter_map(|(index, pc)| {
            let tagged = topics(pc);
            if tagged.is_empty() {
                return None;
            }
            let any = || Some(Exposure::Low);
            match pc.kind {
                ChangeKind::Added | ChangeKind::Removed => tagged.iter().filter_map(|(t, e)| level(t, *e)).max(),
                ChangeKind::Moved | ChangeKind::Renumbered => any(),
                ChangeKind::Modified => {
                    let edited = edited_sentences(&pc.words);
                    let about: HashSet<String> =
                        classifier.classify(&[], &edited).into_iter().map(|m| m.topic).collect();
                    tagged
                        .iter()
                        .filter(|(t, _)| about.contains(t) || facts_altered.contains(&(index, t.clone())))
                        .filter_map(|(t, e)| level(t, *e))
                        .max()
                        .or_else(any)
                }
            }
        })
        .max()
}

/// The sentences of either side of a word diff that an insertion or deletion falls in, one a
/// line: what the edit is about, without the untouched sentences around it.
pub fn edited_sentences(words: &[WordOp]) -> String {
    let mut out: Vec<String> = Vec::new();
    for side in [Side::Old, Side::New] {
        let (text, spans) = side.text(words);
        for (start, end) in spans {
            let sentence = sentence_around(&text, start, end).trim();
            if sentence.chars().any(char::is_alphanumeric) && !out.iter().any(|s| s == sentence) {
                out.push(sentence.to_owned());
            }
        }
    }
    out.join("\n")
}

#[derive(Clone, Copy)]
enum Side {
    Old,
    New,
}

impl Side {
    /// This side's text and the byte spans of its own changed runs.
    fn text(self, words: &[WordOp]) -> (String, Vec<(usize, usize)>) {
        let mut text = String::new();
        let mut spans = Vec::new();
        for op in words {
            match (self, op) {
                (_, WordOp::Equal(s)) => text.push_str(s),
                (Side::Old, WordOp::Delete(s)) | (Side::New, WordOp::Insert(s)) => {
                    spans.push((text.len(), text.len() + s.len()));
                    text.push_str(s);
                }
                _ => {}
            }
        }
        (text, spans)
    }
}

/// The sentence (or sentences) of `text` holding the bytes `start..end`: from after the last
/// sentence end before `start` to the first sentence end at or after `end`.
fn sentence_around(text: &str, start: usize, end: usize) -> &str {
    let ends_at = |i: usize, b: u8| {
        b == b'\n' || (matches!(b, b'.' | b'!' | b'?' | b';') && text.as_bytes().get(i + 1).is_none_or(|&n| n == b' '))
    };
    let bytes = text.as_bytes();
    let from = (0..start.min(bytes.len())).rev().find(|&i| ends_at(i, bytes[i])).map_or(0, |i| i + 1);
    let to = (end.max(from)..bytes.len()).find(|&i| ends_at(i, bytes[i])).map_or(bytes.len(), |i| i + 1);
    // Sentence ends are ASCII, so `from` and `to` fall on character boundaries.
    text.get(from..to).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ops(parts: &[(&str, char)]) -> Vec<WordOp> {
        parts
            .iter()
            .map(|(s, k)| match k {
                '+' => WordOp::Insert((*s).into()),
                '-' => WordOp::Delete((*s).into()),
                _ => WordOp::Equal((*s).into()),
            })
            .collect()
    }

    #[test]
    fn only_the_sentences_an_edit_falls_in_are_kept() {
        let words = ops(&[
            ("We may use your conversations to train our models. Contact us at ", '='),
            ("1 Main St", '-'),
            ("2 High St", '+'),
            (". Thanks.", '='),
        ]);
        let edited = edited_sentences(&words);
        assert_eq!(edited, "Contact us at 1 Main St.\nContact us at 2 High St.");
    }

    #[test]
    fn an_edit_to_an_address_in_a_training_provision_is_low_and_one_to_its_training_sentence_is_high() {
        let training = || vec![("ai-training".to_owned(), Some(Exposure::High))];
        let change = |words: Vec<WordOp>| Change {
            class: crate::pipeline::diff::ChangeClass::Substantive,
            links: Vec::new(),
            provisions: vec![ProvisionChange {
                kind: ChangeKind::Modified,
                prev: Some(0),
                next: Some(0),
                key: "1".into(),
                label: "§1".into(),
                class: crate::pipeline::diff::ChangeClass::Substantive,
                summary: String::new(),
                words,
            }],
        };
        let none = HashSet::new();
        let address = change(ops(&[
            ("We may use your conversations to train our models. Write to us at ", '='),
            ("1 Main St", '-'),
            ("2 High St", '+'),
            (".", '='),
        ]));
        assert_eq!(severity(&address, &|_| training(), &none), Some(Exposure::Low));
        let trains = change(ops(&[
            ("We ", '='),
            ("do not", '-'),
            ("may", '+'),
            (" use your conversations to train our models. Write to us at 1 Main St.", '='),
        ]));
        assert_eq!(severity(&trains, &|_| training(), &none), Some(Exposure::High));
        let altered = HashSet::from([(0, "ai-training".to_owned())]);
        assert_eq!(severity(&address, &|_| training(), &altered), Some(Exposure::High));
        assert_eq!(severity(&address, &|_| Vec::new(), &none), None);
    }
}
