//! How the model's topics sit among the taxonomy's, and the model's verdict on one provision.
use std::sync::Arc;

use super::CompiledTopic;
use super::model::{TopicModel, sigmoid};

/// A provision of at least this many sentences is long: a topic that only one of its sentences
/// speaks of is mentioned in passing, not decided ("Fees and billing" excluding liability for
/// payment processors' errors)...
const LONG_PROVISION_SENTENCES: usize = 6;
/// ...unless the model is this sure of it.
const PASSING_MENTION_PROBABILITY: f32 = 0.85;

/// Rules this many times over their threshold tag a topic whatever the model says.
const STRONG_RULES: f32 = 2.0;

/// A model linked to a taxonomy's topics.
pub(super) struct Learned {
    model: Arc<TopicModel>,
    /// Per model topic: its index among the taxonomy's topics, if the taxonomy has it.
    topic_of: Vec<Option<usize>>,
    /// Per model topic: (taxonomy topic index, weight) of the rule verdicts it reads.
    rule_weights: Vec<Vec<(usize, f32)>>,
}

/// The model's verdict on one topic of one provision.
pub(super) struct Verdict<'t> {
    pub probability: f32,
    /// Whether the model tags the topic.
    pub tagged: bool,
    /// The sentence that weighed most for the topic.
    pub sentence: &'t str,
}

impl Learned {
    pub(super) fn link(model: Arc<TopicModel>, topics: &[CompiledTopic]) -> Learned {
        let index_of = |slug: &str| topics.iter().position(|t| t.slug == slug);
        let topic_of = model.topics().iter().map(|t| index_of(&t.slug)).collect();
        let rule_weights = model
            .topics()
            .iter()
            .map(|t| t.rules.iter().filter_map(|(slug, w)| index_of(slug).map(|i| (i, *w))).collect())
            .collect();
        Learned { model, topic_of, rule_weights }
    }

    /// Per taxonomy topic, the model's verdict where the model knows the topic.
    /// `rule_strengths`: per taxonomy topic, its rule score over its threshold where the rules fire.
    pub(super) fn decide<'t>(&self, text: &'t str, rule_strengths: &[Option<f32>]) -> Vec<Option<Verdict<'t>>> {
        let topics = self.model.topics();
        let rules: Vec<f32> = topics
            .iter()
            .enumerate()
            .map(|(m, _)| {
                self.rule_weights[m].iter().filter(|(r, _)| rule_strengths[*r].is_some()).map(|(_, w)| w).sum()
            })
            .collect();
        // A sentence reaches a topic when it alone would tag it.
        let cutoffs: Vec<f32> = topics.iter().zip(&rules).map(|(t, r)| logit(t.threshold) - t.bias - r).collect();
        let words = self.model.word_scores(text, &cutoffs);
        let mut out: Vec<Option<Verdict<'t>>> = (0..rule_strengths.len()).map(|_| None).collect();
        for (m, topic) in topics.iter().enumerate() {
            let Some(i) = self.topic_of[m] else { continue };
            let probability = sigmoid(topic.bias + words.scores[m] + rules[m]);
            let in_passing = words.sentences >= LONG_PROVISION_SENTENCES
                && words.reaching[m] < 2
                && probability < PASSING_MENTION_PROBABILITY;
            let by_model = probability >= topic.threshold && !in_passing;
            let needed = if topic.rules_suffice { 1.0 } else { STRONG_RULES };
            let by_rules = rule_strengths[i].is_some_and(|s| s >= needed);
            out[i] = Some(Verdict { probability, tagged: by_model || by_rules, sentence: words.best[m] });
        }
        out
    }
}

fn logit(p: f32) -> f32 {
    (p / (1.0 - p)).ln()
}
