//! Pages without data: `/pricing` and `/methodology`.
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

use super::Crumb;
use crate::accounts::plans::TRIAL_DAYS;
use crate::domain::plan::{ALL_PLANS, Plan};
use crate::startup::AppState;

/// The plans: each price from the configuration, each row from the plan's own rules
/// (`domain::plan`), so the page cannot sell what the code does not give.
#[derive(Template, WebTemplate)]
#[template(path = "pricing.html")]
pub struct PricingPage {
    pub title: String,
    pub crumbs: Vec<Crumb>,
    /// (plan name, price) per column, cheapest first.
    plans: Vec<(&'static str, String)>,
    /// What differs between the plans: a feature and its value per plan.
    rows: Vec<PlanRow>,
    trial_days: i64,
}

/// One row of the plans table.
struct PlanRow {
    feature: &'static str,
    cells: Vec<String>,
}

impl PlanRow {
    fn of(feature: &'static str, cell: impl Fn(Plan) -> String) -> PlanRow {
        PlanRow { feature, cells: ALL_PLANS.iter().map(|p| cell(*p)).collect() }
    }

    fn yes_no(feature: &'static str, has: impl Fn(Plan) -> bool) -> PlanRow {
        PlanRow::of(feature, |p| if has(p) { "yes".into() } else { "—".into() })
    }
}

/// "1", or "up to 10".
fn up_to(limit: usize) -> String {
    if limit == 1 { "1".into() } else { format!("up to {limit}") }
}

/// The rows of the plans table, from the plans' rules.
fn plan_rows() -> Vec<PlanRow> {
    vec![
        PlanRow::of("Tracked platforms (alerts and digest)", |p| up_to(p.max_tracked_platforms())),
        PlanRow::yes_no("Weekly digest of your tracked platforms' changes, on the weekday and hour you choose", |p| {
            p.weekly_digest()
        }),
        PlanRow::yes_no("Same-day alert mail when a tracked platform's terms change substantively", |p| {
            p.same_day_alerts()
        }),
        PlanRow::yes_no("Watches: alert only when chosen topics or provisions change", |p| p.watches()),
        PlanRow::of("Analysis: contract and vendor implications, compliance considerations", |p| {
            if p.full_analysis() { "in full".into() } else { "the first implication and how many there are".into() }
        }),
        PlanRow::yes_no(
            "Audit export: a platform's or document's governance timeline as CSV or JSON, with evidence hashes",
            |p| p.audit_export(),
        ),
        PlanRow::of("Members of the organisation", |p| up_to(p.max_members())),
    ]
}

pub async fn pricing(State(state): State<AppState>) -> PricingPage {
    let config = &state.config;
    let price = |plan: Plan| match plan {
        Plan::Free => "no charge".to_owned(),
        Plan::Watcher => config.price_watcher.clone(),
        Plan::Professional => config.price_professional.clone(),
    };
    PricingPage {
        title: "Pricing".into(),
        crumbs: vec![Crumb::link("Home", "/"), Crumb::here("Pricing")],
        plans: ALL_PLANS.iter().map(|p| (p.name(), price(*p))).collect(),
        rows: plan_rows(),
        trial_days: TRIAL_DAYS,
    }
}

/// How ClauseWatch captures, compares and reads documents, with this service's own settings.
#[derive(Template, WebTemplate)]
#[template(path = "methodology.html")]
pub struct MethodologyPage {
    pub title: String,
    pub crumbs: Vec<Crumb>,
    schedule: String,
    spacing: String,
    alert_days: u32,
}

pub async fn methodology(State(state): State<AppState>) -> MethodologyPage {
    let config = &state.config;
    MethodologyPage {
        title: "How ClauseWatch works".into(),
        crumbs: vec![Crumb::link("Home", "/"), Crumb::here("Methodology")],
        schedule: config.fetch_schedule.to_string(),
        spacing: format!("{:.1} s", config.fetch_host_spacing().as_secs_f64()),
        alert_days: config.capture_alert_days,
    }
}
