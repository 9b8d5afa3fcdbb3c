//! The account mails (verify email, reset password, invitation, confirm a new email), rendered
//! from `templates/emails/account-link/` and written to the outbox in the caller's transaction.
use askama::Template;
use sqlx::PgConnection;
use url::Url;

use crate::domain::account::{OrgId, UserId};
use crate::domain::email::EmailAddress;
use crate::mail::outbox::{self, NewMail};
use crate::mail::render::Rendered;

/// One account mail, rendered.
#[derive(Debug, Clone)]
pub struct AccountMail {
    pub template: &'static str,
    pub subject: String,
    pub text: String,
    pub html: String,
}

#[derive(Template)]
#[template(path = "emails/account-link/body.txt", escape = "none")]
struct LinkText<'a> {
    greeting: &'a str,
    intro: &'a str,
    action: &'a str,
    link: &'a str,
    outro: &'a str,
}

#[derive(Template)]
#[template(path = "emails/account-link/body.html")]
struct LinkHtml<'a> {
    subject: &'a str,
    greeting: &'a str,
    intro: &'a str,
    action: &'a str,
    link: &'a str,
    outro: &'a str,
}

/// What a link mail says.
struct LinkMail<'a> {
    template: &'static str,
    subject: String,
    intro: String,
    action: &'a str,
    link: Url,
    outro: &'a str,
}

fn render(mail: LinkMail<'_>) -> Result<AccountMail, askama::Error> {
    let greeting = "Hello,";
    let text =
        LinkText { greeting, intro: &mail.intro, action: mail.action, link: mail.link.as_str(), outro: mail.outro }
            .render()?;
    let html = LinkHtml {
        subject: &mail.subject,
        greeting,
        intro: &mail.intro,
        action: mail.action,
        link: mail.link.as_str(),
        outro: mail.outro,
    }
    .render()?;
    Ok(AccountMail { template: mail.template, subject: mail.subject, text, html })
}

/// `base` joined with `path` and `?token=`.
pub fn link(base: &Url, path: &str, token: &str) -> Url {
    let mut url = base.join(path).unwrap_or_else(|_| base.clone());
    url.query_pairs_mut().clear().append_pair("token", token);
    url
}

/// "Confirm your email address".
pub fn verify_email(base: &Url, token: &str) -> Result<AccountMail, askama::Error> {
    render(LinkMail {
        template: "verify-email",
        subject: "Confirm your email address for ClauseWatch".into(),
        intro: "Thanks for signing up to ClauseWatch. Please confirm that this address is yours.".into(),
        action: "Confirm my email address",
        link: link(base, "/verify-email", token),
        outro: "The link works once and for 48 hours. If you did not sign up, ignore this mail.",
    })
}

/// "Reset your password".
pub fn reset_password(base: &Url, token: &str) -> Result<AccountMail, askama::Error> {
    render(LinkMail {
        template: "reset-password",
        subject: "Reset your ClauseWatch password".into(),
        intro: "Someone (hopefully you) asked to reset the password of this ClauseWatch account.".into(),
        action: "Choose a new password",
        link: link(base, "/password/reset", token),
        outro: "The link works once and for 1 hour. If you did not ask, ignore this mail: your password stays as it is.",
    })
}

/// "You are invited to join {org}".
pub fn invitation(base: &Url, token: &str, org_name: &str, inviter: &str) -> Result<AccountMail, askama::Error> {
    render(LinkMail {
        template: "invitation",
        subject: format!("{inviter} invited you to {org_name} on ClauseWatch"),
        intro: format!(
            "{inviter} invited you to join the organisation \"{org_name}\" on ClauseWatch, which watches the terms of AI platforms."
        ),
        action: "Accept the invitation",
        link: link(base, "/invitations/accept", token),
        outro: "The link works once and for 7 days. Sign up or log in with this email address to accept it.",
    })
}

/// "Confirm your new email address".
pub fn change_email(base: &Url, token: &str) -> Result<AccountMail, askama::Error> {
    render(LinkMail {
        template: "change-email",
        subject: "Confirm your new email address for ClauseWatch".into(),
        intro: "You asked to use this address for your ClauseWatch account.".into(),
        action: "Use this email address",
        link: link(base, "/account/email/confirm", token),
        outro: "The link works once and for 48 hours. Until you confirm, your old address stays in use.",
    })
}

/// Writes the mail to the outbox (the mail engineer's `mail::outbox`), keyed so it is sent at
/// most once. `to` was checked by [`crate::accounts::parse_email`].
pub async fn enqueue(
    conn: &mut PgConnection,
    key: &str,
    org: Option<OrgId>,
    user: Option<UserId>,
    to: &str,
    mail: &AccountMail,
) -> anyhow::Result<bool> {
    let recipient = EmailAddress::parse(to).map_err(|e| anyhow::anyhow!("{e}"))?;
    let rendered = Rendered { subject: mail.subject.clone(), text: mail.text.clone(), html: mail.html.clone() };
    let new = NewMail {
        idempotency_key: key.to_owned(),
        org_id: org.map(|o| o.0),
        user_id: user.map(|u| u.0),
        recipient,
        template: mail.template,
        rendered,
        headers: Vec::new(),
    };
    Ok(outbox::enqueue(conn, &new).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reset_mail_carries_an_absolute_link_with_the_token_in_both_parts() {
        let base: Url = "https://clausewatch.example/".parse().unwrap();
        let mail = reset_password(&base, "abc123").unwrap();
        assert!(mail.text.contains("https://clausewatch.example/password/reset?token=abc123"), "{}", mail.text);
        assert!(
            mail.html.contains("href=\"https://clausewatch.example/password/reset?token=abc123\""),
            "{}",
            mail.html
        );
        assert_eq!(mail.template, "reset-password");
    }

    #[test]
    fn an_invitation_escapes_the_organisation_name_in_html() {
        let base: Url = "http://127.0.0.1:8080".parse().unwrap();
        let mail = invitation(&base, "t", "<b>Acme</b>", "ada@example.com").unwrap();
        assert!(mail.html.contains("&#60;b&#62;Acme") || mail.html.contains("&lt;b&gt;Acme"), "{}", mail.html);
        assert!(mail.text.contains("\"<b>Acme</b>\""));
    }
}
