//! Pages without data: `/pricing` and `/methodology`.
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

use super::Crumb;
use crate::startup::AppState;

/// The plans, as DESIGN.md's table states them.
#[derive(Template, WebTemplate)]
#[template(path = "pricing.html")]
pub struct PricingPage {
    pub title: String,
    pub crumbs: Vec<Crumb>,
}

pub async fn pricing() -> PricingPage {
    PricingPage { title: "Pricing".into(), crumbs: vec![Crumb::link("Home", "/"), Crumb::here("Pricing")] }
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
