//! Limitation of liability: the cap's fixed amount and currency, the months of fees it counts,
//! and the "as is" disclaimer.
use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;

use super::text::{durations, money, regex};
use super::{Facts, Reading};

const TOPIC: &str = "liability-limitation";

/// A sentence that caps liability.
static CAP: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"\b(?:exceed\w*|limited to|greater of|lesser of|capped|cap|maximum|not be more than|no more than|in excess of|up to|whichever is (?:greater|higher|less|lower))\b",
    )
});
static LIABLE: LazyLock<Regex> = LazyLock::new(|| regex(r"\bliab\w+|\bresponsib\w+|\bdamages\b"));
/// "Some states do not allow the disclaimer of warranties": a caveat, not a disclaimer.
static CAVEAT: LazyLock<Regex> = LazyLock::new(|| regex(r"\b(?:do|does) not (?:allow|permit)\b"));
/// Fees paid over a period: the look-back of a cap.
static LOOKBACK: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"\b(?:paid|payable|fees|amounts?|charges?)\b.{0,120}?\b(?:in|during|over|for|within)\b\s*(?:the\s+)?$|\b(?:preceding|prior|before|immediately preceding|period)\b",
    )
});
static AS_IS: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r#"["']?\bas[- ]is\b["']?|\bas available\b|\bdisclaim\w*\b.{0,80}\bwarrant\w*|\bwithout (?:any )?warrant\w*|\bno warrant\w*\b.{0,40}\b(?:express|implied|of any kind)"#,
    )
});
/// The user's own liability (an indemnity) is not a cap on the platform's.
static USER_LIABILITY: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"\byou(?:r)? (?:will |shall |agree to )?(?:indemnif|defend|hold harmless|liability for)\w*")
});

pub(super) fn read(reading: &Reading<'_>) -> Facts {
    let sentences = reading.sentences();
    let mut facts = Facts::default();
    let caps: Vec<&str> = sentences
        .iter()
        .enumerate()
        .filter(|(i, s)| {
            CAP.is_match(s)
                && !USER_LIABILITY.is_match(s)
                && sentences[i.saturating_sub(2)..=*i].iter().any(|p| LIABLE.is_match(p))
        })
        .map(|(_, s)| *s)
        .collect();
    if let Some((amount, s)) = caps.iter().find_map(|s| money(s).first().map(|m| (*m, *s))) {
        let value =
            if amount.amount.fract() == 0.0 { Value::from(amount.amount as u64) } else { Value::from(amount.amount) };
        facts.set(TOPIC, "cap_amount", value, s);
        facts.set(TOPIC, "cap_currency", Value::String(amount.currency.to_owned()), s);
    }
    let lookback = caps.iter().find_map(|s| {
        durations(s).into_iter().find_map(|d| {
            let before = &s[..d.start];
            let after = &s[d.end..];
            let counts_fees = LOOKBACK.is_match(before)
                || after.trim_start().starts_with("period")
                || LOOKBACK.is_match(after.split(['.', ';']).next().unwrap_or(""));
            let months = d.unit.months(d.n)?;
            counts_fees.then_some((months, *s))
        })
    });
    if let Some((months, s)) = lookback {
        facts.set(TOPIC, "lookback_months", Value::from(months), s);
    }
    if let Some(s) = sentences.iter().find(|s| AS_IS.is_match(s) && !CAVEAT.is_match(s)) {
        facts.set(TOPIC, "as_is", Value::Bool(true), s);
    }
    facts
}
