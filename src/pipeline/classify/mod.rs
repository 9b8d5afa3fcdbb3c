//! Tags a provision with the topics of the taxonomy, keeping the matched phrases as evidence.
//!
//! All patterns of all topics are compiled once into one [`Matcher`], which tells in a single pass
//! which patterns match; only the positive ones that did are run again to extract the evidence.
use std::sync::{Arc, LazyLock, Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use self::learned::Learned;
use self::matcher::{Matcher, Scan};
pub use self::model::TopicModel;
use crate::domain::topic::{Taxonomy, engine_source};

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
    /// Indices into the matcher, with their weights.
    patterns: Vec<(usize, f32)>,
    require_any: Vec<usize>,
    negative: Vec<(usize, f32)>,
    threshold: f32,
}

/// A compiled taxonomy, ready to classify provisions. Build it once and share it: it is `Send + Sync`.
pub struct Classifier {
    /// Every pattern of every topic: positive, required and negative.
    matcher: Matcher,
    topics: Vec<CompiledTopic>,
    /// The model and how its topics map onto `topics`, if the classifier has one.
    learned: Option<Learned>,
}

/// The built-in model, parsed once (it is small) and shared by every classifier.
static BUILTIN_MODEL: LazyLock<Arc<TopicModel>> = LazyLock::new(|| Arc::new(TopicModel::builtin()));

/// One scan of a provision's text and heading path.
struct Scans<'t> {
    text: Scan<'t>,
    heading: Option<Scan<'t>>,
}

impl<'t> Scans<'t> {
    /// `heading` is the heading path joined with " / ".
    fn new(matcher: &Matcher, heading: &'t str, text: &'t str) -> Scans<'t> {
        Scans { text: matcher.scan(text), heading: if heading.is_empty() { None } else { Some(matcher.scan(heading)) } }
    }
}

/// The built-in classifier, compiled once per process on first use (about 120 ms), and when it
/// was last asked for.
static BUILTIN: Mutex<Option<(Arc<Classifier>, Instant)>> = Mutex::new(None);

impl Classifier {
    /// The classifier of the built-in taxonomy, compiled on first use and kept.
    pub fn builtin() -> Arc<Classifier> {
        let mut held = BUILTIN.lock().unwrap_or_else(PoisonError::into_inner);
        let classifier = match held.as_ref() {
            Some((classifier, _)) => Arc::clone(classifier),
            None => Arc::new(Classifier::new(Taxonomy::builtin())),
        };
        *held = Some((Arc::clone(&classifier), Instant::now()));
        classifier
    }

    /// Drops the built-in classifier's search caches if nobody has asked for it for `idle` and
    /// nobody holds it: compiled, it is about 14 MB; the caches classifying fills grow to several
    /// times that, which a server waiting for the next day's captures should not keep. The next
    /// classification makes them again. Returns whether any were dropped.
    pub fn release_idle(idle: Duration) -> bool {
        let held = BUILTIN.lock().unwrap_or_else(PoisonError::into_inner);
        held.as_ref().is_some_and(|(classifier, asked)| {
            asked.elapsed() >= idle && Arc::strong_count(classifier) == 1 && classifier.matcher.release_caches()
        })
    }

    /// The classifier of `taxonomy`'s rules and the built-in model, for the topics both know.
    pub fn new(taxonomy: &Taxonomy) -> Classifier {
        Classifier::with_model(taxonomy, Some(Arc::clone(&BUILTIN_MODEL)))
    }

    /// The classifier of `taxonomy`'s rules alone (`None`), or with `model` deciding the topics
    /// it knows. Patterns that do not compile never match (they cannot occur in a taxonomy that
    /// passed [`Taxonomy::parse`]).
    pub fn with_model(taxonomy: &Taxonomy, model: Option<Arc<TopicModel>>) -> Classifier {
        let mut all = Patterns::default();
        let mut topics = Vec::new();
        for topic in &taxonomy.topics {
            let detection = &topic.detection;
            let patterns = detection.patterns.iter().map(|p| (all.add(&p.regex), p.weight)).collect();
            let require_any = detection.require_any.iter().map(|p| all.add(p)).collect();
            let negative = detection.negative.iter().map(|p| (all.add(&p.regex), p.weight)).collect();
            topics.push(CompiledTopic {
                slug: topic.slug.clone(),
                patterns,
                require_any,
                negative,
                threshold: detection.threshold,
            });
        }
        let sources: Vec<&str> = all.sources.iter().map(String::as_str).collect();
        let learned = model.map(|model| Learned::link(model, &topics));
        Classifier { matcher: Matcher::new(&sources), topics, learned }
    }

    /// The slugs of the taxonomy's topics, in catalogue order.
    pub fn topic_slugs(&self) -> impl Iterator<Item = &str> {
        self.topics.iter().map(|t| t.slug.as_str())
    }

