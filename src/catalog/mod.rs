//! The catalogue of platforms: a folder of OTA declaration files (`<platform>.json`, with an
//! optional `<platform>.history.json`). Files named `*.filters.js` are OTA filter code and are
//! ignored.

mod check;

use std::fmt;
use std::path::{Path, PathBuf};

use crate::domain::declaration::{Declaration, DeclarationHistory, TermsDeclaration, slug};

pub use check::check_dir;

/// Every platform of a catalogue folder, sorted by slug.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Catalog {
    /// The platforms, sorted by slug.
    pub platforms: Vec<CatalogPlatform>,
}

/// One declaration file (and its history file, if any).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogPlatform {
    /// The file stem (`anthropic` for `anthropic.json`).
    pub slug: String,
    /// The service name from the declaration.
    pub name: String,
    /// The current declaration.
    pub declaration: Declaration,
    /// Earlier declarations, from `<slug>.history.json`.
    pub history: Option<DeclarationHistory>,
}

/// One document of the catalogue, as yielded by [`Catalog::documents`].
#[derive(Debug, Clone)]
pub struct CatalogDocument<'a> {
    /// The platform slug (file stem).
    pub platform_slug: &'a str,
    /// `slug(terms type)`, e.g. `terms-of-service`.
    pub document_slug: String,
    /// The terms type as declared, e.g. `Terms of Service`.
    pub terms_type: &'a str,
    /// Where the document lives.
    pub terms: &'a TermsDeclaration,
}

impl Catalog {
    /// Every document of every platform, platforms by slug, documents by terms type.
    pub fn documents(&self) -> impl Iterator<Item = CatalogDocument<'_>> {
        self.platforms.iter().flat_map(|platform| {
            platform.declaration.terms.iter().map(|(terms_type, terms)| CatalogDocument {
                platform_slug: &platform.slug,
                document_slug: slug(terms_type),
                terms_type,
                terms,
            })
        })
    }

    /// The platform with this slug.
    pub fn platform(&self, slug: &str) -> Option<&CatalogPlatform> {
        self.platforms.iter().find(|platform| platform.slug == slug)
    }
}

/// How serious a catalogue problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The file cannot be used as it is.
    Error,
    /// The file loads, but something in it will not work as its author meant.
    Warning,
}

/// One problem in one catalogue file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogProblem {
    /// The file the problem is in.
    pub file: PathBuf,
    /// The field path inside the file (empty when about the whole file).
    pub field: String,
    /// What is wrong.
    pub message: String,
    /// Whether the file is unusable ([`Severity::Error`]) or merely suspicious.
    pub severity: Severity,
}

impl CatalogProblem {
    /// True for problems that stop the file from loading.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for CatalogProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let field = if self.field.is_empty() { "-" } else { &self.field };
        let prefix = match self.severity {
            Severity::Error => "",
            Severity::Warning => "warning: ",
        };
        write!(f, "{}: {field}: {prefix}{}", self.file.display(), self.message)
    }
}

/// Why a catalogue folder could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    /// The folder or a file in it could not be read.
    #[error("cannot read {}: {reason}", path.display())]
    Unreadable {
        /// The folder or file.
        path: PathBuf,
        /// The operating system's reason.
        reason: String,
    },
    /// One or more files have errors; every one is listed.
    #[error("the catalogue has {} problem(s): {}", problems.len(), list(problems))]
    Invalid {
        /// Every error-level problem found.
        problems: Vec<CatalogProblem>,
    },
}

fn list(problems: &[CatalogProblem]) -> String {
    problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
}

/// Loads every `*.json` of `dir` as a platform (attaching `*.history.json` as its history).
/// Fails with every error-level problem if any file is invalid; warnings do not stop loading.
pub fn load_dir(dir: &Path) -> Result<Catalog, CatalogError> {
    let (platforms, problems) = check::read_dir(dir)?;
    let errors: Vec<CatalogProblem> = problems.into_iter().filter(CatalogProblem::is_error).collect();
    if errors.is_empty() { Ok(Catalog { platforms }) } else { Err(CatalogError::Invalid { problems: errors }) }
}
