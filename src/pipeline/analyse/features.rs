//! Features of a provision's own wording that move its exposure: opt-outs, defaults, carve-outs,
//! retention and notice periods.
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

/// What a provision itself says, beyond its topic.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Features {
    /// An opt-out, a setting to turn the practice off, or a right to object or withdraw consent.
    pub opt_out: bool,
    /// The practice applies by default, unless the user acts.
    pub default_on: bool,
    /// Exceptions the provision makes, as written ("except as required by law").
    pub carve_outs: Vec<String>,
    /// A stated retention period ("30 days"), or an open-ended one ("indefinitely").
    pub retention_period: Option<String>,
    /// A stated notice period ("30 days"), "advance notice", or "without notice".
    pub notice_period: Option<String>,
}

/// Words used where "indefinite" retention is written out.
pub(crate) const INDEFINITE: &str = "indefinitely";
/// The notice period recorded when the provider may act without notice.
pub(crate) const WITHOUT_NOTICE: &str = "without notice";

const NUMBER: &str = r"(?:\d{1,4}|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fourteen|fifteen|thirty|sixty|ninety|eighteen|twenty-four)";

fn regex(source: &str) -> Regex {
    // Only called on the constant patterns of this file, all covered by unit tests.
    regex::RegexBuilder::new(source)
        .case_insensitive(true)
        .build()
        .unwrap_or_else(|e| panic!("invalid built-in feature pattern: {e}"))
}

static OPT_OUT: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"\bopt(?:[- ]?out|ing out)\b|\b(?:turn|switch)(?:ing)? off\b|\bdisabl\w+ (?:this|the|your|it)\b|\b(?:you (?:can|may)|right to) (?:choose not|decline|refuse|object)\b|\bwithdraw (?:your )?consent\b|\bunsubscrib\w*|\b(?:privacy|data|cookie) (?:settings|controls|preferences)\b",
    )
});
static DEFAULT_ON: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"\bby default\b|\bunless you (?:opt out|turn (?:it |this )?off|disable|object|tell us|choose otherwise)|\bautomatically (?:enrolled|opted in|included|enabled)|\bopted in\b",
    )
});
static DEFAULT_OFF: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"\bby default\b.{0,30}\b(?:off|not|disabled|opted out)\b|\b(?:off|disabled|not \w+) by default\b")
});
static CARVE_OUT: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"\b(?:except(?: as| for| that| where| when| to the extent| if)?|unless|other than|with the exception of|excluding|save (?:as|where|for)|notwithstanding)\b[^.;:!?\n]{3,100}",
    )
});
static RETENTION_CONTEXT: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"\b(?:retain\w*|retention|keep|keeps|kept|store\w*|stored|hold|delet\w+|eras\w+|purg\w+|preserv\w+|maintain\w*)\b",
    )
});
static INDEFINITE_RE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"\bindefinite(?:ly)?\b|\bpermanently\b|\bforever\b|\bno (?:set|fixed|specific|maximum) (?:retention )?period\b|\bfor as long as (?:we|it) (?:deem|consider|see fit|choose)\w*",
    )
});
static DURATION: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(r"\b{NUMBER}(?:\s*\(\d+\))?[- ](?:calendar |business )?(?:days?|weeks?|months?|years?)\b"))
});
static NOTICE_DURATION: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"\b({NUMBER}(?:\s*\(\d+\))?[- ](?:calendar |business )?(?:days?|weeks?|months?))(?:[’']|[’']s)?\s+(?:prior |advance |written |of )*(?:notice|notification)|\bnotice\b.{{0,60}}?\b({NUMBER}(?:\s*\(\d+\))?[- ](?:calendar |business )?(?:days?|weeks?|months?))\b|\b({NUMBER}(?:\s*\(\d+\))?[- ](?:calendar |business )?(?:days?|weeks?|months?)) (?:before|in advance|prior to)\b"
    ))
});
static ADVANCE_NOTICE: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"\b(?:advance|prior|reasonable) (?:written )?notice\b|\bnotify you (?:in advance|before)\b")
});
static NO_NOTICE: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"\bwith(?:out| or without) (?:any |prior |advance |further )?(?:notice|notification|warning)\b")
});

/// Reads the features out of a provision's text.
pub fn features(text: &str) -> Features {
    Features {
        opt_out: OPT_OUT.is_match(text),
        default_on: DEFAULT_ON.is_match(text) && !DEFAULT_OFF.is_match(text),
        carve_outs: carve_outs(text),
        retention_period: retention_period(text),
        notice_period: notice_period(text),
    }
}

fn carve_outs(text: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for m in CARVE_OUT.find_iter(text) {
        let phrase = m.as_str().trim().trim_end_matches([',', ')']).trim().to_owned();
        if !found.contains(&phrase) {
            found.push(phrase);
        }
    }
    found
}

fn retention_period(text: &str) -> Option<String> {
    if !RETENTION_CONTEXT.is_match(text) {
        return None;
    }
    if INDEFINITE_RE.is_match(text) {
        return Some(INDEFINITE.to_owned());
    }
    let notice = notice_period(text);
    DURATION.find_iter(text).map(|m| m.as_str().to_owned()).find(|d| notice.as_deref() != Some(d.as_str()))
}

fn notice_period(text: &str) -> Option<String> {
    if let Some(caps) = NOTICE_DURATION.captures(text) {
        let period = (1..=3).find_map(|i| caps.get(i)).map(|m| m.as_str().to_owned());
        if period.is_some() {
            return period;
        }
    }
    if NO_NOTICE.is_match(text) {
        return Some(WITHOUT_NOTICE.to_owned());
    }
    ADVANCE_NOTICE.find(text).map(|_| "advance notice".to_owned())
}

/// True when a retention period is open-ended.
pub(crate) fn is_indefinite(period: &str) -> bool {
    period == INDEFINITE
}
