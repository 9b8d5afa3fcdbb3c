//! Email addresses: a value of this type is a syntactically valid address.
use std::fmt;

/// Why a string is not an email address; the message is safe to show to the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    /// Empty, missing an `@`, a bad domain, spaces, …
    #[error("“{0}” is not a valid email address")]
    Invalid(String),
}

/// An email address, parsed with `lettre`'s rules (RFC 5321 local part and domain).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EmailAddress(String);

impl EmailAddress {
    /// Parses a trimmed address; the domain is kept as written (addresses are compared
    /// case-insensitively by the database).
    pub fn parse(raw: &str) -> Result<Self, EmailError> {
        let trimmed = raw.trim();
        let address: lettre::Address = trimmed.parse().map_err(|_| EmailError::Invalid(trimmed.to_owned()))?;
        Ok(Self(address.to_string()))
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
    fn an_address_is_trimmed_and_keeps_its_parts() {
        let email = EmailAddress::parse("  Ada.Lovelace+cw@Example.org \n").unwrap();
        assert_eq!(email.as_ref(), "Ada.Lovelace+cw@Example.org");
        assert_eq!(email.domain(), "Example.org");
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
    }
}
