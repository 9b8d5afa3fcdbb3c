//! The error of the account pages: says what happened and what to do, as a styled page.
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};

use crate::accounts::rate_limit::TryAgain;
use crate::domain::account::AccountError;
use crate::domain::plan::PlanError;

/// Why an account page could not answer.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    #[error("Please log in first.")]
    LogIn { next: String },
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Invalid(String),
    /// A form value that no form of ours accepts (a NUL byte); the message says which field.
    #[error("{0}")]
    BadRequest(String),
    #[error(transparent)]
    TooMany(#[from] TryAgain),
    #[error(transparent)]
    Plan(#[from] PlanError),
    #[error(transparent)]
    Account(#[from] AccountError),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    #[error(transparent)]
    Render(#[from] askama::Error),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<crate::accounts::AccountsError> for PageError {
    fn from(error: crate::accounts::AccountsError) -> Self {
        match error {
            crate::accounts::AccountsError::TooMany(wait) => PageError::TooMany(wait),
            crate::accounts::AccountsError::Unexpected(e) => PageError::Unexpected(e),
        }
    }
}

#[derive(Template)]
#[template(path = "account/error.html")]
struct ErrorPage<'a> {
    title: &'a str,
    message: &'a str,
}

impl PageError {
    fn status(&self) -> StatusCode {
        match self {
            PageError::LogIn { .. } => StatusCode::SEE_OTHER,
            PageError::NotFound(_) => StatusCode::NOT_FOUND,
            PageError::Forbidden(_) => StatusCode::FORBIDDEN,
            PageError::BadRequest(_) => StatusCode::BAD_REQUEST,
            PageError::Invalid(_) | PageError::Plan(_) | PageError::Account(_) => StatusCode::UNPROCESSABLE_ENTITY,
            PageError::TooMany(_) => StatusCode::TOO_MANY_REQUESTS,
            PageError::Db(e) if crate::web::error::database_unavailable(e) => StatusCode::SERVICE_UNAVAILABLE,
            PageError::Db(_) | PageError::Render(_) | PageError::Unexpected(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        if let PageError::LogIn { next } = &self {
            let query = url::form_urlencoded::Serializer::new(String::new()).append_pair("next", next).finish();
            return Redirect::to(&format!("/login?{query}")).into_response();
        }
        let status = self.status();
        let message = if status == StatusCode::SERVICE_UNAVAILABLE {
            tracing::warn!(error = ?self, "database unavailable");
            "The database is not answering right now. Try again in a minute; nothing you sent was saved.".to_owned()
        } else if status.is_server_error() {
            tracing::error!(error = ?self, "account page failed");
            "Something went wrong on our side. Try again in a minute; if it keeps failing, tell us.".to_owned()
        } else {
            self.to_string()
        };
        let title = status.canonical_reason().unwrap_or("Error");
        let body = ErrorPage { title, message: &message }.render().unwrap_or_else(|_| message.clone());
        (status, Html(body)).into_response()
    }
}

/// Renders a template with a status (422 re-shows a form with its message).
pub fn page(status: StatusCode, template: &impl Template) -> Result<Response, PageError> {
    Ok((status, Html(template.render()?)).into_response())
}
