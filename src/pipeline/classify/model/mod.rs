//! The learned half of the classifier: per topic, a logistic model over the words of the
//! provision's sentences and the rules' verdicts. A topic's score is its bias, plus the words of
//! its best sentence, plus the weights of the rule topics that fired on the whole provision.
//!
//! Trained by `clausewatch train-classifier` ([`train`]) on the labelled sets ([`labelled`]) and
//! embedded: the binary needs no file at run time.
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

pub mod features;
pub mod labelled;
pub mod train;

/// The committed model, as `clausewatch train-classifier` wrote it.
const BUILTIN_JSON: &str = include_str!("../../../../catalog/model/topics.json");

/// A model as stored: readable JSON, weights rounded so that training twice writes the same bytes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelFile {
    /// What the model was trained on and how, for a reader of the file.
    pub trained_on: String,
    /// [`features::BUCKETS`] when the model was trained; a model of another size is refused.
    pub buckets: u32,
    pub topics: Vec<TopicWeights>,
}

/// One topic's weights.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TopicWeights {
    pub slug: String,
    pub bias: f32,
    /// The topic is tagged when the model's probability reaches this.
    pub threshold: f32,
    /// The topic is also tagged when its rules fire, whatever the model's probability.
    pub rules_suffice: bool,
    /// (rule topic, weight): added when that topic's rules fire on the provision.
    pub rules: Vec<(String, f32)>,
    /// (feature bucket, weight), by bucket; buckets not listed weigh nothing.
    pub words: Vec<(u32, f32)>,
}

/// Why a model file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("the model file is not valid JSON for a topic model: {0}")]
    Json(#[from] serde_json::Error),
    #[error("the model was trained with {found} feature buckets, this build hashes into {expected}: train it again")]
    Buckets { found: u32, expected: u32 },
    #[error("the model has {0} topics; at most 255 are supported")]
    TooManyTopics(usize),
}

/// A model ready to score texts. Its memory is its non-zero weights (a few hundred KB).
#[derive(Debug)]
pub struct TopicModel {
    topics: Vec<TopicWeights>,
    /// Feature bucket → range of `entries`.
    index: FxHashMap<u32, (u32, u32)>,
    /// (topic, weight) for each feature bucket, grouped by bucket.
    entries: Vec<(u8, f32)>,
}

/// Per model topic, the word score of its best sentence and that sentence.
pub struct WordScores<'t> {
    pub scores: Vec<f32>,
    pub best: Vec<&'t str>,
    /// How many sentences the text has.
    pub sentences: usize,
    /// Per model topic, how many sentences reach its cutoff.
    pub reaching: Vec<usize>,
}

impl TopicModel {
    /// The committed model (parsed anew: callers keep it).
    pub fn builtin() -> TopicModel {
        TopicModel::parse(BUILTIN_JSON).expect("catalog/model/topics.json is a valid model")
    }

    pub fn parse(json: &str) -> Result<TopicModel, ModelError> {
        TopicModel::new(serde_json::from_str(json)?)
    }

    pub fn new(file: ModelFile) -> Result<TopicModel, ModelError> {
        if file.buckets != features::BUCKETS {
            return Err(ModelError::Buckets { found: file.buckets, expected: features::BUCKETS });
        }
        if file.topics.len() > usize::from(u8::MAX) {
            return Err(ModelError::TooManyTopics(file.topics.len()));
        }
        let mut by_bucket: Vec<(u32, u8, f32)> = Vec::new();
        for (t, topic) in file.topics.iter().enumerate() {
            by_bucket.extend(topic.words.iter().map(|&(bucket, w)| (bucket, t as u8, w)));
        }
        by_bucket.sort_by_key(|&(bucket, t, _)| (bucket, t));
        let mut index = FxHashMap::default();
        let mut entries = Vec::with_capacity(by_bucket.len());
        for chunk in by_bucket.chunk_by(|a, b| a.0 == b.0) {
            index.insert(chunk[0].0, (entries.len() as u32, chunk.len() as u32));
            entries.extend(chunk.iter().map(|&(_, t, w)| (t, w)));
        }
        let mut topics = file.topics;
        for topic in &mut topics {
            topic.words = Vec::new();
        }
        Ok(TopicModel { topics, index, entries })
    }

    /// The topics, in model order, with their bias, threshold and rule weights (no word weights).
    pub fn topics(&self) -> &[TopicWeights] {
        &self.topics
    }

    /// Each topic's highest word score over the sentences of `text`, and how many sentences score
    /// at least the topic's `cutoffs`.
    pub fn word_scores<'t>(&self, text: &'t str, cutoffs: &[f32]) -> WordScores<'t> {
        let n = self.topics.len();
        let mut best =
            WordScores { scores: vec![f32::NEG_INFINITY; n], best: vec![""; n], sentences: 0, reaching: vec![0; n] };
        let mut buckets = Vec::new();
        let mut sentence_scores = vec![0.0_f32; n];
        for sentence in features::sentences(text) {
            best.sentences += 1;
            features::features(sentence, &mut buckets);
            self.score_buckets(&buckets, &mut sentence_scores);
            for t in 0..n {
                if sentence_scores[t] >= cutoffs[t] {
                    best.reaching[t] += 1;
                }
                if sentence_scores[t] > best.scores[t] {
                    best.scores[t] = sentence_scores[t];
                    best.best[t] = sentence;
                }
            }
        }
        if best.sentences == 0 {
            features::features("", &mut buckets);
            self.score_buckets(&buckets, &mut best.scores);
        }
        best
    }

    fn score_buckets(&self, buckets: &[u32], out: &mut [f32]) {
        out.fill(0.0);
        for bucket in buckets {
            if let Some(&(start, len)) = self.index.get(bucket) {
                for &(t, w) in &self.entries[start as usize..(start + len) as usize] {
                    out[usize::from(t)] += w;
                }
            }
        }
    }
}

/// The logistic function.
pub fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}
