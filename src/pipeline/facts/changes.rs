//! Changes to the terms: days of notice before a change takes effect, and whether continued use
//! accepts it.
use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;

use super::text::{NUMBER, number, regex};
use super::{Facts, Reading};

const TOPIC: &str = "terms-changes";

/// "effective 10 days after posting", "no later than thirty (30) days prior", "30 days' notice".
static NOTICE_DAYS: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"\b({NUMBER})[- ](?:calendar |business )?days?(?:'|'s)?\b.{{0,40}}?\b(?:after|following|before|prior|in advance|notice|from)\b|\b(?:at least|no (?:later|less) than|minimum of)\s+({NUMBER})[- ](?:calendar )?days?\b"
    ))
});
static CHANGE: LazyLock<Regex> = LazyLock::new(|| regex(r"\b(?:chang\w*|modif\w*|updat\w*|revis\w*|amend\w*)\b"));
/// Changes that take effect when published.
static ON_POSTING: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"\beffective (?:immediately |as of the date )?(?:upon|on|when|once|as soon as) (?:posting|posted|publication|published|we post)|\beffective immediately\b|\bonce (?:announced|posted|published)\b|\b(?:take|takes) effect (?:immediately|upon posting|when posted|on posting)|\bat any time without (?:prior )?notice\b|\bwithout (?:prior |advance |any )?notice\b",
    )
});
static CONTINUED_USE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"\bcontinu\w+\b.{0,80}\b(?:accept\w*|agree\w*|consent\w*|constitut\w+|bound|deemed|considered)\b|\b(?:by|if you) (?:continuing|continue) to (?:use|access)\b",
    )
});

pub(super) fn read(reading: &Reading<'_>) -> Facts {
    let sentences = reading.sentences();
    let mut facts = Facts::default();
    let about: Vec<&str> = sentences.iter().copied().filter(|s| CHANGE.is_match(s)).collect();
    let days = about.iter().find_map(|s| {
        let caps = NOTICE_DAYS.captures(s)?;
        Some((number(caps.get(1).or_else(|| caps.get(2))?.as_str())?, *s))
    });
    if let Some((days, s)) = days {
        facts.set(TOPIC, "notice_days", Value::from(days), s);
    } else if let Some(s) = sentences.iter().find(|s| ON_POSTING.is_match(s)) {
        facts.set(TOPIC, "notice_days", Value::from(0), s);
    }
    if let Some(s) = sentences.iter().find(|s| CONTINUED_USE.is_match(s)) {
        facts.set(TOPIC, "continued_use_is_acceptance", Value::Bool(true), s);
    }
    facts
}
