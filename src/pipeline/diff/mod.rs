//! Diffing: turns two versions' provisions into a change, provision by provision.
mod broken;
pub mod chrome;
mod class;
mod many;
mod summary;
pub mod variant;
mod words;

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::domain::provision::Provision;
use crate::pipeline::align::{Link, LinkKind, align};
use crate::pipeline::segment::segment_pair;

pub use broken::broken;
pub use chrome::Chrome;
pub use class::{classify_one_sided, classify_texts, stated_date};
pub use many::{diff_many, par_map};
pub use summary::{Importance, MAX_SUMMARY_CHARS, cut_at_word};
pub use words::word_diff;

/// How much a change matters, least first. Only `Substantive` changes alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeClass {
    /// The capture lost most of the document (or reads as an error page): not diffed.
    Broken,
    /// The capture is another regional variant of the document.
    Variant,
    /// Only site chrome (navigation, footers, banners, cookie notices, buttons) changed.
    Chrome,
    /// Only link targets, escaping or Markdown syntax changed.
    Markup,
    /// Only whitespace, punctuation, quote style or capitalisation changed.
    Cosmetic,
    /// Only clause numbers or letters changed, as an insertion elsewhere reletters the rest.
    Renumbered,
    /// Only a date in a "Last updated" / "Effective" line changed.
    Metadata,
    /// Anything else: wording, added, removed or moved provisions.
    Substantive,
}

impl ChangeClass {
    /// Every class, least first.
    pub const ALL: [ChangeClass; 8] = [
        Self::Broken,
        Self::Variant,
        Self::Chrome,
        Self::Markup,
        Self::Cosmetic,
        Self::Renumbered,
        Self::Metadata,
        Self::Substantive,
    ];

    /// The stored spelling: `substantive`, `chrome`, ….
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Broken => "broken",
            Self::Variant => "variant",
            Self::Chrome => "chrome",
            Self::Markup => "markup",
            Self::Cosmetic => "cosmetic",
            Self::Renumbered => "renumbered",
            Self::Metadata => "metadata",
            Self::Substantive => "substantive",
        }
    }

    /// Whether a change of this class alerts subscribers and counts towards severity.
    pub fn alerts(self) -> bool {
        self == Self::Substantive
    }
}

/// What happened to one provision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// Only in the new version.
    Added,
    /// Only in the previous version.
    Removed,
    /// In both, with different text.
    Modified,
    /// Same text, moved relative to its neighbours.
    Moved,
    /// Same text, new clause number.
    Renumbered,
}

/// One run of a word diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WordOp {
    /// Text in both versions.
    Equal(String),
    /// Text only in the new version.
    Insert(String),
    /// Text only in the previous version.
    Delete(String),
}

/// The change of one provision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProvisionChange {
    /// What happened.
    pub kind: ChangeKind,
    /// Index into the previous version's provisions, when it was there.
    pub prev: Option<usize>,
    /// Index into the new version's provisions, when it is there.
    pub next: Option<usize>,
    /// The provision's key in the new version (or the previous one, when removed).
    pub key: String,
    /// A label for people: `§4.2 Use of Materials`.
    pub label: String,
    /// How much it matters.
    pub class: ChangeClass,
    /// One line: the label and what was added or removed, quoted.
    pub summary: String,
    /// The word diff; empty unless `kind` is `Modified`.
    pub words: Vec<WordOp>,
}

/// The change between two versions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// The most serious class among the provision changes (irrelevant when empty).
    pub class: ChangeClass,
    /// How every provision of the new version links to the previous one.
    pub links: Vec<Link>,
    /// The provision changes, in the order of the new version.
    pub provisions: Vec<ProvisionChange>,
}

impl Change {
    /// True when the two versions have the same provisions in the same order.
    pub fn is_empty(&self) -> bool {
        self.provisions.is_empty()
    }

    /// One line for the whole change: its class, counts by kind, and the summary of its most
    /// important provision change (all provisions weighing the same).
    pub fn summary(&self) -> String {
        summary::change_summary(self, &|_| Importance::default())
    }

    /// [`Change::summary`], weighing provision changes by `importance`.
    pub fn summary_by(&self, importance: &dyn Fn(&ProvisionChange) -> Importance) -> String {
        summary::change_summary(self, importance)
    }
}

/// Segments both texts, then diffs their provisions.
pub fn diff_texts(prev: &str, next: &str) -> Change {
    let (prev, next) = segment_pair(prev, next);
    diff(&prev, &next)
}

/// Aligns the provisions of two versions and describes every difference, with no chrome known.
pub fn diff(prev: &[Provision], next: &[Provision]) -> Change {
    diff_with(prev, next, &Chrome::none())
}

/// [`diff`], classing changes confined to `chrome` lines as chrome.
pub fn diff_with(prev: &[Provision], next: &[Provision], chrome: &Chrome) -> Change {
    let mut change = diff_plain(prev, next);
    if !chrome.is_empty() {
        let lines = |ps: &[Provision]| -> HashSet<String> {
            ps.iter().flat_map(|p| p.text.lines()).filter_map(chrome::fingerprint).collect()
        };
        let sides = (lines(prev), lines(next));
        for pc in &mut change.provisions {
            reclass_chrome(pc, prev, next, chrome, &sides);
        }
        change.class = change.provisions.iter().map(|c| c.class).max().unwrap_or(ChangeClass::Cosmetic);
    }
    change
}

