//! Composes a provision's analysis for each of its topics: the facts it states, a summary built
//! from them, and exposure, regulations and implications chosen by those facts.
mod features;
mod lines;
pub mod review;
mod summary;

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use regex::Regex;
use serde::{Deserialize, Serialize};

pub use features::{Features, features};
pub use summary::{fact_changes, summary};

use crate::domain::topic::{Condition, Effect, Exposure, Regulation, Taxonomy, Topic, compile_pattern};
use crate::pipeline::classify::{Classifier, TopicMatch};
use crate::pipeline::facts::{self, Facts, Source, schema_of};

/// The analysis of one provision for one topic. Stored as JSON; automated until an editor reviews it.
///
/// The stored JSON keeps only what the provision decides (facts, summary, exposure, meaning,
/// rationale): the topic's lines (regulations, jurisdictions, implications, actions) are chosen
/// from the taxonomy by the provision's facts when the analysis is read
/// ([`Analysis::with_topic_text`]), so a fix to the taxonomy shows on every page at once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    /// Topic slug.
    pub topic: String,
    /// Exposure after the rubric.
    pub exposure: Exposure,
    /// One to three sentences on what this provision decides, from its facts; empty when it
    /// states none of the topic's facts.
    #[serde(default)]
    pub summary: String,
    /// What the provision decides, in the facts schema (empty for topics without facts).
    #[serde(default)]
    pub facts: Facts,
    /// Plain-language meaning of the topic, with what the wording itself shows.
    pub meaning: String,
    /// What the provision's wording shows beyond its facts.
    pub features: Features,
    /// Regulations that apply to what this provision decides.
    #[serde(default, skip_serializing)]
    pub regulations: Vec<Regulation>,
    /// Jurisdiction flags.
    #[serde(default, skip_serializing)]
    pub jurisdictions: Vec<String>,
    /// Contract and vendor implications.
    #[serde(default, skip_serializing)]
    pub contract_implications: Vec<String>,
    /// What a compliance team should do.
    #[serde(default, skip_serializing)]
    pub compliance_actions: Vec<String>,
    /// Why the exposure is what it is: the base level, each rubric rule that applied, the result.
    pub rationale: Vec<String>,
}

impl Analysis {
    /// The analysis with its topic's lines that hold for its facts, from `taxonomy` (unchanged if
    /// the topic is unknown).
    pub fn with_topic_text(self, taxonomy: &Taxonomy) -> Analysis {
        let facts = self.facts.clone();
        self.with_topic_text_for(taxonomy, &facts)
    }

    /// The analysis with its topic's lines that hold for `facts` (an editor's correction of its own).
    pub fn with_topic_text_for(mut self, taxonomy: &Taxonomy, facts: &Facts) -> Analysis {
        if let Some(topic) = taxonomy.get(&self.topic) {
            self.fill_topic_text(topic, facts);
        }
        self
    }

    fn fill_topic_text(&mut self, topic: &Topic, facts: &Facts) {
        self.regulations = topic
            .regulations
            .iter()
            .filter(|r| lines::holds(r.when.as_ref(), facts))
            .filter_map(|r| Some(Regulation { why: lines::fill(&r.why, &topic.slug, facts)?, ..r.clone() }))
            .collect();
        self.jurisdictions = lines::select(&topic.jurisdictions, &topic.slug, facts);
        self.contract_implications = lines::select(&topic.contract_implications, &topic.slug, facts);
        self.compliance_actions = lines::select(&topic.compliance_actions, &topic.slug, facts);
    }
}

/// A topic of a provision and the facts the provision states about it.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub topic: TopicMatch,
    pub facts: Facts,
}

impl Found {
    /// The topic with the facts `source` states about it.
    pub fn read(topic: TopicMatch, source: &Source<'_>) -> Found {
        let facts = facts::read(&topic.topic, source);
        Found { topic, facts }
    }
}

/// Confidence given to a topic found by one of its defining facts alone.
const STATED_CONFIDENCE: f32 = 0.75;

/// The topics of a provision with their facts: those the classifier tags, then those the
/// provision states a defining fact of (a retention period, binding arbitration, a governing law).
pub fn find(classifier: &Classifier, source: &Source<'_>) -> Vec<Found> {
    let tagged = classifier.classify(source.heading_path, source.text);
    let slugs: Vec<&str> = tagged.iter().map(|m| m.topic.as_str()).collect();
    let stated = facts::stated_topics(source, &slugs);
    let mut found: Vec<Found> = tagged.iter().cloned().map(|m| Found::read(m, source)).collect();
    found.extend(stated.into_iter().map(|(topic, facts)| {
        let evidence = facts.evidence_sentences();
        Found { topic: TopicMatch { topic: topic.to_owned(), confidence: STATED_CONFIDENCE, evidence }, facts }
    }));
    found
}

