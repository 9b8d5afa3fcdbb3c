//! Extraction speed on the real corpus: the largest snapshot, and all snapshots in one go.

use std::path::{Path, PathBuf};

use clausewatch::domain::declaration::{Declaration, Selector, SourceDocument, slug};
use clausewatch::pipeline::extract::extract;
use criterion::{Criterion, criterion_group, criterion_main};

fn corpus() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus"))
}

fn entries(dir: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> =
        std::fs::read_dir(dir).expect("corpus folder is readable").map(|entry| entry.expect("entry").path()).collect();
    paths.sort();
    paths
}

/// Every snapshot with the current declaration of its document (selectors that match nothing
/// on older pages fall back to `body`, so every iteration does the full work).
fn snapshots() -> Vec<(String, SourceDocument)> {
    let mut found = Vec::new();
    for service in entries(&corpus().join("snapshots")) {
        let name = service.file_name().expect("name").to_string_lossy().into_owned();
        let json = std::fs::read_to_string(corpus().join(format!("declarations/{name}.json"))).expect("declaration");
        let declaration = Declaration::parse(&json).expect("declaration parses");
        for terms_dir in entries(&service) {
            let terms_slug = terms_dir.file_name().expect("name").to_string_lossy().into_owned();
            let (_, terms) =
                declaration.terms.iter().find(|(terms_type, _)| slug(terms_type) == terms_slug).expect("terms type");
            for path in entries(&terms_dir) {
                let html = String::from_utf8_lossy(&std::fs::read(&path).expect("snapshot")).into_owned();
                let mut source = terms.sources[0].clone();
                if extract(&html, &source).is_err() {
                    source.select = vec![Selector::Css("body".to_owned())];
                }
                found.push((html, source));
            }
        }
    }
    found
}

fn bench_extract(c: &mut Criterion) {
    let all = snapshots();
    let largest = all.iter().max_by_key(|(html, _)| html.len()).expect("snapshots").clone();
    c.bench_function("extract largest snapshot", |b| {
        b.iter(|| extract(&largest.0, &largest.1).expect("extracts"));
    });
    c.bench_function("extract all 38 snapshots", |b| {
        b.iter(|| all.iter().map(|(html, source)| extract(html, source).map_or(0, |text| text.len())).sum::<usize>());
    });
}

criterion_group!(benches, bench_extract);
criterion_main!(benches);
