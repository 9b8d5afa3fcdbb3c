//! Accounts, organisations and plans: sign-up, login, reset, `/account`, `/account/organisation`,
//! invitations, the trial and `/admin/plans`. Every form that changes state goes through
//! `CsrfForm`; every tenant query through `CurrentOrg`.
pub mod auth;
pub mod error;
pub mod export;
pub mod organisation;
pub mod plans;
pub mod reset;
pub mod settings;
pub mod upgrade;
pub mod views;
pub mod watches;

use axum::Router;
use axum::routing::{get, post};
use chrono::Duration;
use tower_sessions::cookie::{SameSite, time};
use tower_sessions::{Expiry, SessionManagerLayer};

use crate::accounts::Mailing;
use crate::accounts::rate_limit::Limit;
use crate::config::Config;
use crate::startup::AppState;
use crate::web::session_store::PgSessionStore;

/// `?token=` of a link.
#[derive(Debug, serde::Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    pub token: String,
}

/// The account routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/signup", get(auth::signup_form).post(auth::signup))
        .route("/login", get(auth::login_form).post(auth::login))
        .route("/logout", post(auth::logout))
        .route("/verify-email", get(auth::verify_form).post(auth::verify))
        .route("/verify-email/resend", post(auth::resend_verification))
        .route("/password/forgot", get(reset::forgot_form).post(reset::forgot))
        .route("/password/reset", get(reset::reset_form).post(reset::reset))
        .route("/account", get(settings::show))
        .route("/account/platforms", post(settings::save_platforms))
        .route("/account/preferences", post(settings::save_preferences))
        .route("/account/password", post(settings::change_password))
        .route("/account/email", post(settings::change_email))
        .route("/account/email/confirm", get(settings::confirm_email_form).post(settings::confirm_email))
        .route("/account/watches", post(watches::add))
        .route("/account/watches/new", get(watches::confirm))
        .route("/account/watches/{id}/delete", post(watches::remove))
        .route("/platforms/{platform}/export.csv", get(export::platform_csv))
        .route("/platforms/{platform}/export.json", get(export::platform_json))
        .route("/platforms/{platform}/{document}/export.csv", get(export::document_csv))
        .route("/platforms/{platform}/{document}/export.json", get(export::document_json))
        .route("/account/organisation", get(organisation::show))
        .route("/account/organisation/invitations", post(organisation::invite))
        .route("/account/organisation/invitations/{id}/revoke", post(organisation::revoke))
        .route("/account/organisation/members/{id}/remove", post(organisation::remove_member))
        .route("/account/organisation/switch", post(organisation::switch))
        .route("/invitations/accept", get(organisation::accept_form).post(organisation::accept))
        .route("/pricing/trial", get(plans::trial_form).post(plans::start_trial))
        .route("/admin/plans", get(plans::show).post(plans::set))
}

/// Server-side sessions in Postgres behind an HttpOnly, SameSite=Lax cookie, Secure when
/// `BASE_URL` is https, expiring after `SESSION_DAYS` without activity.
pub fn session_layer(state: &AppState) -> SessionManagerLayer<PgSessionStore> {
    SessionManagerLayer::new(PgSessionStore::new(state.pool.clone()))
        .with_name("clausewatch_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.config.base_url.scheme() == "https")
        .with_expiry(Expiry::OnInactivity(time::Duration::days(state.config.session_days.max(1))))
}

/// Attempts per client IP (login, sign-up, reset each count separately).
pub fn ip_limit(state: &AppState) -> Limit {
    Limit { max: state.config.auth_attempts_per_ip, window: window(&state.config) }
}

/// Failed logins (and reset or verification mails) per account.
pub fn login_limit(state: &AppState) -> Limit {
    Limit { max: state.config.login_attempts_per_account, window: window(&state.config) }
}

/// Account mails (links and notices) to one address, from any account or none, per window.
pub fn mailing(state: &AppState) -> Mailing<'_> {
    Mailing { base: &state.config.base_url, per_address: login_limit(state) }
}

/// Invitations sent per account (a team is invited at once, so more than mails to one address).
pub fn invitation_limit(state: &AppState) -> Limit {
    Limit { max: state.config.auth_attempts_per_ip, window: window(&state.config) }
}

fn window(config: &Config) -> Duration {
    Duration::minutes(config.rate_limit_window_mins.max(1))
}

/// Whether the database refused an insert beyond the plan's limit (the triggers of migration 0005).
pub fn is_limit_violation(error: &sqlx::Error) -> bool {
    error
        .as_database_error()
        .and_then(|e| e.constraint())
        .is_some_and(|c| c == "tracked_platforms_plan_limit" || c == "memberships_plan_limit")
}
