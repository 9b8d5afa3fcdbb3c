use crate::domain::provision::Provision;
pub fn segment(_t: &str) -> Vec<Provision> { todo!() }
