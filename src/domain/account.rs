//! Accounts and tenants as plain data: ids that cannot pose as each other, roles, and the
//! password strength rule.

/// A user's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct UserId(pub i64);

/// An organisation's id: the tenant every tenant-owned row belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct OrgId(pub i64);

impl std::fmt::Display for UserId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::fmt::Display for OrgId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// What a member may do in an organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Manages members, invitations and the plan.
    Owner,
    /// Uses the organisation's settings.
    Member,
}

/// Why account input is refused; messages are safe to show a user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountError {
    #[error("Choose a password of at least {min} characters; a short sentence works well.", min = MIN_PASSWORD_CHARS)]
    PasswordTooShort,
    #[error("Choose a password of at most {max} characters.", max = MAX_PASSWORD_CHARS)]
    PasswordTooLong,
    #[error("That password is too easy to guess. Mix several words, or add digits and symbols.")]
    PasswordTooWeak,
    #[error("The password must not contain your email address.")]
    PasswordContainsEmail,
    #[error("{0:?} is not a role: choose owner or member.")]
    UnknownRole(String),
}

/// The fewest characters a password may have.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// The most characters a password may have (hashing is costly; nobody types more).
pub const MAX_PASSWORD_CHARS: usize = 128;

const COMMON: [&str; 12] = [
    "password",
    "123456",
    "qwerty",
    "letmein",
    "welcome",
    "iloveyou",
    "admin",
    "monkey",
    "dragon",
    "abc123",
    "football",
    "clausewatch",
];

impl Role {
    /// Parses the stored name.
    pub fn parse(raw: &str) -> Result<Role, AccountError> {
        match raw {
            "owner" => Ok(Role::Owner),
            "member" => Ok(Role::Member),
            other => Err(AccountError::UnknownRole(other.chars().take(40).collect())),
        }
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Member => "member",
        }
    }
}

/// A password that passed the strength rule; only [`NewPassword::parse`] makes one.
#[derive(Clone)]
pub struct NewPassword(String);

impl NewPassword {
    /// Checks length, variety, common passwords and the email address.
    pub fn parse(raw: &str, email: &str) -> Result<NewPassword, AccountError> {
        let chars = raw.chars().count();
        if chars < MIN_PASSWORD_CHARS {
            return Err(AccountError::PasswordTooShort);
        }
        if chars > MAX_PASSWORD_CHARS {
            return Err(AccountError::PasswordTooLong);
        }
        let lower = raw.to_lowercase();
        let distinct: std::collections::HashSet<char> = lower.chars().collect();
        let stripped: String = lower.chars().filter(|c| c.is_alphabetic()).collect();
        if distinct.len() < 5 || COMMON.iter().any(|c| stripped == *c || lower.starts_with(c) && chars < 14) {
            return Err(AccountError::PasswordTooWeak);
        }
        let local = email.split('@').next().unwrap_or_default().to_lowercase();
        if local.chars().count() >= 4 && lower.contains(&local) {
            return Err(AccountError::PasswordContainsEmail);
        }
        Ok(NewPassword(raw.to_owned()))
    }

    /// The password, for hashing only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn weak_passwords_are_refused_with_a_message_saying_what_to_do() {
        let cases = [
            ("short", AccountError::PasswordTooShort),
            ("aaaaaaaaaaaa", AccountError::PasswordTooWeak),
            ("password2024", AccountError::PasswordTooWeak),
            ("1212121212121", AccountError::PasswordTooWeak),
            ("adalovelace-rocks", AccountError::PasswordContainsEmail),
        ];
        for (raw, expected) in cases {
            assert_eq!(NewPassword::parse(raw, "adalovelace@example.com").unwrap_err(), expected, "{raw}");
        }
        assert_eq!(NewPassword::parse(&"x1".repeat(65), "a@b.c").unwrap_err(), AccountError::PasswordTooLong);
        assert!(AccountError::PasswordTooShort.to_string().contains("at least 10 characters"));
    }

    #[test]
    fn a_password_never_shows_in_debug_output() {
        let password = NewPassword::parse("correct horse battery", "a@b.c").unwrap();
        assert!(!format!("{password:?}").contains("horse"));
    }

    #[test]
    fn roles_parse_back() {
        assert_eq!(Role::parse(Role::Owner.as_str()), Ok(Role::Owner));
        assert_eq!(Role::parse(Role::Member.as_str()), Ok(Role::Member));
        assert!(Role::parse("admin").is_err());
    }

    proptest! {
        #[test]
        fn long_varied_passphrases_are_accepted(words in proptest::collection::vec("[a-z]{4,8}", 3..6), n in 10u32..9999) {
            let raw = format!("{}-{n}", words.join(" "));
            prop_assume!(raw.chars().collect::<std::collections::HashSet<_>>().len() >= 5);
            prop_assume!(!COMMON.iter().any(|c| raw.starts_with(c)));
            prop_assert!(NewPassword::parse(&raw, "zz@example.com").is_ok());
        }
    }
}