    /// The indices (in [`Classifier::topic_slugs`] order) of the topics whose rules fire.
    pub fn rules_fired(&self, heading_path: &[String], text: &str) -> Vec<u16> {
        let heading = heading_path.join(" / ");
        let scans = Scans::new(&self.matcher, &heading, text);
        (0..self.topics.len()).filter(|&i| self.rule_score(i, &scans).is_some()).map(|i| i as u16).collect()
    }

    /// The topics of one provision, most confident first (ties in catalogue order). Topics the
    /// model knows are decided by it (see [`learned`]), with the higher of its probability and the
    /// rules' confidence as confidence; the others by their rules.
    pub fn classify(&self, heading_path: &[String], text: &str) -> Vec<TopicMatch> {
        let heading = heading_path.join(" / ");
        let scans = Scans::new(&self.matcher, &heading, text);
        let rule_scores: Vec<Option<f32>> = (0..self.topics.len()).map(|i| self.rule_score(i, &scans)).collect();
        let decided = self.learned.as_ref().map(|learned| {
            let strengths: Vec<Option<f32>> =
                rule_scores.iter().zip(&self.topics).map(|(s, t)| s.map(|s| s / t.threshold)).collect();
            learned.decide(text, &strengths)
        });
        let mut found = Vec::new();
        for (i, topic) in self.topics.iter().enumerate() {
            let by_rules = rule_scores[i].map(|score| 1.0 - 0.5_f32.powf(score / topic.threshold));
            let confidence = match decided.as_ref().and_then(|d| d[i].as_ref()) {
                Some(verdict) if verdict.tagged => by_rules.map_or(verdict.probability, |c| c.max(verdict.probability)),
                Some(_) => continue,
                None => match by_rules {
                    Some(confidence) => confidence,
                    None => continue,
                },
            };
            let mut evidence = self.evidence(topic, &scans.text, scans.heading.as_ref());
            if let (true, Some(verdict)) = (evidence.is_empty(), decided.as_ref().and_then(|d| d[i].as_ref())) {
                evidence.push(shorten(verdict.sentence.trim()));
            }
            found.push(TopicMatch { topic: topic.slug.clone(), confidence, evidence });
        }
        found.sort_by(|a, b| b.confidence.total_cmp(&a.confidence));
        found
    }

    /// The rules' score of topic `i` if its rules fire.
    fn rule_score(&self, i: usize, scans: &Scans<'_>) -> Option<f32> {
        let topic = &self.topics[i];
        let heading_hit = |p: usize| scans.heading.as_ref().is_some_and(|m| m.matched(p));
        let mut score = 0.0;
        for &(p, weight) in &topic.patterns {
            if scans.text.matched(p) {
                score += weight;
            } else if heading_hit(p) {
                score += weight * HEADING_FACTOR;
            }
        }
        if score < topic.threshold {
            return None;
        }
        let required =
            topic.require_any.is_empty() || topic.require_any.iter().any(|&p| scans.text.matched(p) || heading_hit(p));
        if !required {
            return None;
        }
        for &(p, weight) in &topic.negative {
            if scans.text.matched(p) {
                score -= weight;
            }
        }
        (score >= topic.threshold).then_some(score)
    }

    /// The first match of each positive pattern that matched, in the text or else in the heading.
    fn evidence(&self, topic: &CompiledTopic, in_text: &Scan<'_>, in_heading: Option<&Scan<'_>>) -> Vec<String> {
        let mut evidence: Vec<String> = Vec::new();
        for &(i, _) in &topic.patterns {
            let scan = if in_text.matched(i) {
                in_text
            } else if let Some(heading) = in_heading.filter(|h| h.matched(i)) {
                heading
            } else {
                continue;
            };
            if let Some(found) = self.matcher.find(scan, i) {
                let phrase = shorten(found.trim());
                if !phrase.is_empty() && !evidence.contains(&phrase) {
                    evidence.push(phrase);
                }
            }
        }
        evidence
    }
}

/// Every pattern of a taxonomy, numbered in the order added, in engine syntax.
#[derive(Default)]
struct Patterns {
    sources: Vec<String>,
}

impl Patterns {
    /// The number of the pattern.
    fn add(&mut self, source: &str) -> usize {
        self.sources.push(engine_source(source));
        self.sources.len() - 1
    }
}

/// Keeps at most [`MAX_EVIDENCE_CHARS`] characters, cutting at a character boundary.
fn shorten(phrase: &str) -> String {
    match phrase.char_indices().nth(MAX_EVIDENCE_CHARS) {
        Some((cut, _)) => format!("{}…", &phrase[..cut]),
        None => phrase.to_owned(),
    }
}

mod learned;
mod matcher;
pub mod model;
#[cfg(test)]
mod tests;
