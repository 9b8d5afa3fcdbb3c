//! One error type for the web layer; pages answer with a styled error page, `/api/v1` with
//! JSON. `PageError` and `ApiError` differ only in `into_response`.
use askama::Template;
use axum::{
    Json,
    http::StatusCode,
    response::{Html, IntoResponse, Response},
};

use super::pages::Crumb;

/// What went wrong while answering a request.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The thing asked for does not exist; the message says which.
    #[error("{0}")]
    NotFound(String),
    /// The request itself is malformed (a query parameter that is not a number, …).
    #[error("{0}")]
    BadRequest(String),
    /// The server cannot answer now (a request out of time); the message says what to do.
    #[error("{0}")]
    Unavailable(String),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    #[error(transparent)]
    Render(#[from] askama::Error),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl AppError {
    /// A "not found" error naming what was missing.
    pub fn not_found(what: impl Into<String>) -> AppError {
        AppError::NotFound(what.into())
    }

    /// A "bad request" error saying what was wrong.
    pub fn bad_request(why: impl Into<String>) -> AppError {
        AppError::BadRequest(why.into())
    }

    /// The HTTP status of this error.
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Db(e) if database_unavailable(e) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Db(_) | AppError::Render(_) | AppError::Unexpected(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The message for the user: the error itself for 4xx, nothing internal for 5xx. A 5xx is
    /// logged here, the one place it is handled.
    fn public_message(&self) -> String {
        if let AppError::Unavailable(message) = self {
            return message.clone();
        }
        if self.status() == StatusCode::SERVICE_UNAVAILABLE {
            tracing::warn!(error = ?self, "database unavailable");
            return "The archive's database is not answering right now. Try again in a minute.".to_owned();
        }
        if self.status().is_server_error() {
            tracing::error!(error = ?self, "request failed");
            return "Something went wrong on our side while preparing this answer.".to_owned();
        }
        self.to_string()
    }
}

/// Errors that mean "Postgres is away" (an outage or restart), answered 503 rather than 500.
pub(crate) fn database_unavailable(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) | sqlx::Error::PoolClosed | sqlx::Error::Tls(_))
}

/// Parses a numeric id from a path segment; anything else is "not found".
pub fn parse_id(raw: &str, what: &str) -> Result<i64, AppError> {
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| AppError::not_found(format!("There is no {what} {raw:?}.")))
}

/// An error answered with a styled HTML page.
#[derive(Debug)]
pub struct PageError(pub AppError);

/// An error answered with `{"error": "..."}`.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl<E: Into<AppError>> From<E> for PageError {
    fn from(error: E) -> Self {
        PageError(error.into())
    }
}

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(error: E) -> Self {
        ApiError(error.into())
    }
}

/// The error page.
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub title: String,
    pub crumbs: Vec<Crumb>,
    pub status: u16,
    pub message: String,
    pub advice: &'static str,
}

impl ErrorPage {
    /// The page for a status and a message.
    pub fn new(status: StatusCode, message: String) -> ErrorPage {
        let (title, advice) = match status {
            StatusCode::NOT_FOUND => (
                "Page not found",
                "Check the address, or start again from the list of platforms or the latest changes.",
            ),
            StatusCode::BAD_REQUEST => {
                ("Bad request", "The address has a parameter we cannot read. Go back and follow a link instead.")
            }
            StatusCode::SERVICE_UNAVAILABLE => (
                "Temporarily unavailable",
                "The archive is briefly unreachable. Nothing is lost; reload this page in a minute.",
            ),
            _ => (
                "Something went wrong",
                "This is our fault, not yours. Try again in a minute; if it keeps happening, tell us.",
            ),
        };
        let crumbs = vec![Crumb::link("Home", "/"), Crumb::here(title)];
        ErrorPage { title: title.to_owned(), crumbs, status: status.as_u16(), message, advice }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let status = self.0.status();
        let page = ErrorPage::new(status, self.0.public_message());
        match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(error) => {
                tracing::error!(%error, "cannot render the error page");
                (status, page.message).into_response()
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.0.status();
        (status, Json(serde_json::json!({ "error": self.0.public_message() }))).into_response()
    }
}

/// The answer for paths no route matches.
pub async fn page_not_found() -> PageError {
    PageError(AppError::not_found("There is no page at this address."))
}

/// The answer for `/api/v1` paths no route matches.
pub async fn api_not_found() -> ApiError {
    ApiError(AppError::not_found("No such API endpoint; see /api/v1/platforms to start."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_that_are_not_positive_numbers_are_not_found() {
        assert_eq!(parse_id("42", "version").ok(), Some(42));
        for bad in ["abc", "", "-1", "0", "1.5", "99999999999999999999"] {
            let error = parse_id(bad, "version").err();
            assert!(matches!(error, Some(AppError::NotFound(_))), "{bad:?}");
        }
    }

    #[test]
    fn server_errors_hide_their_cause() {
        let error = AppError::Unexpected(anyhow::anyhow!("password=secret"));
        assert_eq!(error.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!error.public_message().contains("secret"));
    }

    #[test]
    fn the_error_page_escapes_the_message() {
        let html = ErrorPage::new(StatusCode::NOT_FOUND, "<b>x</b>".into()).render().unwrap_or_default();
        // askama writes numeric entities (`&#60;`), which browsers show as `<`.
        assert!(html.contains("&#60;b&#62;x&#60;/b&#62;") && !html.contains("<b>x"));
        assert!(html.contains("<title>Page not found"));
    }
}
