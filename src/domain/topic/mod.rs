//! The topic taxonomy: what each provision topic means, how to detect it, which regulations it
//! touches and how exposed a reader is. The data lives in `catalog/topics.toml`, reviewed like code.
mod guard;
mod parse;

use std::fmt;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

pub use guard::{Expect, FactTest, Line};
pub use parse::{TaxonomyError, compile as compile_pattern, engine_source};

/// The reviewed taxonomy shipped with the binary.
const BUILTIN_TOML: &str = include_str!("../../../catalog/topics.toml");

static BUILTIN: LazyLock<Result<Taxonomy, TaxonomyError>> = LazyLock::new(|| Taxonomy::parse(BUILTIN_TOML));

/// Every topic ClauseWatch knows, in catalogue order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Taxonomy {
    /// The topics, in the order of the catalogue file.
    pub topics: Vec<Topic>,
}

/// How much governance exposure a provision creates for a customer of the platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Exposure {
    /// Little to act on.
    Low,
    /// Worth reviewing against internal policy.
    Medium,
    /// Needs a decision or a contractual answer.
    High,
}

impl Exposure {
    /// The lowercase spelling stored in the database and used in CSS classes.
    pub fn slug(self) -> &'static str {
        match self {
            Exposure::Low => "low",
            Exposure::Medium => "medium",
            Exposure::High => "high",
        }
    }

    /// The level of a stored spelling (`"high"`, …).
    pub fn from_slug(slug: &str) -> Option<Exposure> {
        match slug {
            "low" => Some(Exposure::Low),
            "medium" => Some(Exposure::Medium),
            "high" => Some(Exposure::High),
            _ => None,
        }
    }

    /// The level `steps` above (positive) or below (negative) this one, clamped to Low..=High.
    pub fn shifted(self, steps: i32) -> Exposure {
        let level = (self as i32 + steps).clamp(0, 2);
        match level {
            0 => Exposure::Low,
            1 => Exposure::Medium,
            _ => Exposure::High,
        }
    }
}

impl fmt::Display for Exposure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Exposure::Low => "Low",
            Exposure::Medium => "Medium",
            Exposure::High => "High",
        })
    }
}

/// One provision topic and everything ClauseWatch knows about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Topic {
    /// Stable identifier used in URLs and storage, e.g. `ai-training`.
    pub slug: String,
    /// Short display name.
    pub name: String,
    /// The question a reader asks that this topic answers.
    pub question: String,
    /// Plain-language explanation of what a provision on this topic means for the user.
    pub meaning: String,
    /// Exposure before the provision's own features are considered.
    pub exposure: Exposure,
    /// Rules that raise or lower the exposure from the provision's features.
    pub rubric: Vec<RubricRule>,
    /// Jurisdiction flags: `EU`, `UK`, `US`, `US-CA`, …
    pub jurisdictions: Vec<Line>,
    /// Regulations the topic touches, with article numbers.
    pub regulations: Vec<Regulation>,
    /// What the provision means for contracts and vendor management.
    pub contract_implications: Vec<Line>,
    /// What a compliance team should do about it.
    pub compliance_actions: Vec<Line>,
    /// How to recognise a provision on this topic.
    pub detection: Detection,
}

/// A regulation a topic touches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Regulation {
    /// Name of the instrument, e.g. `GDPR`.
    pub name: String,
    /// Article or section numbers, e.g. `Art. 6(1)(f)`.
    pub articles: Vec<String>,
    /// Why the regulation matters for this topic.
    pub why: String,
    /// The provisions it is shown for (all, without a test).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<FactTest>,
}

/// Detection rules for one topic. Patterns are case-insensitive regular expressions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Detection {
    /// Weighted patterns: the weights of the distinct patterns that match are summed.
    pub patterns: Vec<Pattern>,
    /// When not empty, at least one of these must also match (text or heading) for the topic to fire.
    pub require_any: Vec<String>,
    /// Patterns whose weight is subtracted when they match the text.
    pub negative: Vec<Pattern>,
    /// Minimum summed weight for the topic to be reported.
    pub threshold: f32,
}

/// A weighted detection pattern.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pattern {
    /// Case-insensitive regular expression.
    pub regex: String,
    /// Contribution to the score when the pattern matches.
    pub weight: f32,
}

/// One line of the exposure rubric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RubricRule {
    /// When the rule applies.
    pub when: Condition,
    /// Raise or lower the exposure by one level.
    pub effect: Effect,
    /// Reason shown to the reader when the rule applies.
    pub why: String,
}

/// A condition on a provision, checked by the analysis composer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    /// The provision offers an opt-out or a setting to refuse.
    OptOut,
    /// The practice is on by default.
    DefaultOn,
    /// The provision carves out exceptions ("except", "unless", "other than").
    CarveOuts,
    /// Data is kept indefinitely or for an open-ended period.
    RetentionIndefinite,
    /// A concrete retention period is stated.
    RetentionLimited,
    /// A concrete notice period is given before a change or termination.
    NoticeGiven,
    /// The provider may act without notice.
    NoNotice,
    /// The provision's text matches this case-insensitive regular expression.
    Text(String),
    /// The provision's facts pass this test (see [`FactTest`]).
    Fact(FactTest),
}

/// Direction of a rubric rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Effect {
    /// One level up.
    Raise,
    /// One level down.
    Lower,
}

impl Taxonomy {
    /// Parses and validates a taxonomy written in the catalogue's TOML format.
    pub fn parse(toml: &str) -> Result<Taxonomy, TaxonomyError> {
        parse::parse(toml)
    }

    /// The taxonomy shipped in `catalog/topics.toml`.
    ///
    /// A unit test proves the file parses, so an invalid catalogue cannot be released; should it
    /// ever fail anyway, the taxonomy is empty and nothing is classified.
    pub fn builtin() -> &'static Taxonomy {
        static EMPTY: Taxonomy = Taxonomy { topics: Vec::new() };
        match &*BUILTIN {
            Ok(taxonomy) => taxonomy,
            Err(error) => {
                tracing::error!(%error, "the built-in topic taxonomy is invalid");
                &EMPTY
            }
        }
    }

    /// The topic with this slug.
    pub fn get(&self, slug: &str) -> Option<&Topic> {
        self.topics.iter().find(|topic| topic.slug == slug)
    }
}

#[cfg(test)]
mod tests;
