//! Guards at the edge, before any handler: control characters in the address are refused with
//! 400 (Postgres cannot store NUL, and no page of ours has one in its address), every request
//! has a time limit, and bodies a size limit.
use std::time::Duration;

use axum::{
    extract::{Request, State},
    http::Uri,
    middleware::Next,
    response::{IntoResponse, Response},
};
use percent_encoding::percent_decode_str;

use crate::web::error::{ApiError, AppError, PageError};

/// The largest request body read (forms read at most 64 KB of it, `web::csrf`).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Answers 400, saying which character, when the decoded path or query holds a control character.
pub async fn refuse_control_characters(request: Request, next: Next) -> Response {
    match address_problem(request.uri()) {
        None => next.run(request).await,
        Some(found) => {
            let message = format!(
                "The address contains a character that is not allowed ({found}). Remove it from the address and try again."
            );
            error_for(request.uri(), AppError::bad_request(message))
        }
    }
}

/// Answers 503 with a message when a request (reading its body included) takes longer than the limit.
pub async fn time_limit(State(limit): State<Duration>, request: Request, next: Next) -> Response {
    let uri = request.uri().clone();
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(limit_secs = limit.as_secs(), "a request ran out of time");
            let message = format!(
                "This request took longer than {} seconds and was stopped. Try again in a minute.",
                limit.as_secs()
            );
            error_for(&uri, AppError::Unavailable(message))
        }
    }
}

/// JSON for the API, an error page for everything else.
fn error_for(uri: &Uri, error: AppError) -> Response {
    if uri.path().starts_with("/api/") { ApiError(error).into_response() } else { PageError(error).into_response() }
}

/// The first control character of the percent-decoded path or of a decoded query parameter.
fn address_problem(uri: &Uri) -> Option<String> {
    let path = percent_decode_str(uri.path()).decode_utf8_lossy();
    if let Some(found) = control_character(&path, false) {
        return Some(found);
    }
    let query = uri.query().unwrap_or_default();
    url::form_urlencoded::parse(query.as_bytes())
        .find_map(|(name, value)| control_character(&name, false).or_else(|| control_character(&value, false)))
}

/// The name of the first control character in `text` (`NUL`, `TAB`, `U+001B`, …); with
/// `multiline`, tabs and line breaks (of a textarea) are allowed.
pub fn control_character(text: &str, multiline: bool) -> Option<String> {
    let found = text.chars().find(|c| c.is_control() && !(multiline && matches!(c, '\t' | '\n' | '\r')))?;
    Some(match found {
        '\0' => "NUL".to_owned(),
        '\t' => "TAB".to_owned(),
        '\n' => "line feed".to_owned(),
        '\r' => "carriage return".to_owned(),
        other => format!("U+{:04X}", u32::from(other)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_named_and_textarea_whitespace_is_allowed() {
        assert_eq!(control_character("a\0b", true).as_deref(), Some("NUL"));
        assert_eq!(control_character("a\u{1b}", true).as_deref(), Some("U+001B"));
        assert_eq!(control_character("line\r\nnext\tcell", true), None);
        assert_eq!(control_character("line\nnext", false).as_deref(), Some("line feed"));
        assert_eq!(control_character("plain é text", false), None);
    }

    #[test]
    fn encoded_control_characters_in_the_path_or_query_are_found() {
        let uri = |s: &str| s.parse::<Uri>().unwrap();
        assert_eq!(address_problem(&uri("/platforms/%00")).as_deref(), Some("NUL"));
        assert_eq!(address_problem(&uri("/api/v1/changes?platform=%00")).as_deref(), Some("NUL"));
        assert_eq!(address_problem(&uri("/x?a=%0d%0a")).as_deref(), Some("carriage return"));
        assert_eq!(address_problem(&uri("/platforms/openai?page=2&q=caf%C3%A9")), None);
    }
}
