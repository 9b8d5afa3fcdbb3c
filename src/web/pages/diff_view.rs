//! Turns a provision-level `Change` between two stored versions into display rows: changed
//! provisions with their word diff, and runs of unchanged provisions to collapse.
use std::collections::HashMap;

use serde::Deserialize;

use super::Block;
use super::text::provision_blocks;
use crate::db::provisions::{ProvisionRow, class_str, kind_str};
use crate::pipeline::diff::{Change, ProvisionChange};

/// One run of the word diff, as stored in `provision_changes.words` (the differ writes
/// `{"insert": "…"}`; the capitalised spelling is accepted too).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub enum Word {
    #[serde(rename = "equal", alias = "Equal")]
    Equal(String),
    #[serde(rename = "insert", alias = "Insert")]
    Insert(String),
    #[serde(rename = "delete", alias = "Delete")]
    Delete(String),
}

impl Word {
    /// "eq", "ins" or "del", for templates.
    pub fn op(&self) -> &'static str {
        match self {
            Word::Equal(_) => "eq",
            Word::Insert(_) => "ins",
            Word::Delete(_) => "del",
        }
    }

    /// The text of the run.
    pub fn text(&self) -> &str {
        match self {
            Word::Equal(t) | Word::Insert(t) | Word::Delete(t) => t,
        }
    }
}

/// Reads a stored or serialised word diff; anything unreadable gives no runs.
pub fn words_from_json(value: &serde_json::Value) -> Vec<Word> {
    serde_json::from_value(value.clone()).unwrap_or_default()
}

/// A changed provision, ready to show inline or side by side.
#[derive(Debug, Clone)]
pub struct ChangedRow {
    pub kind: String,
    pub class: String,
    pub label: String,
    pub summary: String,
    /// Link to the provision page of its lineage.
    pub lineage: Option<i64>,
    /// The word diff: for added provisions one `Insert`, for removed ones one `Delete`, for
    /// moved or renumbered ones one `Equal` unless the text changed too.
    pub words: Vec<Word>,
}

/// An unchanged provision inside a collapsed run.
#[derive(Debug, Clone)]
pub struct UnchangedRow {
    pub key: String,
    pub blocks: Vec<Block>,
}

/// A row of the diff page.
#[derive(Debug, Clone)]
pub enum DiffRow {
    Changed(ChangedRow),
    Unchanged(Vec<UnchangedRow>),
}

fn changed_row(pc: &ProvisionChange, old: &[ProvisionRow], new: &[ProvisionRow]) -> ChangedRow {
    let old_row = pc.prev.and_then(|i| old.get(i));
    let new_row = pc.next.and_then(|i| new.get(i));
    let stored = words_from_json(&serde_json::to_value(&pc.words).unwrap_or_default());
    let words = if !stored.is_empty() {
        stored
    } else {
        match (old_row, new_row) {
            (None, Some(n)) => vec![Word::Insert(n.text.clone())],
            (Some(o), None) => vec![Word::Delete(o.text.clone())],
            (Some(o), Some(n)) if o.text == n.text => vec![Word::Equal(n.text.clone())],
            (Some(o), Some(n)) => vec![Word::Delete(o.text.clone()), Word::Insert(n.text.clone())],
            (None, None) => Vec::new(),
        }
    };
    ChangedRow {
        kind: kind_str(pc.kind).to_owned(),
        class: class_str(pc.class).to_owned(),
        label: pc.label.clone(),
        summary: pc.summary.clone(),
        lineage: new_row.or(old_row).map(|r| r.lineage_id),
        words,
    }
}

fn push_unchanged(rows: &mut Vec<DiffRow>, provision: &ProvisionRow) {
    let row = UnchangedRow {
        key: provision.key.clone(),
        blocks: provision_blocks(&provision.text, provision.title.as_deref()),
    };
    if let Some(DiffRow::Unchanged(run)) = rows.last_mut() {
        run.push(row);
    } else {
        rows.push(DiffRow::Unchanged(vec![row]));
    }
}

/// The rows in the order of the new version; removed provisions appear where they stood in the
/// old one (before the first new provision that follows them).
pub fn rows(change: &Change, old: &[ProvisionRow], new: &[ProvisionRow]) -> Vec<DiffRow> {
    let changed_at: HashMap<usize, &ProvisionChange> =
        change.provisions.iter().filter_map(|pc| pc.next.map(|n| (n, pc))).collect();
    let prev_of: HashMap<usize, usize> = change.links.iter().map(|l| (l.next, l.prev)).collect();
    let mut removed: Vec<(usize, &ProvisionChange)> =
        change.provisions.iter().filter(|pc| pc.next.is_none()).filter_map(|pc| pc.prev.map(|p| (p, pc))).collect();
    removed.sort_by_key(|(p, _)| *p);
    let mut removed = removed.into_iter().peekable();
    let mut out = Vec::new();
    for (j, provision) in new.iter().enumerate() {
        if let Some(&before) = prev_of.get(&j) {
            while let Some((_, pc)) = removed.next_if(|(p, _)| *p < before) {
                out.push(DiffRow::Changed(changed_row(pc, old, new)));
            }
        }
        match changed_at.get(&j) {
            Some(pc) => out.push(DiffRow::Changed(changed_row(pc, old, new))),
            None => push_unchanged(&mut out, provision),
        }
    }
    out.extend(removed.map(|(_, pc)| DiffRow::Changed(changed_row(pc, old, new))));
    out
}

/// How many rows are changes.
pub fn changed_count(rows: &[DiffRow]) -> usize {
    rows.iter().filter(|r| matches!(r, DiffRow::Changed(_))).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_word_diffs_are_read_and_bad_ones_give_nothing() {
        let json = serde_json::json!([{"equal": "We use "}, {"Insert": "audio"}, {"delete": "text"}]);
        let words = words_from_json(&json);
        assert_eq!(words.iter().map(Word::op).collect::<Vec<_>>(), ["eq", "ins", "del"]);
        assert_eq!(words[1].text(), "audio");
        assert!(words_from_json(&serde_json::json!({"nope": 1})).is_empty());
    }
}
