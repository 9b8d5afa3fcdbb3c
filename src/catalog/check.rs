//! Reading a catalogue folder and collecting every problem in every file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{CatalogError, CatalogPlatform, CatalogProblem, Severity};
use crate::domain::declaration::{Declaration, DeclarationHistory, DeclarationProblem};

const HISTORY_SUFFIX: &str = ".history.json";

/// Every problem of every file in a catalogue folder (errors and warnings), sorted by file.
/// An unreadable folder is itself reported as a problem.
pub fn check_dir(dir: &Path) -> Vec<CatalogProblem> {
    match read_dir(dir) {
        Ok((_, problems)) => problems,
        Err(err) => vec![CatalogProblem {
            file: dir.to_path_buf(),
            field: String::new(),
            message: err.to_string(),
            severity: Severity::Error,
        }],
    }
}

/// The platforms that loaded, and every problem found.
pub(super) fn read_dir(dir: &Path) -> Result<(Vec<CatalogPlatform>, Vec<CatalogProblem>), CatalogError> {
    let unreadable = |path: &Path, err: std::io::Error| CatalogError::Unreadable {
        path: path.to_path_buf(),
        reason: err.to_string(),
    };
    let mut declarations = BTreeMap::new();
    let mut histories = BTreeMap::new();
    for entry in std::fs::read_dir(dir).map_err(|err| unreadable(dir, err))? {
        let path = entry.map_err(|err| unreadable(dir, err))?.path();
        let Some(file_name) = path.file_name().and_then(|name| name.to_str()) else {
            continue;
        };
        if let Some(stem) = file_name.strip_suffix(HISTORY_SUFFIX) {
            histories.insert(stem.to_owned(), path);
        } else if let Some(stem) = file_name.strip_suffix(".json") {
            declarations.insert(stem.to_owned(), path);
        }
    }
    let mut platforms = Vec::new();
    let mut problems = Vec::new();
    for (stem, path) in &histories {
        if !declarations.contains_key(stem) {
            problems.push(problem(path, "", format!("no {stem}.json to attach this history to")));
        }
    }
    for (stem, path) in declarations {
        let history_path = histories.get(&stem);
        if let Some(platform) = read_platform(&stem, &path, history_path, &mut problems)? {
            platforms.push(platform);
        }
    }
    problems.sort_by(|a, b| a.file.cmp(&b.file));
    Ok((platforms, problems))
}

fn read_platform(
    stem: &str,
    path: &Path,
    history_path: Option<&PathBuf>,
    problems: &mut Vec<CatalogProblem>,
) -> Result<Option<CatalogPlatform>, CatalogError> {
    let declaration = match Declaration::parse(&read(path)?) {
        Ok(declaration) => Some(declaration),
        Err(found) => {
            problems.extend(found.into_iter().map(|p| from_declaration(path, p)));
            None
        }
    };
    let history = match history_path {
        Some(history_path) => match DeclarationHistory::parse(&read(history_path)?) {
            Ok(history) => Some(history),
            Err(found) => {
                problems.extend(found.into_iter().map(|p| from_declaration(history_path, p)));
                return Ok(None);
            }
        },
        None => None,
    };
    let Some(declaration) = declaration else {
        return Ok(None);
    };
    warn_about_filters(path, &declaration, problems);
    Ok(Some(CatalogPlatform { slug: stem.to_owned(), name: declaration.name.clone(), declaration, history }))
}

/// OTA filters are JavaScript we cannot run: the text extracted without them may differ from
/// what the declaration's author saw, so each use is a warning.
fn warn_about_filters(path: &Path, declaration: &Declaration, problems: &mut Vec<CatalogProblem>) {
    for (terms_type, terms) in &declaration.terms {
        for (index, source) in terms.sources.iter().enumerate() {
            if source.filters.is_empty() {
                continue;
            }
            let field = if terms.sources.len() > 1 {
                format!("terms.{terms_type}.combine[{index}].filter")
            } else {
                format!("terms.{terms_type}.filter")
            };
            problems.push(CatalogProblem {
                file: path.to_path_buf(),
                field,
                message: format!(
                    "JavaScript filters ({}) are not supported and will not be applied",
                    source.filters.join(", ")
                ),
                severity: Severity::Warning,
            });
        }
    }
}

fn read(path: &Path) -> Result<String, CatalogError> {
    std::fs::read_to_string(path)
        .map_err(|err| CatalogError::Unreadable { path: path.to_path_buf(), reason: err.to_string() })
}

fn problem(path: &Path, field: &str, message: String) -> CatalogProblem {
    CatalogProblem { file: path.to_path_buf(), field: field.to_owned(), message, severity: Severity::Error }
}

fn from_declaration(path: &Path, found: DeclarationProblem) -> CatalogProblem {
    problem(path, &found.field, found.message)
}
