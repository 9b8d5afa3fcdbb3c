//! `/account/watches`: Professional organisations alert only on chosen topics or provisions.
//! The provision page posts `lineage_id` here; the account page posts `topic`.
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use crate::db::tracking;
use crate::startup::AppState;
use crate::web::accounts::error::{PageError, page};
use crate::web::accounts::settings::render;
use crate::web::accounts::views::MessagePage;
use crate::web::csrf::{CsrfForm, csrf_token};
use crate::web::extract::CurrentOrg;

/// A topic slug as typed: lowercase letters, digits and dashes.
fn parse_topic(raw: &str) -> Option<String> {
    let topic = raw.trim().to_ascii_lowercase();
    let ok = !topic.is_empty()
        && topic.len() <= 64
        && topic.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    ok.then_some(topic)
}

#[derive(Debug, serde::Deserialize)]
pub struct WatchQuery {
    #[serde(default)]
    lineage_id: String,
}

/// `GET /account/watches/new?lineage_id=N`: the "Watch this provision" link of a provision page
/// (public pages carry no session, so the button that posts with a CSRF token is here).
pub async fn confirm(
    State(state): State<AppState>,
    org: CurrentOrg,
    Query(query): Query<WatchQuery>,
) -> Result<Response, PageError> {
    org.plan.check_watches()?;
    let not_found =
        || PageError::NotFound("There is no such provision. Open it from a platform page and watch it there.".into());
    let lineage: i64 = query.lineage_id.trim().parse().map_err(|_| not_found())?;
    let mut conn = state.pool.acquire().await?;
    let label = tracking::lineage_label(&mut conn, lineage).await?.ok_or_else(not_found)?;
    let lines = vec![
        format!("Watch {label}?"),
        "Your organisation's same-day alerts will then include changes to this provision.".to_owned(),
    ];
    let csrf = csrf_token(&org.user.session).await?;
    let hidden = vec![("lineage_id".to_owned(), lineage.to_string())];
    page(
        StatusCode::OK,
        &MessagePage::confirm("Watch this provision", lines, "/account/watches", csrf, hidden, "Watch this provision"),
    )
}

/// `POST /account/watches` with `topic` or `lineage_id`.
#[tracing::instrument(skip_all, fields(org.id = %org.id()))]
pub async fn add(State(state): State<AppState>, org: CurrentOrg, form: CsrfForm) -> Result<Response, PageError> {
    org.require_owner_to("the watches")?;
    org.plan.check_watches()?;
    let mut conn = state.pool.acquire().await?;
    if !form.get("lineage_id").is_empty() {
        let Ok(lineage) = form.get("lineage_id").trim().parse::<i64>() else {
            return render(
                &state,
                &org,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                Some("That provision id is not a number.".into()),
            )
            .await;
        };
        if !tracking::watch_lineage(&mut conn, org.id(), lineage).await? {
            return Err(PageError::NotFound(
                "There is no such provision. Open it from a platform page and watch it there.".into(),
            ));
        }
    } else {
        let Some(topic) = parse_topic(form.get("topic")) else {
            let msg = "Type a topic slug such as training-on-user-data (letters, digits and dashes).".to_owned();
            return render(&state, &org, StatusCode::UNPROCESSABLE_ENTITY, None, Some(msg)).await;
        };
        tracking::watch_topic(&mut conn, org.id(), &topic).await?;
    }
    Ok(Redirect::to("/account?saved=watches").into_response())
}

/// `POST /account/watches/{id}/delete`: only the caller's organisation's watches.
pub async fn remove(
    State(state): State<AppState>,
    org: CurrentOrg,
    Path(id): Path<String>,
    _form: CsrfForm,
) -> Result<Response, PageError> {
    org.require_owner_to("the watches")?;
    let not_found = || PageError::NotFound("Your organisation has no such watch.".into());
    let id: i64 = id.parse().map_err(|_| not_found())?;
    let mut conn = state.pool.acquire().await?;
    if !tracking::unwatch(&mut conn, org.id(), id).await? {
        return Err(not_found());
    }
    Ok(Redirect::to("/account?saved=watches").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topic_slugs_are_checked() {
        assert_eq!(parse_topic(" Training-On-User-Data "), Some("training-on-user-data".into()));
        for bad in ["", "a b", "<script>", &"x".repeat(65)] {
            assert_eq!(parse_topic(bad), None, "{bad}");
        }
    }
}
