//! The catalogue loader and checker, on the corpus's OTA declarations, on our own `catalog/`,
//! and on deliberately broken files.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use clausewatch::catalog::{CatalogError, CatalogProblem, Severity, check_dir, load_dir};
use clausewatch::domain::declaration::Selector;
use clausewatch::pipeline::extract::{ExtractError, extract};

use crate::support::corpus_dir;

fn our_catalog() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("catalog")
}

fn print(problems: &[CatalogProblem]) {
    for problem in problems {
        println!("{problem}");
    }
}

#[test]
fn the_corpus_declarations_load_and_only_javascript_filters_are_warned_about() {
    let dir = corpus_dir().join("declarations");

    let problems = check_dir(&dir);
    let catalog = load_dir(&dir).expect("the real OTA declarations load");

    print(&problems);
    assert!(problems.iter().all(|p| p.severity == Severity::Warning), "{problems:?}");
    assert!(!problems.is_empty(), "Llama API's removeTrackingIDs filter is reported");
    for problem in &problems {
        assert!(problem.file.ends_with("llama-api.json"), "{problem}");
        assert!(problem.field.ends_with(".filter"), "{problem}");
    }
    assert_eq!(catalog.platforms.len(), 13);
    let with_history: Vec<&str> = catalog
        .platforms
        .iter()
        .filter(|platform| platform.history.is_some())
        .map(|platform| platform.slug.as_str())
        .collect();
    assert_eq!(with_history, ["chatgpt", "grok", "microsoft-copilot", "mistral-ai", "xai"]);
    let google = catalog.platform("google-generative-ai-services").expect("google");
    let terms = &google.declaration.terms["Terms of Service"];
    assert_eq!(terms.sources.len(), 3, "combine gives one source per page");
    assert!(matches!(terms.sources[2].select[0], Selector::Range { .. }));
}

#[test]
fn the_declaration_in_force_at_a_date_comes_from_the_history_until_valid_until() {
    let catalog = load_dir(&corpus_dir().join("declarations")).expect("loads");
    let mistral = catalog.platform("mistral-ai").expect("mistral");
    let history = mistral.history.as_ref().expect("mistral has a history file");
    let at = |date: &str| date.parse::<DateTime<Utc>>().expect("a date");
    let select_at = |date: &str| {
        let terms = history.source_at(&mistral.declaration, "Terms of Service", at(date)).expect("a declaration");
        terms.sources[0].select.clone()
    };

    assert_eq!(select_at("2024-02-08T12:30:35Z"), [Selector::Css(".markdown".into())]);
    assert_eq!(select_at("2024-02-26T12:30:54Z"), [Selector::Css("#terms-of-use".into())]);
    assert_eq!(select_at("2025-01-17T00:00:00Z"), [Selector::Css("#terms-of-use".into())]);
    assert!(history.source_at(&mistral.declaration, "Cookie Policy", at("2024-01-01T00:00:00Z")).is_none());
}

#[test]
fn our_catalogue_has_no_problems_and_covers_ten_platforms() {
    let problems = check_dir(&our_catalog());
    print(&problems);
    assert!(problems.is_empty());

    let catalog = load_dir(&our_catalog()).expect("our catalogue loads");
    let slugs: Vec<&str> = catalog.platforms.iter().map(|p| p.slug.as_str()).collect();
    assert_eq!(
        slugs,
        [
            "anthropic",
            "deepseek",
            "google",
            "meta",
            "microsoft",
            "midjourney",
            "mistral",
            "openai",
            "perplexity",
            "xai"
        ]
    );
    assert_eq!(catalog.platform("anthropic").expect("anthropic").name, "Anthropic (Claude)");
    for platform in &catalog.platforms {
        let documents: Vec<String> =
            catalog.documents().filter(|doc| doc.platform_slug == platform.slug).map(|doc| doc.document_slug).collect();
        assert!(documents.contains(&"terms-of-service".to_owned()), "{}", platform.slug);
        assert!(documents.contains(&"privacy-policy".to_owned()), "{}", platform.slug);
    }
}

