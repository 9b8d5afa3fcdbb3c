use std::collections::BTreeMap;
pub struct Declaration { pub name: String, pub terms: BTreeMap<String, TermsDeclaration> }
#[derive(Clone)] pub struct TermsDeclaration { pub sources: Vec<SourceDocument> }
#[derive(Clone)] pub struct SourceDocument { pub fetch: url::Url }
pub struct DeclarationProblem;
impl std::fmt::Display for DeclarationProblem { fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result { write!(f, "x") } }
impl Declaration { pub fn parse(_j: &str) -> Result<Declaration, Vec<DeclarationProblem>> { todo!() } }
pub fn slug(n: &str) -> String { n.into() }
