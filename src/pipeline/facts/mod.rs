//! Reads what a provision decides, per topic, in the fixed shape of the facts schema: training
//! default and opt-out, retention periods, arbitration, liability cap, notice, termination,
//! governing law. Every fact is read from the provision's own words and keeps the sentence it
//! came from as evidence; a fact the provision does not state stays unset (`null`).
mod changes;
pub mod describe;
mod disputes;
mod liability;
mod retention;
mod schema;
mod termination;
mod text;
mod training;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub use schema::{FactSpec, Kind, SCHEMA, TopicSchema, schema_of};

/// One retention period: its length in days and what it applies to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub days: u32,
    pub what: String,
}

/// The facts one provision states about one topic. Only facts with a value are kept; the rest
/// are `null` in [`Facts::to_json`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Facts {
    /// Fact name → value, in the schema's JSON types.
    #[serde(default)]
    values: BTreeMap<String, Value>,
    /// Fact name → the words it was read from.
    #[serde(default)]
    evidence: BTreeMap<String, String>,
}

/// A fact value that does not fit the schema.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FactError {
    #[error("the topic {topic} has no fact named {fact}")]
    UnknownFact { topic: String, fact: String },
    #[error("{fact} must be {expected}; \"{given}\" is not")]
    WrongType { fact: String, expected: &'static str, given: String },
    #[error("\"{0}\" is not a fact: write one fact a line, as name: value")]
    NotAFactLine(String),
}

impl Facts {
    /// How many facts the provision states.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// True when the provision states none of the topic's facts.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The value of a fact, if stated.
    pub fn get(&self, fact: &str) -> Option<&Value> {
        self.values.get(fact)
    }

    /// The words a fact was read from.
    pub fn evidence(&self, fact: &str) -> Option<&str> {
        self.evidence.get(fact).map(String::as_str)
    }

    pub fn bool(&self, fact: &str) -> Option<bool> {
        self.get(fact).and_then(Value::as_bool)
    }

    pub fn int(&self, fact: &str) -> Option<i64> {
        self.get(fact).and_then(Value::as_i64)
    }

    pub fn number(&self, fact: &str) -> Option<f64> {
        self.get(fact).and_then(Value::as_f64)
    }

    pub fn text(&self, fact: &str) -> Option<&str> {
        self.get(fact).and_then(Value::as_str)
    }

    pub fn phrases(&self, fact: &str) -> Option<Vec<&str>> {
        self.get(fact).and_then(Value::as_array).map(|items| items.iter().filter_map(Value::as_str).collect())
    }

    pub fn periods(&self, fact: &str) -> Option<Vec<Period>> {
        self.get(fact).and_then(|v| serde_json::from_value(v.clone()).ok())
    }

    /// The distinct sentences the facts were read from, each cut to 160 characters.
    pub fn evidence_sentences(&self) -> Vec<String> {
        let mut found: Vec<String> = Vec::new();
        for words in self.evidence.values() {
            let cut = match words.char_indices().nth(160) {
                Some((at, _)) => format!("{}…", &words[..at]),
                None => words.clone(),
            };
            if !found.contains(&cut) {
                found.push(cut);
            }
        }
        found
    }

    /// Sets a fact read from `evidence`. The value must already have the fact's type (readers
    /// build it so); a reader's mistake is dropped rather than stored.
    fn set(&mut self, topic: &str, fact: &str, value: Value, evidence: &str) {
        if check(topic, fact, &value).is_ok() {
            self.values.insert(fact.to_owned(), value);
            self.evidence.insert(fact.to_owned(), evidence.trim().to_owned());
        }
    }

    /// Sets a fact from an editor's form: `raw` is parsed by the fact's type; an empty `raw`
    /// clears the fact (the provision does not say).
    pub fn edit(&mut self, topic: &str, fact: &str, raw: &str) -> Result<(), FactError> {
        let spec = spec(topic, fact)?;
        let raw = raw.trim();
        if raw.is_empty() {
            self.values.remove(fact);
            self.evidence.remove(fact);
            return Ok(());
        }
        let value = spec.kind.parse(raw).ok_or_else(|| FactError::WrongType {
            fact: fact.to_owned(),
            expected: spec.kind.expected(),
            given: raw.to_owned(),
        })?;
        self.values.insert(fact.to_owned(), value);
        self.evidence.insert(fact.to_owned(), "Set by an editor.".to_owned());
        Ok(())
    }

