//! OTA `*.history.json` files: the declarations a service used before its current one.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::parse::{Problems, parse_json, parse_terms};
use super::{Declaration, DeclarationProblem, TermsDeclaration};

/// Earlier declarations per terms type, each valid until a date.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DeclarationHistory {
    /// Terms type → earlier declarations, sorted by `valid_until`, oldest first.
    pub terms: BTreeMap<String, Vec<HistoricalTerms>>,
}

/// A terms declaration that was in force until `valid_until` (exclusive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoricalTerms {
    /// The moment this declaration stopped applying.
    pub valid_until: DateTime<Utc>,
    /// The declaration itself.
    pub declaration: TermsDeclaration,
}

impl DeclarationHistory {
    /// Parses a history file, reporting every problem with its field path.
    pub fn parse(json: &str) -> Result<DeclarationHistory, Vec<DeclarationProblem>> {
        let value = parse_json(json)?;
        let mut problems = Problems::default();
        let Some(object) = value.as_object() else {
            problems.add("", "a history file must be a JSON object of terms types");
            return Err(problems.0);
        };
        let mut terms = BTreeMap::new();
        for (terms_type, entries) in object {
            let Some(entries) = entries.as_array() else {
                problems.add(terms_type, "must be a list of earlier declarations");
                continue;
            };
            let mut parsed: Vec<HistoricalTerms> = entries
                .iter()
                .enumerate()
                .filter_map(|(index, entry)| parse_entry(&format!("{terms_type}[{index}]"), entry, &mut problems))
                .collect();
            parsed.sort_by_key(|entry| entry.valid_until);
            terms.insert(terms_type.clone(), parsed);
        }
        if problems.0.is_empty() { Ok(DeclarationHistory { terms }) } else { Err(problems.0) }
    }

    /// The declaration of `terms_type` in force at `at`: the oldest history entry whose
    /// `validUntil` is after `at`, else the current one (`None` if neither has the type).
    pub fn source_at<'a>(
        &'a self,
        current: &'a Declaration,
        terms_type: &str,
        at: DateTime<Utc>,
    ) -> Option<&'a TermsDeclaration> {
        self.terms
            .get(terms_type)
            .and_then(|entries| entries.iter().find(|entry| entry.valid_until > at))
            .map(|entry| &entry.declaration)
            .or_else(|| current.terms.get(terms_type))
    }
}

fn parse_entry(path: &str, entry: &Value, problems: &mut Problems) -> Option<HistoricalTerms> {
    let valid_until = match entry.get("validUntil") {
        Some(Value::String(text)) => match DateTime::parse_from_rfc3339(text) {
            Ok(date) => Some(date.with_timezone(&Utc)),
            Err(_) => {
                problems.add(&format!("{path}.validUntil"), format!("`{text}` is not an ISO 8601 date and time"));
                None
            }
        },
        Some(_) => {
            problems.add(&format!("{path}.validUntil"), "must be a date string");
            None
        }
        None => {
            problems.add(&format!("{path}.validUntil"), "is missing");
            None
        }
    };
    let declaration = parse_terms(path, entry, &["validUntil"], problems);
    Some(HistoricalTerms { valid_until: valid_until?, declaration: declaration? })
}
