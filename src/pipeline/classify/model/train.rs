//! Trains the topic model: one logistic regression per topic, fitted by FTRL-Proximal (per-
//! feature learning rates, L1 and L2 penalties; McMahan et al., "Ad Click Prediction: a View from
//! the Trenches", KDD 2013). The L1 penalty leaves most weights at exactly zero, which keeps the
//! model file small. Deterministic: examples are visited in a fixed pseudo-random order, so the
//! same examples give the same file, byte for byte.
use super::features::{self, BUCKETS};
use super::{ModelFile, TopicWeights};

/// One labelled unit of text: a sentence or a quote.
#[derive(Debug, Clone)]
pub struct Example {
    pub text: String,
    /// Indices into [`TrainingSet::rule_topics`] of the topics whose rules fire on the text.
    pub rules_fired: Vec<u16>,
    /// Per model topic: whether the text is about it, or `None` where its source does not say.
    pub labels: Vec<Option<bool>>,
    /// The document or service the text comes from: cross-validation keeps a group together.
    pub group: String,
    /// The cross-validation fold of the group, 0 to [`FOLDS`] - 1.
    pub fold: usize,
}

/// Number of cross-validation folds of the labelled sets.
pub const FOLDS: usize = 5;

/// Examples and the names of what their labels and rule verdicts refer to.
#[derive(Debug, Clone)]
pub struct TrainingSet {
    /// The topics the model learns, in label order.
    pub topics: Vec<String>,
    /// Per model topic: whether its rules firing is enough to tag it, whatever the model says.
    pub rules_suffice: Vec<bool>,
    /// The taxonomy's topics, in the order of [`Example::rules_fired`].
    pub rule_topics: Vec<String>,
    pub examples: Vec<Example>,
    /// Where the examples come from, written into the model file.
    pub description: String,
}

/// The optimiser's settings.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    pub epochs: usize,
    pub alpha: f32,
    pub beta: f32,
    pub l1: f32,
    pub l2: f32,
    /// Loss weight of a positive example: positives are rare for every topic.
    pub positive_weight: f32,
    /// Probability at which a topic is tagged.
    pub threshold: f32,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings { epochs: 8, alpha: 0.1, beta: 1.0, l1: 4.0, l2: 1.0, positive_weight: 2.0, threshold: 0.5 }
    }
}

/// Weights are rounded to this many decimals in the file.
const DECIMALS: f32 = 1e4;

/// Trains on the examples `keep` accepts (all of them for the committed model, the other folds
/// for cross-validation).
pub fn train(set: &TrainingSet, settings: &Settings, keep: impl Fn(&Example) -> bool) -> ModelFile {
    let chosen: Vec<&Example> = set.examples.iter().filter(|e| keep(e)).collect();
    let rule_base = BUCKETS as usize;
    let bias = rule_base + set.rule_topics.len();
    let dims = bias + 1;
    // Each example is scored by its best sentence, as a provision is when served: the rule
    // verdicts and the bias with each sentence's words.
    let inputs: Vec<Vec<Vec<usize>>> = chosen
        .iter()
        .map(|e| {
            let mut shared: Vec<usize> = e.rules_fired.iter().map(|&r| rule_base + usize::from(r)).collect();
            shared.push(bias);
            let mut buckets = Vec::new();
            let mut units: Vec<Vec<usize>> = features::sentences(&e.text)
                .map(|sentence| {
                    features::features(sentence, &mut buckets);
                    buckets.iter().map(|&b| b as usize).chain(shared.iter().copied()).collect()
                })
                .collect();
            if units.is_empty() {
                features::features("", &mut buckets);
                units.push(buckets.iter().map(|&b| b as usize).chain(shared.iter().copied()).collect());
            }
            units
        })
        .collect();
    let topics = set
        .topics
        .iter()
        .enumerate()
        .map(|(t, _)| {
            let labelled: Vec<(usize, bool)> =
                chosen.iter().enumerate().filter_map(|(i, e)| e.labels[t].map(|y| (i, y))).collect();
            let weights = Ftrl::new(dims, settings).fit(&inputs, &labelled);
            topic_weights(t, &weights, set, settings)
        })
        .collect();
    ModelFile { trained_on: set.description.clone(), buckets: BUCKETS, topics }
}

