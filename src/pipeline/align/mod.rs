//! Aligning: links each provision of a new version to its predecessor in the previous one.
//!
//! Stages, each only over provisions not linked yet: identical text (SHA-256); identical text
//! once the clause number is set aside (renumbering); same key, same title, same clause number;
//! then word similarity above [`SIMILARITY_THRESHOLD`]. Ties go to the nearer position.
mod order;
mod similarity;

use std::collections::HashMap;
use std::hash::Hash;

use serde::{Deserialize, Serialize};

use crate::domain::provision::Provision;
pub use similarity::Words;
use similarity::{TokenBag, similar_enough};

/// Word similarity (0–1, `similar`'s ratio over words) from which two provisions are linked.
pub const SIMILARITY_THRESHOLD: f32 = 0.5;
/// Word similarity required to link two provisions that share only a clause number.
pub const CLAUSE_SIMILARITY_THRESHOLD: f32 = 0.3;

/// A link between `prev[prev]` and `next[next]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    /// Index into the previous version's provisions.
    pub prev: usize,
    /// Index into the next version's provisions.
    pub next: usize,
    /// How the two relate.
    pub kind: LinkKind,
}

/// How two linked provisions relate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkKind {
    /// Same text, same place in the order.
    Identical,
    /// Same text apart from the clause number.
    Renumbered,
    /// Same text, but its order relative to its neighbours changed.
    Moved,
    /// Different text.
    Modified,
}

/// Which index of each side is linked to which on the other side.
struct Pairing {
    prev_to_next: Vec<Option<usize>>,
    next_to_prev: Vec<Option<usize>>,
}

impl Pairing {
    fn link(&mut self, i: usize, j: usize) {
        self.prev_to_next[i] = Some(j);
        self.next_to_prev[j] = Some(i);
    }
}

/// Links provisions of `next` to provisions of `prev`; each index appears in at most one link.
/// Links are ordered by `next`.
pub fn align(prev: &[Provision], next: &[Provision]) -> Vec<Link> {
    let mut pairing = Pairing { prev_to_next: vec![None; prev.len()], next_to_prev: vec![None; next.len()] };
    match_by(prev, next, &mut pairing, |p| Some(p.sha256.as_str()), None);
    match_by(prev, next, &mut pairing, |p| Some(without_clause(p)), None);
    match_by(prev, next, &mut pairing, |p| Some(p.key.as_str()), None);
    match_by(prev, next, &mut pairing, |p| p.title.as_deref(), None);
    match_by(prev, next, &mut pairing, |p| p.clause.as_deref(), Some(CLAUSE_SIMILARITY_THRESHOLD));
    match_similar(prev, next, &mut pairing);
    order::classify(prev, next, &pairing.next_to_prev)
}

/// The text with the leading clause number (and `Section`/`Article`) of its heading set aside.
pub(crate) fn without_clause(p: &Provision) -> &str {
    let Some(clause) = &p.clause else {
        return &p.text;
    };
    let mut text = p.text.as_str();
    for word in ["Section ", "SECTION ", "Article ", "ARTICLE ", "Clause "] {
        text = text.strip_prefix(word).unwrap_or(text);
    }
    match text.strip_prefix(clause.as_str()) {
        Some(rest) => rest.trim_start_matches(['.', ')', ' ', '\\']),
        None => &p.text,
    }
}

/// Distance between positions `i` of `n` and `j` of `m`, relative to the lengths.
fn distance(i: usize, n: usize, j: usize, m: usize) -> f64 {
    let a = i as f64 / n.max(1) as f64;
    let b = j as f64 / m.max(1) as f64;
    (a - b).abs()
}

/// Links unlinked provisions sharing `field`, preferring the same key, then the nearest position;
/// with `min_similarity`, only pairs at least that similar.
fn match_by<'a, K, F>(
    prev: &'a [Provision],
    next: &'a [Provision],
    pairing: &mut Pairing,
    field: F,
    min_similarity: Option<f32>,
) where
    K: Eq + Hash + 'a,
    F: Fn(&'a Provision) -> Option<K>,
{
    let mut by_field: HashMap<K, Vec<usize>> = HashMap::new();
    for (i, p) in prev.iter().enumerate() {
        if pairing.prev_to_next[i].is_none()
            && let Some(k) = field(p)
        {
            by_field.entry(k).or_default().push(i);
        }
    }
    for (j, q) in next.iter().enumerate() {
        if pairing.next_to_prev[j].is_some() {
            continue;
        }
        let Some(candidates) = field(q).and_then(|k| by_field.get_mut(&k)) else {
            continue;
        };
        let best = candidates
            .iter()
            .copied()
            .filter(|&i| pairing.prev_to_next[i].is_none())
            .filter(|&i| min_similarity.is_none_or(|t| similar_enough(&prev[i].text, &q.text, t)))
            .min_by(|&a, &b| {
                let ka = prev[a].key != q.key;
                let kb = prev[b].key != q.key;
                let da = distance(a, prev.len(), j, next.len());
                let db = distance(b, prev.len(), j, next.len());
                ka.cmp(&kb).then(da.total_cmp(&db))
            });
        if let Some(i) = best {
            pairing.link(i, j);
            candidates.retain(|&c| c != i);
        }
    }
}

/// Links the remaining provisions by word similarity, best pairs first.
fn match_similar(prev: &[Provision], next: &[Provision], pairing: &mut Pairing) {
    let free_prev: Vec<usize> = (0..prev.len()).filter(|&i| pairing.prev_to_next[i].is_none()).collect();
    let free_next: Vec<usize> = (0..next.len()).filter(|&j| pairing.next_to_prev[j].is_none()).collect();
    if free_prev.is_empty() || free_next.is_empty() {
        return;
    }
    let bags_prev: Vec<TokenBag> = free_prev.iter().map(|&i| TokenBag::new(&prev[i].text)).collect();
    let bags_next: Vec<TokenBag> = free_next.iter().map(|&j| TokenBag::new(&next[j].text)).collect();
    let mut candidates: Vec<(f32, f64, usize, usize)> = Vec::new();
    for (a, &i) in free_prev.iter().enumerate() {
        for (b, &j) in free_next.iter().enumerate() {
            if let Some(score) = bags_prev[a].ratio_at_least(&bags_next[b], SIMILARITY_THRESHOLD) {
                candidates.push((score, distance(i, prev.len(), j, next.len()), i, j));
            }
        }
    }
    candidates.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.total_cmp(&y.1)));
    for (_, _, i, j) in candidates {
        if pairing.prev_to_next[i].is_none() && pairing.next_to_prev[j].is_none() {
            pairing.link(i, j);
        }
    }
}
