//! Account termination: without notice, and at the platform's discretion.
use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;

use super::text::regex;
use super::{Facts, Reading};

const TOPIC: &str = "account-termination";

/// The platform ending or suspending access, accounts or the service.
static ENDS: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"\b(?:suspend\w*|terminat\w*|disabl\w*|deactivat\w*|clos(?:e|ing)|delet\w+|discontinu\w*|cancel\w*|block\w*|ban)\b",
    )
});
static PLATFORM: LazyLock<Regex> = LazyLock::new(|| regex(r"\b(?:we|us|our|reserves?|may)\b"));
static WITHOUT_NOTICE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"\bwith(?:out| or without) (?:any |prior |advance )?(?:notice|notification|warning)\b|\bwithout (?:first )?(?:notifying|informing|telling) you\b|\bimmediately\b.{0,40}\bwithout\b.{0,20}\bnotice\b",
    )
});
static FURTHER_NOTICE: LazyLock<Regex> = LazyLock::new(|| regex(r"\bwithout further notice\b"));
static WITH_NOTICE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"\b(?:will|shall) (?:notify|inform|tell) you\b|\b(?:give|provide|send) you (?:at least |reasonable |advance |prior )?(?:\w+ )?(?:days?'? )?notice\b|\bnotify you\b.{0,80}\b(?:prior|before|in advance)\b|\b(?:after|upon) (?:giving|providing) (?:you )?notice\b|\b(?:upon|with|after|on)\s+(?:\w+\s+){0,2}(?:\(\d+\)\s+)?(?:days?'?\s+)?(?:prior |advance )?(?:written )?notice\b",
    )
});
static DISCRETION: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"\b(?:sole|own|absolute|complete) discretion\b|\bat (?:our|its) discretion\b|\bfor any (?:or no )?reason\b|\bwith(?:out| or without) (?:any )?(?:cause|reason)\b|\bfor convenience\b|\bat any time,? for any\b",
    )
});
/// Ending the agreement or account merely on notice: termination for convenience.
static CONVENIENCE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"\bterminat\w*\b[^.;]{0,40}\b(?:this|the) (?:agreement|terms|account|your account|access)\b.{0,160}\b(?:upon|on|with|by giving)\s+(?:you\s+)?(?:at least\s+)?(?:\w+\s+){0,2}(?:\(\d+\)\s+)?(?:days?'?\s+)?(?:prior |advance )?(?:written )?notice\b|\bby (?:either party|us|[A-Z]\w+)\b.{0,30}\bupon\s+(?:\w+\s+){0,2}(?:\(\d+\)\s+)?days?'?\s+(?:prior |advance )?(?:written )?notice\b",
    )
});
static FOR_CAUSE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"\b(?:if|where|in case of|in the event (?:of|that)|due to|for cause|because|upon|following) (?:you|your|we (?:believe|reasonably|determine|must|suspect))\b|\bin case of\b|\bfor cause\b|\bbreach\w*\b",
    )
});

pub(super) fn read(reading: &Reading<'_>) -> Facts {
    let sentences = reading.sentences();
    let mut facts = Facts::default();
    // List items split a sentence: the platform may be named in the item before.
    let ends: Vec<&str> = sentences
        .iter()
        .enumerate()
        .filter(|(i, s)| ENDS.is_match(s) && sentences[i.saturating_sub(1)..=*i].iter().any(|p| PLATFORM.is_match(p)))
        .map(|(_, s)| *s)
        .collect();
    if ends.is_empty() {
        return facts;
    }
    let without = ends.iter().find(|s| WITHOUT_NOTICE.is_match(s) && !FURTHER_NOTICE.is_match(s));
    let with = sentences.iter().find(|s| WITH_NOTICE.is_match(s));
    match (without, with) {
        (Some(s), _) => facts.set(TOPIC, "without_notice", Value::Bool(true), s),
        (None, Some(s)) => facts.set(TOPIC, "without_notice", Value::Bool(false), s),
        (None, None) => {}
    }
    if let Some(s) = ends.iter().find(|s| DISCRETION.is_match(s) || CONVENIENCE.is_match(s)) {
        facts.set(TOPIC, "at_discretion", Value::Bool(true), s);
    } else if let Some(s) = ends.iter().find(|s| FOR_CAUSE.is_match(s)) {
        facts.set(TOPIC, "at_discretion", Value::Bool(false), s);
    }
    facts
}