    /// The stated facts as an editor writes them: `name: value`, one a line, in schema order.
    pub fn editor_text(&self, topic: &str) -> String {
        let specs = schema_of(topic).map_or(&[][..], |s| s.facts);
        specs
            .iter()
            .filter_map(|spec| self.values.get(spec.name).map(|v| format!("{}: {}", spec.name, spec.kind.unparse(v))))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Facts from an editor's text (see [`Facts::editor_text`]): the facts it names are stated,
    /// the others are not. Refuses an unknown fact, a value of the wrong type, a line without ":".
    pub fn from_editor_text(topic: &str, text: &str) -> Result<Facts, FactError> {
        let mut facts = Facts::default();
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let (name, value) = line.split_once(':').ok_or_else(|| FactError::NotAFactLine(line.to_owned()))?;
            facts.edit(topic, name.trim(), value.trim())?;
        }
        Ok(facts)
    }

    /// Every fact of the topic in schema order, `null` where unstated: the schema's JSON shape.
    pub fn to_json(&self, topic: &str) -> Value {
        let mut map = Map::new();
        for spec in schema_of(topic).map_or(&[][..], |s| s.facts) {
            map.insert(spec.name.to_owned(), self.values.get(spec.name).cloned().unwrap_or(Value::Null));
        }
        Value::Object(map)
    }

    /// The evidence of each stated fact, in schema order.
    pub fn evidence_json(&self, topic: &str) -> Value {
        let mut map = Map::new();
        for spec in schema_of(topic).map_or(&[][..], |s| s.facts) {
            if let Some(words) = self.evidence.get(spec.name) {
                map.insert(spec.name.to_owned(), Value::String(words.clone()));
            }
        }
        Value::Object(map)
    }
}

fn spec(topic: &str, fact: &str) -> Result<&'static FactSpec, FactError> {
    schema_of(topic)
        .and_then(|s| s.facts.iter().find(|f| f.name == fact))
        .ok_or_else(|| FactError::UnknownFact { topic: topic.to_owned(), fact: fact.to_owned() })
}

fn check(topic: &str, fact: &str, value: &Value) -> Result<(), FactError> {
    let spec = spec(topic, fact)?;
    if spec.kind.admits(value) {
        Ok(())
    } else {
        Err(FactError::WrongType { fact: fact.to_owned(), expected: spec.kind.expected(), given: value.to_string() })
    }
}

/// The provision being read: its heading path, its text (Markdown as extracted) and, when known,
/// the kind of document it is part of (an Open Terms Archive terms type, e.g. "commercial-terms").
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    pub heading_path: &'a [String],
    pub text: &'a str,
    pub terms_type: Option<&'a str>,
}

/// A provision prepared for the readers: plain words and sentences.
struct Reading<'a> {
    heading: String,
    plain: String,
    terms_type: Option<&'a str>,
}

impl Reading<'_> {
    fn sentences(&self) -> Vec<&str> {
        text::sentences(&self.plain)
    }
}

/// The facts `source` states about `topic` (empty for a topic without facts in the schema).
pub fn read(topic: &str, source: &Source<'_>) -> Facts {
    let reading = Reading {
        heading: text::plain(&source.heading_path.join(" / ")),
        plain: text::plain(source.text),
        terms_type: source.terms_type,
    };
    match topic {
        "ai-training" => training::read(&reading),
        "data-retention" => retention::read(&reading),
        "arbitration" => disputes::arbitration(&reading),
        "governing-law" => disputes::governing_law(&reading),
        "liability-limitation" => liability::read(&reading),
        "terms-changes" => changes::read(&reading),
        "account-termination" => termination::read(&reading),
        _ => Facts::default(),
    }
}

pub use describe::describe;

#[cfg(test)]
mod tests;

/// Topics whose facts are plain enough to find a provision by themselves, even where the topic
/// classifier did not tag it: a retention period, binding arbitration, a governing law, a cap on
/// liability (read only from a sentence that speaks of liability: arbitration fees and claim
/// thresholds are sums of money too).
const STATED_ALONE: [(&str, &str); 4] = [
    ("data-retention", "periods"),
    ("arbitration", "mandatory"),
    ("governing-law", "law"),
    ("liability-limitation", "cap_amount"),
];

/// The topics `source` states a defining fact of, with their facts, besides those in `tagged`.
pub fn stated_topics(source: &Source<'_>, tagged: &[&str]) -> Vec<(&'static str, Facts)> {
    STATED_ALONE
        .iter()
        .filter(|(topic, _)| !tagged.contains(topic))
        .filter_map(|&(topic, fact)| {
            let facts = read(topic, source);
            let defining = match facts.get(fact) {
                Some(Value::Array(items)) => !items.is_empty(),
                Some(Value::Bool(b)) => *b,
                Some(_) if topic == "liability-limitation" => {
                    facts.evidence(fact).is_some_and(|e| e.to_lowercase().contains("liabil"))
                }
                Some(_) => true,
                None => false,
            };
            defining.then_some((topic, facts))
        })
        .collect()
}
