#[derive(Clone, Debug)]
pub struct Provision { pub ordinal: usize, pub key: String, pub heading_path: Vec<String>, pub clause: Option<String>, pub title: Option<String>, pub text: String, pub sha256: String }
