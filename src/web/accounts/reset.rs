//! Password reset by a single-use, expiring link.
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use tower_sessions::Session;

use crate::accounts::{self, rate_limit};
use crate::db::{tokens, users};
use crate::domain::account::{NewPassword, UserId};
use crate::startup::AppState;
use crate::web::accounts::auth::LINK_GONE;
use crate::web::accounts::error::{PageError, page};
use crate::web::accounts::views::{CredentialsPage, MessagePage};
use crate::web::accounts::{TokenQuery, ip_limit, login_limit, mailing};
use crate::web::csrf::{CsrfForm, csrf_token};
use crate::web::extract::ClientIp;

/// `GET /password/forgot`
pub async fn forgot_form(session: Session) -> Result<Response, PageError> {
    page(StatusCode::OK, &CredentialsPage::forgot(csrf_token(&session).await?, "", None, None))
}

/// `POST /password/forgot`: mails a link if the account exists, and says the same either way.
#[tracing::instrument(skip_all)]
pub async fn forgot(
    State(state): State<AppState>,
    session: Session,
    ip: ClientIp,
    form: CsrfForm,
) -> Result<Response, PageError> {
    let csrf = csrf_token(&session).await?;
    let email = match accounts::parse_email(form.get("email")) {
        Ok(email) => email,
        Err(msg) => {
            return page(
                StatusCode::UNPROCESSABLE_ENTITY,
                &CredentialsPage::forgot(csrf, form.get("email"), Some(msg), None),
            );
        }
    };
    let mut tx = state.pool.begin().await?;
    rate_limit::hit(&mut tx, &rate_limit::ip_bucket("reset", &ip.0), ip_limit(&state)).await??;
    rate_limit::hit(&mut tx, &rate_limit::account_bucket("reset", &email), login_limit(&state)).await??;
    if let Some(user) = users::user_by_email(&mut tx, &email).await? {
        let link = accounts::Link::ResetPassword { user: user.id(), email: &user.email };
        accounts::send_link(&mut tx, mailing(&state), link).await?;
    }
    tx.commit().await?;
    let notice = format!(
        "If an account exists for {email}, we sent it a link to choose a new password. It works once, for one hour."
    );
    page(StatusCode::OK, &CredentialsPage::forgot(csrf, &email, None, Some(notice)))
}

/// `GET /password/reset?token=`
pub async fn reset_form(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<TokenQuery>,
) -> Result<Response, PageError> {
    let mut conn = state.pool.acquire().await?;
    if tokens::token_is_usable(&mut conn, &accounts::tokens::hash_token(&q.token), "reset-password").await?.is_none() {
        return Err(PageError::NotFound(LINK_GONE.into()));
    }
    page(StatusCode::OK, &CredentialsPage::reset(csrf_token(&session).await?, &q.token, None))
}

/// `POST /password/reset`: checks the new password, then uses the token once and ends every
/// session of the account.
#[tracing::instrument(skip_all)]
pub async fn reset(State(state): State<AppState>, session: Session, form: CsrfForm) -> Result<Response, PageError> {
    let raw_token = form.get("token");
    let hash = accounts::tokens::hash_token(raw_token);
    let mut tx = state.pool.begin().await?;
    let token = tokens::token_is_usable(&mut tx, &hash, "reset-password")
        .await?
        .ok_or_else(|| PageError::NotFound(LINK_GONE.into()))?;
    let user = token.user_id.map(UserId).ok_or_else(|| PageError::NotFound(LINK_GONE.into()))?;
    let email = token.email.unwrap_or_default();
    let password = match NewPassword::parse(form.get("password"), &email) {
        Ok(password) => password,
        Err(e) => {
            let csrf = csrf_token(&session).await?;
            return page(
                StatusCode::UNPROCESSABLE_ENTITY,
                &CredentialsPage::reset(csrf, raw_token, Some(e.to_string())),
            );
        }
    };
    tokens::consume_token(&mut tx, &hash, "reset-password")
        .await?
        .ok_or_else(|| PageError::NotFound(LINK_GONE.into()))?;
    accounts::set_password(&mut tx, user, password, None).await?;
    users::mark_email_verified(&mut tx, user).await?;
    tx.commit().await?;
    page(
        StatusCode::OK,
        &MessagePage::info(
            "Password changed",
            &["Your new password is saved and every other session was logged out."],
            &[("/login", "Log in")],
        ),
    )
}
