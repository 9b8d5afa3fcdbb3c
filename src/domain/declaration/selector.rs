//! Reading selector values: a CSS string, a range object, or a list of those.

use serde_json::{Map, Value};

use super::parse::{Problems, report_unknown_keys};
use super::{RangeEnd, RangeStart, Selector};

/// A selector value: a CSS string, a range object, or a list of those.
pub(super) fn parse_selectors(path: &str, value: &Value, problems: &mut Problems) -> Vec<Selector> {
    match value {
        Value::Array(items) => {
            if items.is_empty() {
                problems.add(path, "must not be an empty list");
            }
            items
                .iter()
                .enumerate()
                .filter_map(|(index, item)| parse_one_selector(&format!("{path}[{index}]"), item, problems))
                .collect()
        }
        other => parse_one_selector(path, other, problems).into_iter().collect(),
    }
}

fn parse_one_selector(path: &str, value: &Value, problems: &mut Problems) -> Option<Selector> {
    match value {
        Value::String(css) => check_css(path, css, problems).then(|| Selector::Css(css.clone())),
        Value::Object(range) => parse_range(path, range, problems),
        _ => {
            problems.add(path, "must be a CSS selector string or a range object");
            None
        }
    }
}

fn parse_range(path: &str, range: &Map<String, Value>, problems: &mut Problems) -> Option<Selector> {
    report_unknown_keys(path, range, &["startBefore", "startAfter", "endBefore", "endAfter"], problems);
    let before = problems.0.len();
    let mut css_at = |key: &str| -> Option<String> {
        let value = range.get(key)?;
        let field_path = format!("{path}.{key}");
        match value.as_str() {
            Some(css) if check_css(&field_path, css, problems) => Some(css.to_owned()),
            Some(_) => None,
            None => {
                problems.add(&field_path, "must be a CSS selector string");
                None
            }
        }
    };
    let start = match (css_at("startBefore"), css_at("startAfter")) {
        (Some(css), None) => Some(RangeStart::Before(css)),
        (None, Some(css)) => Some(RangeStart::After(css)),
        _ => None,
    };
    let end = match (css_at("endBefore"), css_at("endAfter")) {
        (Some(css), None) => Some(RangeEnd::Before(css)),
        (None, Some(css)) => Some(RangeEnd::After(css)),
        _ => None,
    };
    let has = |key: &str| range.contains_key(key);
    if has("startBefore") == has("startAfter") {
        problems.add(path, "a range needs exactly one of startBefore and startAfter");
    }
    if has("endBefore") == has("endAfter") {
        problems.add(path, "a range needs exactly one of endBefore and endAfter");
    }
    match (start, end) {
        (Some(start), Some(end)) if problems.0.len() == before => Some(Selector::Range { start, end }),
        _ => None,
    }
}

fn check_css(path: &str, css: &str, problems: &mut Problems) -> bool {
    if css.trim().is_empty() {
        problems.add(path, "must not be an empty selector");
        return false;
    }
    if scraper::Selector::parse(css).is_err() {
        problems.add(path, format!("`{css}` is not a valid CSS selector"));
        return false;
    }
    true
}
