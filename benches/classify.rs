//! Classifies every provision (as [`segment`] cuts them) of the latest version of every corpus
//! document.
//! Run: `cargo bench --bench classify -- --warm-up-time 1 --measurement-time 3`.
use std::path::{Path, PathBuf};

use clausewatch::domain::provision::Provision;
use clausewatch::domain::topic::Taxonomy;
use clausewatch::pipeline::classify::Classifier;
use clausewatch::pipeline::segment::segment;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// Every provision of every latest version, segmented once before measuring.
fn provisions() -> Vec<Provision> {
    let root = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus/versions"));
    latest_versions(&root)
        .iter()
        .filter_map(|path| std::fs::read_to_string(path).ok())
        .flat_map(|text| segment(&text))
        .collect()
}

fn latest_versions(root: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(services) = std::fs::read_dir(root) else {
        return found;
    };
    for service in services.flatten() {
        let Ok(types) = std::fs::read_dir(service.path()) else {
            continue;
        };
        for terms_type in types.flatten() {
            let Ok(files) = std::fs::read_dir(terms_type.path()) else {
                continue;
            };
            let mut versions: Vec<PathBuf> = files.flatten().map(|f| f.path()).collect();
            versions.sort();
            found.extend(versions.pop());
        }
    }
    found.sort();
    found
}

fn bench(c: &mut Criterion) {
    let provisions = provisions();
    assert!(!provisions.is_empty(), "corpus not found");
    let classifier = Classifier::new(Taxonomy::builtin());
    let rules = Classifier::with_model(Taxonomy::builtin(), None);
    let mut group = c.benchmark_group("classify");
    group.throughput(Throughput::Elements(provisions.len() as u64));
    group.bench_function("latest corpus provisions", |b| {
        b.iter(|| provisions.iter().map(|p| classifier.classify(&p.heading_path, &p.text).len()).sum::<usize>())
    });
    group.bench_function("latest corpus provisions, rules alone", |b| {
        b.iter(|| provisions.iter().map(|p| rules.classify(&p.heading_path, &p.text).len()).sum::<usize>())
    });
    group.finish();
    c.bench_function("compile classifier", |b| b.iter(|| Classifier::new(Taxonomy::builtin())));
}

criterion_group!(benches, bench);
criterion_main!(benches);
