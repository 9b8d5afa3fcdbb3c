use std::path::{Path, PathBuf};
use crate::domain::declaration::*;
pub struct Catalog { pub platforms: Vec<CatalogPlatform> }
pub struct CatalogPlatform { pub slug: String, pub name: String, pub declaration: Declaration }
#[derive(Debug, thiserror::Error)] #[error("x")] pub struct CatalogError;
pub fn load_dir(_d: &Path) -> Result<Catalog, CatalogError> { todo!() }
pub struct CatalogProblem { pub file: PathBuf }
impl std::fmt::Display for CatalogProblem { fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result { write!(f, "x") } }
pub fn check_dir(_d: &Path) -> Vec<CatalogProblem> { todo!() }
