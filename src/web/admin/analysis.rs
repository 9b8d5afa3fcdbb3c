//! `/admin/provisions/{lineage}/analysis`: operators review or rewrite the analysis of a
//! provision's newest version, field by field; every change is kept in the history.
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use crate::db::analyses::{self, NewAnalysis};
use crate::db::pages::provisions::{LineageHeadRow, lineage_head, provision_topics};
use crate::pipeline::analyse::review::{Field, Reviewed};
use crate::pipeline::facts::Source;
use crate::startup::AppState;
use crate::web::accounts::error::{PageError, page};
use crate::web::csrf::{CsrfForm, csrf_token};
use crate::web::extract::AdminUser;
use crate::web::pages::analysis_view::{ProvisionAnalysis, provision_analyses};
use crate::web::pages::provision::review_href;
use crate::web::pages::{Block, blocks, date, datetime, document_href, topic_name};

/// One field of the review form.
struct FieldInput {
    name: &'static str,
    label: &'static str,
    value: String,
    by_editor: bool,
    /// For the exposure: (level, selected).
    options: Vec<(&'static str, bool)>,
    rows: usize,
}

/// The review form of one topic's analysis.
struct TopicForm {
    slug: String,
    name: String,
    label: String,
    fields: Vec<FieldInput>,
}

/// One change in the history.
struct EditView {
    when: String,
    editor: String,
    topic: String,
    field: &'static str,
    previous: String,
    new: String,
    version_id: i64,
}

#[derive(Template)]
#[template(path = "admin/analysis.html")]
struct AnalysisEditPage {
    heading: String,
    provision_href: String,
    platform_name: String,
    document_name: String,
    captured: String,
    provision_blocks: Vec<Block>,
    action: String,
    csrf: String,
    version_id: i64,
    notice: Option<String>,
    error: Option<String>,
    forms: Vec<TopicForm>,
    history: Vec<EditView>,
}

/// `?saved=N` after a save.
#[derive(Debug, serde::Deserialize)]
pub struct Saved {
    saved: Option<usize>,
}

/// What a form sent back, to show it again with its error.
struct Resubmitted<'a> {
    topic: &'a str,
    form: &'a CsrfForm,
}

fn topic_form(analysis: &ProvisionAnalysis, resubmitted: Option<&Resubmitted<'_>>) -> TopicForm {
    let r = &analysis.reviewed;
    let slug = r.automated.topic.clone();
    let sent = resubmitted.filter(|s| s.topic == slug);
    let fields = Field::ALL
        .into_iter()
        .map(|field| {
            let value = sent.map(|s| s.form.get(field.slug()).to_owned()).unwrap_or_else(|| r.text(field));
            let options = if field == Field::Exposure {
                ["high", "medium", "low"].into_iter().map(|level| (level, level == value)).collect()
            } else {
                Vec::new()
            };
            let rows = if field.is_list() { value.lines().count().clamp(2, 12) } else { 5 };
            FieldInput { name: field.slug(), label: field.label(), value, by_editor: r.is_edited(field), options, rows }
        })
        .collect();
    let label = match analysis.reviewed_at {
        Some(at) => format!("Reviewed by an editor on {}", date(at)),
        None => "Automated analysis".to_owned(),
    };
    TopicForm { name: topic_name(&slug), slug, label, fields }
}

/// The provision at the head of its lineage, as the facts readers take it.
fn head_source(head: &LineageHeadRow) -> Source<'_> {
    Source { heading_path: &head.heading_path, text: &head.text, terms_type: Some(&head.terms_type) }
}

async fn render(
    state: &AppState,
    admin: &AdminUser,
    head: &LineageHeadRow,
    lineage_id: i64,
    status: StatusCode,
    (notice, error): (Option<String>, Option<String>),
    resubmitted: Option<Resubmitted<'_>>,
) -> Result<Response, PageError> {
    let mut conn = state.pool.acquire().await?;
    let topics = provision_topics(&mut conn, head.provision_id).await?;
    let analyses =
        provision_analyses(&mut conn, head.version_id, lineage_id, &topics, &head_source(head), &head.platform_name)
            .await?;
    let history = analyses::edits_of_lineage(&mut conn, lineage_id).await?;
    let heading = head.title.clone().or_else(|| head.heading_path.last().cloned()).unwrap_or_else(|| head.key.clone());
    let view = AnalysisEditPage {
        provision_href: format!("{}/provisions/{lineage_id}", document_href(&head.platform_slug, &head.document_slug)),
        platform_name: head.platform_name.clone(),
        document_name: head.terms_type.clone(),
        captured: datetime(head.captured_at),
        provision_blocks: blocks(&head.text),
        action: review_href(lineage_id),
        csrf: csrf_token(&admin.0.session).await?,
        version_id: head.version_id,
        notice,
        error,
        forms: analyses.iter().map(|a| topic_form(a, resubmitted.as_ref())).collect(),
        history: history
            .into_iter()
            .map(|e| EditView {
                when: datetime(e.edited_at),
                editor: e.editor.unwrap_or_else(|| "a deleted account".to_owned()),
                topic: topic_name(&e.topic),
                field: Field::from_slug(&e.field).map_or("?", Field::label),
                previous: e.previous_text,
                new: e.new_text,
                version_id: e.version_id,
            })
            .collect(),
        heading,
    };
    page(status, &view)
}

