//! Segmenting, aligning and diffing real versions of the corpus.
use std::collections::HashSet;
use std::path::PathBuf;

use clausewatch::corpus::{consecutive_pairs, documents};
use clausewatch::pipeline::align::LinkKind;
use clausewatch::pipeline::diff::{Change, ChangeClass, ChangeKind, WordOp, diff, diff_texts};
use clausewatch::pipeline::segment::{MAX_PROVISION_WORDS, segment};
use proptest::prelude::*;

use crate::support::corpus_dir;

/// The text of the one version of `service/terms` whose file name starts with `date`.
fn version(service: &str, terms: &str, date: &str) -> String {
    let dir = corpus_dir().join("versions").join(service).join(terms);
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let mut found: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with(date)))
        .collect();
    assert_eq!(found.len(), 1, "one version of {service}/{terms} on {date}: {found:?}");
    std::fs::read_to_string(found.remove(0)).expect("version is UTF-8")
}

fn change_of(service: &str, terms: &str, from: &str, to: &str) -> Change {
    diff_texts(&version(service, terms, from), &version(service, terms, to))
}

fn describe(change: &Change) -> String {
    change.provisions.iter().map(|p| format!("{:?} {:?} {}\n", p.kind, p.class, p.summary)).collect()
}

#[test]
fn every_latest_version_segments_into_unique_non_empty_provisions_under_the_word_limit() {
    let docs = documents(&corpus_dir()).expect("manifest");
    assert!(docs.len() >= 50, "{} documents", docs.len());
    for doc in docs {
        let latest = doc.versions.last().expect("a document has versions");
        let text = std::fs::read_to_string(latest).expect("UTF-8 version");
        let provisions = segment(&text);
        println!("{:>4} provisions  {} / {}", provisions.len(), doc.service, doc.terms_type);
        assert!(!provisions.is_empty(), "{}", latest.display());
        let keys: HashSet<&str> = provisions.iter().map(|p| p.key.as_str()).collect();
        assert_eq!(keys.len(), provisions.len(), "unique keys in {}", latest.display());
        for p in &provisions {
            assert!(!p.text.trim().is_empty(), "empty provision {} in {}", p.key, latest.display());
            let words = p.text.split_whitespace().count();
            assert!(
                words <= MAX_PROVISION_WORDS || !p.text.contains("\n\n"),
                "{} has {words} words over several paragraphs in {}",
                p.key,
                latest.display()
            );
        }
    }
}

#[test]
fn midjourney_adds_community_localization_and_renumbers_miscellaneous() {
    let change = change_of("midjourney", "terms-of-service", "2026-05-18", "2026-07-15");
    let of_kind = |kind: ChangeKind| -> Vec<&str> {
        change.provisions.iter().filter(|p| p.kind == kind).map(|p| p.label.as_str()).collect()
    };
    let added = of_kind(ChangeKind::Added);
    for label in ["§12 Community Localization", "Participating in Community Localization", "Right to Translations"] {
        assert!(added.contains(&label), "{label} added in:\n{}", describe(&change));
    }
    assert!(of_kind(ChangeKind::Removed).is_empty(), "nothing removed:\n{}", describe(&change));
    let renumbered = change
        .provisions
        .iter()
        .find(|p| p.kind == ChangeKind::Renumbered)
        .unwrap_or_else(|| panic!("a renumbered provision in:\n{}", describe(&change)));
    assert_eq!(renumbered.label, "§13 Miscellaneous");
    assert!(renumbered.summary.contains("from §12 to §13"), "{}", renumbered.summary);
    let stamp = change
        .provisions
        .iter()
        .find(|p| p.label.contains("Effective Date"))
        .unwrap_or_else(|| panic!("the effective date line changed in:\n{}", describe(&change)));
    assert_eq!((stamp.kind, stamp.class), (ChangeKind::Modified, ChangeClass::Metadata));
    assert_eq!(change.class, ChangeClass::Substantive);
}

