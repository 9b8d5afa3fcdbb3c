//! Tags a provision with the topics of the taxonomy, keeping the matched phrases as evidence.
//!
//! All positive patterns of all topics are compiled once into one [`regex::RegexSet`], which tells
//! in a single pass which patterns match; only those are run again to extract the evidence.
use regex::{Regex, RegexSet, RegexSetBuilder};
use serde::{Deserialize, Serialize};

use crate::domain::topic::{Taxonomy, compile_pattern};

/// Weight factor for a pattern that matches the heading path but not the text.
const HEADING_FACTOR: f32 = 0.5;
/// Longest evidence phrase kept, in characters.
const MAX_EVIDENCE_CHARS: usize = 160;

/// One topic found in a provision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TopicMatch {
    /// Slug of the topic.
    pub topic: String,
    /// 0.5 at the topic's threshold, approaching 1.0 as more evidence accumulates.
    pub confidence: f32,
    /// The matched phrases, as they appear in the text (or heading), in pattern order.
    pub evidence: Vec<String>,
}

struct CompiledTopic {
    slug: String,
    /// Indices into `Classifier::regexes` / the set, with their weights.
    patterns: Vec<(usize, f32)>,
    require_any: Vec<Regex>,
    negative: Vec<(Regex, f32)>,
    threshold: f32,
}

/// A compiled taxonomy, ready to classify provisions. Build it once and share it: it is `Send + Sync`.
pub struct Classifier {
    set: RegexSet,
    regexes: Vec<Regex>,
    topics: Vec<CompiledTopic>,
}

impl Classifier {
    /// The classifier of the built-in taxonomy, compiled once per process.
    pub fn builtin() -> &'static Classifier {
        static BUILTIN: std::sync::LazyLock<Classifier> =
            std::sync::LazyLock::new(|| Classifier::new(Taxonomy::builtin()));
        &BUILTIN
    }

    /// Compiles the detection rules of every topic. Patterns that do not compile are skipped
    /// (they cannot occur in a taxonomy that passed [`Taxonomy::parse`]).
    pub fn new(taxonomy: &Taxonomy) -> Classifier {
        let mut sources = Vec::new();
        let mut regexes = Vec::new();
        let mut topics = Vec::new();
        for topic in &taxonomy.topics {
            let detection = &topic.detection;
            let mut patterns = Vec::new();
            for pattern in &detection.patterns {
                if let Ok(regex) = compile_pattern(&pattern.regex) {
                    patterns.push((regexes.len(), pattern.weight));
                    sources.push(pattern.regex.clone());
                    regexes.push(regex);
                }
            }
            topics.push(CompiledTopic {
                slug: topic.slug.clone(),
                patterns,
                require_any: compile_all(detection.require_any.iter().map(String::as_str)),
                negative: detection
                    .negative
                    .iter()
                    .filter_map(|p| compile_pattern(&p.regex).ok().map(|r| (r, p.weight)))
                    .collect(),
                threshold: detection.threshold,
            });
        }
        let set = RegexSetBuilder::new(&sources)
            .case_insensitive(true)
            .size_limit(1 << 26)
            .dfa_size_limit(1 << 24)
            .build()
            .unwrap_or_else(|_| RegexSet::empty());
        Classifier { set, regexes, topics }
    }

    /// The topics of one provision, most confident first (ties in catalogue order).
    pub fn classify(&self, heading_path: &[String], text: &str) -> Vec<TopicMatch> {
        let heading = heading_path.join(" / ");
        let in_text = self.set.matches(text);
        let in_heading = if heading.is_empty() { None } else { Some(self.set.matches(&heading)) };
        let heading_hit = |i: usize| in_heading.as_ref().is_some_and(|m| m.matched(i));
        let mut found = Vec::new();
        for topic in &self.topics {
            let mut score = 0.0;
            for &(i, weight) in &topic.patterns {
                if in_text.matched(i) {
                    score += weight;
                } else if heading_hit(i) {
                    score += weight * HEADING_FACTOR;
                }
            }
            if score < topic.threshold {
                continue;
            }
            let required = topic.require_any.is_empty()
                || topic.require_any.iter().any(|r| r.is_match(text) || r.is_match(&heading));
            if !required {
                continue;
            }
            for (regex, weight) in &topic.negative {
                if regex.is_match(text) {
                    score -= weight;
                }
            }
            if score < topic.threshold {
                continue;
            }
            let evidence = self.evidence(topic, text, &heading, &in_text);
            let confidence = 1.0 - 0.5_f32.powf(score / topic.threshold);
            found.push(TopicMatch { topic: topic.slug.clone(), confidence, evidence });
        }
        found.sort_by(|a, b| b.confidence.total_cmp(&a.confidence));
        found
    }

    fn evidence(&self, topic: &CompiledTopic, text: &str, heading: &str, in_text: &regex::SetMatches) -> Vec<String> {
        let mut evidence: Vec<String> = Vec::new();
        for &(i, _) in &topic.patterns {
            let Some(regex) = self.regexes.get(i) else {
                continue;
            };
            let source = if in_text.matched(i) { text } else { heading };
            if let Some(found) = regex.find(source) {
                let phrase = shorten(found.as_str().trim());
                if !phrase.is_empty() && !evidence.contains(&phrase) {
                    evidence.push(phrase);
                }
            }
        }
        evidence
    }
}

fn compile_all<'a>(sources: impl Iterator<Item = &'a str>) -> Vec<Regex> {
    sources.filter_map(|source| compile_pattern(source).ok()).collect()
}

/// Keeps at most [`MAX_EVIDENCE_CHARS`] characters, cutting at a character boundary.
fn shorten(phrase: &str) -> String {
    match phrase.char_indices().nth(MAX_EVIDENCE_CHARS) {
        Some((cut, _)) => format!("{}…", &phrase[..cut]),
        None => phrase.to_owned(),
    }
}

#[cfg(test)]
mod tests;
