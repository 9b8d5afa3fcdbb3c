//! Which of a topic's lines hold for a provision, with the provision's facts written into them.
use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;

use crate::domain::topic::{Expect, FactTest, Line};
use crate::pipeline::facts::{Facts, describe};

static PLACEHOLDER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\{([a-z_]+)\}").unwrap_or_else(|e| panic!("invalid placeholder pattern: {e}")));

/// True when the provision's facts pass `test` (always, without one).
pub fn holds(test: Option<&FactTest>, facts: &Facts) -> bool {
    test.is_none_or(|test| test.terms().all(|(name, expect, wanted)| expects(facts.get(name), expect, wanted)))
}

fn expects(value: Option<&Value>, expect: Expect, wanted: &str) -> bool {
    let truthy = |v: &Value| match v {
        Value::Bool(b) => *b,
        Value::Array(items) => !items.is_empty(),
        Value::Number(n) => n.as_f64().is_some_and(|n| n > 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Null | Value::Object(_) => false,
    };
    match (expect, value) {
        (Expect::Unset, value) => value.is_none(),
        (Expect::Stated, value) => value.is_some(),
        (_, None) => false,
        (Expect::Yes, Some(v)) => truthy(v),
        (Expect::No, Some(v)) => !truthy(v),
        (Expect::Equals, Some(Value::String(s))) => s.eq_ignore_ascii_case(wanted),
        (Expect::Equals, Some(v)) => wanted.parse::<Value>().is_ok_and(|w| w == *v),
    }
}

/// `text` with each `{fact}` replaced by the provision's value in words; None when a fact it
/// names is not stated (the line would say something the provision does not).
pub fn fill(text: &str, topic: &str, facts: &Facts) -> Option<String> {
    if !text.contains('{') {
        return Some(text.to_owned());
    }
    let words = describe(topic, facts);
    let mut missing = false;
    let filled = PLACEHOLDER.replace_all(text, |caps: &regex::Captures<'_>| {
        let name = &caps[1];
        match words.iter().find(|(fact, _, _)| *fact == name).and_then(|(_, _, value)| value.clone()) {
            Some(value) => value,
            None => {
                missing = true;
                String::new()
            }
        }
    });
    (!missing).then(|| filled.into_owned())
}

/// The lines that hold for the provision, filled in.
pub fn select(lines: &[Line], topic: &str, facts: &Facts) -> Vec<String> {
    lines.iter().filter(|l| holds(l.when.as_ref(), facts)).filter_map(|l| fill(&l.text, topic, facts)).collect()
}
