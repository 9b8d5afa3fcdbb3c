//! Argon2id password hashing, off the async threads.
use std::sync::LazyLock;

use anyhow::Context;
use argon2::{
    Argon2,
    password_hash::{PasswordHasher, PasswordVerifier},
};

use crate::domain::account::NewPassword;

/// A hash to verify against when no user has the email, so a wrong email costs as much time as
/// a wrong password and response times do not tell which accounts exist.
static DUMMY_HASH: LazyLock<Option<String>> =
    LazyLock::new(|| Argon2::default().hash_password(b"no such user, no such password").ok().map(|h| h.to_string()));

/// Hashes a new password (Argon2id, default parameters, random salt) as a PHC string.
pub async fn hash_password(password: NewPassword) -> anyhow::Result<String> {
    let span = tracing::Span::current();
    tokio::task::spawn_blocking(move || {
        let _entered = span.enter();
        hash_password_blocking(password.expose())
    })
    .await
    .context("the password hashing task failed")?
}

/// The blocking hash, for the CLI and benchmarks.
pub fn hash_password_blocking(password: &str) -> anyhow::Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|e| anyhow::anyhow!("cannot hash the password: {e}"))
}

/// Whether `password` matches the stored `hash`; `None` verifies against a dummy hash and is
/// always false. A malformed stored hash is logged and never matches.
pub async fn verify_password(password: String, hash: Option<String>) -> bool {
    let span = tracing::Span::current();
    let checked = tokio::task::spawn_blocking(move || {
        let _entered = span.enter();
        let (hash, real) = match hash {
            Some(hash) => (hash, true),
            None => (DUMMY_HASH.clone().unwrap_or_default(), false),
        };
        match Argon2::default().verify_password(password.as_bytes(), hash.as_str()) {
            Ok(()) => real,
            Err(argon2::password_hash::Error::PasswordInvalid) => false,
            Err(error) => {
                tracing::error!(%error, "a stored password hash does not parse");
                false
            }
        }
    })
    .await;
    checked.unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_and_no_other() {
        let password = NewPassword::parse("correct horse battery", "a@b.c").unwrap();
        let hash = hash_password(password).await.unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery".into(), Some(hash.clone())).await);
        assert!(!verify_password("correct horse battery!".into(), Some(hash)).await);
        assert!(!verify_password("anything".into(), None).await);
        assert!(!verify_password("anything".into(), Some("not a hash".into())).await);
    }
}
