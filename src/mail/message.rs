//! Builds the MIME message of an outbox row: multipart/alternative (text, then HTML), a
//! Message-ID derived from the idempotency key, and the row's extra headers.
use lettre::{
    Message,
    message::{
        Mailbox, MultiPart,
        header::{HeaderName, HeaderValue},
    },
};
use sha2::{Digest, Sha256};

use super::{SendError, outbox::OutboxRow};
use crate::domain::email::EmailAddress;

/// `<hex(sha256(key))[..32]@sender-domain>`: the same key always gives the same id, so a rare
/// resend after a crash is recognisable as the same mail.
pub fn message_id(idempotency_key: &str, from: &Mailbox) -> String {
    let digest = hex::encode(Sha256::digest(idempotency_key.as_bytes()));
    format!("<{}@{}>", &digest[..32], from.email.domain())
}

/// The message for one row; errors here are permanent (the row itself is unusable).
pub fn build(row: &OutboxRow, from: &Mailbox) -> Result<(Message, String), SendError> {
    let recipient = EmailAddress::parse(&row.recipient)
        .and_then(|e| e.to_lettre())
        .map_err(|e| SendError::Permanent(e.to_string()))?;
    let id = message_id(&row.idempotency_key, from);
    let mut builder = Message::builder()
        .from(from.clone())
        .to(Mailbox::new(None, recipient))
        .subject(row.subject.clone())
        .message_id(Some(id.clone()))
        .date_now();
    for (name, value) in row.header_pairs() {
        let name = HeaderName::new_from_ascii(name.clone())
            .map_err(|_| SendError::Permanent(format!("the header name {name:?} is not valid")))?;
        builder = builder.raw_header(HeaderValue::new(name, value));
    }
    let body = MultiPart::alternative_plain_html(row.body_text.clone(), row.body_html.clone());
    let message =
        builder.multipart(body).map_err(|e| SendError::Permanent(format!("cannot build the message: {e}")))?;
    Ok((message, id))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(recipient: &str) -> OutboxRow {
        OutboxRow {
            outbox_id: 1,
            idempotency_key: "alert:1:2".into(),
            recipient: recipient.into(),
            template: "alert".into(),
            subject: "Subject é".into(),
            body_text: "Text".into(),
            body_html: "<p>HTML</p>".into(),
            headers: serde_json::json!([["List-Unsubscribe-Post", "List-Unsubscribe=One-Click"]]),
            attempts: 0,
        }
    }

    #[test]
    fn a_row_becomes_a_multipart_message_with_a_stable_id_and_its_headers() {
        let from: Mailbox = "ClauseWatch <alerts@clausewatch.test>".parse().unwrap();
        let (message, id) = build(&row("ada@example.org"), &from).unwrap();
        let raw = String::from_utf8(message.formatted()).unwrap();
        assert_eq!(id, message_id("alert:1:2", &from));
        assert!(id.ends_with("@clausewatch.test>"));
        assert!(raw.contains(&format!("Message-ID: {id}")));
        assert!(raw.contains("multipart/alternative"));
        assert!(raw.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
    }

    #[test]
    fn a_bad_recipient_is_a_permanent_failure() {
        let from: Mailbox = "alerts@clausewatch.test".parse().unwrap();
        assert!(matches!(build(&row("not an address"), &from), Err(SendError::Permanent(_))));
    }
}
