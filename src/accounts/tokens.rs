//! Random tokens for single-use links; the database keeps only their SHA-256.
use sha2::{Digest, Sha256};

/// A fresh token: `raw` goes into the link, `hash` into the database.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    pub raw: String,
    pub hash: String,
}

/// 244 random bits from the operating system (two v4 UUIDs), hex-encoded.
pub fn new_token() -> IssuedToken {
    let raw = format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple());
    let hash = hash_token(&raw);
    IssuedToken { raw, hash }
}

/// The stored form of a token.
pub fn hash_token(raw: &str) -> String {
    hex::encode(Sha256::digest(raw.trim().as_bytes()))
}

/// Compares two strings in time independent of where they differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_unique_and_only_their_hash_matches() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a.raw, b.raw);
        assert_eq!(a.raw.len(), 64);
        assert_eq!(hash_token(&a.raw), a.hash);
        assert_ne!(a.hash, a.raw);
        assert!(constant_time_eq(&a.raw, &a.raw.clone()));
        assert!(!constant_time_eq(&a.raw, &b.raw));
        assert!(!constant_time_eq("abc", "abcd"));
    }
}
