use crate::domain::provision::Provision;
#[derive(Clone, Copy, Debug)] pub enum ChangeClass { Substantive, Cosmetic, Metadata }
#[derive(Clone, Copy, Debug)] pub enum ChangeKind { Added, Removed, Modified, Moved, Renumbered }
#[derive(serde::Serialize)] pub enum WordOp { Equal(String) }
pub struct Link { pub prev: usize, pub next: usize }
pub struct ProvisionChange { pub kind: ChangeKind, pub prev: Option<usize>, pub next: Option<usize>, pub key: String, pub label: String, pub class: ChangeClass, pub summary: String, pub words: Vec<WordOp> }
pub struct Change { pub class: ChangeClass, pub links: Vec<Link>, pub provisions: Vec<ProvisionChange> }
impl Change { pub fn is_empty(&self) -> bool { true } pub fn summary(&self) -> String { String::new() } }
pub fn diff(_a: &[Provision], _b: &[Provision]) -> Change { todo!() }
