//! The weekly digest mail.
use super::query::PlatformWeek;
use crate::email_templates;

/// The data of one digest.
#[derive(Debug, Clone)]
pub struct DigestMail {
    /// `2026-W49`.
    pub week: String,
    pub since: String,
    pub until: String,
    /// Tracked platforms, those with the most substantive changes first.
    pub platforms: Vec<PlatformWeek>,
    pub unsubscribe_url: String,
    pub settings_url: String,
}

email_templates!(DigestMail, "emails/digest/subject.txt", "emails/digest/body.txt", "emails/digest/body.html");

impl DigestMail {
    /// How many substantive changes the week had.
    pub fn substantive(&self) -> usize {
        self.platforms.iter().map(|p| p.changes.len()).sum()
    }

    /// How many cosmetic or date-only changes the week had.
    pub fn minor(&self) -> usize {
        self.platforms.iter().map(|p| p.minor).sum()
    }

    /// The subject and heading.
    pub fn title(&self) -> String {
        match self.substantive() {
            0 => format!("Your ClauseWatch week {}: no changes", self.week),
            1 => format!("Your ClauseWatch week {}: 1 change", self.week),
            n => format!("Your ClauseWatch week {}: {n} changes", self.week),
        }
    }
}
