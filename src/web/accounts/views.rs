//! Template structs of the account pages: display-ready fields only.
use askama::Template;

/// The notice `/account?saved=KEY` shows after a form was saved: a fixed set of keys, so a link
/// cannot put its own text on the page; unknown keys show nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SavedNotice {
    Platforms,
    Preferences,
    Watches,
}

impl SavedNotice {
    /// The notice of a `saved` key, if it is one of ours.
    pub fn parse(key: &str) -> Option<SavedNotice> {
        match key {
            "platforms" => Some(SavedNotice::Platforms),
            "preferences" => Some(SavedNotice::Preferences),
            "watches" => Some(SavedNotice::Watches),
            _ => None,
        }
    }

    /// What the page says.
    pub fn message(self) -> &'static str {
        match self {
            SavedNotice::Platforms => "Saved your tracked platforms.",
            SavedNotice::Preferences => "Saved your alert preferences.",
            SavedNotice::Watches => "Saved your watches.",
        }
    }
}

/// A page with a message, and optionally one button form.
#[derive(Template, Default)]
#[template(path = "account/message.html")]
pub struct MessagePage {
    pub title: String,
    pub error: Option<String>,
    pub lines: Vec<String>,
    pub action: Option<String>,
    pub csrf: String,
    pub hidden: Vec<(String, String)>,
    pub button: String,
    pub links: Vec<(String, String)>,
}

impl MessagePage {
    /// A message with no form.
    pub fn info(title: &str, lines: &[&str], links: &[(&str, &str)]) -> MessagePage {
        MessagePage {
            title: title.into(),
            lines: lines.iter().map(|l| (*l).to_owned()).collect(),
            links: links.iter().map(|(h, l)| ((*h).to_owned(), (*l).to_owned())).collect(),
            ..MessagePage::default()
        }
    }

    /// A message with one button that posts `hidden` to `action`.
    pub fn confirm(
        title: &str,
        lines: Vec<String>,
        action: &str,
        csrf: String,
        hidden: Vec<(String, String)>,
        button: &str,
    ) -> MessagePage {
        MessagePage {
            title: title.into(),
            lines,
            action: Some(action.into()),
            csrf,
            hidden,
            button: button.into(),
            ..MessagePage::default()
        }
    }
}

/// The email/password forms: sign up, log in, forgot and reset password.
#[derive(Template, Default)]
#[template(path = "account/credentials.html")]
pub struct CredentialsPage {
    pub title: String,
    pub error: Option<String>,
    pub notice: Option<String>,
    pub action: String,
    pub csrf: String,
    pub hidden: Vec<(String, String)>,
    pub ask_email: bool,
    pub email: String,
    pub ask_password: bool,
    pub password_label: String,
    pub password_autocomplete: String,
    pub button: String,
    pub links: Vec<(String, String)>,
}

impl CredentialsPage {
    /// The sign-up form.
    pub fn sign_up(csrf: String, email: &str, error: Option<String>) -> CredentialsPage {
        CredentialsPage {
            title: "Sign up".into(),
            error,
            action: "/signup".into(),
            csrf,
            ask_email: true,
            email: email.into(),
            ask_password: true,
            password_label: "Choose a password".into(),
            password_autocomplete: "new-password".into(),
            button: "Create my account".into(),
            links: vec![("/login".into(), "Already have an account? Log in".into())],
            ..CredentialsPage::default()
        }
    }

    /// The login form.
    pub fn log_in(csrf: String, email: &str, next: &str, error: Option<String>) -> CredentialsPage {
        CredentialsPage {
            title: "Log in".into(),
            error,
            action: "/login".into(),
            csrf,
            hidden: vec![("next".into(), next.into())],
            ask_email: true,
            email: email.into(),
            ask_password: true,
            password_label: "Password".into(),
            password_autocomplete: "current-password".into(),
            button: "Log in".into(),
            links: vec![
                ("/signup".into(), "No account yet? Sign up".into()),
                ("/password/forgot".into(), "Forgot your password?".into()),
            ],
            ..CredentialsPage::default()
        }
    }

    /// The "send me a reset link" form.
    pub fn forgot(csrf: String, email: &str, error: Option<String>, notice: Option<String>) -> CredentialsPage {
        CredentialsPage {
            title: "Reset your password".into(),
            error,
            notice,
            action: "/password/forgot".into(),
            csrf,
            ask_email: true,
            email: email.into(),
            button: "Send me a reset link".into(),
            ..CredentialsPage::default()
        }
    }

    /// The "choose a new password" form behind a reset link.
    pub fn reset(csrf: String, token: &str, error: Option<String>) -> CredentialsPage {
        CredentialsPage {
            title: "Choose a new password".into(),
            error,
            action: "/password/reset".into(),
            csrf,
            hidden: vec![("token".into(), token.into())],
            ask_password: true,
            password_label: "New password".into(),
            password_autocomplete: "new-password".into(),
            button: "Save my new password".into(),
            ..CredentialsPage::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::SavedNotice;

    #[test]
    fn only_known_saved_keys_make_a_notice() {
        assert_eq!(SavedNotice::parse("platforms").map(SavedNotice::message), Some("Saved your tracked platforms."));
        assert_eq!(SavedNotice::parse("watches"), Some(SavedNotice::Watches));
        for unknown in ["", "Platforms", "password. Call +1 555 0100 to verify", "<b>x</b>"] {
            assert_eq!(SavedNotice::parse(unknown), None, "{unknown}");
        }
    }
}
