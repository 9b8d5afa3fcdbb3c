//! Disputes: binding arbitration and its waivers, and the law and courts that govern.
use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;

use super::text::{NUMBER, number, regex};
use super::{Facts, Reading};

static ARBITRATION_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"\barbitra\w+|\bclass[- ]action|\bclass[- ]wide\b|\bjury\b|\brepresentative (?:action|proceeding)")
});
static MANDATORY: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"\bbinding\b.{0,30}\barbitration\b|\b(?:resolved|settled|determined|decided|submitted|finally resolved)\b.{0,30}\b(?:by|through|in|to)\b.{0,30}\barbitration\b|\bagree (?:to|that)\b.{0,40}\barbitrat|\barbitration agreement\b|\bmust (?:be )?(?:brought|resolved|pursued)\b.{0,40}\barbitration\b|\bexclusively (?:by|through|in) arbitration\b|\bbound to arbitrate\b|\b(?:shall|must|will) arbitrate\b",
    )
});
static OPTIONAL: LazyLock<Regex> =
    LazyLock::new(|| regex(r"\barbitration is (?:optional|voluntary)\b|\bnot (?:required|obliged) to arbitrate\b"));
static CLASS_WAIVER: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"\bwaiv\w*\b.{0,80}\bclass\b|\bclass\b.{0,80}\bwaiv\w*|\b(?:only|solely) (?:on|in) (?:an|their|your|its) individual (?:basis|capacity)\b|\bnot (?:as a|in a) (?:plaintiff|class|member)\b.{0,60}\bclass\b|\bno class (?:actions?|arbitrations?|proceedings?)\b|\b(?:may|will|shall) not (?:bring|participate|join|be (?:brought|consolidated|joined))\b.{0,80}\bclass\b|\bclass[- ]action waiver\b",
    )
});
static JURY_WAIVER: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"\bwaiv\w*\b.{0,60}\b(?:jury|trial by jury)\b|\b(?:jury trial|trial by jury)\b.{0,40}\bwaiv\w*|\bno (?:right to a )?jury\b|\bwithout a jury\b|\binstead of a jury\b|\bthere is no judge or jury\b",
    )
});
static OPT_OUT_DAYS: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"\bopt(?:ing)?[- ]out\b.{{0,250}}?\b({NUMBER})[- ](?:calendar )?days?\b|\b({NUMBER})[- ](?:calendar )?days?\b.{{0,200}}?\bopt(?:ing)?[- ]out\b"
    ))
});
/// Disputes brought before courts, where no arbitration is named: arbitration is not mandatory.
static COURTS_DECIDE: LazyLock<Regex> =
    LazyLock::new(|| regex(r"\b(?:brought|heard|resolved|litigated|proceed)\b.{0,80}\bcourts?\b"));
static NOT_ARBITRATION_OPT_OUT: LazyLock<Regex> =
    LazyLock::new(|| regex(r"\btrain|\bmarketing|\bcookies?\b|\bemails?\b"));

pub(super) fn arbitration(reading: &Reading<'_>) -> Facts {
    const TOPIC: &str = "arbitration";
    let sentences = reading.sentences();
    let mut facts = Facts::default();
    if !sentences.iter().any(|s| ARBITRATION_WORDS.is_match(s)) && !ARBITRATION_WORDS.is_match(&reading.heading) {
        return facts;
    }
    let arbitration_named = sentences.iter().any(|s| s.to_lowercase().contains("arbitra"));
    if let Some(s) = sentences.iter().find(|s| OPTIONAL.is_match(s)) {
        facts.set(TOPIC, "mandatory", Value::Bool(false), s);
    } else if let Some(s) = sentences.iter().find(|s| MANDATORY.is_match(s)) {
        facts.set(TOPIC, "mandatory", Value::Bool(true), s);
    } else if !arbitration_named && let Some(s) = sentences.iter().find(|s| COURTS_DECIDE.is_match(s)) {
        facts.set(TOPIC, "mandatory", Value::Bool(false), s);
    }
    if let Some(s) = sentences.iter().find(|s| CLASS_WAIVER.is_match(s)) {
        facts.set(TOPIC, "class_waiver", Value::Bool(true), s);
    }
    if let Some(s) = sentences.iter().find(|s| JURY_WAIVER.is_match(s)) {
        facts.set(TOPIC, "jury_waiver", Value::Bool(true), s);
    }
    let opt_out = OPT_OUT_DAYS.captures_iter(&reading.plain).find_map(|caps| {
        let whole = caps.get(0)?;
        if NOT_ARBITRATION_OPT_OUT.is_match(whole.as_str()) {
            return None;
        }
        let days = caps.get(1).or_else(|| caps.get(2))?;
        let sentence = sentences.iter().find(|s| s.contains(days.as_str())).copied().unwrap_or(whole.as_str());
        Some((number(days.as_str())?, sentence))
    });
    if let Some((days, s)) = opt_out
        && facts.get("mandatory").is_some()
    {
        facts.set(TOPIC, "opt_out_days", Value::from(days), s);
    } else if let Some((days, s)) = opt_out
        && s.to_lowercase().contains("arbitrat")
    {
        facts.set(TOPIC, "opt_out_days", Value::from(days), s);
    }
    facts
}

