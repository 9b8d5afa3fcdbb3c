use super::*;
use crate::domain::topic::{Taxonomy, compile_pattern, engine_source};

const TEXTS: [&str; 9] = [
    "We may SHARE it with Third-Parties.",
    "We sell, after a long pause of twenty words or so, to third parties.",
    "Our AI and TOS, finally; the ai’s tos.",
    "Ta\u{17F}k cookie and the \u{212A}elvin cookies",
    "naïve COOKIES — “as is” and ‘as available’ with\u{a0}no warranty",
    "données de l’utilisateur: we do not sell your personal information",
    "line one retain\nline two",
    "",
    "ÉÉÉ retention période",
];

/// The matcher must agree with `regex` on every pattern: which match, and the evidence found (a
/// pattern that does not compile never matches).
fn assert_agrees(sources: &[String]) {
    let engine: Vec<String> = sources.iter().map(|s| engine_source(s)).collect();
    let matcher = Matcher::new(&engine.iter().map(String::as_str).collect::<Vec<_>>());
    let regexes: Vec<Option<regex::Regex>> = sources.iter().map(|s| compile_pattern(s).ok()).collect();
    for text in TEXTS {
        let scan = matcher.scan(text);
        for (id, regex) in regexes.iter().enumerate() {
            let expected = regex.as_ref().and_then(|r| r.find(text)).map(|m| m.as_str());
            assert_eq!(scan.matched(id), expected.is_some(), "{} on {text:?}", sources[id]);
            assert_eq!(matcher.find(&scan, id), expected, "{} on {text:?}", sources[id]);
        }
    }
}

#[test]
fn agrees_with_regex_on_tricky_patterns() {
    let sources = [
        r"\b(?:share|sell)\b.{0,20}\bthird[- ]part(?:y|ies)\b",
        r"\bAI\b",
        r"\w+ally",
        r"(?-i:TOS)",
        r"\bcookies?\b|\bkelvin\b",
        r#"["“\x27‘’](?:as[- ]is|as[- ]available)["”\x27‘’]"#,
        r"\bwith\sno\b",
        r"retain.{0,30}line",
        r"\b\w+ion\b",
        r"[[:upper:]]",
        r"(",
    ];
    assert_agrees(&sources.map(str::to_owned));
}

#[test]
fn agrees_with_regex_on_every_catalogue_pattern() {
    let taxonomy = Taxonomy::builtin();
    let mut sources = Vec::new();
    for topic in &taxonomy.topics {
        let detection = &topic.detection;
        sources.extend(detection.patterns.iter().map(|p| p.regex.clone()));
        sources.extend(detection.require_any.iter().cloned());
        sources.extend(detection.negative.iter().map(|p| p.regex.clone()));
    }
    assert_agrees(&sources);
}
