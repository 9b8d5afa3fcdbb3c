//! The labelled sets the model learns from (`../shared/labelled-dev/`): CLAUDETTE sentences and
//! ToS;DR quotes, read into [`TrainingSet`] examples with the rules' verdict on each.
use std::path::Path;

use anyhow::Context;
use serde::Deserialize;

use super::train::{Example, FOLDS, TrainingSet};
use crate::pipeline::classify::Classifier;

/// ToS;DR case titles and the topics they are about.
const TOSDR_CASES: &str = include_str!("../../../../catalog/model/tosdr-cases.tsv");

/// CLAUDETTE categories and the topic each belongs to.
pub const CLAUDETTE_TOPICS: [(&str, &str); 6] = [
    ("arbitration", "arbitration"),
    ("limitation_of_liability", "liability-limitation"),
    ("unilateral_change", "terms-changes"),
    ("unilateral_termination", "account-termination"),
    ("choice_of_law", "governing-law"),
    ("jurisdiction", "governing-law"),
];

/// The topics the model learns: those the labelled sets speak of. The first five are CLAUDETTE's.
pub const MODEL_TOPICS: [&str; 11] = [
    "arbitration",
    "liability-limitation",
    "terms-changes",
    "account-termination",
    "governing-law",
    "data-retention",
    "data-sharing",
    "tracking-cookies",
    "age-limit",
    "content-license",
    "indemnification",
];

/// The first five of [`MODEL_TOPICS`] are the ones CLAUDETTE labels.
const CLAUDETTE_JUDGED: usize = 5;

/// Where an example comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Claudette,
    Tosdr,
}

/// A training set and, per example, its source and (ToS;DR) whether a curator approved it.
pub struct Labelled {
    pub set: TrainingSet,
    pub sources: Vec<Source>,
    pub approved: Vec<bool>,
}

#[derive(Deserialize)]
struct Record {
    service: String,
    text: String,
    labels: Vec<String>,
    #[serde(default)]
    cv_test_fold: Option<usize>,
    #[serde(default)]
    status: Option<String>,
}

/// The ToS;DR case titles and their topics.
pub fn tosdr_cases() -> Vec<(&'static str, Vec<&'static str>)> {
    TOSDR_CASES
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .skip(1)
        .filter_map(|line| line.split_once('\t'))
        .map(|(case, topics)| (case, topics.split(',').filter(|t| !t.is_empty()).collect()))
        .collect()
}

/// Reads `claudette_dev.jsonl` and `tosdr_dev.jsonl` from `dir`. `rules` gives each example its
/// rules' verdicts. CLAUDETTE documents keep the paper's folds; a ToS;DR service takes the fold
/// of the CLAUDETTE document of the same name, if any, else one by a hash of its name.
pub fn read(dir: &Path, rules: &Classifier) -> anyhow::Result<Labelled> {
    let claudette = records(&dir.join("claudette_dev.jsonl"))?;
    let tosdr = records(&dir.join("tosdr_dev.jsonl"))?;
    let cases = tosdr_cases();
    let rule_topics: Vec<String> = rules.topic_slugs().map(str::to_owned).collect();
    let mut out = Labelled {
        set: TrainingSet {
            topics: MODEL_TOPICS.map(str::to_owned).to_vec(),
            // ToS;DR alone labels the other topics, quote by quote: the model learns where their
            // rules miss, and their rules stay trusted where they fire.
            rules_suffice: (0..MODEL_TOPICS.len()).map(|t| t >= CLAUDETTE_JUDGED).collect(),
            rule_topics,
            examples: Vec::new(),
            description: format!(
                "{} CLAUDETTE sentences ({} documents) and {} ToS;DR quotes ({} services) of labelled-dev",
                claudette.len(),
                distinct(claudette.iter().map(|r| &r.service)),
                tosdr.len(),
                distinct(tosdr.iter().map(|r| &r.service)),
            ),
        },
        sources: Vec::new(),
        approved: Vec::new(),
    };
    let mut claudette_folds = Vec::new();
    for record in claudette {
        let fold = record.cv_test_fold.context("a CLAUDETTE record has no cv_test_fold")? % FOLDS;
        let truth: Vec<&str> = CLAUDETTE_TOPICS
            .iter()
            .filter(|(label, _)| record.labels.iter().any(|l| l == label))
            .map(|(_, t)| *t)
            .collect();
        // CLAUDETTE judges five topics; of the others it says nothing.
        let labels = MODEL_TOPICS
            .iter()
            .enumerate()
            .map(|(t, topic)| (t < CLAUDETTE_JUDGED).then(|| truth.contains(topic)))
            .collect();
        claudette_folds.push((group_name(&record.service), fold));
        out.push(rules, record, labels, fold, Source::Claudette, true);
    }
    for record in tosdr {
        let truth: Vec<&str> = record
            .labels
            .iter()
            .filter_map(|label| cases.iter().find(|(case, _)| case == label))
            .flat_map(|(_, topics)| topics.iter().copied())
            .collect();
        // A quote is labelled with the case it illustrates, not with every topic it touches; on
        // CLAUDETTE's five topics, whose negatives CLAUDETTE gives sentence by sentence, a quote
        // counts only as a positive (as negatives they cost 0.02 of macro F1 in cross-validation).
        let labels = MODEL_TOPICS
            .iter()
            .enumerate()
            .map(|(t, topic)| {
                let yes = truth.contains(topic);
                (yes || t >= CLAUDETTE_JUDGED).then_some(yes)
            })
            .collect();
        let name = group_name(&record.service);
        let fold = claudette_folds.iter().find(|(doc, _)| *doc == name).map_or_else(|| hash_fold(&name), |&(_, f)| f);
        let approved = record.status.as_deref() == Some("approved");
        out.push(rules, record, labels, fold, Source::Tosdr, approved);
    }
    Ok(out)
}

impl Labelled {
    fn push(
        &mut self,
        rules: &Classifier,
        record: Record,
        labels: Vec<Option<bool>>,
        fold: usize,
        source: Source,
        approved: bool,
    ) {
        let rules_fired = rules.rules_fired(&[], &record.text);
        self.set.examples.push(Example { text: record.text, rules_fired, labels, group: record.service, fold });
        self.sources.push(source);
        self.approved.push(approved);
    }
}

fn records(path: &Path) -> anyhow::Result<Vec<Record>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read {}: point --labelled at the labelled-dev folder", path.display()))?;
    text.lines()
        .enumerate()
        .map(|(i, line)| {
            serde_json::from_str(line)
                .with_context(|| format!("{} line {}: not a labelled record", path.display(), i + 1))
        })
        .collect()
}

fn distinct<'a>(names: impl Iterator<Item = &'a String>) -> usize {
    names.collect::<std::collections::BTreeSet<_>>().len()
}

/// "Electronic_Arts", "electronic arts" and "electronicarts" are one group.
fn group_name(service: &str) -> String {
    service.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

fn hash_fold(name: &str) -> usize {
    let hash =
        name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3));
    (hash % FOLDS as u64) as usize
}