#[test]
fn our_perplexity_declaration_reads_the_page_that_ota_declaration_misses() {
    let snapshot = corpus_dir().join("snapshots/perplexity/terms-of-service/2026-08-20T22-34-19Z.html");
    let html = std::fs::read_to_string(snapshot).expect("snapshot");
    let ours = load_dir(&our_catalog()).expect("ours");
    let theirs = load_dir(&corpus_dir().join("declarations")).expect("theirs");
    let source = |catalog: &clausewatch::catalog::Catalog| {
        catalog.platform("perplexity").expect("perplexity").declaration.terms["Terms of Service"].sources[0].clone()
    };

    let text = extract(&html, &source(&ours)).expect("our selector matches the new layout");
    let missed = extract(&html, &source(&theirs));

    assert!(text.contains("Perplexity"), "{text}");
    assert!(text.split_whitespace().count() > 1000, "the whole terms are there");
    assert!(matches!(missed, Err(ExtractError::NothingSelected { .. })));
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).expect("write a test file");
}

fn has(problems: &[CatalogProblem], file: &str, field: &str, words: &str) -> bool {
    problems.iter().any(|p| p.file.ends_with(file) && p.field == field && p.message.contains(words))
}

#[test]
fn broken_catalogue_files_are_each_reported_with_file_and_field() {
    let dir = tempfile::tempdir().expect("temp dir");
    let page = r#""fetch": "https://example.com/terms""#;
    write(dir.path(), "bad-json.json", "{\n  \"name\": \"X\",\n  \"terms\": {\n");
    write(
        dir.path(),
        "bad-url.json",
        r#"{"name": "A", "terms": {"Terms of Service": {"fetch": "ftp://example.com/t", "select": "main"}}}"#,
    );
    write(
        dir.path(),
        "bad-selector.json",
        &format!(r#"{{"name": "B", "terms": {{"Privacy Policy": {{{page}, "select": ["main", "div[["]}}}}}}"#),
    );
    write(dir.path(), "missing.json", &format!(r#"{{"terms": {{"Privacy Policy": {{{page}}}}}}}"#));
    write(
        dir.path(),
        "range.json",
        &format!(r#"{{"name": "C", "terms": {{"Imprint": {{{page}, "select": {{"startBefore": "h1"}}}}}}}}"#),
    );
    write(
        dir.path(),
        "unknown.json",
        &format!(r#"{{"name": "D", "terms": {{"Imprint": {{{page}, "select": "main", "selekt": "x"}}}}}}"#),
    );
    write(
        dir.path(),
        "combined.json",
        &format!(
            r#"{{"name": "E", "terms": {{"Imprint": {{"select": "main", "combine": [{{{page}}}, {{"select": "p"}}]}}}}}}"#
        ),
    );
    write(
        dir.path(),
        "good.json",
        &format!(r#"{{"name": "F", "terms": {{"Imprint": {{{page}, "select": "main"}}}}}}"#),
    );
    write(
        dir.path(),
        "good.history.json",
        &format!(r#"{{"Imprint": [{{{page}, "select": "main", "validUntil": "yesterday"}}]}}"#),
    );
    write(dir.path(), "orphan.history.json", "{}");
    write(dir.path(), "good.filters.js", "export function f() {}");

    let problems = check_dir(dir.path());
    let loaded = load_dir(dir.path());

    print(&problems);
    assert!(has(&problems, "bad-json.json", "", "line 4, column 0"));
    assert!(has(&problems, "bad-url.json", "terms.Terms of Service.fetch", "only http and https"));
    assert!(has(&problems, "bad-selector.json", "terms.Privacy Policy.select[1]", "not a valid CSS selector"));
    assert!(has(&problems, "missing.json", "name", "is missing"));
    assert!(has(&problems, "missing.json", "terms.Privacy Policy.select", "is missing"));
    assert!(has(&problems, "range.json", "terms.Imprint.select", "exactly one of endBefore and endAfter"));
    assert!(has(&problems, "unknown.json", "terms.Imprint.selekt", "unknown field"));
    assert!(has(&problems, "combined.json", "terms.Imprint.combine[1].fetch", "is missing"));
    assert!(has(&problems, "good.history.json", "Imprint[0].validUntil", "not an ISO 8601 date"));
    assert!(has(&problems, "orphan.history.json", "", "no orphan.json"));
    assert_eq!(problems.len(), 10, "nothing else, and the .filters.js file is ignored");
    let shown = problems.iter().find(|p| p.file.ends_with("unknown.json")).expect("one").to_string();
    assert!(shown.ends_with("unknown.json: terms.Imprint.selekt: unknown field (expected one of: fetch, select, remove, executeClientScripts, filter, combine)"), "{shown}");
    match loaded {
        Err(CatalogError::Invalid { problems: errors }) => assert_eq!(errors, problems),
        other => panic!("a broken catalogue must not load: {other:?}"),
    }
}
