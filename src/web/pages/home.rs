//! `/`: the latest changes across platforms that alert (changes to the terms' own words), the
//! most severe first; the others (chrome, markup, cosmetic, renumbering, dates, regional
//! variants, broken captures) are counted and listed on `/changes`.
use std::cmp::Reverse;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

use super::{ChangeItem, Crumb};
use crate::db::pages::changes::{ChangeFilter, count_changes, recent_changes};
use crate::domain::topic::Exposure;
use crate::startup::AppState;
use crate::web::error::PageError;

/// How many recent changes the home page looks at.
const RECENT: i64 = 20;

/// The home page.
#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
pub struct HomePage {
    pub title: String,
    pub crumbs: Vec<Crumb>,
    pub changes: Vec<ChangeItem>,
    /// How many stored changes do not alert.
    pub quiet: i64,
}

/// Substantive changes first, the most severe of them first, each group newest first (the rows
/// come newest first and the sort is stable).
fn substantive_first(mut changes: Vec<ChangeItem>) -> Vec<ChangeItem> {
    let severity = |c: &ChangeItem| Reverse(c.severity.as_deref().and_then(Exposure::from_slug));
    changes.sort_by_key(|c| (c.class != "substantive", severity(c)));
    changes
}

#[tracing::instrument(skip_all)]
pub async fn get(State(state): State<AppState>) -> Result<HomePage, PageError> {
    let mut conn = state.pool.acquire().await?;
    let alerting = ChangeFilter { alerting: true, ..ChangeFilter::default() };
    let rows = recent_changes(&mut conn, alerting, RECENT, 0).await?;
    let changes = substantive_first(rows.iter().map(ChangeItem::from_row).collect());
    let quiet = count_changes(&mut conn, ChangeFilter::default()).await? - count_changes(&mut conn, alerting).await?;
    Ok(HomePage { title: "What changed in AI terms".into(), crumbs: vec![Crumb::here("Home")], changes, quiet })
}
