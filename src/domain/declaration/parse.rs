//! Reading declarations out of JSON, collecting every problem with its field path.

use serde_json::{Map, Value};

use super::selector::parse_selectors;
use super::{Declaration, DeclarationProblem, SourceDocument, TermsDeclaration};

const SOURCE_KEYS: &[&str] = &["fetch", "select", "remove", "executeClientScripts", "filter"];

/// Collected problems; every check adds to it and carries on.
#[derive(Default)]
pub(super) struct Problems(pub(super) Vec<DeclarationProblem>);

impl Problems {
    pub(super) fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(DeclarationProblem { field: field.to_owned(), message: message.into() });
    }
}

/// Parses JSON text, turning a syntax error into a problem naming its line and column.
pub(super) fn parse_json(json: &str) -> Result<Value, Vec<DeclarationProblem>> {
    serde_json::from_str(json).map_err(|err| {
        vec![DeclarationProblem {
            field: String::new(),
            message: format!(
                "not valid JSON at line {}, column {}: {}",
                err.line(),
                err.column(),
                json_error_reason(&err)
            ),
        }]
    })
}

fn json_error_reason(err: &serde_json::Error) -> String {
    let text = err.to_string();
    match text.rfind(" at line ") {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
}

pub(super) fn parse_declaration(json: &str) -> Result<Declaration, Vec<DeclarationProblem>> {
    let value = parse_json(json)?;
    let mut problems = Problems::default();
    let Some(object) = value.as_object() else {
        problems.add("", "a declaration must be a JSON object");
        return Err(problems.0);
    };
    report_unknown_keys("", object, &["name", "terms"], &mut problems);
    let name = match object.get("name") {
        Some(Value::String(name)) if !name.trim().is_empty() => name.clone(),
        Some(_) => {
            problems.add("name", "must be a non-empty string");
            String::new()
        }
        None => {
            problems.add("name", "is missing");
            String::new()
        }
    };
    let mut terms = std::collections::BTreeMap::new();
    match object.get("terms") {
        Some(Value::Object(map)) if !map.is_empty() => {
            for (terms_type, value) in map {
                let path = format!("terms.{terms_type}");
                if let Some(parsed) = parse_terms(&path, value, &[], &mut problems) {
                    terms.insert(terms_type.clone(), parsed);
                }
            }
        }
        Some(_) => problems.add("terms", "must be an object with at least one terms type"),
        None => problems.add("terms", "is missing"),
    }
    if problems.0.is_empty() { Ok(Declaration { name, terms }) } else { Err(problems.0) }
}

/// Parses one terms type: a single page, or a `combine` list sharing terms-level fields.
/// `extra_keys` are further keys allowed at the terms level (`validUntil` in history files).
pub(super) fn parse_terms(
    path: &str,
    value: &Value,
    extra_keys: &[&str],
    problems: &mut Problems,
) -> Option<TermsDeclaration> {
    let Some(object) = value.as_object() else {
        problems.add(path, "must be an object");
        return None;
    };
    let mut allowed: Vec<&str> = SOURCE_KEYS.to_vec();
    allowed.push("combine");
    allowed.extend_from_slice(extra_keys);
    report_unknown_keys(path, object, &allowed, problems);
    let before = problems.0.len();
    let sources = match object.get("combine") {
        None => parse_source(path, object, None, problems).into_iter().collect(),
        Some(combine) => parse_combine(path, object, combine, problems),
    };
    (problems.0.len() == before).then_some(TermsDeclaration { sources })
}

fn parse_combine(
    path: &str,
    shared: &Map<String, Value>,
    combine: &Value,
    problems: &mut Problems,
) -> Vec<SourceDocument> {
    if shared.contains_key("fetch") {
        problems.add(&format!("{path}.fetch"), "give either `fetch` or `combine`, not both");
    }
    let entries = match combine {
        Value::Array(entries) if !entries.is_empty() => entries,
        _ => {
            problems.add(&format!("{path}.combine"), "must be a non-empty list of pages");
            return Vec::new();
        }
    };
    let mut sources = Vec::new();
    for (index, entry) in entries.iter().enumerate() {
        let entry_path = format!("{path}.combine[{index}]");
        let Some(entry_object) = entry.as_object() else {
            problems.add(&entry_path, "must be an object");
            continue;
        };
        report_unknown_keys(&entry_path, entry_object, SOURCE_KEYS, problems);
        if let Some(source) = parse_source(&entry_path, entry_object, Some((path, shared)), problems) {
            sources.push(source);
        }
    }
    sources
}

/// Looks a field up in the page entry, then in the shared terms-level object.
fn field<'a>(
    path: &str,
    own: &'a Map<String, Value>,
    shared: Option<(&str, &'a Map<String, Value>)>,
    key: &str,
) -> Option<(String, &'a Value)> {
    if let Some(value) = own.get(key) {
        return Some((format!("{path}.{key}"), value));
    }
    let (shared_path, shared) = shared?;
    shared.get(key).map(|value| (format!("{shared_path}.{key}"), value))
}

fn parse_source(
    path: &str,
    own: &Map<String, Value>,
    shared: Option<(&str, &Map<String, Value>)>,
    problems: &mut Problems,
) -> Option<SourceDocument> {
    let before = problems.0.len();
    let fetch = match field(path, own, None, "fetch") {
        Some((field_path, value)) => parse_url(&field_path, value, problems),
        None => {
            problems.add(&format!("{path}.fetch"), "is missing");
            None
        }
    };
    let select = match field(path, own, shared, "select") {
        Some((field_path, value)) => parse_selectors(&field_path, value, problems),
        None => {
            problems.add(&format!("{path}.select"), "is missing");
            Vec::new()
        }
    };
    let remove = field(path, own, shared, "remove")
        .map(|(field_path, value)| parse_selectors(&field_path, value, problems))
        .unwrap_or_default();
    let execute_client_scripts = match field(path, own, shared, "executeClientScripts") {
        Some((_, Value::Bool(flag))) => *flag,
        Some((field_path, _)) => {
            problems.add(&field_path, "must be true or false");
            false
        }
        None => false,
    };
    let filters = field(path, own, shared, "filter")
        .map(|(field_path, value)| parse_filters(&field_path, value, problems))
        .unwrap_or_default();
    let fetch = fetch?;
    (problems.0.len() == before).then_some(SourceDocument { fetch, select, remove, execute_client_scripts, filters })
}

fn parse_url(path: &str, value: &Value, problems: &mut Problems) -> Option<url::Url> {
    let Some(text) = value.as_str() else {
        problems.add(path, "must be a URL string");
        return None;
    };
    match url::Url::parse(text) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => Some(url),
        Ok(url) => {
            problems.add(path, format!("`{text}` uses {}:, only http and https pages can be fetched", url.scheme()));
            None
        }
        Err(err) => {
            problems.add(path, format!("`{text}` is not a valid URL ({err})"));
            None
        }
    }
}

fn parse_filters(path: &str, value: &Value, problems: &mut Problems) -> Vec<String> {
    let Some(items) = value.as_array() else {
        problems.add(path, "must be a list of filter names");
        return Vec::new();
    };
    let mut names = Vec::new();
    for (index, item) in items.iter().enumerate() {
        match item.as_str() {
            Some(name) if !name.trim().is_empty() => names.push(name.to_owned()),
            _ => problems.add(&format!("{path}[{index}]"), "must be a filter name"),
        }
    }
    names
}

pub(super) fn report_unknown_keys(path: &str, object: &Map<String, Value>, allowed: &[&str], problems: &mut Problems) {
    for key in object.keys() {
        if !allowed.contains(&key.as_str()) {
            let field = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
            problems.add(&field, format!("unknown field (expected one of: {})", allowed.join(", ")));
        }
    }
}
