use crate::domain::declaration::*;
#[derive(Debug, thiserror::Error)] pub enum ExtractError { #[error("x")] NothingSelected { selector: String }, #[error("y")] Other }
pub fn extract_terms(_p: &[&str], _t: &TermsDeclaration) -> Result<String, ExtractError> { todo!() }
pub fn normalize_markdown(m: &str) -> String { m.into() }
