//! Account notices: mails that tell an address's owner what happened, with no single-use link
//! (the old address after an email change, the owner of an address someone signed up with, an
//! operator whose document stopped capturing), rendered from `templates/emails/account-notice/`.
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

/// What operators are told of a document that stopped capturing.
pub struct FailingDocument<'a> {
    /// `OpenAI Terms of Use`.
    pub name: &'a str,
    pub since: DateTime<Utc>,
    pub failed_captures: i64,
    pub last_at: DateTime<Utc>,
    /// `failed` or `suspect`.
    pub last_outcome: &'a str,
    pub last_reason: &'a str,
}

/// To operators: a document has failed or been suspect for `days` days or more.
pub fn capture_failing(base: &Url, doc: &FailingDocument<'_>, days: u32) -> Result<AccountMail, askama::Error> {
    let at = |t: DateTime<Utc>| t.format("%Y-%m-%d %H:%M UTC").to_string();
    let captures = match doc.failed_captures {
        1 => "its last capture failed or was suspect".to_owned(),
        n => format!("its last {n} captures failed or were suspect"),
    };
    let lines = [
        format!(
            "ClauseWatch has not captured {} since {}: {captures}, so changes to it go unseen and no subscriber is alerted.",
            doc.name,
            at(doc.since)
        ),
        format!(
            "The newest capture, at {}, {}: {}",
            at(doc.last_at),
            if doc.last_outcome == "suspect" { "was suspect" } else { "failed" },
            doc.last_reason
        ),
        "Usually the page moved or its layout changed: check the declaration's address and selectors (`clausewatch catalog check`), fix the catalogue, then press \"Capture now\" on the captures page.".to_owned(),
        format!(
            "This mail comes once per failure spell: the next one only after the document captures well again and then fails for {days} day{} (CAPTURE_ALERT_DAYS).",
            if days == 1 { "" } else { "s" }
        ),
    ];
    let page = base.join("/admin/captures").map_or_else(|_| base.to_string(), String::from);
    let subject = format!("ClauseWatch cannot capture {} (failing since {})", doc.name, doc.since.format("%Y-%m-%d"));
    render("capture-failing", &subject, &lines, &[("See the captures page", page)])
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
    fn the_capture_failing_notice_names_the_document_the_reason_and_the_page_escaped_in_html() {
        let at = |t: &str| t.parse::<DateTime<Utc>>().unwrap();
        let doc = FailingDocument {
            name: "Acme <AI> Terms",
            since: at("2026-12-01T06:00:00Z"),
            failed_captures: 1,
            last_at: at("2026-12-03T06:00:00Z"),
            last_outcome: "suspect",
            last_reason: "the selector \"#terms\" matched nothing",
        };
        let mail = capture_failing(&"https://cw.example/".parse().unwrap(), &doc, 2).unwrap();
        assert_eq!(mail.subject, "ClauseWatch cannot capture Acme <AI> Terms (failing since 2026-12-01)");
        assert!(
            mail.text.contains("since 2026-12-01 06:00 UTC: its last capture failed or was suspect"),
            "{}",
            mail.text
        );
        assert!(mail.text.contains("at 2026-12-03 06:00 UTC, was suspect: the selector"), "{}", mail.text);
        assert!(mail.text.contains("fails for 2 days"), "{}", mail.text);
        assert!(mail.html.contains("Acme &#60;AI&#62; Terms") && !mail.html.contains("<AI>"), "{}", mail.html);
        assert!(mail.html.contains("href=\"https://cw.example/admin/captures\""), "{}", mail.html);
    }

    #[test]
    fn the_sign_up_attempt_notice_links_to_log_in_and_reset() {
        let mail = sign_up_attempt(&"https://cw.example/".parse().unwrap()).unwrap();
        assert!(mail.text.contains("Log in: https://cw.example/login"), "{}", mail.text);
        assert!(mail.html.contains("href=\"https://cw.example/password/forgot\""), "{}", mail.html);
    }
}
