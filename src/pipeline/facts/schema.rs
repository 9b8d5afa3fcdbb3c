//! The facts of each topic, their names, labels and types, as `../shared/facts/SCHEMA.md` defines them.
use serde_json::Value;

/// The type of a fact's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Bool,
    /// A whole number (days, months).
    Int,
    /// An amount.
    Number,
    /// A short name (a law, a court's seat).
    Name,
    /// A short list of phrases.
    Phrases,
    /// A list of `{"days", "what"}`.
    Periods,
    /// `consumer`, `business`, `api` or `all`.
    Scope,
    /// An ISO 4217 code.
    Currency,
}

pub const SCOPES: [&str; 4] = ["consumer", "business", "api", "all"];

impl Kind {
    /// What a value of this kind looks like, for error messages.
    pub fn expected(self) -> &'static str {
        match self {
            Kind::Bool => "yes or no",
            Kind::Int => "a whole number",
            Kind::Number => "a number",
            Kind::Name => "a short name",
            Kind::Phrases => "phrases separated by semicolons",
            Kind::Periods => "periods like \"30 days: deleted chats; 365 days: logs\"",
            Kind::Scope => "one of consumer, business, api, all",
            Kind::Currency => "a three-letter currency code like USD",
        }
    }

    pub fn admits(self, value: &Value) -> bool {
        match self {
            Kind::Bool => value.is_boolean(),
            Kind::Int => value.as_i64().is_some_and(|n| n >= 0),
            Kind::Number => value.as_f64().is_some_and(|n| n >= 0.0),
            Kind::Name => value.as_str().is_some_and(|s| !s.trim().is_empty() && s.len() <= 120),
            Kind::Phrases => value.as_array().is_some_and(|items| items.iter().all(Value::is_string)),
            Kind::Periods => value.as_array().is_some_and(|items| {
                items.iter().all(|p| {
                    p.get("days").is_some_and(|d| d.as_u64().is_some()) && p.get("what").is_some_and(Value::is_string)
                })
            }),
            Kind::Scope => value.as_str().is_some_and(|s| SCOPES.contains(&s)),
            Kind::Currency => value.as_str().is_some_and(|s| s.len() == 3 && s.chars().all(|c| c.is_ascii_uppercase())),
        }
    }

    /// A value as an editor writes it (the inverse of [`Kind::parse`]).
    pub fn unparse(self, value: &Value) -> String {
        match (self, value) {
            (Kind::Bool, Value::Bool(b)) => if *b { "yes" } else { "no" }.to_owned(),
            (Kind::Phrases, Value::Array(items)) => {
                items.iter().filter_map(Value::as_str).collect::<Vec<_>>().join("; ")
            }
            (Kind::Periods, Value::Array(items)) => items
                .iter()
                .map(|p| format!("{}: {}", p["days"], p["what"].as_str().unwrap_or_default()))
                .collect::<Vec<_>>()
                .join("; "),
            (_, Value::String(s)) => s.clone(),
            (_, other) => other.to_string(),
        }
    }

    /// Reads an editor's entry.
    pub fn parse(self, raw: &str) -> Option<Value> {
        let value = match self {
            Kind::Bool => match raw.to_ascii_lowercase().as_str() {
                "yes" | "true" => Value::Bool(true),
                "no" | "false" => Value::Bool(false),
                _ => return None,
            },
            Kind::Int => Value::from(raw.parse::<u32>().ok()?),
            Kind::Number => Value::from(raw.replace(',', "").parse::<f64>().ok().filter(|n| n.is_finite())?),
            Kind::Name | Kind::Scope => Value::String(raw.to_owned()),
            Kind::Currency => Value::String(raw.to_ascii_uppercase()),
            Kind::Phrases => Value::from(
                raw.split(';').map(str::trim).filter(|p| !p.is_empty()).map(String::from).collect::<Vec<_>>(),
            ),
            Kind::Periods => {
                let mut periods = Vec::new();
                for item in raw.split(';').map(str::trim).filter(|p| !p.is_empty()) {
                    let (days, what) = item.split_once(':')?;
                    let days: u32 = days.trim().trim_end_matches("days").trim().parse().ok()?;
                    periods.push(serde_json::json!({"days": days, "what": what.trim()}));
                }
                Value::from(periods)
            }
        };
        self.admits(&value).then_some(value)
    }
}

/// One fact of a topic.
#[derive(Debug)]
pub struct FactSpec {
    /// The schema's name, as in JSON.
    pub name: &'static str,
    /// A column heading for readers.
    pub label: &'static str,
    pub kind: Kind,
}

/// The facts of one topic.
#[derive(Debug)]
pub struct TopicSchema {
    pub topic: &'static str,
    pub facts: &'static [FactSpec],
}

const fn fact(name: &'static str, label: &'static str, kind: Kind) -> FactSpec {
    FactSpec { name, label, kind }
}

pub static SCHEMA: [TopicSchema; 7] = [
    TopicSchema {
        topic: "ai-training",
        facts: &[
            fact("default_on", "On by default", Kind::Bool),
            fact("opt_out", "Opt-out", Kind::Bool),
            fact("carve_outs", "Used even after opt-out", Kind::Phrases),
            fact("scope", "Whose content", Kind::Scope),
        ],
    },
    TopicSchema {
        topic: "data-retention",
        facts: &[
            fact("periods", "Retention periods", Kind::Periods),
            fact("deletion_on_request", "Deletion on request", Kind::Bool),
        ],
    },
    TopicSchema {
        topic: "arbitration",
        facts: &[
            fact("mandatory", "Binding arbitration", Kind::Bool),
            fact("class_waiver", "Class-action waiver", Kind::Bool),
            fact("jury_waiver", "Jury waiver", Kind::Bool),
            fact("opt_out_days", "Days to opt out", Kind::Int),
        ],
    },
    TopicSchema {
        topic: "liability-limitation",
        facts: &[
            fact("cap_amount", "Cap amount", Kind::Number),
            fact("cap_currency", "Currency", Kind::Currency),
            fact("lookback_months", "Fees counted over (months)", Kind::Int),
            fact("as_is", "Provided as is", Kind::Bool),
        ],
    },
    TopicSchema {
        topic: "terms-changes",
        facts: &[
            fact("notice_days", "Notice (days)", Kind::Int),
            fact("continued_use_is_acceptance", "Continued use accepts", Kind::Bool),
        ],
    },
    TopicSchema {
        topic: "account-termination",
        facts: &[
            fact("without_notice", "Without notice", Kind::Bool),
            fact("at_discretion", "At the platform's discretion", Kind::Bool),
        ],
    },
    TopicSchema {
        topic: "governing-law",
        facts: &[fact("law", "Governing law", Kind::Name), fact("venue", "Courts", Kind::Name)],
    },
];

/// The facts of a topic, if the schema has any.
pub fn schema_of(topic: &str) -> Option<&'static TopicSchema> {
    SCHEMA.iter().find(|s| s.topic == topic)
}
