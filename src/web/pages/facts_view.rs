//! Facts as pages show them: a provision's own list ("What it decides"), and tables that set
//! platforms side by side, one column per fact, each cell linking to the provision it came from.
use super::{document_href, platform_href};
use crate::db::pages::facts::TopicFactsRow;
use crate::pipeline::facts::{Facts, describe, schema_of};

/// Shown where no provision states a fact.
pub const NOT_STATED: &str = "not stated";

/// One fact of a provision: its label, its value in words (or "not stated"), and the words it
/// was read from.
pub struct FactLine {
    pub label: &'static str,
    pub value: String,
    pub stated: bool,
    pub evidence: Option<String>,
}

/// Every fact of the topic for one provision, stated or not.
pub fn fact_lines(topic: &str, facts: &Facts) -> Vec<FactLine> {
    describe(topic, facts)
        .into_iter()
        .map(|(name, label, value)| FactLine {
            label,
            stated: value.is_some(),
            value: value.unwrap_or_else(|| NOT_STATED.to_owned()),
            evidence: facts.evidence(name).map(str::to_owned),
        })
        .collect()
}

/// One cell of a comparison: a fact's value, and the provision it came from.
#[derive(Clone)]
pub struct Cell {
    pub text: String,
    pub href: Option<String>,
    pub evidence: Option<String>,
}

/// One platform's row.
#[derive(Clone)]
pub struct ComparisonRow {
    pub platform_name: String,
    pub platform_href: String,
    pub cells: Vec<Cell>,
}

/// Platforms side by side on one topic's facts.
pub struct Comparison {
    pub topic: String,
    pub columns: Vec<&'static str>,
    pub rows: Vec<ComparisonRow>,
}

/// The provision page of a row.
pub fn provision_href(row: &TopicFactsRow) -> String {
    format!("{}/provisions/{}", document_href(&row.platform_slug, &row.document_slug), row.lineage_id)
}

/// Which of a platform's documents speaks for it first: its general terms, then its privacy
/// policy, then the rest (business, developer and other specific terms).
fn document_rank(terms_type: &str) -> u8 {
    let kind = terms_type.to_lowercase();
    if kind.contains("terms of service") || kind.contains("terms of use") || kind == "consumer terms" {
        0
    } else if kind.contains("privacy") && !kind.contains("business") && !kind.contains("enterprise") {
        1
    } else {
        2
    }
}

/// One row per platform of `rows` (as read for `topic`), with the platform's id: each fact from
/// the first provision that states it, general terms first; "not stated" where none does.
fn platform_rows(topic: &str, rows: &[TopicFactsRow]) -> Vec<(i64, ComparisonRow)> {
    let specs = schema_of(topic).map_or(&[][..], |s| s.facts);
    let mut read: Vec<(&TopicFactsRow, Facts)> = rows.iter().map(|r| (r, r.reviewed().facts())).collect();
    read.sort_by_key(|(r, facts)| {
        (r.platform_name.clone(), r.platform_id, document_rank(&r.terms_type), std::cmp::Reverse(facts.len()))
    });
    let mut out = Vec::new();
    for platform in read.chunk_by(|a, b| a.0.platform_id == b.0.platform_id) {
        let first = platform[0].0;
        let cells = specs
            .iter()
            .map(|spec| {
                let stating = platform.iter().find(|(_, facts)| facts.get(spec.name).is_some());
                match stating {
                    Some((row, facts)) => Cell {
                        text: describe(topic, facts)
                            .into_iter()
                            .find(|(name, _, _)| *name == spec.name)
                            .and_then(|(_, _, value)| value)
                            .unwrap_or_default(),
                        href: Some(provision_href(row)),
                        evidence: facts.evidence(spec.name).map(str::to_owned),
                    },
                    None => Cell { text: NOT_STATED.to_owned(), href: None, evidence: None },
                }
            })
            .collect();
        let row = ComparisonRow {
            platform_name: first.platform_name.clone(),
            platform_href: platform_href(&first.platform_slug),
            cells,
        };
        out.push((first.platform_id, row));
    }
    out
}

/// The labels of the topic's facts, one column each.
fn columns(topic: &str) -> Vec<&'static str> {
    schema_of(topic).map_or(&[][..], |s| s.facts).iter().map(|s| s.label).collect()
}

/// One row per platform of `rows` (as read for `topic`): each fact from the first provision that
/// states it, general terms first; "not stated" where none does.
pub fn compare(topic: &str, topic_name: &str, rows: &[TopicFactsRow]) -> Comparison {
    let rows = platform_rows(topic, rows).into_iter().map(|(_, row)| row).collect();
    Comparison { topic: topic_name.to_owned(), columns: columns(topic), rows }
}

/// Every platform's row of one topic's comparison, read once per archive generation
/// (`peers::PeerIndex`) so a provision page leaves out its own platform without a query.
pub struct FactTable {
    topic: String,
    rows: Vec<(i64, ComparisonRow)>,
}

impl FactTable {
    /// The table of `topic` from its rows as `topic_facts` reads them.
    pub fn new(topic: &str, rows: &[TopicFactsRow]) -> FactTable {
        FactTable { topic: topic.to_owned(), rows: platform_rows(topic, rows) }
    }

    /// This provision's facts beside those of the other platforms that decide the same question.
    pub fn peers(&self, topic_name: &str, this: &Facts, this_platform: i64) -> Comparison {
        let cells = fact_lines(&self.topic, this)
            .into_iter()
            .map(|line| Cell { text: line.value, href: None, evidence: line.evidence })
            .collect();
        let this = ComparisonRow { platform_name: "This provision".to_owned(), platform_href: String::new(), cells };
        let others = self.rows.iter().filter(|(platform, _)| *platform != this_platform).map(|(_, row)| row.clone());
        Comparison {
            topic: topic_name.to_owned(),
            columns: columns(&self.topic),
            rows: std::iter::once(this).chain(others).collect(),
        }
    }
}