fn topic_weights(t: usize, weights: &[f32], set: &TrainingSet, settings: &Settings) -> TopicWeights {
    let rule_base = BUCKETS as usize;
    let round = |w: f32| (w * DECIMALS).round() / DECIMALS;
    let words = weights[..rule_base]
        .iter()
        .enumerate()
        .filter(|&(_, &w)| round(w) != 0.0)
        .map(|(b, &w)| (b as u32, round(w)))
        .collect();
    let rules = set
        .rule_topics
        .iter()
        .zip(&weights[rule_base..rule_base + set.rule_topics.len()])
        .filter(|&(_, &w)| round(w) != 0.0)
        .map(|(slug, &w)| (slug.clone(), round(w)))
        .collect();
    TopicWeights {
        slug: set.topics[t].clone(),
        rules_suffice: set.rules_suffice[t],
        bias: round(weights[weights.len() - 1]),
        threshold: settings.threshold,
        rules,
        words,
    }
}

/// FTRL-Proximal state for one topic.
struct Ftrl<'s> {
    z: Vec<f32>,
    n: Vec<f32>,
    settings: &'s Settings,
}

impl<'s> Ftrl<'s> {
    fn new(dims: usize, settings: &'s Settings) -> Ftrl<'s> {
        Ftrl { z: vec![0.0; dims], n: vec![0.0; dims], settings }
    }

    fn weight(&self, i: usize) -> f32 {
        let s = self.settings;
        let z = self.z[i];
        if z.abs() <= s.l1 {
            return 0.0;
        }
        -(z - z.signum() * s.l1) / ((s.beta + self.n[i].sqrt()) / s.alpha + s.l2)
    }

    /// The weights after `epochs` passes over `labelled` (input index, label). An input is a
    /// list of sentences; each step learns from the one the current weights score highest.
    fn fit(mut self, inputs: &[Vec<Vec<usize>>], labelled: &[(usize, bool)]) -> Vec<f32> {
        let s = *self.settings;
        let mut order: Vec<usize> = (0..labelled.len()).collect();
        let mut rng = 0x2545_F491_4F6C_DD1D_u64;
        let mut w = Vec::new();
        for _ in 0..s.epochs {
            shuffle(&mut order, &mut rng);
            for &k in &order {
                let (i, y) = labelled[k];
                let x = self.best_sentence(&inputs[i]);
                w.clear();
                w.extend(x.iter().map(|&j| self.weight(j)));
                let p = super::sigmoid(w.iter().sum());
                let g = if y { (p - 1.0) * s.positive_weight } else { p };
                for (&j, &wj) in x.iter().zip(&w) {
                    let sigma = ((self.n[j] + g * g).sqrt() - self.n[j].sqrt()) / s.alpha;
                    self.z[j] += g - sigma * wj;
                    self.n[j] += g * g;
                }
            }
        }
        (0..self.z.len()).map(|i| self.weight(i)).collect()
    }

    fn best_sentence<'x>(&self, sentences: &'x [Vec<usize>]) -> &'x [usize] {
        if sentences.len() == 1 {
            return &sentences[0];
        }
        let score = |x: &Vec<usize>| x.iter().map(|&j| self.weight(j)).sum::<f32>();
        let mut best = &sentences[0];
        let mut best_score = score(best);
        for x in &sentences[1..] {
            let s = score(x);
            if s > best_score {
                (best, best_score) = (x, s);
            }
        }
        best
    }
}

/// Fisher-Yates with xorshift64: the same order on every machine.
fn shuffle(order: &mut [usize], state: &mut u64) {
    for i in (1..order.len()).rev() {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        order.swap(i, (*state % (i as u64 + 1)) as usize);
    }
}
