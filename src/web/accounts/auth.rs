//! Sign up, email verification, log in, log out.
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use crate::accounts::{self, rate_limit};
use crate::db::{organisations, rate_limits, tokens, users};
use crate::domain::account::{NewPassword, UserId};
use crate::startup::AppState;
use crate::web::accounts::error::{PageError, page};
use crate::web::accounts::views::{CredentialsPage, MessagePage};
use crate::web::accounts::{TokenQuery, ip_limit, login_limit, mailing};
use crate::web::csrf::{CsrfForm, csrf_token, session_error};
use crate::web::extract::{ClientIp, CurrentUser, MaybeUser, ORG_KEY, USER_KEY};

/// `GET /signup`
pub async fn signup_form(session: Session, user: MaybeUser) -> Result<Response, PageError> {
    if user.0.is_some() {
        return Ok(Redirect::to("/account").into_response());
    }
    page(StatusCode::OK, &CredentialsPage::sign_up(csrf_token(&session).await?, "", None))
}

/// `POST /signup`: creates the account and its personal organisation and mails the link; an
/// address that has an account gets a notice instead, and the page says the same either way.
#[tracing::instrument(skip_all)]
pub async fn signup(
    State(state): State<AppState>,
    session: Session,
    ip: ClientIp,
    form: CsrfForm,
) -> Result<Response, PageError> {
    let csrf = csrf_token(&session).await?;
    let raw_email = form.get("email");
    let refuse = |msg: String| {
        page(StatusCode::UNPROCESSABLE_ENTITY, &CredentialsPage::sign_up(csrf.clone(), raw_email, Some(msg)))
    };
    let mut conn = state.pool.acquire().await?;
    rate_limit::hit(&mut conn, &rate_limit::ip_bucket("signup", &ip.0), ip_limit(&state)).await??;
    let email = match accounts::parse_email(raw_email) {
        Ok(email) => email,
        Err(msg) => return refuse(msg),
    };
    let password = match NewPassword::parse(form.get("password"), &email) {
        Ok(password) => password,
        Err(e) => return refuse(e.to_string()),
    };
    drop(conn);
    // The same answer whether or not the address has an account (its owner is mailed instead).
    accounts::sign_up(&state.pool, mailing(&state), &email, password).await?;
    let line = format!(
        "We sent a mail to {email}. Open the link in it to confirm your address (it works for 48 hours), then log in."
    );
    page(StatusCode::OK, &MessagePage::info("Check your inbox", &[&line], &[("/login", "Log in")]))
}

/// Rotates the session id (no fixation), remembers the user and their first organisation, and
/// renews the CSRF token.
pub async fn log_in(session: &Session, user: UserId) -> Result<(), PageError> {
    session.cycle_id().await.map_err(session_error)?;
    session.insert(USER_KEY, user.0).await.map_err(session_error)?;
    session.remove_value(ORG_KEY).await.map_err(session_error)?;
    session.remove_value("csrf").await.map_err(session_error)?;
    Ok(())
}

/// `GET /login`
pub async fn login_form(
    session: Session,
    Query(q): Query<std::collections::HashMap<String, String>>,
) -> Result<Response, PageError> {
    let next = safe_next(q.get("next").map(String::as_str).unwrap_or(LANDING));
    page(StatusCode::OK, &CredentialsPage::log_in(csrf_token(&session).await?, "", next, None))
}

/// Where a login lands when `next` is missing or refused.
const LANDING: &str = "/account";

/// `next` when it is a path of this site, else the landing page; every read of `next` goes
/// through here. A path starts with one `/` (`//host` and `/\\host` name another host) and holds
/// no backslash or control character, before or after percent-decoding: browsers drop tabs and
/// line breaks, so `/\t/evil.example` is `//evil.example` to them, and CR/LF would split the header.
pub fn safe_next(next: &str) -> &str {
    let local = |path: &str| {
        path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') && !path.chars().any(char::is_control)
    };
    if local(next) && local(&percent_encoding::percent_decode_str(next).decode_utf8_lossy()) { next } else { LANDING }
}

