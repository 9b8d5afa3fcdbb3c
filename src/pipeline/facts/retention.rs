//! Data retention: each stated period in days, and whether the user can have data deleted.
use std::sync::LazyLock;

use regex::Regex;
use serde_json::{Value, json};

use super::text::{clip, durations, regex};
use super::{Facts, Reading};

const TOPIC: &str = "data-retention";

/// A sentence that keeps or deletes data for a time.
static KEEPS: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"\b(?:retain\w*|retention|keep|keeps|kept|stor(?:e|es|ed|ing)|saved?|delet\w+|eras\w+|purg\w+|remov\w+|auto-delete|archiv\w+|maintain\w*|hold|held)\b",
    )
});
/// Durations that are not retention: notice, age, claims deadlines, look-backs, inactivity.
static OTHER_DURATION: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"^\s*(?:of age|old|prior (?:written )?notice|notice|in advance|before (?:the|any|we)|preceding|prior to the (?:event|claim|date))\b|^\s*(?:after|following|of) (?:the )?(?:event|posting|notice|claim)",
    )
});
static BEFORE_OTHER: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"\b(?:notice|notify|inactive|inactivity|aged?|under|over|at least|minimum|brought|file|claim)\W*(?:\w+\W+){0,3}$",
    )
});
static LABEL: LazyLock<Regex> = LazyLock::new(|| regex(r"^([^:]{3,90}):\s"));
static LEAD: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"^(?:(?:for example|for instance|instead|sometimes|in some cases|generally|typically|however|also|then),?\s+|(?:once|if|when|where|after)\s+)+",
    )
});
static TAIL: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?:\s+(?:within|for|of|up to|to|from|the|default|a period of|period of|at least|at most|no more than|no longer than|than|about|approximately|around|and then|then|and|or|after|,))+\s*$",
    )
});
static PURPOSE: LazyLock<Regex> =
    LazyLock::new(|| regex(r"^\s*(?:to|in order to|so that|for the purpose of)\s+((?:\w+\s+){0,4}\w+)"));
static PARENTHESES: LazyLock<Regex> = LazyLock::new(|| regex(r"\s*\([^)]*\)"));
static DELETION: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"\byou (?:can|may|could|have the right to|are able to|also have the right to)\b.{0,60}\b(?:delete|erase|remove)|\b(?:request|ask)\w*\b.{0,40}\b(?:deletion|erasure|delete|erase)\b|\bright (?:to|of) (?:erasure|deletion|be forgotten)\b|\b(?:once|when|after|if|upon) you (?:choose to )?(?:delete|cancel|close|terminate|remove)\b|\bupon (?:cancellation|deletion|closure) of your account\b|\buntil you (?:delete|remove|close|terminate)\b|\bmanually delete\b|\bdelete (?:it|them|your \w+) (?:at )?any ?time\b",
    )
});
/// "Zero data retention", "we do not log or store prompts": a period of 0 days.
static ZERO: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"\bzero(?:[- ]data)?[- ]retention\b|\b(?:do|does|will) not (?:log|store|retain|keep|save)(?: or (?:log|store|retain|keep|save))?\b",
    )
});
static ZERO_CONDITION: LazyLock<Regex> = LazyLock::new(|| regex(r"\b(?:unless|if|when|where)\s+(?:\w+\s+){0,2}$"));
static ABOUT_RETENTION: LazyLock<Regex> =
    LazyLock::new(|| regex(r"\bretention\b|\bretain\b|\bhow long\b|\bkeep\b|\bstorage (?:period|limitation)\b"));

pub(super) fn read(reading: &Reading<'_>) -> Facts {
    let sentences = reading.sentences();
    let mut facts = Facts::default();
    let mut periods: Vec<Value> = Vec::new();
    let mut first_evidence: Option<&str> = None;
    let under_retention_heading = ABOUT_RETENTION.is_match(&reading.heading);
    for (i, &sentence) in sentences.iter().enumerate() {
        let labelled_item = LABEL.is_match(sentence);
        if !(KEEPS.is_match(sentence) || under_retention_heading && labelled_item) {
            continue;
        }
        let found = durations(sentence);
        let Some(first) = found.first() else { continue };
        let what = what(sentence, first.start, first.end, i.checked_sub(1).map(|p| sentences[p]));
        for duration in &found {
            let after = &sentence[duration.end..];
            let before = &sentence[..duration.start];
            if OTHER_DURATION.is_match(after) || BEFORE_OTHER.is_match(before) {
                continue;
            }
            let period = json!({"days": duration.days(), "what": what});
            if !periods.contains(&period) {
                periods.push(period);
                first_evidence.get_or_insert(sentence);
            }
        }
    }
    for &sentence in &sentences {
        let Some(m) = ZERO.find(sentence) else { continue };
        if ZERO_CONDITION.is_match(&sentence[..m.start()]) || sentence[..m.start()].contains('(') {
            continue;
        }
        let what = LABEL.captures(sentence).and_then(|c| c.get(1)).map(|l| l.as_str()).unwrap_or(&sentence[m.end()..]);
        let period = json!({"days": 0, "what": clip(&PARENTHESES.replace_all(what, ""), 10)});
        if !periods.contains(&period) {
            periods.push(period);
            first_evidence.get_or_insert(sentence);
        }
    }
    if let Some(sentence) = sentences.iter().find(|s| DELETION.is_match(s)) {
        facts.set(TOPIC, "deletion_on_request", Value::Bool(true), sentence);
    }
    match first_evidence {
        Some(evidence) => facts.set(TOPIC, "periods", Value::Array(periods), evidence),
        None if under_retention_heading => {
            if let Some(sentence) = sentences.iter().find(|s| KEEPS.is_match(s)) {
                facts.set(TOPIC, "periods", Value::Array(Vec::new()), sentence);
            }
        }
        None => {}
    }
    facts
}

/// What a period applies to: the item's label ("Leads data: for 3 years"), else the words
/// before the duration, with the purpose that follows it ("to monitor abuse").
fn what(sentence: &str, start: usize, end: usize, previous: Option<&str>) -> String {
    if let Some(label) = LABEL.captures(sentence).and_then(|c| c.get(1)).filter(|m| m.end() < start) {
        return clip(&PARENTHESES.replace_all(label.as_str(), ""), 10);
    }
    let before = PARENTHESES.replace_all(&sentence[..start], "");
    let before = LEAD.replace(before.trim(), "");
    let before = TAIL.replace(&before, "");
    let words: Vec<&str> = before.split_whitespace().collect();
    let mut phrase = words[words.len().saturating_sub(12)..].join(" ");
    let pronoun = ["they", "it", "this", "these", "such"].iter().any(|p| phrase.to_lowercase().starts_with(p));
    if pronoun && let Some(previous) = previous {
        phrase = format!("{} {phrase}", clip(&LEAD.replace(previous, ""), 6));
    }
    if let Some(purpose) = PURPOSE.captures(&sentence[end..]).and_then(|c| c.get(0)) {
        phrase = format!("{phrase} {}", purpose.as_str().trim());
    }
    clip(&phrase, 18)
}
