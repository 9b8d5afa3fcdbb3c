//! Composes a provision's analysis from topic knowledge and the provision's own features.
mod features;
pub mod review;

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use regex::Regex;
use serde::{Deserialize, Serialize};

pub use features::{Features, features};

use crate::domain::topic::{Condition, Effect, Exposure, Regulation, Taxonomy, Topic, compile_pattern};
use crate::pipeline::classify::TopicMatch;

/// The analysis of one provision for one topic. Stored as JSON; automated until an editor reviews it.
///
/// The stored JSON keeps only what the provision decides (exposure, meaning, features, rationale):
/// the topic's own text (regulations, jurisdictions, implications, actions) is the same for every
/// provision of the topic, so it is not stored but put back by [`Analysis::with_topic_text`] when
/// read. A fix to the taxonomy's text therefore shows on every page at once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    /// Topic slug.
    pub topic: String,
    /// Exposure after the rubric.
    pub exposure: Exposure,
    /// Plain-language meaning, with the provision's own features filled in.
    pub meaning: String,
    /// What the provision itself says.
    pub features: Features,
    /// Regulations the topic touches.
    #[serde(default, skip_serializing)]
    pub regulations: Vec<Regulation>,
    /// Jurisdiction flags of the topic.
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
    /// The analysis with its topic's own text, from `taxonomy` (unchanged if the topic is unknown).
    pub fn with_topic_text(mut self, taxonomy: &Taxonomy) -> Analysis {
        if let Some(topic) = taxonomy.get(&self.topic) {
            self.fill_topic_text(topic);
        }
        self
    }

    fn fill_topic_text(&mut self, topic: &Topic) {
        self.regulations = topic.regulations.clone();
        self.jurisdictions = topic.jurisdictions.clone();
        self.contract_implications = topic.contract_implications.clone();
        self.compliance_actions = topic.compliance_actions.clone();
    }
}

/// One analysis per matched topic known to the taxonomy, in the order of `matches`.
pub fn analyse(taxonomy: &Taxonomy, matches: &[TopicMatch], text: &str) -> Vec<Analysis> {
    let features = features(text);
    matches.iter().filter_map(|m| taxonomy.get(&m.topic)).map(|topic| compose(topic, &features, text)).collect()
}

fn compose(topic: &Topic, features: &Features, text: &str) -> Analysis {
    let mut rationale = vec![format!("Base exposure for {}: {}.", topic.name, topic.exposure)];
    let mut steps = 0;
    for rule in &topic.rubric {
        if applies(&rule.when, features, text) {
            let (step, verb) = match rule.effect {
                Effect::Raise => (1, "Raised"),
                Effect::Lower => (-1, "Lowered"),
            };
            steps += step;
            rationale.push(format!("{verb}: {}", rule.why));
        }
    }
    let exposure = topic.exposure.shifted(steps);
    rationale.push(format!("Exposure: {exposure}."));
    let mut analysis = Analysis {
        topic: topic.slug.clone(),
        exposure,
        meaning: meaning(&topic.meaning, features),
        features: features.clone(),
        regulations: Vec::new(),
        jurisdictions: Vec::new(),
        contract_implications: Vec::new(),
        compliance_actions: Vec::new(),
        rationale,
    };
    analysis.fill_topic_text(topic);
    analysis
}

fn applies(condition: &Condition, features: &Features, text: &str) -> bool {
    match condition {
        Condition::OptOut => features.opt_out,
        Condition::DefaultOn => features.default_on,
        Condition::CarveOuts => !features.carve_outs.is_empty(),
        Condition::RetentionIndefinite => features.retention_period.as_deref().is_some_and(features::is_indefinite),
        Condition::RetentionLimited => {
            features.retention_period.as_deref().is_some_and(|p| !features::is_indefinite(p))
        }
        Condition::NoticeGiven => features.notice_period.as_deref().is_some_and(|p| p != features::WITHOUT_NOTICE),
        Condition::NoNotice => features.notice_period.as_deref() == Some(features::WITHOUT_NOTICE),
        Condition::Text(source) => text_matches(source, text),
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

fn meaning(template: &str, features: &Features) -> String {
    let mut notes = Vec::new();
    if features.opt_out {
        notes.push("The provision mentions a way to opt out or object.".to_owned());
    }
    if features.default_on {
        notes.push("It applies by default unless you act.".to_owned());
    }
    match features.retention_period.as_deref() {
        Some(p) if features::is_indefinite(p) => notes.push("Data may be kept indefinitely.".to_owned()),
        Some(p) => notes.push(format!("Stated period: {p}.")),
        None => {}
    }
    match features.notice_period.as_deref() {
        Some(features::WITHOUT_NOTICE) => notes.push("This may happen without notice.".to_owned()),
        Some(p) => notes.push(format!("Notice: {p}.")),
        None => {}
    }
    if let Some(first) = features.carve_outs.first() {
        notes.push(format!("Exceptions apply (\"{first}\")."));
    }
    template.replace("{features}", &notes.join(" ")).trim().to_owned()
}

#[cfg(test)]
mod tests;
