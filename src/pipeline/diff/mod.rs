//! Diffing: turns two versions' provisions into a change, provision by provision.
mod class;
mod many;
mod summary;
mod words;

use serde::{Deserialize, Serialize};

use crate::domain::provision::Provision;
use crate::pipeline::align::{Link, LinkKind, align};
use crate::pipeline::segment::segment_pair;

pub use class::classify_texts;
pub use many::{diff_many, par_map};
pub use summary::cut_at_word;
pub use words::word_diff;

/// How much a change matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeClass {
    /// Only whitespace, punctuation, quote style or capitalisation changed.
    Cosmetic,
    /// Only a date in a "Last updated" / "Effective" line changed.
    Metadata,
    /// Anything else: wording, added, removed or moved provisions.
    Substantive,
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

    /// One line for the whole change: its class, counts by kind, and the first provision summary.
    pub fn summary(&self) -> String {
        summary::change_summary(self)
    }
}

/// Segments both texts, then diffs their provisions.
pub fn diff_texts(prev: &str, next: &str) -> Change {
    let (prev, next) = segment_pair(prev, next);
    diff(&prev, &next)
}

/// Aligns the provisions of two versions and describes every difference.
pub fn diff(prev: &[Provision], next: &[Provision]) -> Change {
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
        class: ChangeClass::Substantive,
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
            (ChangeKind::Renumbered, ChangeClass::Cosmetic, summary, Vec::new())
        }
        LinkKind::Identical | LinkKind::Modified => {
            let words = word_diff(&p.text, &q.text);
            let class = classify_texts(&p.text, &q.text);
            (ChangeKind::Modified, class, summary::modified(&label, &words), words)
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