#[test]
fn copilot_section_one_quotes_the_added_paragraph_and_section_two_drops_the_word_text() {
    let change = change_of("microsoft-copilot", "terms-of-service", "2024-08-03", "2024-10-19");
    let section = |label: &str| {
        change
            .provisions
            .iter()
            .find(|p| p.label == label)
            .unwrap_or_else(|| panic!("{label} in:\n{}", describe(&change)))
    };
    let first = section("§1 Eligibility and Use Requirements");
    assert_eq!(first.kind, ChangeKind::Modified);
    assert!(first.summary.contains("added \"We may update these Terms"), "{}", first.summary);
    assert!(first.summary.chars().count() <= 160 + 40, "{}", first.summary);
    let second = section("§2 Using the Online Services");
    assert!(second.words.iter().any(|w| matches!(w, WordOp::Delete(s) if s.trim() == "text")), "{:?}", second.words);
}

#[test]
fn xai_privacy_policy_inserts_the_word_audio() {
    let change = change_of("xai", "privacy-policy", "2025-02-14", "2025-02-21");
    let inserted = change
        .provisions
        .iter()
        .filter(|p| p.kind == ChangeKind::Modified)
        .flat_map(|p| &p.words)
        .any(|w| matches!(w, WordOp::Insert(s) if s.contains("audio")));
    assert!(inserted, "audio inserted in:\n{}", describe(&change));
}

#[test]
fn chatgpt_changing_only_an_apostrophe_is_a_cosmetic_change() {
    let change = change_of("chatgpt", "terms-of-service", "2026-07-15", "2026-07-25");
    assert!(!change.is_empty());
    assert_eq!(change.class, ChangeClass::Cosmetic, "{}", describe(&change));
    assert!(change.summary().starts_with("Cosmetic only"), "{}", change.summary());
}

#[test]
fn identical_provisions_always_link_and_a_version_diffed_with_itself_is_empty() {
    let pairs = consecutive_pairs(&corpus_dir()).expect("manifest");
    assert!(pairs.len() > 600, "{} pairs", pairs.len());
    for (a, b) in pairs {
        let (ta, tb) = (std::fs::read_to_string(&a).expect("UTF-8"), std::fs::read_to_string(&b).expect("UTF-8"));
        let (pa, pb) = (segment(&ta), segment(&tb));
        assert!(diff(&pa, &pa).is_empty(), "{} against itself", a.display());
        let change = diff(&pa, &pb);
        let removed: HashSet<&str> = change
            .provisions
            .iter()
            .filter(|c| c.kind == ChangeKind::Removed)
            .filter_map(|c| c.prev.map(|i| pa[i].sha256.as_str()))
            .collect();
        for c in change.provisions.iter().filter(|c| c.kind == ChangeKind::Added) {
            let sha = c.next.map(|j| pb[j].sha256.as_str()).unwrap_or_default();
            assert!(!removed.contains(sha), "{} added and removed: {} → {}", c.key, a.display(), b.display());
        }
        for link in change.links.iter().filter(|l| pa[l.prev].sha256 == pb[l.next].sha256) {
            assert!(matches!(link.kind, LinkKind::Identical | LinkKind::Moved | LinkKind::Renumbered));
        }
    }
}

proptest! {
    #[test]
    fn segmenting_any_text_never_panics_and_keys_are_unique(text in "(?s)[ -~\n#*\\-=\\[\\]()“’é•\t]{0,400}") {
        let provisions = segment(&text);
        let keys: HashSet<&str> = provisions.iter().map(|p| p.key.as_str()).collect();
        prop_assert_eq!(keys.len(), provisions.len());
        prop_assert!(provisions.iter().all(|p| !p.text.trim().is_empty()));
    }

    #[test]
    fn any_text_diffed_with_itself_is_empty(text in "(?s)[ -~\n#*\\-=]{0,300}") {
        prop_assert!(diff_texts(&text, &text).is_empty());
    }
}

mod cli {
    use std::io::Write;

    use clausewatch::cli::diff::{DiffArgs, DiffCliError, DiffStatus, Format, run};

