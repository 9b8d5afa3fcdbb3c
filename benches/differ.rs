//! Segment + align + diff on real corpus pairs.
//!
//! `cargo bench --bench differ -- --warm-up-time 1 --measurement-time 3`
use std::hint::black_box;
use std::path::{Path, PathBuf};

use clausewatch::corpus::consecutive_pairs;
use clausewatch::pipeline::diff::{diff_many, diff_texts};
use criterion::{Criterion, criterion_group, criterion_main};

fn corpus() -> PathBuf {
    std::env::var_os("CLAUSEWATCH_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus")))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn is(path: &Path, needle: &str) -> bool {
    path.to_string_lossy().contains(needle)
}

fn differ(c: &mut Criterion) {
    let pairs = consecutive_pairs(&corpus()).expect("corpus manifest");
    let texts: Vec<(PathBuf, String, String)> = pairs.iter().map(|(a, b)| (b.clone(), read(a), read(b))).collect();
    let chatgpt = texts
        .iter()
        .find(|(b, _, _)| is(b, "chatgpt/terms-of-service/2026-07-25"))
        .expect("ChatGPT ToS 2026-07-15 → 2026-07-25");
    let copilot = texts
        .iter()
        .filter(|(b, _, _)| is(b, "microsoft-copilot/privacy-policy/"))
        .max_by_key(|(_, x, y)| x.len() + y.len())
        .expect("a Microsoft Copilot privacy policy pair");
    c.bench_function("chatgpt_tos_2026-07-15_to_2026-07-25", |b| {
        b.iter(|| diff_texts(black_box(&chatgpt.1), black_box(&chatgpt.2)))
    });
    c.bench_function("largest_copilot_privacy_pair", |b| {
        b.iter(|| diff_texts(black_box(&copilot.1), black_box(&copilot.2)))
    });
    let mut group = c.benchmark_group("corpus");
    group.sample_size(10);
    // As `clausewatch diff --pairs` diffs them: on every core.
    let pairs: Vec<(&str, &str)> = texts.iter().map(|(_, x, y)| (x.as_str(), y.as_str())).collect();
    group.bench_function("every_consecutive_pair", |b| b.iter(|| black_box(diff_many(black_box(&pairs)))));
    group.bench_function("every_consecutive_pair_one_thread", |b| {
        b.iter(|| {
            for (x, y) in &pairs {
                black_box(diff_texts(x, y));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, differ);
criterion_main!(benches);
