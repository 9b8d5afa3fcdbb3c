//! Signed unsubscribe links: an HMAC-SHA256 over (user, organisation, list) with `SECRET_KEY`,
//! checked without a database lookup. The links never expire: an old mail must still unsubscribe.
use std::{fmt, str::FromStr};

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The key that signs unsubscribe links. `Debug` never shows it.
#[derive(Clone)]
pub struct SecretKey {
    bytes: Vec<u8>,
    ephemeral: bool,
}

impl SecretKey {
    /// The shortest key accepted from the environment.
    pub const MIN_LEN: usize = 32;

    /// A random key for this process only.
    pub fn random() -> SecretKey {
        let mut bytes = uuid::Uuid::new_v4().as_bytes().to_vec();
        bytes.extend_from_slice(uuid::Uuid::new_v4().as_bytes());
        SecretKey { bytes, ephemeral: true }
    }

    /// True when the key was made up at start-up (no `SECRET_KEY`).
    pub fn is_ephemeral(&self) -> bool {
        self.ephemeral
    }

    fn mac(&self) -> Hmac<Sha256> {
        // HMAC takes keys of any length: this cannot fail.
        <Hmac<Sha256> as Mac>::new_from_slice(&self.bytes)
            .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"))
    }
}

impl FromStr for SecretKey {
    type Err = String;
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Ok(SecretKey::random());
        }
        if raw.len() < Self::MIN_LEN {
            return Err(format!("SECRET_KEY must be at least {} characters long", Self::MIN_LEN));
        }
        Ok(SecretKey { bytes: raw.as_bytes().to_vec(), ephemeral: false })
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.ephemeral { "SecretKey(random, per process)" } else { "SecretKey(***)" })
    }
}

/// Which mail a link unsubscribes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum List {
    /// Same-day change alerts.
    Alerts,
    /// The weekly digest.
    Digest,
}

impl List {
    /// The spelling in tokens.
    pub fn as_str(self) -> &'static str {
        match self {
            List::Alerts => "alerts",
            List::Digest => "digest",
        }
    }

    /// What people read: "same-day change alerts".
    pub fn describe(self) -> &'static str {
        match self {
            List::Alerts => "same-day change alerts",
            List::Digest => "the weekly digest",
        }
    }

    fn parse(raw: &str) -> Option<List> {
        match raw {
            "alerts" => Some(List::Alerts),
            "digest" => Some(List::Digest),
            _ => None,
        }
    }
}

/// Whom and what a valid token unsubscribes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unsubscribe {
    pub user_id: i64,
    pub org_id: i64,
    pub list: List,
}

/// Why a token was refused; safe to show.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("this unsubscribe link is incomplete or damaged")]
    Malformed,
    #[error("this unsubscribe link was not issued by ClauseWatch or has been altered")]
    BadSignature,
}

fn payload(user_id: i64, org_id: i64, list: List) -> String {
    format!("unsubscribe.v1.{user_id}.{org_id}.{}", list.as_str())
}

/// The token for a link: `<user>.<org>.<list>.<hex hmac>`.
pub fn sign(key: &SecretKey, what: Unsubscribe) -> String {
    let mut mac = key.mac();
    mac.update(payload(what.user_id, what.org_id, what.list).as_bytes());
    let tag = hex::encode(mac.finalize().into_bytes());
    format!("{}.{}.{}.{tag}", what.user_id, what.org_id, what.list.as_str())
}

/// Checks a token (in constant time) and says whom and what it unsubscribes.
pub fn verify(key: &SecretKey, token: &str) -> Result<Unsubscribe, TokenError> {
    let mut parts = token.trim().split('.');
    let (Some(user), Some(org), Some(list), Some(tag), None) =
        (parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(TokenError::Malformed);
    };
    let user_id: i64 = user.parse().map_err(|_| TokenError::Malformed)?;
    let org_id: i64 = org.parse().map_err(|_| TokenError::Malformed)?;
    let list = List::parse(list).ok_or(TokenError::Malformed)?;
    let tag = hex::decode(tag).map_err(|_| TokenError::Malformed)?;
    let mut mac = key.mac();
    mac.update(payload(user_id, org_id, list).as_bytes());
    mac.verify_slice(&tag).map_err(|_| TokenError::BadSignature)?;
    Ok(Unsubscribe { user_id, org_id, list })
}

/// The unsubscribe link for the body, and the `List-Unsubscribe` (RFC 2369) and
/// `List-Unsubscribe-Post` (RFC 8058 one-click) headers that carry it.
pub fn list_headers(
    key: &SecretKey,
    base: &url::Url,
    from: &lettre::message::Mailbox,
    what: Unsubscribe,
) -> (String, Vec<(String, String)>) {
    let token = sign(key, what);
    let url = super::changes::link(base, &format!("/unsubscribe?token={token}"));
    let mailto = format!("mailto:{}?subject=unsubscribe%20{token}", from.email);
    let headers = vec![
        ("List-Unsubscribe".to_owned(), format!("<{url}>, <{mailto}>")),
        ("List-Unsubscribe-Post".to_owned(), "List-Unsubscribe=One-Click".to_owned()),
    ];
    (url, headers)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> SecretKey {
        "a-test-key-that-is-long-enough-0123456789".parse().unwrap()
    }

    #[test]
    fn a_signed_token_verifies_to_what_was_signed() {
        let what = Unsubscribe { user_id: 7, org_id: 3, list: List::Digest };
        assert_eq!(verify(&key(), &sign(&key(), what)), Ok(what));
    }

    #[test]
    fn altered_forged_and_damaged_tokens_are_refused() {
        let token = sign(&key(), Unsubscribe { user_id: 7, org_id: 3, list: List::Alerts });
        let other_user = token.replacen("7.", "8.", 1);
        let other_list = token.replace(".alerts.", ".digest.");
        let other_key: SecretKey = "another-key-that-is-long-enough-9876543210".parse().unwrap();
        assert_eq!(verify(&key(), &other_user), Err(TokenError::BadSignature));
        assert_eq!(verify(&key(), &other_list), Err(TokenError::BadSignature));
        assert_eq!(verify(&other_key, &token), Err(TokenError::BadSignature));
        for bad in ["", "7.3.alerts", "x.3.alerts.00", "7.3.news.00", "7.3.alerts.zz", "7.3.alerts.00.extra"] {
            assert_eq!(verify(&key(), bad), Err(TokenError::Malformed), "{bad:?}");
        }
    }

    #[test]
    fn short_keys_are_refused_and_an_empty_one_is_random() {
        assert!("too-short".parse::<SecretKey>().is_err());
        let random: SecretKey = "".parse().unwrap();
        assert!(random.is_ephemeral());
        assert!(!format!("{random:?} {:?}", key()).contains("a-test-key"));
    }
}