/// `POST /login`: limited per client IP and per account; failures count against the account.
#[tracing::instrument(skip_all)]
pub async fn login(
    State(state): State<AppState>,
    session: Session,
    ip: ClientIp,
    form: CsrfForm,
) -> Result<Response, PageError> {
    let (email, next) = (form.get("email").trim(), safe_next(form.get("next")));
    let account_bucket = rate_limit::account_bucket("login", email);
    let mut conn = state.pool.acquire().await?;
    rate_limit::hit(&mut conn, &rate_limit::ip_bucket("login", &ip.0), ip_limit(&state)).await??;
    rate_limit::check(&mut conn, &account_bucket, login_limit(&state)).await??;
    let user = users::user_by_email(&mut conn, email).await?;
    let hash = user.as_ref().map(|u| u.password_hash.clone());
    if !accounts::password::verify_password(form.get("password").to_owned(), hash).await {
        rate_limits::record_hit(&mut conn, &account_bucket).await?;
        let msg = "That email and password do not match an account. Check both, or reset your password.";
        let csrf = csrf_token(&session).await?;
        return page(StatusCode::UNPROCESSABLE_ENTITY, &CredentialsPage::log_in(csrf, email, next, Some(msg.into())));
    }
    let Some(user) = user else { return Err(PageError::Unexpected(anyhow::anyhow!("verified without a user"))) };
    rate_limits::clear(&mut conn, &account_bucket).await?;
    log_in(&session, user.id()).await?;
    Ok(Redirect::to(next).into_response())
}

/// `POST /logout`
pub async fn logout(session: Session, _form: CsrfForm) -> Result<Redirect, PageError> {
    session.flush().await.map_err(session_error)?;
    Ok(Redirect::to("/"))
}

/// `GET /verify-email?token=`: a button, so mail scanners that open links do not use it up.
pub async fn verify_form(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<TokenQuery>,
) -> Result<Response, PageError> {
    let mut conn = state.pool.acquire().await?;
    let hash = accounts::tokens::hash_token(&q.token);
    if tokens::token_is_usable(&mut conn, &hash, "verify-email").await?.is_none() {
        return Err(PageError::NotFound(LINK_GONE.into()));
    }
    let lines = vec!["Confirm that this email address is yours.".to_owned()];
    let hidden = vec![("token".to_owned(), q.token.clone())];
    page(
        StatusCode::OK,
        &MessagePage::confirm(
            "Confirm your email",
            lines,
            "/verify-email",
            csrf_token(&session).await?,
            hidden,
            "Confirm my email address",
        ),
    )
}

/// What a used, expired or unknown link says.
pub const LINK_GONE: &str = "This link is not valid any more: it was already used, has expired, was cancelled when the account's email or password changed, or was mistyped. Ask for a new one.";

/// `POST /verify-email`: uses the token once.
pub async fn verify(State(state): State<AppState>, form: CsrfForm) -> Result<Response, PageError> {
    let mut tx = state.pool.begin().await?;
    let hash = accounts::tokens::hash_token(form.get("token"));
    let token = tokens::consume_token(&mut tx, &hash, "verify-email")
        .await?
        .ok_or_else(|| PageError::NotFound(LINK_GONE.into()))?;
    let user = token.user_id.map(UserId).ok_or_else(|| PageError::NotFound(LINK_GONE.into()))?;
    users::mark_email_verified(&mut tx, user).await?;
    tx.commit().await?;
    page(
        StatusCode::OK,
        &MessagePage::info(
            "Email confirmed",
            &["Your email address is confirmed. Alerts and digests will reach you there."],
            &[("/account", "Go to your account")],
        ),
    )
}

/// `POST /verify-email/resend`: a new link, limited like sign-up.
pub async fn resend_verification(
    State(state): State<AppState>,
    user: CurrentUser,
    ip: ClientIp,
    _form: CsrfForm,
) -> Result<Response, PageError> {
    if user.verified {
        return Ok(Redirect::to("/account").into_response());
    }
    let mut tx = state.pool.begin().await?;
    rate_limit::hit(&mut tx, &rate_limit::ip_bucket("signup", &ip.0), ip_limit(&state)).await??;
    rate_limit::hit(&mut tx, &rate_limit::account_bucket("verify", &user.email), login_limit(&state)).await??;
    accounts::send_link(&mut tx, mailing(&state), accounts::Link::VerifyEmail { user: user.id, email: &user.email })
        .await?;
    tx.commit().await?;
    page(
        StatusCode::OK,
        &MessagePage::info(
            "Check your inbox",
            &["We sent you a new confirmation link."],
            &[("/account", "Back to your account")],
        ),
    )
}

/// The organisations of a user (for the account page's organisation switcher).
pub async fn organisations_of(state: &AppState, user: UserId) -> Result<Vec<organisations::MembershipRow>, PageError> {
    let mut conn = state.pool.acquire().await?;
    Ok(organisations::memberships_of_user(&mut conn, user).await?)
}
