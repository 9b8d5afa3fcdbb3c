//! Account notices: mails that tell an address's owner what happened, with no single-use link
//! (the old address after an email change, the owner of an address someone signed up with),
//! rendered from `templates/emails/account-notice/`.
use askama::Template;
use chrono::{DateTime, Utc};
use url::Url;

use super::mails::AccountMail;

#[derive(Template)]
#[template(path = "emails/account-notice/body.txt", escape = "none")]
struct NoticeText<'a> {
    lines: &'a [String],
    links: &'a [(&'static str, String)],
}

#[derive(Template)]
#[template(path = "emails/account-notice/body.html")]
struct NoticeHtml<'a> {
    subject: &'a str,
    lines: &'a [String],
    links: &'a [(&'static str, String)],
}

fn render(
    template: &'static str,
    subject: &str,
    lines: &[String],
    links: &[(&'static str, String)],
) -> Result<AccountMail, askama::Error> {
    let text = NoticeText { lines, links }.render()?;
    let html = NoticeHtml { subject, lines, links }.render()?;
    Ok(AccountMail { template, subject: subject.to_owned(), text, html })
}

/// `ada@example.com` as `a***@example.com`: enough for the owner to recognise, not a new
/// address handed to whoever reads the old mailbox.
pub fn masked(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => format!("{}***@{domain}", local.chars().next().unwrap_or('*')),
        None => "***".to_owned(),
    }
}

/// To the old address: the account's sign-in address changed.
pub fn email_changed(new_email: &str, at: DateTime<Utc>) -> Result<AccountMail, askama::Error> {
    let lines = [
        format!(
            "The sign-in address of your ClauseWatch account was changed from this address to {} on {} UTC.",
            masked(new_email),
            at.format("%Y-%m-%d at %H:%M")
        ),
        "If you made this change, there is nothing to do: alerts, digests and password resets now go to the new address."
            .to_owned(),
        "If you did not, someone else may know your password: contact the operator of this ClauseWatch service at once (reply to this mail) so they can give the account back to this address.".to_owned(),
    ];
    render("email-changed", "Your ClauseWatch sign-in address was changed", &lines, &[])
}

/// To the owner of an address someone tried to sign up with again.
pub fn sign_up_attempt(base: &Url) -> Result<AccountMail, askama::Error> {
    let join = |path: &str| base.join(path).map_or_else(|_| base.to_string(), String::from);
    let lines = [
        "Someone tried to sign up to ClauseWatch with this address, which already has an account.".to_owned(),
        "If it was you, log in, or reset your password if you forgot it. If it was not you, ignore this mail: nothing changed."
            .to_owned(),
    ];
    let links = [("Log in", join("/login")), ("Reset your password", join("/password/forgot"))];
    render("sign-up-attempt", "Someone tried to sign up to ClauseWatch with your address", &lines, &links)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_new_address_is_masked_in_the_notice_to_the_old_one() {
        assert_eq!(masked("nina@example.org"), "n***@example.org");
        let at = "2026-03-04T05:06:00Z".parse().unwrap();
        let mail = email_changed("nina@example.org", at).unwrap();
        assert!(mail.text.contains("to n***@example.org on 2026-03-04 at 05:06 UTC"), "{}", mail.text);
        assert!(!mail.text.contains("nina@") && !mail.html.contains("nina@"));
        assert!(mail.text.contains("contact the operator"));
    }

    #[test]
    fn the_sign_up_attempt_notice_links_to_log_in_and_reset() {
        let mail = sign_up_attempt(&"https://cw.example/".parse().unwrap()).unwrap();
        assert!(mail.text.contains("Log in: https://cw.example/login"), "{}", mail.text);
        assert!(mail.html.contains("href=\"https://cw.example/password/forgot\""), "{}", mail.html);
    }
}
