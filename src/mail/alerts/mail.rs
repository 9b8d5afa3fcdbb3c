//! The alert mail: what changed, in plain words, with links.
use crate::email_templates;
use crate::mail::changes::ChangeView;

/// The data of one alert mail.
#[derive(Debug, Clone)]
pub struct AlertMail {
    /// The changes listed, oldest first.
    pub changes: Vec<ChangeView>,
    pub unsubscribe_url: String,
    pub settings_url: String,
}

email_templates!(AlertMail, "emails/alert/subject.txt", "emails/alert/body.txt", "emails/alert/body.html");

impl AlertMail {
    /// "OpenAI changed its Terms of Service", or "3 changes: OpenAI Terms of Service, …".
    pub fn title(&self) -> String {
        match self.changes.as_slice() {
            [one] => format!("{} changed its {}", one.platform_name, one.document_name),
            many => {
                let names: Vec<String> =
                    many.iter().map(|c| format!("{} {}", c.platform_name, c.document_name)).collect();
                format!("{} changes: {}", many.len(), names.join(", "))
            }
        }
    }
}