/// Settles the class of `change` (from `prev_text` to `next_text`) once chrome is set aside:
/// the two texts are diffed again without their chrome lines, and a change that leaves nothing
/// (or less) there is chrome (or that lesser class), as are its substantive provision changes.
pub fn settle_chrome(change: &mut Change, prev_text: &str, next_text: &str, chrome: &Chrome) {
    if chrome.is_empty() || change.class != ChangeClass::Substantive {
        return;
    }
    let bare = diff_texts(&chrome.strip_document(prev_text), &chrome.strip_document(next_text));
    let class = if bare.is_empty() { ChangeClass::Chrome } else { bare.class };
    if class < ChangeClass::Substantive {
        for pc in change.provisions.iter_mut().filter(|pc| pc.class == ChangeClass::Substantive) {
            pc.class = class;
        }
        change.class = class;
    }
}

/// A provision change confined to chrome lines becomes chrome; one that also touched chrome
/// lines is classed on what is left without them. An added (removed) provision whose other
/// lines are all in the previous (new) version too brought (took) only chrome. `sides` are the
/// line fingerprints of the previous and the new version.
fn reclass_chrome(
    pc: &mut ProvisionChange,
    prev: &[Provision],
    next: &[Provision],
    chrome: &Chrome,
    sides: &(HashSet<String>, HashSet<String>),
) {
    let old = pc.prev.and_then(|i| prev.get(i)).map(|p| p.text.as_str());
    let new = pc.next.and_then(|i| next.get(i)).map(|p| p.text.as_str());
    let only_chrome = |text: &str, other: &HashSet<String>| {
        let (rest, cut) = chrome.strip(text);
        cut && rest.lines().filter_map(chrome::fingerprint).all(|f| other.contains(&f))
    };
    match (pc.kind, old, new) {
        (ChangeKind::Added, _, Some(text)) if only_chrome(text, &sides.0) => pc.class = ChangeClass::Chrome,
        (ChangeKind::Removed, Some(text), _) if only_chrome(text, &sides.1) => pc.class = ChangeClass::Chrome,
        (ChangeKind::Modified, Some(a), Some(b)) => {
            let ((a, cut_a), (b, cut_b)) = (chrome.strip(a), chrome.strip(b));
            if cut_a || cut_b {
                pc.class = if a == b { ChangeClass::Chrome } else { classify_texts(&a, &b) };
            }
        }
        _ => {}
    }
}

/// Aligns and describes every difference.
fn diff_plain(prev: &[Provision], next: &[Provision]) -> Change {
    let links = align(prev, next);
    let mut entries: Vec<(f64, ProvisionChange)> = Vec::new();
    let mut linked_prev = vec![None; prev.len()];
    for link in &links {
        linked_prev[link.prev] = Some(link.next);
        if link.kind != LinkKind::Identical {
            entries.push((link.next as f64, linked_change(&prev[link.prev], &next[link.next], link)));
        }
    }
    let mut anchor = -0.5;
    for (i, p) in prev.iter().enumerate() {
        match linked_prev[i] {
            Some(j) => anchor = j as f64 + 0.5,
            None => entries.push((anchor, one_sided(ChangeKind::Removed, i, p))),
        }
    }
    let mut linked_next = vec![false; next.len()];
    for link in &links {
        linked_next[link.next] = true;
    }
    for (j, q) in next.iter().enumerate() {
        if !linked_next[j] {
            entries.push((j as f64, one_sided(ChangeKind::Added, j, q)));
        }
    }
    entries.sort_by(|a, b| a.0.total_cmp(&b.0));
    let provisions: Vec<ProvisionChange> = entries.into_iter().map(|(_, c)| c).collect();
    let class = provisions.iter().map(|c| c.class).max().unwrap_or(ChangeClass::Cosmetic);
    Change { class, links, provisions }
}

/// A provision only in one version: added (index into next) or removed (index into prev).
fn one_sided(kind: ChangeKind, index: usize, p: &Provision) -> ProvisionChange {
    let label = p.label();
    let verb = if kind == ChangeKind::Added { "added" } else { "removed" };
    let body = match (&p.title, p.text.split_once('\n')) {
        (Some(_), Some((_, rest))) => rest,
        _ => p.text.as_str(),
    };
    let summary = summary::quoted(&label, &[(verb, body)]);
    let (prev, next) = if kind == ChangeKind::Added { (None, Some(index)) } else { (Some(index), None) };
    ProvisionChange {
        kind,
        prev,
        next,
        key: p.key.clone(),
        label,
        class: classify_one_sided(&p.text),
        summary,
        words: Vec::new(),
    }
}

/// A linked provision whose text or place changed.
fn linked_change(p: &Provision, q: &Provision, link: &Link) -> ProvisionChange {
    let label = q.label();
    let (kind, class, summary, words) = match link.kind {
        LinkKind::Moved => (ChangeKind::Moved, ChangeClass::Substantive, format!("{label}: moved"), Vec::new()),
        LinkKind::Renumbered => {
            let from = p.clause.as_deref().unwrap_or("-");
            let to = q.clause.as_deref().unwrap_or("-");
            let summary = format!("{label}: renumbered from §{from} to §{to}");
            (ChangeKind::Renumbered, ChangeClass::Renumbered, summary, Vec::new())
        }
        LinkKind::Identical | LinkKind::Modified => {
            let words = word_diff(&p.text, &q.text);
            let class = classify_texts(&p.text, &q.text);
            // A provision whose only change is its clause label reads as renumbered, not modified.
            let kind = if class == ChangeClass::Renumbered { ChangeKind::Renumbered } else { ChangeKind::Modified };
            (kind, class, summary::modified(&label, &words), words)
        }
    };
    ProvisionChange {
        kind,
        prev: Some(link.prev),
        next: Some(link.next),
        key: q.key.clone(),
        label,
        class,
        summary,
        words,
    }
}
