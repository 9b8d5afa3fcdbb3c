//! The upgrade offer shown instead of an error when a plan lacks a Professional feature.
use axum::http::StatusCode;
use axum::response::Response;

use crate::domain::plan::Plan;
use crate::web::accounts::error::{PageError, page};
use crate::web::accounts::views::MessagePage;

/// What Professional adds over Free and Watcher, in the words of `/pricing`.
pub const PROFESSIONAL_ADDS: [&str; 4] = [
    "Provision-level watches: alerts only when the topics or provisions you choose change.",
    "The full compliance analysis of every provision: all its contract and vendor implications and compliance considerations (every plan reads the rest of the analysis).",
    "The audit export: a platform's or document's governance timeline as CSV and JSON with evidence hashes (the timeline pages themselves are public).",
    "Team members: invite colleagues into your organisation.",
];

/// A 403 page that names the feature, the plan in force and what Professional adds, with a
/// link to `/pricing`.
pub fn offer(feature: &str, plan: Plan) -> Result<Response, PageError> {
    let mut lines = vec![format!(
        "{feature} {} part of the Professional plan; your organisation is on {plan}. Professional adds:",
        if feature.ends_with('s') { "are" } else { "is" }
    )];
    lines.extend(PROFESSIONAL_ADDS.iter().map(|l| format!("• {l}")));
    let view = MessagePage {
        title: "Upgrade to Professional".into(),
        lines,
        links: vec![("/pricing".into(), "Compare the plans on /pricing".into())],
        ..MessagePage::default()
    };
    page(StatusCode::FORBIDDEN, &view)
}
