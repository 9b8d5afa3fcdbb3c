//! Gold list for the AI-specific topics (`ai-training`, `human-review`), which no public labelled
//! corpus covers. `catalog/gold/topics-gold.tsv` names provisions of the latest corpus versions by
//! corpus path and provision key (never by text) with the expected answer; this test segments each
//! file, finds the key, classifies the provision and reports precision and recall per topic.
use std::collections::{BTreeMap, HashMap};

use clausewatch::domain::provision::Provision;
use clausewatch::pipeline::classify::Classifier;
use clausewatch::pipeline::segment::segment;

use crate::support::{self, corpus_dir};

/// Topics the gold list judges, with the (precision, recall) floors: just under what the rules
/// reach, so that a regression fails.
const FLOORS: [(&str, f64, f64); 2] = [("ai-training", 0.92, 0.95), ("human-review", 0.90, 0.95)];

/// Characters of each provision's text shown by the curation listing.
const LISTED_CHARS: usize = 600;

/// One judged row of the gold list.
struct GoldRow {
    corpus_path: String,
    key: String,
    topic: String,
    expected: bool,
}

fn gold_rows() -> Vec<GoldRow> {
    support::gold_rows("topics-gold.tsv", 4)
        .into_iter()
        .map(|mut cols| {
            let expected = support::yes_no(&cols[3]);
            let topic = cols.swap_remove(2);
            let key = cols.swap_remove(1);
            GoldRow { corpus_path: cols.swap_remove(0), key, topic, expected }
        })
        .collect()
}

/// The provisions of every corpus file the gold list names, segmented once each.
fn provisions_by_path(rows: &[GoldRow]) -> HashMap<String, Vec<Provision>> {
    let mut out = HashMap::new();
    for row in rows {
        if out.contains_key(&row.corpus_path) {
            continue;
        }
        let path = corpus_dir().join(&row.corpus_path);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        out.insert(row.corpus_path.clone(), segment(&text));
    }
    out
}

#[derive(Default)]
struct Counts {
    tp: u32,
    fp: u32,
    fn_: u32,
    tn: u32,
}

impl Counts {
    fn precision(&self) -> f64 {
        f64::from(self.tp) / f64::from((self.tp + self.fp).max(1))
    }
    fn recall(&self) -> f64 {
        f64::from(self.tp) / f64::from((self.tp + self.fn_).max(1))
    }
}

#[test]
fn gold_provisions_about_ai_training_and_human_review_are_classified_correctly() {
    let rows = gold_rows();
    assert!(rows.len() >= 60, "the gold list has {} rows", rows.len());
    let provisions = provisions_by_path(&rows);
    let classifier = Classifier::builtin();
    let mut counts: BTreeMap<&str, Counts> = BTreeMap::new();
    for row in &rows {
        let provision = provisions[&row.corpus_path]
            .iter()
            .find(|p| p.key == row.key)
            .unwrap_or_else(|| panic!("{}: no provision `{}`", row.corpus_path, row.key));
        let found = classifier.classify(&provision.heading_path, &provision.text).iter().any(|m| m.topic == row.topic);
        let entry = counts.entry(row.topic.as_str()).or_default();
        match (row.expected, found) {
            (true, true) => entry.tp += 1,
            (false, true) => entry.fp += 1,
            (true, false) => entry.fn_ += 1,
            (false, false) => entry.tn += 1,
        }
        if row.expected != found {
            println!("MISS {} {} {} expected {}", row.topic, row.corpus_path, row.key, row.expected);
        }
    }
    let mut failures = Vec::new();
    for (topic, min_precision, min_recall) in FLOORS {
        let c = counts.get(topic).expect("every judged topic has gold rows");
        println!(
            "gold {topic:12} precision {:.3} recall {:.3} (tp {} fp {} fn {} tn {})",
            c.precision(),
            c.recall(),
            c.tp,
            c.fp,
            c.fn_,
            c.tn
        );
        assert!(c.tp + c.fn_ >= 10 && c.fp + c.tn >= 10, "{topic}: too few positives or negatives");
        if c.precision() < min_precision || c.recall() < min_recall {
            failures.push(topic);
        }
    }
    assert!(failures.is_empty(), "below the floor: {failures:?}");
}

/// Lists every provision of the files in the gold list with the topics found, to curate the list:
/// `cargo test --test api classify_gold -- --ignored --nocapture`.
#[test]
#[ignore = "a listing for curating the gold list, not a check"]
fn list_the_provisions_of_the_gold_files_with_their_topics() {
    let rows = gold_rows();
    let provisions = provisions_by_path(&rows);
    let classifier = Classifier::builtin();
    let mut paths: Vec<&String> = provisions.keys().collect();
    paths.sort();
    for path in paths {
        for provision in &provisions[path] {
            let topics: Vec<String> =
                classifier.classify(&provision.heading_path, &provision.text).into_iter().map(|m| m.topic).collect();
            let start: String = provision.text.chars().take(LISTED_CHARS).collect();
            println!("{path}\t{}\t{}\t{}", provision.key, topics.join(","), start.replace('\n', " "));
        }
    }
}