/// One analysis per found topic known to the taxonomy, in order. `platform` names the platform
/// in the summary ("Anthropic can use…").
pub fn analyse(taxonomy: &Taxonomy, found: &[Found], source: &Source<'_>, platform: &str) -> Vec<Analysis> {
    let features = features(source.text);
    found
        .iter()
        .filter_map(|f| taxonomy.get(&f.topic.topic).map(|topic| (topic, &f.facts)))
        .map(|(topic, facts)| compose(topic, &features, facts, source.text, platform))
        .collect()
}

fn compose(topic: &Topic, features: &Features, facts: &Facts, text: &str, platform: &str) -> Analysis {
    let mut rationale = vec![format!("Base exposure for {}: {}.", topic.name, topic.exposure)];
    let mut steps = 0;
    let has_facts = schema_of(&topic.slug).is_some();
    for rule in &topic.rubric {
        if applies(&rule.when, features, facts, has_facts, text) {
            let Some(why) = lines::fill(&rule.why, &topic.slug, facts) else { continue };
            let (step, verb) = match rule.effect {
                Effect::Raise => (1, "Raised"),
                Effect::Lower => (-1, "Lowered"),
            };
            steps += step;
            rationale.push(format!("{verb}: {why}"));
        }
    }
    let exposure = topic.exposure.shifted(steps);
    rationale.push(format!("Exposure: {exposure}."));
    let mut analysis = Analysis {
        topic: topic.slug.clone(),
        exposure,
        summary: summary(&topic.slug, facts, platform).unwrap_or_default(),
        facts: facts.clone(),
        meaning: meaning(&topic.meaning, features, has_facts),
        features: features.clone(),
        regulations: Vec::new(),
        jurisdictions: Vec::new(),
        contract_implications: Vec::new(),
        compliance_actions: Vec::new(),
        rationale,
    };
    analysis.fill_topic_text(topic, facts);
    analysis
}

/// Whether a rubric rule applies. Topics with facts are judged on them; the wording's features
/// stand in for the others.
fn applies(condition: &Condition, features: &Features, facts: &Facts, has_facts: bool, text: &str) -> bool {
    match condition {
        Condition::Fact(test) => lines::holds(Some(test), facts),
        Condition::Text(source) => text_matches(source, text),
        _ if has_facts => false,
        Condition::OptOut => features.opt_out,
        Condition::DefaultOn => features.default_on,
        Condition::CarveOuts => !features.carve_outs.is_empty(),
        Condition::RetentionIndefinite => features.retention_period.as_deref().is_some_and(features::is_indefinite),
        Condition::RetentionLimited => {
            features.retention_period.as_deref().is_some_and(|p| !features::is_indefinite(p))
        }
        Condition::NoticeGiven => features.notice_period.as_deref().is_some_and(|p| p != features::WITHOUT_NOTICE),
        Condition::NoNotice => features.notice_period.as_deref() == Some(features::WITHOUT_NOTICE),
    }
}

/// Rubric patterns are few and reused for every provision: each is compiled once, and kept (with
/// the search caches it fills) until [`release_patterns`].
static RUBRIC_PATTERNS: LazyLock<Mutex<HashMap<String, Option<Regex>>>> = LazyLock::new(Default::default);

/// Forgets the compiled rubric patterns: the next analysis compiles them again.
pub fn release_patterns() {
    if let Ok(mut cache) = RUBRIC_PATTERNS.lock() {
        cache.clear();
    }
}

fn text_matches(source: &str, text: &str) -> bool {
    let Ok(mut cache) = RUBRIC_PATTERNS.lock() else {
        return compile_pattern(source).is_ok_and(|r| r.is_match(text));
    };
    let regex = cache.entry(source.to_owned()).or_insert_with(|| compile_pattern(source).ok());
    regex.as_ref().is_some_and(|r| r.is_match(text))
}

/// The topic's meaning, and for topics without facts what the wording itself shows: whether it
/// names an opt-out, a default, an exception. (Periods are left to the facts readers: a bare
/// duration is as often a fee look-back or a deadline as a retention or notice period.)
fn meaning(general: &str, features: &Features, has_facts: bool) -> String {
    let mut notes = vec![general.trim().to_owned()];
    if !has_facts {
        if features.opt_out {
            notes.push("The provision mentions a way to opt out or object.".to_owned());
        }
        if features.default_on {
            notes.push("It applies by default unless you act.".to_owned());
        }
        if let Some(first) = features.carve_outs.first() {
            notes.push(format!("It makes exceptions (\"{first}\")."));
        }
    }
    notes.join(" ")
}

#[cfg(test)]
mod tests;