static LAW: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"\b(?:governed by|subject to|construed (?:in accordance with|under)|interpreted (?:in accordance with|under)|in accordance with|apply|applies)\b[^.;]{0,60}?\blaws?\s+(?:of|in)\s+(?:the\s+)?((?:State|Commonwealth|Province|Republic|Kingdom|Grand Duchy)\s+of\s+)?([^,.;:()]{2,60})|\b((?-i:[A-Z])[\w'.]*(?:\s+(?-i:[A-Z])[\w'.]*){0,3}) law (?:governs|applies|will govern|shall govern|will apply|shall apply)\b|\blaws? of (?:the\s+)?(?:State\s+of\s+|Commonwealth\s+of\s+)?((?-i:[A-Z])[\w'.]*(?:\s+(?:and\s+|of\s+)?(?-i:[A-Z])[\w'.]*){0,3})[^.;]{0,100}\b(?:will|shall|to) govern|\bgoverned by (?:the )?((?-i:[A-Z])[\w'.]*(?:\s+(?-i:[A-Z])[\w'.]*){0,2}) laws?\b",
    )
});
static VENUE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"\bcourts?\b[^.;]{0,60}?\b(?:located|situated|sitting|seated|based)?\s*(?:in|of|at)\s+(?:the\s+)?(?:city|county|state|courts)?\s*(?:of\s+)?((?:the\s+)?(?-i:[A-Z])[\w'’.-]*(?:,?\s+(?:and\s+|of\s+|the\s+)?(?-i:[A-Z])[\w'’.-]*){0,4})|\bregistered office of ((?:(?-i:[A-Z])[\w'’.-]*\s+){1,2})|\barbitrator in ((?-i:[A-Z])[\w'’.-]*(?:,?\s+(?-i:[A-Z])[\w'’.-]*){0,2})",
    )
});
/// Words that end a place name ("the laws of Ireland, without regard to…").
static PLACE_END: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r",?\s*(?:United States of America|United States|USA|U\.S\.A?)\.?$|\s+(?:without|excluding|notwithstanding|except|and (?:the|any|all|applicable|you|we)|including|regardless|as|that|which|for|to|will|shall|apply|applies|govern\w*|in the mainland|unless|if|in connection|with|exclusive of)\b.*$",
    )
});
static US_USERS: LazyLock<Regex> = LazyLock::new(|| regex(r"\b(?:United States|U\.S\.|US|USA|North America)\b"));
static NOT_PLACE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"^(?:your|you|any|each|such|this|these|its|their|our|competent|applicable|local|relevant|law|jurisdiction|residence|country|state|the country|the place)\b",
    )
});

pub(super) fn governing_law(reading: &Reading<'_>) -> Facts {
    const TOPIC: &str = "governing-law";
    let sentences = reading.sentences();
    let mut facts = Facts::default();
    let laws: Vec<(String, &str)> = sentences.iter().filter_map(|s| law(s).map(|l| (l, *s))).collect();
    if let Some((law, s)) = prefer_us(&laws) {
        facts.set(TOPIC, "law", Value::String(law), s);
    }
    let venues: Vec<(String, &str)> = sentences
        .iter()
        .filter(|s| !s.to_lowercase().contains("arbitrat") || s.to_lowercase().contains("court"))
        .filter_map(|s| venue(s).map(|v| (v, *s)))
        .collect();
    if let Some((venue, s)) = prefer_us(&venues) {
        facts.set(TOPIC, "venue", Value::String(venue), s);
    }
    facts
}

/// Where a clause differs by region, the one for users in the United States when named.
fn prefer_us<'a>(found: &'a [(String, &'a str)]) -> Option<(String, &'a str)> {
    let state = found.iter().find(|(place, _)| is_us_state(place));
    let us = found.iter().find(|(_, s)| US_USERS.is_match(s));
    state.or(us).or(found.first()).map(|(place, s)| (place.clone(), *s))
}

fn is_us_state(place: &str) -> bool {
    const STATES: [&str; 50] = [
        "Alabama",
        "Alaska",
        "Arizona",
        "Arkansas",
        "California",
        "Colorado",
        "Connecticut",
        "Delaware",
        "Florida",
        "Georgia",
        "Hawaii",
        "Idaho",
        "Illinois",
        "Indiana",
        "Iowa",
        "Kansas",
        "Kentucky",
        "Louisiana",
        "Maine",
        "Maryland",
        "Massachusetts",
        "Michigan",
        "Minnesota",
        "Mississippi",
        "Missouri",
        "Montana",
        "Nebraska",
        "Nevada",
        "New Hampshire",
        "New Jersey",
        "New Mexico",
        "New York",
        "North Carolina",
        "North Dakota",
        "Ohio",
        "Oklahoma",
        "Oregon",
        "Pennsylvania",
        "Rhode Island",
        "South Carolina",
        "South Dakota",
        "Tennessee",
        "Texas",
        "Utah",
        "Vermont",
        "Virginia",
        "Washington",
        "West Virginia",
        "Wisconsin",
        "Wyoming",
    ];
    STATES.iter().any(|s| place.starts_with(s))
}

fn law(sentence: &str) -> Option<String> {
    for caps in LAW.captures_iter(sentence) {
        let place = caps.get(2).or_else(|| caps.get(3)).or_else(|| caps.get(4)).or_else(|| caps.get(5))?.as_str();
        if let Some(place) = place_name(place) {
            return Some(place);
        }
    }
    None
}

fn venue(sentence: &str) -> Option<String> {
    for caps in VENUE.captures_iter(sentence) {
        let place = caps.get(1).or_else(|| caps.get(2)).or_else(|| caps.get(3))?.as_str();
        if let Some(place) = place_name(place) {
            return Some(place);
        }
    }
    None
}

fn place_name(raw: &str) -> Option<String> {
    let place = PLACE_END.replace(raw.trim(), "");
    let place = place.trim().trim_start_matches("the ").trim_end_matches([',', ' ', '\'', '.']).trim();
    let starts_upper = place.chars().next().is_some_and(char::is_uppercase);
    (starts_upper && !NOT_PLACE.is_match(place) && place.len() >= 2).then(|| place.to_owned())
}
