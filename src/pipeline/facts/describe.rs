//! Facts in words a reader takes in at a glance: "yes", "30 days", "€100", "Ireland".
use serde_json::Value;

use super::schema::{Kind, schema_of};
use super::{Facts, Period};

/// Each fact of the topic in schema order: its label and, if stated, its value in words.
pub fn describe(topic: &str, facts: &Facts) -> Vec<(&'static str, &'static str, Option<String>)> {
    let Some(schema) = schema_of(topic) else { return Vec::new() };
    schema
        .facts
        .iter()
        .map(|spec| (spec.name, spec.label, facts.get(spec.name).map(|v| words(topic, spec.name, spec.kind, facts, v))))
        .collect()
}

fn words(topic: &str, name: &str, kind: Kind, facts: &Facts, value: &Value) -> String {
    match (topic, name) {
        ("liability-limitation", "cap_amount") => {
            return money(value.as_f64().unwrap_or_default(), facts.text("cap_currency"));
        }
        ("terms-changes", "notice_days") if value.as_i64() == Some(0) => {
            return "none: effective on posting".to_owned();
        }
        (_, "notice_days" | "opt_out_days") => return days(value.as_u64().unwrap_or_default()),
        ("liability-limitation", "lookback_months") => return format!("{} months", value.as_u64().unwrap_or_default()),
        _ => {}
    }
    match kind {
        Kind::Bool => if value.as_bool() == Some(true) { "yes" } else { "no" }.to_owned(),
        Kind::Phrases => {
            let items: Vec<&str> = value.as_array().into_iter().flatten().filter_map(Value::as_str).collect();
            if items.is_empty() { "none named".to_owned() } else { items.join("; ") }
        }
        Kind::Periods => {
            let periods: Vec<Period> = serde_json::from_value(value.clone()).unwrap_or_default();
            if periods.is_empty() {
                "no fixed period".to_owned()
            } else {
                periods
                    .iter()
                    .map(|p| format!("{} ({})", days(u64::from(p.days)), p.what))
                    .collect::<Vec<_>>()
                    .join("; ")
            }
        }
        _ => match value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        },
    }
}

/// A number of days as people say it: "30 days", "6 months", "3 years".
pub fn days(n: u64) -> String {
    match n {
        1 => "1 day".to_owned(),
        n if n >= 365 && n % 365 == 0 => plural(n / 365, "year"),
        n if n >= 60 && n % 30 == 0 && n < 365 * 2 => plural(n / 30, "month"),
        n if n >= 1080 && n % 30 == 0 => plural(n / 30, "month"),
        n => format!("{n} days"),
    }
}

fn plural(n: u64, unit: &str) -> String {
    if n == 1 { format!("1 {unit}") } else { format!("{n} {unit}s") }
}

/// An amount with its currency's sign: "€100", "$50", "500 CHF".
pub fn money(amount: f64, currency: Option<&str>) -> String {
    let number = if amount.fract() == 0.0 { format!("{amount:.0}") } else { format!("{amount:.2}") };
    match currency {
        Some("USD") => format!("${number}"),
        Some("EUR") => format!("€{number}"),
        Some("GBP") => format!("£{number}"),
        Some(code) => format!("{number} {code}"),
        None => number,
    }
}
