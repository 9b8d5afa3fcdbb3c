//! Pages without data: `/pricing`.
use askama::Template;
use askama_web::WebTemplate;

use super::Crumb;

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
