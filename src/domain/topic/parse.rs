//! Reading `topics.toml`: deserialise, then validate what serde cannot (unique slugs, regexes,
//! exposure levels), naming the topic and field in every error.
use std::collections::HashSet;

use serde::Deserialize;

use super::{Condition, Detection, Exposure, Line, Pattern, Regulation, RubricRule, Taxonomy, Topic};

/// Why a taxonomy file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TaxonomyError {
    /// The file is not valid TOML or lacks a required field.
    #[error("the topic catalogue is not valid: {0}")]
    Syntax(String),
    /// Two topics share a slug.
    #[error("topic `{0}` is defined more than once")]
    DuplicateSlug(String),
    /// A field of a topic holds a value that cannot be used.
    #[error("topic `{topic}`, field `{field}`: {problem}")]
    Invalid {
        /// Slug of the offending topic.
        topic: String,
        /// Name of the offending field.
        field: String,
        /// What is wrong with it.
        problem: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTaxonomy {
    topic: Vec<RawTopic>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTopic {
    slug: String,
    name: String,
    question: String,
    meaning: String,
    exposure: String,
    #[serde(default)]
    rubric: Vec<RubricRule>,
    jurisdictions: Vec<Line>,
    regulations: Vec<Regulation>,
    contract_implications: Vec<Line>,
    compliance_actions: Vec<Line>,
    detection: RawDetection,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDetection {
    patterns: Vec<Pattern>,
    #[serde(default)]
    require_any: Vec<String>,
    #[serde(default)]
    negative: Vec<Pattern>,
    #[serde(default = "default_threshold")]
    threshold: f32,
}

fn default_threshold() -> f32 {
    1.0
}

/// Parses and validates the catalogue.
pub(super) fn parse(toml_text: &str) -> Result<Taxonomy, TaxonomyError> {
    let raw: RawTaxonomy = toml::from_str(toml_text).map_err(|e| TaxonomyError::Syntax(e.message().to_owned()))?;
    let mut seen = HashSet::new();
    let mut topics = Vec::with_capacity(raw.topic.len());
    for raw_topic in raw.topic {
        if !seen.insert(raw_topic.slug.clone()) {
            return Err(TaxonomyError::DuplicateSlug(raw_topic.slug));
        }
        topics.push(validate(raw_topic)?);
    }
    Ok(Taxonomy { topics })
}

fn validate(raw: RawTopic) -> Result<Topic, TaxonomyError> {
    let invalid = |field: &str, problem: String| TaxonomyError::Invalid {
        topic: raw.slug.clone(),
        field: field.to_owned(),
        problem,
    };
    if raw.slug.is_empty() || !raw.slug.chars().all(|c| c.is_ascii_lowercase() || c == '-') {
        return Err(invalid("slug", "use lowercase letters and hyphens".into()));
    }
    let exposure = match raw.exposure.to_ascii_lowercase().as_str() {
        "low" => Exposure::Low,
        "medium" => Exposure::Medium,
        "high" => Exposure::High,
        other => {
            return Err(invalid("exposure", format!("`{other}` is not low, medium or high")));
        }
    };
    let detection = &raw.detection;
    if detection.patterns.is_empty() {
        return Err(invalid("detection.patterns", "at least one pattern is needed".into()));
    }
    if detection.threshold.is_nan() || detection.threshold <= 0.0 {
        return Err(invalid("detection.threshold", "must be above zero".into()));
    }
    let checks = [
        ("detection.patterns", detection.patterns.iter().map(|p| p.regex.as_str()).collect()),
        ("detection.require_any", detection.require_any.iter().map(String::as_str).collect()),
        ("detection.negative", detection.negative.iter().map(|p| p.regex.as_str()).collect()),
        ("rubric.when.text", rubric_regexes(&raw.rubric)),
    ];
    for (field, regexes) in checks {
        let regexes: Vec<&str> = regexes;
        for regex in regexes {
            compile(regex).map_err(|problem| invalid(field, problem))?;
        }
    }
    Ok(Topic {
        exposure,
        detection: Detection {
            patterns: raw.detection.patterns,
            require_any: raw.detection.require_any,
            negative: raw.detection.negative,
            threshold: raw.detection.threshold,
        },
        slug: raw.slug,
        name: raw.name,
        question: raw.question,
        meaning: raw.meaning,
        rubric: raw.rubric,
        jurisdictions: raw.jurisdictions,
        regulations: raw.regulations,
        contract_implications: raw.contract_implications,
        compliance_actions: raw.compliance_actions,
    })
}

fn rubric_regexes(rubric: &[RubricRule]) -> Vec<&str> {
    rubric
        .iter()
        .filter_map(|rule| match &rule.when {
            Condition::Text(regex) => Some(regex.as_str()),
            _ => None,
        })
        .collect()
}

/// Compiles a catalogue pattern the way the classifier does (case-insensitive, ASCII word
/// boundaries: see [`engine_source`]).
pub fn compile(regex: &str) -> Result<regex::Regex, String> {
    regex::RegexBuilder::new(&engine_source(regex))
        .case_insensitive(true)
        .size_limit(1 << 22)
        .build()
        .map_err(|e| format!("pattern `{regex}` does not compile: {e}"))
}

/// The pattern as handed to the regex engine: every `\b` becomes the ASCII word boundary
/// `(?-u:\b)`.
///
/// The lazy DFA cannot evaluate a Unicode word boundary on non-ASCII text and hands such a search
/// to the PikeVM, which is two orders of magnitude slower on a set of a few hundred patterns; most
/// provisions hold a curly quote or a dash. Catalogue patterns are English words, so the two
/// boundaries only differ next to a non-ASCII letter (`\bterms` in `ätterms`).
pub fn engine_source(regex: &str) -> String {
    let mut out = String::with_capacity(regex.len() + 32);
    let mut chars = regex.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('b') => out.push_str(r"(?-u:\b)"),
            Some(escaped) => {
                out.push('\\');
                out.push(escaped);
            }
            None => out.push('\\'),
        }
    }
    out
}
