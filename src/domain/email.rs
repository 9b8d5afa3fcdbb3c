//! Email addresses: a value of this type is a syntactically valid address.
use std::fmt;

/// Why a string is not an email address; the message is safe to show to the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    /// Empty, missing an `@`, a bad domain, spaces, …
    #[error("“{0}” is not a valid email address")]
    Invalid(String),
}

/// An email address our mailer can send to and a person can receive: a dot-atom local part of
/// ASCII letters, digits and `!#$%&'*+/=?^_`{|}~-` (no quoted local parts), at most 64 characters;
/// a domain name of at least two labels (letters, digits, inner dashes; no IP literals), written
/// in lowercase; at most 254 characters in all. Every value is also a valid `lettre::Address`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EmailAddress(String);

/// The longest address SMTP carries (RFC 5321 path limit less the angle brackets).
const MAX_ADDRESS: usize = 254;
/// The longest local part (RFC 5321 4.5.3.1.1).
const MAX_LOCAL: usize = 64;
/// The longest domain label (RFC 1035).
const MAX_LABEL: usize = 63;

impl EmailAddress {
    /// Parses a trimmed address; the domain is lowercased, the local part kept as written
    /// (addresses are compared case-insensitively by the database).
    pub fn parse(raw: &str) -> Result<Self, EmailError> {
        let trimmed = raw.trim();
        let invalid = || EmailError::Invalid(trimmed.chars().take(80).collect());
        let (local, domain) = trimmed.rsplit_once('@').ok_or_else(invalid)?;
        if trimmed.len() > MAX_ADDRESS || !is_dot_atom(local) || !is_domain_name(domain) {
            return Err(invalid());
        }
        let address = format!("{local}@{}", domain.to_ascii_lowercase());
        let parsed: lettre::Address = address.parse().map_err(|_| invalid())?;
        Ok(Self(parsed.to_string()))
    }

    /// The address as lettre takes it.
    pub fn to_lettre(&self) -> Result<lettre::Address, EmailError> {
        self.0.parse().map_err(|_| EmailError::Invalid(self.0.clone()))
    }

    /// The domain part, for logs (never log the whole address).
    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map_or("", |(_, domain)| domain)
    }
}

/// RFC 5322 `atext` in ASCII.
fn is_atext(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~-".contains(c)
}

/// Atoms of `atext` joined by single dots, at most 64 characters.
fn is_dot_atom(local: &str) -> bool {
    local.len() <= MAX_LOCAL && local.split('.').all(|atom| !atom.is_empty() && atom.chars().all(is_atext))
}

/// A DNS name of two or more labels whose last label is not all digits (so no IPv4 address).
fn is_domain_name(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    let label_ok = |label: &&str| {
        (1..=MAX_LABEL).contains(&label.len())
            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    };
    let top_ok = labels.last().is_some_and(|top| !top.chars().all(|c| c.is_ascii_digit()));
    labels.len() >= 2 && labels.iter().all(label_ok) && top_ok
}

impl AsRef<str> for EmailAddress {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn malformed_addresses_are_rejected_with_a_readable_message() {
        let bad = [
            "",
            " ",
            "plainaddress",
            "@example.com",
            "someone@",
            "two@@example.com",
            "spaces in@example.com",
            "someone@exa mple.com",
            "someone@-example.com",
            "someone@example..com",
            "<someone@example.com>",
            "Someone <someone@example.com>",
            "someone@example.com, other@example.com",
            "someone\n@example.com",
        ];
        for raw in bad {
            let error = EmailAddress::parse(raw).expect_err(raw);
            assert!(error.to_string().contains("is not a valid email address"), "{raw:?}: {error}");
        }
    }

    #[test]
    fn addresses_the_mailer_cannot_send_to_or_nobody_can_receive_are_rejected() {
        let long_local = format!("{}@example.com", "a".repeat(65));
        let long_label = format!("a@{}.com", "b".repeat(64));
        let long_total = format!("a@{}.com", vec!["c".repeat(60); 5].join("."));
        let bad = [
            "\"<script>\"@x.test",
            "\"ada lovelace\"@example.com",
            "a@[127.0.0.1]",
            "a@[IPv6:::1]",
            "a@127.0.0.1",
            "a@localhost",
            "a@example",
            "a@example.com.",
            "a@.example.com",
            "a@exa_mple.com",
            "a@example-.com",
            ".ada@example.com",
            "ada.@example.com",
            "ada..lovelace@example.com",
            "ada(comment)@example.com",
            "ada\\@example.com",
            "adä@example.com",
            "ada@exämple.com",
            "ada@example.com\u{0}",
            "a\u{0}@x.test",
            long_local.as_str(),
            long_label.as_str(),
            long_total.as_str(),
        ];
        for raw in bad {
            let error = EmailAddress::parse(raw).expect_err(raw);
            assert!(error.to_string().contains("is not a valid email address"), "{raw:?}: {error}");
        }
    }

    #[test]
    fn an_address_is_trimmed_keeps_its_local_part_and_lowercases_its_domain() {
        let email = EmailAddress::parse("  Ada.Lovelace+cw@Example.org \n").unwrap();
        assert_eq!(email.as_ref(), "Ada.Lovelace+cw@example.org");
        assert_eq!(email.domain(), "example.org");
        assert!(email.to_lettre().is_ok());
    }

    proptest! {
        #[test]
        fn simple_generated_addresses_are_accepted(local in "[a-z0-9][a-z0-9._+-]{0,20}[a-z0-9]", domain in "[a-z][a-z0-9-]{0,10}[a-z0-9]\\.[a-z]{2,6}") {
            let raw = format!("{local}@{domain}");
            prop_assume!(!local.contains(".."));
            let email = EmailAddress::parse(&raw).unwrap();
            prop_assert_eq!(email.as_ref(), raw.as_str());
        }

        #[test]
        fn dot_atom_addresses_at_domain_names_are_accepted_with_the_domain_lowercased(
            atoms in proptest::collection::vec("[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]{1,8}", 1..4),
            labels in proptest::collection::vec("[A-Za-z0-9]([A-Za-z0-9-]{0,10}[A-Za-z0-9])?", 1..4),
            top in "[A-Za-z]{2,6}",
        ) {
            let local = atoms.join(".");
            let domain = format!("{}.{top}", labels.join("."));
            let email = EmailAddress::parse(&format!("{local}@{domain}")).unwrap();
            prop_assert_eq!(email.as_ref(), format!("{local}@{}", domain.to_ascii_lowercase()));
            prop_assert!(email.to_lettre().is_ok());
        }
    }
}
