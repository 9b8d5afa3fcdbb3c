//! CSRF protection by synchronizer token: a random token kept in the session is put in every
//! form, and every state-changing form is refused with 403 unless it sends the same token back.
use std::collections::HashMap;

use axum::extract::{FromRequest, FromRequestParts, Request};
use tower_sessions::Session;

use crate::accounts::tokens::{constant_time_eq, new_token};
use crate::web::accounts::error::PageError;
use crate::web::guard::control_character;

const CSRF_KEY: &str = "csrf";
/// The name of the hidden form field.
pub const CSRF_FIELD: &str = "csrf_token";
const MAX_FORM_BYTES: usize = 64 * 1024;

/// The session's token, created on first use.
pub async fn csrf_token(session: &Session) -> Result<String, PageError> {
    if let Some(token) = session.get::<String>(CSRF_KEY).await.map_err(session_error)? {
        return Ok(token);
    }
    let token = new_token().raw;
    session.insert(CSRF_KEY, &token).await.map_err(session_error)?;
    Ok(token)
}

pub(crate) fn session_error(error: tower_sessions::session::Error) -> PageError {
    PageError::Unexpected(anyhow::anyhow!("session: {error}"))
}

/// The fields of a urlencoded form whose CSRF token matched. Reading a field never fails: a
/// missing or garbled field is `""`, and handlers answer 422 with the form and a message.
#[derive(Debug, Clone, Default)]
pub struct CsrfForm {
    fields: Vec<(String, String)>,
}

impl CsrfForm {
    /// Parses a urlencoded body (for tests and handlers that read a body themselves).
    pub fn parse(body: &[u8]) -> CsrfForm {
        CsrfForm { fields: url::form_urlencoded::parse(body).into_owned().collect() }
    }

    /// The first value of `name`, trimmed of nothing, or `""`.
    pub fn get(&self, name: &str) -> &str {
        self.fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or("")
    }

    /// Every value of `name` (checkbox lists).
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.fields.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str()).collect()
    }

    /// Whether a checkbox was ticked.
    pub fn checked(&self, name: &str) -> bool {
        self.fields.iter().any(|(k, _)| k == name)
    }

    /// The form, or 400 naming the field that holds a control character (tabs and line breaks,
    /// which textareas send, are allowed).
    fn refuse_control_characters(self) -> Result<CsrfForm, PageError> {
        let found = self.fields.iter().find_map(|(name, value)| {
            let character = control_character(name, false).or_else(|| control_character(value, true))?;
            Some((name, character))
        });
        match found {
            None => Ok(self),
            Some((name, character)) => Err(PageError::BadRequest(format!(
                "The field \"{name}\" contains a character that is not allowed ({character}). Remove it and send the form again."
            ))),
        }
    }

    /// The fields as a map of first values (to re-show a form).
    pub fn to_map(&self) -> HashMap<String, String> {
        let mut map = HashMap::new();
        for (k, v) in &self.fields {
            map.entry(k.clone()).or_insert_with(|| v.clone());
        }
        map
    }
}

impl<S: Send + Sync> FromRequest<S> for CsrfForm {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let session = Session::from_request_parts(&mut parts, state)
            .await
            .map_err(|_| PageError::Unexpected(anyhow::anyhow!("the session layer is missing")))?;
        let bytes = axum::body::to_bytes(body, MAX_FORM_BYTES).await.map_err(|_| {
            PageError::Invalid("The form is too large or was cut off. Go back and send it again.".into())
        })?;
        let form = CsrfForm::parse(&bytes);
        let expected = session.get::<String>(CSRF_KEY).await.map_err(session_error)?;
        match expected {
            Some(expected) if constant_time_eq(&expected, form.get(CSRF_FIELD)) => form.refuse_control_characters(),
            _ => Err(PageError::Forbidden(
                "This form could not be checked (its security token is missing or out of date). Go back, reload the page and send it again.".into(),
            )),
        }
    }
}
