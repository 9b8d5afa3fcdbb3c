//! The extractor against the real corpus: every snapshot, extracted with the declaration valid
//! on its date, must read like the version Open Terms Archive recorded from it.

use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDateTime, Utc};
use clausewatch::domain::declaration::{Declaration, DeclarationHistory, Selector, SourceDocument, slug};
use clausewatch::pipeline::extract::{extract, normalize_markdown};

use crate::support::corpus_dir;

const MIN_SIMILARITY: f32 = 0.95;

/// Snapshots no declaration can match, with the reason (from the corpus's KNOWN-GAPS.md).
pub const SKIPPED: &[(&str, &str)] = &[
    (
        "perplexity/terms-of-service/2026-08-15T10-34-06Z",
        "the page stopped being built with Framer: `[data-framer-name=Post]` matches nothing",
    ),
    (
        "perplexity/terms-of-service/2026-08-20T22-34-19Z",
        "the page stopped being built with Framer: `[data-framer-name=Post]` matches nothing",
    ),
];

/// Selectors the corpus history files do not record (KNOWN-GAPS.md, from the declarations
/// repositories' git history): `(service, used before, select)`.
const MISSING_HISTORY: &[(&str, &str, &str)] = &[
    // The current `article` matches nothing in the 2023 snapshots.
    ("midjourney", "2025-12-20T00:00:00Z", ".content_container"),
    // The history file says 2024-02-26, but `.markdown` stayed until 2024-03-19.
    ("mistral-ai", "2024-03-19T00:00:00Z", ".markdown"),
];

pub struct Snapshot {
    /// `<service>/<terms-type>/<date>` (no extension).
    pub key: String,
    pub service: String,
    pub terms_slug: String,
    pub date: DateTime<Utc>,
    pub path: PathBuf,
}

fn parse_date(stem: &str) -> DateTime<Utc> {
    let naive = NaiveDateTime::parse_from_str(stem, "%Y-%m-%dT%H-%M-%SZ")
        .unwrap_or_else(|err| panic!("corpus file name {stem} is not a date: {err}"));
    naive.and_utc()
}

fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|err| panic!("cannot list {}: {err}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .collect();
    paths.sort();
    paths
}

pub fn snapshots() -> Vec<Snapshot> {
    let mut found = Vec::new();
    for service_dir in sorted_entries(&corpus_dir().join("snapshots")) {
        for terms_dir in sorted_entries(&service_dir) {
            for path in sorted_entries(&terms_dir) {
                let name = |p: &Path| p.file_name().unwrap().to_string_lossy().into_owned();
                let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
                found.push(Snapshot {
                    key: format!("{}/{}/{stem}", name(&service_dir), name(&terms_dir)),
                    service: name(&service_dir),
                    terms_slug: name(&terms_dir),
                    date: parse_date(&stem),
                    path,
                });
            }
        }
    }
    found
}

/// The page declaration valid on the snapshot's date (history, then the known corrections).
pub fn source_for(snapshot: &Snapshot) -> SourceDocument {
    let declarations = corpus_dir().join("declarations");
    let read = |name: String| std::fs::read_to_string(declarations.join(name));
    let current = Declaration::parse(&read(format!("{}.json", snapshot.service)).unwrap())
        .unwrap_or_else(|problems| panic!("{}: {problems:?}", snapshot.service));
    let history = read(format!("{}.history.json", snapshot.service))
        .ok()
        .map(|json| DeclarationHistory::parse(&json).expect("history parses"))
        .unwrap_or_default();
    let terms_type = current
        .terms
        .keys()
        .find(|terms_type| slug(terms_type) == snapshot.terms_slug)
        .expect("the declaration has the snapshot's terms type");
    let terms =
        history.source_at(&current, terms_type, snapshot.date).expect("a declaration is valid at the snapshot date");
    assert_eq!(terms.sources.len(), 1, "snapshots exist only for single pages");
    let mut source = terms.sources[0].clone();
    for &(service, until, select) in MISSING_HISTORY {
        if service == snapshot.service && snapshot.date < until.parse::<DateTime<Utc>>().unwrap() {
            source.select = vec![Selector::Css(select.to_owned())];
        }
    }
    source
}

/// The recorded version of the snapshot's date, or the nearest one within a minute.
fn version_for(snapshot: &Snapshot) -> String {
    let dir = corpus_dir().join("versions").join(&snapshot.service).join(&snapshot.terms_slug);
    let nearest = sorted_entries(&dir)
        .into_iter()
        .map(|path| {
            let date = parse_date(&path.file_stem().unwrap().to_string_lossy());
            ((date - snapshot.date).num_seconds().abs(), path)
        })
        .min_by_key(|(distance, _)| *distance)
        .filter(|(distance, _)| *distance <= 60)
        .unwrap_or_else(|| panic!("no version within a minute of {}", snapshot.key));
    std::fs::read_to_string(nearest.1).expect("version is readable")
}

fn word_similarity(a: &str, b: &str) -> f32 {
    let a: Vec<&str> = a.split_whitespace().collect();
    let b: Vec<&str> = b.split_whitespace().collect();
    similar::TextDiff::configure().timeout(std::time::Duration::from_secs(20)).diff_slices(&a, &b).ratio()
}

#[test]
fn every_corpus_snapshot_extracts_to_the_text_ota_recorded_for_it() {
    let mut scores = Vec::new();
    let mut identical = 0;
    for snapshot in snapshots() {
        if let Some((_, reason)) = SKIPPED.iter().find(|(key, _)| *key == snapshot.key) {
            println!("skipped  {}: {reason}", snapshot.key);
            continue;
        }
        let bytes = std::fs::read(&snapshot.path).expect("snapshot is readable");
        let html = String::from_utf8_lossy(&bytes);
        let text = extract(&html, &source_for(&snapshot)).unwrap_or_else(|err| panic!("{}: {err}", snapshot.key));
        let expected = normalize_markdown(&version_for(&snapshot));
        let similarity = word_similarity(&text, &expected);
        let same = if text == expected { "identical" } else { "" };
        println!("{similarity:.4}  {same:9}  {}", snapshot.key);
        identical += usize::from(text == expected);
        scores.push((similarity, snapshot.key));
    }
    assert_eq!(scores.len(), 36, "36 of the 38 snapshots are checkable");
    let worst = scores.iter().min_by(|a, b| a.0.total_cmp(&b.0)).expect("some scores");
    println!("worst: {:.4} {}; {identical} of {} identical", worst.0, worst.1, scores.len());
    let failing: Vec<_> = scores.iter().filter(|(score, _)| *score < MIN_SIMILARITY).collect();
    assert!(failing.is_empty(), "below {MIN_SIMILARITY}: {failing:?}");
}