async fn head_of(state: &AppState, lineage: &str) -> Result<(i64, LineageHeadRow), PageError> {
    let missing = || PageError::NotFound(format!("There is no provision {lineage:?}."));
    let lineage_id = lineage.parse::<i64>().ok().filter(|id| *id > 0).ok_or_else(missing)?;
    let mut conn = state.pool.acquire().await?;
    let head = lineage_head(&mut conn, lineage_id).await?.ok_or_else(missing)?;
    Ok((lineage_id, head))
}

/// `GET /admin/provisions/{lineage}/analysis`
#[tracing::instrument(skip_all, fields(lineage = %lineage))]
pub async fn show(
    State(state): State<AppState>,
    admin: AdminUser,
    Path(lineage): Path<String>,
    Query(saved): Query<Saved>,
) -> Result<Response, PageError> {
    let (lineage_id, head) = head_of(&state, &lineage).await?;
    let notice = saved.saved.map(|n| format!("Review saved: {n} field{} changed.", if n == 1 { "" } else { "s" }));
    render(&state, &admin, &head, lineage_id, StatusCode::OK, (notice, None), None).await
}

/// The fields a form sent, tidied; the first problem found otherwise.
fn submitted_fields(form: &CsrfForm) -> Result<Vec<(Field, String)>, String> {
    let topic = form.get("topic");
    Field::ALL
        .into_iter()
        .filter(|f| form.checked(f.slug()))
        .map(|f| {
            f.normalise(topic, form.get(f.slug())).map(|text| (f, text)).map_err(|e| format!("{}: {e}", f.label()))
        })
        .collect()
}

/// `POST /admin/provisions/{lineage}/analysis`: saves one topic's review.
#[tracing::instrument(skip_all, fields(lineage = %lineage))]
pub async fn save(
    State(state): State<AppState>,
    admin: AdminUser,
    Path(lineage): Path<String>,
    form: CsrfForm,
) -> Result<Response, PageError> {
    let (lineage_id, head) = head_of(&state, &lineage).await?;
    let topic = form.get("topic");
    let resubmitted = Some(Resubmitted { topic, form: &form });
    let refuse = |status, message: String| (status, (None, Some(message)));
    let fields = match submitted_fields(&form) {
        Ok(fields) => fields,
        Err(msg) => {
            let (status, messages) = refuse(StatusCode::UNPROCESSABLE_ENTITY, msg);
            return render(&state, &admin, &head, lineage_id, status, messages, resubmitted).await;
        }
    };
    if form.get("version_id") != head.version_id.to_string() {
        let msg =
            "A newer version of this provision was archived since the form was opened: review its analysis below.";
        let (status, messages) = refuse(StatusCode::CONFLICT, msg.to_owned());
        return render(&state, &admin, &head, lineage_id, status, messages, None).await;
    }
    let mut tx = state.pool.begin().await?;
    let Some(row) = stored_analysis(&mut tx, &head, lineage_id, topic).await? else {
        let (status, messages) =
            refuse(StatusCode::UNPROCESSABLE_ENTITY, format!("{topic:?} is not a topic of this provision."));
        return render(&state, &admin, &head, lineage_id, status, messages, None).await;
    };
    let mut reviewed: Reviewed = row.reviewed();
    let edits = reviewed.apply(&fields);
    analyses::save_review(&mut tx, &row, &reviewed, admin.0.id.0, &edits).await?;
    analyses::apply_editor_exposure(&mut tx, head.version_id).await?;
    tx.commit().await?;
    tracing::info!(topic, fields = edits.len(), "analysis reviewed");
    Ok(Redirect::to(&format!("{}?saved={}", review_href(lineage_id), edits.len())).into_response())
}

/// The stored analysis of a topic of the provision, locked; stored first when the provision's
/// analyses predate storage. None when the topic is not one of the provision's.
async fn stored_analysis(
    conn: &mut sqlx::PgConnection,
    head: &LineageHeadRow,
    lineage_id: i64,
    topic: &str,
) -> Result<Option<analyses::AnalysisRow>, sqlx::Error> {
    if let Some(row) = analyses::analysis_for_update(conn, head.version_id, lineage_id, topic).await? {
        return Ok(Some(row));
    }
    let topics = provision_topics(conn, head.provision_id).await?;
    let composed =
        provision_analyses(conn, head.version_id, lineage_id, &topics, &head_source(head), &head.platform_name).await?;
    let Some(analysis) = composed.into_iter().find(|a| a.reviewed.automated.topic == topic) else {
        return Ok(None);
    };
    let new = NewAnalysis { lineage_id, analysis: analysis.reviewed.automated };
    analyses::upsert_analyses(conn, head.version_id, None, &[new]).await?;
    analyses::analysis_for_update(conn, head.version_id, lineage_id, topic).await
}
