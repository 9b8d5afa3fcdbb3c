//! Unsubscribe links from alerts and digests: they work without logging in, because the signed
//! token says who and what. `GET` shows a confirmation with a button; `POST` (that button, or a
//! mail client's RFC 8058 one-click `List-Unsubscribe=One-Click`) turns that mail off.
use askama::Template;
use axum::{
    Router,
    body::Bytes,
    extract::{Query, State},
    http::StatusCode,
    response::{Html, IntoResponse, Response},
    routing::get,
};
use serde::Deserialize;

use crate::mail::{
    preferences,
    unsubscribe::{self, TokenError, Unsubscribe},
};
use crate::startup::AppState;

/// `/unsubscribe`.
pub fn router() -> Router<AppState> {
    Router::new().route("/unsubscribe", get(unsubscribe_get).post(unsubscribe_post))
}

#[derive(Debug, Default, Deserialize)]
struct TokenQuery {
    token: Option<String>,
}

#[derive(Template)]
#[template(path = "unsubscribe.html")]
struct UnsubscribePage<'a> {
    title: &'a str,
    message: String,
    /// The token to post back, on the confirmation page only.
    confirm_token: Option<&'a str>,
}

fn page(status: StatusCode, page: UnsubscribePage<'_>) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(error) => {
            tracing::error!(%error, "cannot render the unsubscribe page");
            (StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong").into_response()
        }
    }
}

fn refused(error: TokenError) -> Response {
    let message = format!(
        "Sorry: {error}. Use the link from your most recent ClauseWatch mail, or change your mail settings in your account."
    );
    page(StatusCode::BAD_REQUEST, UnsubscribePage { title: "This link does not work", message, confirm_token: None })
}

fn verify(state: &AppState, token: Option<&str>) -> Result<Unsubscribe, TokenError> {
    unsubscribe::verify(&state.config.secret_key, token.ok_or(TokenError::Malformed)?)
}

#[tracing::instrument(skip_all)]
async fn unsubscribe_get(State(state): State<AppState>, Query(query): Query<TokenQuery>) -> Response {
    match verify(&state, query.token.as_deref()) {
        Ok(what) => page(
            StatusCode::OK,
            UnsubscribePage {
                title: "Unsubscribe",
                message: format!("Stop receiving {} from ClauseWatch?", what.list.describe()),
                confirm_token: query.token.as_deref(),
            },
        ),
        Err(error) => refused(error),
    }
}

/// The token from the query (one-click posts to the header's URL) or from a form body.
fn token_of(query: TokenQuery, body: &[u8]) -> Option<String> {
    query.token.or_else(|| url::form_urlencoded::parse(body).find(|(k, _)| k == "token").map(|(_, v)| v.into_owned()))
}

#[tracing::instrument(skip_all)]
async fn unsubscribe_post(State(state): State<AppState>, Query(query): Query<TokenQuery>, body: Bytes) -> Response {
    let token = token_of(query, &body);
    let what = match verify(&state, token.as_deref()) {
        Ok(what) => what,
        Err(error) => return refused(error),
    };
    let done = match state.pool.acquire().await {
        Ok(mut conn) => preferences::turn_off(&mut conn, what).await,
        Err(error) => Err(error),
    };
    match done {
        Ok(_) => {
            tracing::info!(user.id = what.user_id, org.id = what.org_id, list = what.list.as_str(), "unsubscribed");
            let message = format!(
                "Done: you will no longer receive {}. You can turn it back on in your account settings.",
                what.list.describe()
            );
            page(StatusCode::OK, UnsubscribePage { title: "You are unsubscribed", message, confirm_token: None })
        }
        Err(error) => {
            tracing::error!(%error, "cannot record an unsubscribe");
            let message = "We could not record this right now. Please try again in a minute.".to_owned();
            page(
                StatusCode::SERVICE_UNAVAILABLE,
                UnsubscribePage { title: "Please try again", message, confirm_token: None },
            )
        }
    }
}
