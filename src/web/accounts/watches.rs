//! `/account/watches`: Professional organisations alert only on chosen topics or provisions.
//! The provision page posts `lineage_id` here; the account page posts `topic`, a slug of the
//! taxonomy picked from a list. Other plans get the upgrade offer.
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use crate::db::tracking;
use crate::domain::topic::Taxonomy;
use crate::startup::AppState;
use crate::web::accounts::error::{PageError, page};
use crate::web::accounts::settings::render;
use crate::web::accounts::upgrade;
use crate::web::accounts::views::MessagePage;
use crate::web::csrf::{CsrfForm, csrf_token};
use crate::web::extract::CurrentOrg;

/// What the upgrade offer calls this feature.
const FEATURE: &str = "Topic and provision watches";

/// The slug of a topic of the taxonomy, exactly as the picker submits it.
fn parse_topic(raw: &str) -> Option<&'static str> {
    Taxonomy::builtin().get(raw).map(|topic| topic.slug.as_str())
}

/// The refusal of a topic that is not in the list (quoted, cut short).
fn unknown_topic(raw: &str) -> String {
    let shown: String = raw.trim().chars().take(40).collect();
    format!("{shown:?} is not one of ClauseWatch's topics. Choose a topic from the list; nothing was saved.")
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
    if !org.plan.watches() {
        return upgrade::offer(FEATURE, org.plan);
    }
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
    if !org.plan.watches() {
        return upgrade::offer(FEATURE, org.plan);
    }
    org.require_owner_to("the watches")?;
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
            let msg = unknown_topic(form.get("topic"));
            return render(&state, &org, StatusCode::UNPROCESSABLE_ENTITY, None, Some(msg)).await;
        };
        tracking::watch_topic(&mut conn, org.id(), topic).await?;
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

/// How the account page lists a watch.
pub fn label(topic: Option<String>, lineage: Option<i64>, provision: Option<String>) -> String {
    let taxonomy = Taxonomy::builtin();
    match (topic, lineage, provision) {
        (Some(topic), _, _) => format!("Topic: {}", taxonomy.get(&topic).map_or(topic.as_str(), |t| t.name.as_str())),
        (None, _, Some(provision)) => format!("Provision: {provision}"),
        (None, Some(lineage), None) => format!("Provision #{lineage}"),
        (None, None, None) => "Unknown".into(),
    }
}

/// The topics of the taxonomy as (slug, name), by name: the watch picker.
pub fn topic_choices() -> Vec<(&'static str, &'static str)> {
    let mut topics: Vec<_> = Taxonomy::builtin().topics.iter().map(|t| (t.slug.as_str(), t.name.as_str())).collect();
    topics.sort_by_key(|(_, name)| *name);
    topics
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_slugs_of_the_taxonomy_are_topics() {
        assert_eq!(parse_topic("ai-training"), Some("ai-training"));
        let name = &Taxonomy::builtin().get("arbitration").unwrap().name;
        for bad in ["", "training-on-user-data", name.as_str(), "AI-Training", "<script>"] {
            assert_eq!(parse_topic(bad), None, "{bad}");
        }
        assert!(unknown_topic("training-on-user-data").contains("Choose a topic from the list"));
    }
}
