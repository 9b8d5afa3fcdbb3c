//! Broken captures: a new text that lost most of the document, or that opens with an error
//! message over what is left of it. Such a capture is never diffed as removals.
use super::{Change, ChangeClass, ChangeKind};
use crate::archive::suspect::ERROR_PAGE_PHRASES;
use crate::domain::provision::Provision;

/// Share of the previous text whose provisions vanished, from which a capture lost the document…
pub const LOST_SHARE: f64 = 0.5;
/// …when the new text is also at most this share of the previous one's length.
pub const SHRUNK_SHARE: f64 = 0.6;
/// …and at most this share of the new text is new (a rewrite is not a broken capture).
pub const NEW_SHARE: f64 = 0.2;
/// Lines at the start of a capture where an error message marks it broken.
const OPENING_LINES: usize = 4;

/// Why the capture `next` of a document whose previous good version is `prev` is broken, when
/// it is: it opens with an error message the previous text did not have, or lost most of the
/// previous text (`change` is the diff of the two).
pub fn broken(prev: &[Provision], next: &[Provision], change: &Change) -> Option<String> {
    if let Some(phrase) = opening_error(next).filter(|p| opening_error(prev) != Some(p)) {
        return Some(format!("it opens with the error message \"{phrase}\""));
    }
    let size = |ps: &[Provision]| ps.iter().map(|p| p.text.chars().count()).sum::<usize>();
    let (before, after) = (size(prev), size(next));
    // Chrome that went away (a site-wide page captured by mistake, then the document again)
    // is not document lost.
    let one_sided = |kind: ChangeKind| -> usize {
        change
            .provisions
            .iter()
            .filter(|pc| pc.kind == kind && pc.class != ChangeClass::Chrome)
            .filter_map(|pc| match kind {
                ChangeKind::Removed => pc.prev.and_then(|i| prev.get(i)),
                _ => pc.next.and_then(|j| next.get(j)),
            })
            .map(|p| p.text.chars().count())
            .sum()
    };
    let (lost, added) = (one_sided(ChangeKind::Removed), one_sided(ChangeKind::Added));
    let gone = if before > 0 { lost as f64 / before as f64 } else { 0.0 };
    let shrunk = (after as f64) <= before as f64 * SHRUNK_SHARE;
    (gone >= LOST_SHARE && shrunk && (added as f64) <= after as f64 * NEW_SHARE).then(|| {
        let removed = change.provisions.iter().filter(|pc| pc.kind == ChangeKind::Removed).count();
        format!(
            "it lost {removed} of {} provisions ({:.0}% of the text) and is {:.0}% of the previous length",
            prev.len(),
            gone * 100.0,
            after as f64 * 100.0 / before.max(1) as f64
        )
    })
}

/// The error phrase in the first lines of a text, if any.
fn opening_error(provisions: &[Provision]) -> Option<&'static str> {
    let opening: String = provisions
        .iter()
        .flat_map(|p| p.text.lines())
        .take(OPENING_LINES)
        .collect::<Vec<_>>()
        .join("\n")
        .to_lowercase()
        .replace(['\u{2019}', '\u{2018}'], "'");
    ERROR_PAGE_PHRASES.iter().copied().find(|phrase| opening.contains(phrase))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::diff::diff;
    use crate::pipeline::segment::segment;

    fn judge(a: &str, b: &str) -> Option<String> {
        let (p, n) = (segment(a), segment(b));
        broken(&p, &n, &diff(&p, &n))
    }

    #[test]
    fn a_capture_that_lost_most_sections_or_opens_with_an_error_is_broken() {
        let full: String =
            (1..=10).map(|i| format!("# {i}. Part {i}\n\nBody of part {i} with some words.\n\n")).collect();
        let half: String =
            (1..=3).map(|i| format!("# {i}. Part {i}\n\nBody of part {i} with some words.\n\n")).collect();
        assert!(judge(&full, &half).is_some_and(|why| why.contains("lost 7 of 10")));
        let error = format!("This page isn’t available\n\n{full}");
        assert!(judge(&full, &error).is_some_and(|why| why.contains("error message")));
        assert_eq!(judge(&half, &full), None, "growing back is not broken");
        assert_eq!(judge(&full, &full.replace("part 3", "part three")), None);
        let rewrite: String =
            (1..=3).map(|i| format!("# {i}. Chapter {i}\n\nAll new wording of chapter {i} here.\n\n")).collect();
        assert_eq!(judge(&full, &rewrite), None, "a shorter rewrite is a change, not a broken capture");
    }
}