    use super::*;

    fn args(old: &std::path::Path, new: &std::path::Path) -> DiffArgs {
        DiffArgs { old: Some(old.into()), new: Some(new.into()), format: Format::Text, pairs: None, select: None }
    }

    fn midjourney(date: &str) -> PathBuf {
        let dir = corpus_dir().join("versions/midjourney/terms-of-service");
        std::fs::read_dir(&dir)
            .expect("corpus folder")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .find(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with(date)))
            .expect("version file")
    }

    #[test]
    fn identical_files_are_the_same_and_list_no_change() {
        let file = midjourney("2026-07-15");
        let mut out = Vec::new();
        let status = run(&args(&file, &file), &mut out).expect("diff runs");
        assert_eq!(status, DiffStatus::Same);
        assert_eq!(String::from_utf8(out).expect("UTF-8"), "No changes\n");
    }

    #[test]
    fn different_files_print_each_provision_change_in_every_format() {
        let (old, new) = (midjourney("2026-05-18"), midjourney("2026-07-15"));
        for format in [Format::Text, Format::Json, Format::Html] {
            let mut out = Vec::new();
            let status = run(&DiffArgs { format, ..args(&old, &new) }, &mut out).expect("diff runs");
            assert_eq!(status, DiffStatus::Different);
            let text = String::from_utf8(out).expect("UTF-8");
            assert!(text.contains("Community Localization"), "{format:?}: {text}");
            if format == Format::Json {
                let change: Change = serde_json::from_str(&text).expect("the change as JSON");
                assert_eq!(change.class, ChangeClass::Substantive);
            }
        }
    }

    #[test]
    fn a_missing_file_is_an_error_naming_it() {
        let missing = std::path::Path::new("/nonexistent/terms-2026.md");
        let err = run(&args(missing, &midjourney("2026-07-15")), &mut Vec::new()).expect_err("missing file");
        assert!(matches!(err, DiffCliError::Read { .. }));
        assert!(err.to_string().contains("/nonexistent/terms-2026.md"), "{err}");
        assert_eq!(err.exit_code(), 2);
    }

    #[test]
    fn a_20_mb_random_binary_file_is_refused_with_a_clear_error() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("random.bin");
        let mut file = std::fs::File::create(&path).expect("create");
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut chunk = vec![0u8; 1 << 20];
        for _ in 0..20 {
            for b in &mut chunk {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                *b = (state >> 24) as u8;
            }
            file.write_all(&chunk).expect("write");
        }
        drop(file);
        let err = run(&args(&path, &path), &mut Vec::new()).expect_err("binary file refused");
        assert!(err.to_string().contains("random.bin"), "{err}");
        let small = dir.path().join("small.bin");
        std::fs::write(&small, &chunk[..4096]).expect("write");
        let err = run(&args(&small, &small), &mut Vec::new()).expect_err("binary file refused");
        assert!(matches!(err, DiffCliError::NotText { .. }), "{err}");
    }

    #[test]
    fn pairs_print_one_json_line_per_pair_even_when_one_is_missing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let list = dir.path().join("pairs.tsv");
        let (old, new) = (midjourney("2026-05-18"), midjourney("2026-07-15"));
        let body = format!("{}\t{}\n/nonexistent/a.md\t{}\n", old.display(), new.display(), new.display());
        std::fs::write(&list, body).expect("write");
        let pairs = DiffArgs { old: None, new: None, format: Format::Text, pairs: Some(list), select: None };
        let mut out = Vec::new();
        run(&pairs, &mut out).expect("pairs run");
        let lines: Vec<serde_json::Value> = String::from_utf8(out)
            .expect("UTF-8")
            .lines()
            .map(|l| serde_json::from_str(l).expect("JSON line"))
            .collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["class"], "substantive");
        assert!(lines[0]["changes"].as_u64().is_some_and(|n| n > 0));
        assert!(lines[1]["error"].as_str().is_some_and(|e| e.contains("/nonexistent/a.md")), "{}", lines[1]);
    }
}
