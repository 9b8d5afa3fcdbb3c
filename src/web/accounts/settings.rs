//! `/account`: tracked platforms within the plan, alert preferences, email and password.
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use tower_sessions::Session;

use crate::accounts::{self, rate_limit};
use crate::db::{organisations, tokens, tracking, users};
use crate::domain::account::{NewPassword, UserId};
use crate::startup::AppState;
use crate::web::accounts::auth::LINK_GONE;
use crate::web::accounts::error::{PageError, page};
use crate::web::accounts::views::{MessagePage, SavedNotice};
use crate::web::accounts::watches;
use crate::web::accounts::{TokenQuery, is_limit_violation, login_limit, mailing};
use crate::web::csrf::{CsrfForm, csrf_token};
use crate::web::extract::{CurrentOrg, CurrentUser};

const WEEKDAYS: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/// A platform checkbox.
pub struct PlatformChoice {
    pub slug: String,
    pub name: String,
    /// Tracked now (stored).
    pub tracked: bool,
    /// Ticked in the form: the stored choice, or what a refused form submitted.
    pub ticked: bool,
}

#[derive(Template)]
#[template(path = "account/settings.html")]
struct SettingsPage {
    email: String,
    verified: bool,
    csrf: String,
    error: Option<String>,
    notice: Option<String>,
    is_owner: bool,
    org_name: String,
    plan_name: &'static str,
    plan_until: Option<String>,
    trial_available: bool,
    orgs: Vec<(i64, String, bool)>,
    used: usize,
    limit: usize,
    active: Vec<String>,
    paused: Vec<String>,
    platforms: Vec<PlatformChoice>,
    /// The platforms form was refused: its boxes show what was submitted, not what is stored.
    platforms_refused: bool,
    /// How many boxes are ticked.
    ticked: usize,
    same_day_allowed: bool,
    same_day: bool,
    weekly: bool,
    weekday: i16,
    weekdays: Vec<(i16, &'static str)>,
    watches_allowed: bool,
    watches: Vec<(i64, String)>,
    topics: Vec<(&'static str, &'static str)>,
    digest_hour: i16,
    export_allowed: bool,
}

/// Renders the settings page with a status and an optional message.
pub async fn render(
    state: &AppState,
    org: &CurrentOrg,
    status: StatusCode,
    notice: Option<String>,
    error: Option<String>,
) -> Result<Response, PageError> {
    render_page(state, org, status, notice, error, None).await
}

/// The settings page after a refused platforms form: the error, and the boxes ticked as the user
/// ticked them (not as stored), so they fix their choice instead of redoing it.
async fn refuse_platforms(
    state: &AppState,
    org: &CurrentOrg,
    problem: String,
    chosen: &[String],
) -> Result<Response, PageError> {
    let error = format!("{problem} Nothing was saved: your choices are kept below.");
    render_page(state, org, StatusCode::UNPROCESSABLE_ENTITY, None, Some(error), Some(chosen)).await
}

/// The settings page; `submitted`: the platforms a refused form ticked, shown instead of the stored ones.
async fn render_page(
    state: &AppState,
    org: &CurrentOrg,
    status: StatusCode,
    notice: Option<String>,
    error: Option<String>,
    submitted: Option<&[String]>,
) -> Result<Response, PageError> {
    let mut conn = state.pool.acquire().await?;
    let choices = tracking::platform_choices(&mut conn, org.id()).await?;
    let tracked = tracking::tracked_slugs(&mut conn, org.id()).await?;
    let (active, paused) = org.plan.split_tracked(&tracked);
    let prefs = tracking::preferences(&mut conn, org.id(), org.user.id).await?;
    let watches = tracking::watches(&mut conn, org.id()).await?;
    let orgs = organisations::memberships_of_user(&mut conn, org.user.id).await?;
    let platforms: Vec<PlatformChoice> = choices
        .into_iter()
        .map(|c| {
            let ticked = submitted.map_or(c.tracked, |chosen| chosen.contains(&c.slug));
            PlatformChoice { slug: c.slug, name: c.name, tracked: c.tracked, ticked }
        })
        .collect();
    let view = SettingsPage {
        email: org.user.email.clone(),
        verified: org.user.verified,
        csrf: csrf_token(&org.user.session).await?,
        error,
        notice,
        is_owner: org.is_owner(),
        org_name: org.name.clone(),
        plan_name: org.plan.name(),
        plan_until: org.plan_until.filter(|u| *u > Utc::now()).map(|u| u.format("%Y-%m-%d").to_string()),
        trial_available: !org.trial_used && org.plan == crate::domain::plan::Plan::Free,
        orgs: orgs.into_iter().map(|m| (m.org_id, m.name, m.org_id == org.id().0)).collect(),
        used: tracked.len(),
        limit: org.plan.max_tracked_platforms(),
        active: active.to_vec(),
        paused: paused.to_vec(),
        ticked: platforms.iter().filter(|p| p.ticked).count(),
        platforms,
        platforms_refused: submitted.is_some(),
        same_day_allowed: org.plan.same_day_alerts(),
        same_day: prefs.same_day_alerts,
        weekly: prefs.weekly_digest,
        weekday: prefs.digest_weekday,
        weekdays: (1..=7).zip(WEEKDAYS).collect(),
        watches_allowed: org.plan.watches(),
        watches: watches
            .into_iter()
            .map(|w| (w.watch_id, watches::label(w.topic, w.lineage_id, w.provision)))
            .collect(),
        topics: watches::topic_choices(),
        digest_hour: prefs.digest_hour,
        export_allowed: org.plan.audit_export(),
    };
    page(status, &view)
}

/// `GET /account`
pub async fn show(
    State(state): State<AppState>,
    org: CurrentOrg,
    Query(q): Query<std::collections::HashMap<String, String>>,
) -> Result<Response, PageError> {
    let notice = q.get("saved").and_then(|key| SavedNotice::parse(key)).map(|n| n.message().to_owned());
    render(&state, &org, StatusCode::OK, notice, None).await
}

/// `POST /account/platforms`: the ticked set replaces the tracked set, within the plan.
#[tracing::instrument(skip_all, fields(org.id = %org.id()))]
pub async fn save_platforms(
    State(state): State<AppState>,
    org: CurrentOrg,
    form: CsrfForm,
) -> Result<Response, PageError> {
    org.require_owner_to("the tracked platforms")?;
    let mut chosen: Vec<String> = form.all("platform").into_iter().map(str::to_owned).collect();
    chosen.sort();
    chosen.dedup();
    let mut tx = state.pool.begin().await?;
    let known = tracking::platform_ids_by_slugs(&mut tx, &chosen).await?;
    if known.len() != chosen.len() {
        let unknown: Vec<&str> =
            chosen.iter().filter(|s| !known.iter().any(|(_, k)| k == *s)).map(String::as_str).collect();
        let msg = format!("Unknown platform: {}. Choose from the list.", unknown.join(", "));
        let listed: Vec<String> = known.into_iter().map(|(_, slug)| slug).collect();
        return refuse_platforms(&state, &org, msg, &listed).await;
    }
    organisations::lock_org(&mut tx, org.id()).await?;
    let current = tracking::tracked_slugs(&mut tx, org.id()).await?;
    let adds = chosen.iter().filter(|s| !current.contains(s)).count();
    if let Err(e) = org.plan.check_tracking(current.len(), chosen.len(), adds) {
        drop(tx);
        return refuse_platforms(&state, &org, e.to_string(), &chosen).await;
    }
    let ids: Vec<i64> = known.iter().map(|(id, _)| *id).collect();
    tracking::untrack_all_but(&mut tx, org.id(), &ids).await?;
    for id in &ids {
        if let Err(e) = tracking::track(&mut tx, org.id(), *id).await {
            if is_limit_violation(&e) {
                let limit = org.plan.max_tracked_platforms();
                let msg = org.plan.check_tracking(0, chosen.len().max(limit + 1), 1).err().map(|e| e.to_string());
                drop(tx);
                return refuse_platforms(&state, &org, msg.unwrap_or_default(), &chosen).await;
            }
            return Err(e.into());
        }
    }
    tx.commit().await?;
    Ok(Redirect::to("/account?saved=platforms").into_response())
}

/// `POST /account/preferences`
pub async fn save_preferences(
    State(state): State<AppState>,
    org: CurrentOrg,
    form: CsrfForm,
) -> Result<Response, PageError> {
    let (weekday, hour) =
        match crate::mail::preferences::digest_time(form.get("digest_weekday"), form.get("digest_hour")) {
            Ok(time) => time,
            Err(msg) => return render(&state, &org, StatusCode::UNPROCESSABLE_ENTITY, None, Some(msg.into())).await,
        };
    let mut conn = state.pool.acquire().await?;
    let before = tracking::preferences(&mut conn, org.id(), org.user.id).await?;
    // Without same-day alerts in the plan the box is not shown: keep the stored choice.
    let same_day = if org.plan.same_day_alerts() { form.checked("same_day_alerts") } else { before.same_day_alerts };
    let prefs = tracking::PreferencesRow {
        same_day_alerts: same_day,
        weekly_digest: form.checked("weekly_digest"),
        digest_weekday: weekday,
        digest_hour: hour.unwrap_or(before.digest_hour),
    };
    tracking::save_preferences(&mut conn, org.id(), org.user.id, &prefs).await?;
    Ok(Redirect::to("/account?saved=preferences").into_response())
}

/// `POST /account/password`
pub async fn change_password(
    State(state): State<AppState>,
    org: CurrentOrg,
    form: CsrfForm,
) -> Result<Response, PageError> {
    if let Some(refusal) = check_current_password(&state, &org.user, form.get("current_password")).await? {
        return render(&state, &org, StatusCode::UNPROCESSABLE_ENTITY, None, Some(refusal)).await;
    }
    let password = match NewPassword::parse(form.get("password"), &org.user.email) {
        Ok(password) => password,
        Err(e) => return render(&state, &org, StatusCode::UNPROCESSABLE_ENTITY, None, Some(e.to_string())).await,
    };
    let keep = org.user.session.id().map(|id| id.to_string());
    let mut tx = state.pool.begin().await?;
    accounts::set_password(&mut tx, org.user.id, password, keep.as_deref()).await?;
    tx.commit().await?;
    render(
        &state,
        &org,
        StatusCode::OK,
        Some("Your password is changed; your other sessions were logged out.".into()),
        None,
    )
    .await
}

async fn check_current_password(
    state: &AppState,
    user: &CurrentUser,
    given: &str,
) -> Result<Option<String>, PageError> {
    let mut conn = state.pool.acquire().await?;
    let hash = users::user_by_id(&mut conn, user.id).await?.map(|u| u.password_hash);
    if accounts::password::verify_password(given.to_owned(), hash).await {
        return Ok(None);
    }
    Ok(Some("Your current password is not right. Type it again.".into()))
}

/// `POST /account/email`: mails a link to the new address; the change happens when it is used.
pub async fn change_email(
    State(state): State<AppState>,
    org: CurrentOrg,
    form: CsrfForm,
) -> Result<Response, PageError> {
    if let Some(refusal) = check_current_password(&state, &org.user, form.get("current_password")).await? {
        return render(&state, &org, StatusCode::UNPROCESSABLE_ENTITY, None, Some(refusal)).await;
    }
    let email = match accounts::parse_email(form.get("email")) {
        Ok(email) => email,
        Err(msg) => return render(&state, &org, StatusCode::UNPROCESSABLE_ENTITY, None, Some(msg)).await,
    };
    let mut tx = state.pool.begin().await?;
    rate_limit::hit(&mut tx, &rate_limit::user_bucket("change-email", org.user.id), login_limit(&state)).await??;
    let link = accounts::Link::ChangeEmail { user: org.user.id, new_email: &email };
    accounts::send_link(&mut tx, mailing(&state), link).await?;
    tx.commit().await?;
    let notice = format!("We sent a link to {email}. Your address changes when you open it.");
    render(&state, &org, StatusCode::OK, Some(notice), None).await
}

/// `GET /account/email/confirm?token=`
pub async fn confirm_email_form(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<TokenQuery>,
) -> Result<Response, PageError> {
    let mut conn = state.pool.acquire().await?;
    let token = tokens::token_is_usable(&mut conn, &accounts::tokens::hash_token(&q.token), "change-email").await?;
    let email = token.and_then(|t| t.email).ok_or_else(|| PageError::NotFound(LINK_GONE.into()))?;
    let lines = vec![format!("Use {email} for your ClauseWatch account from now on?")];
    let hidden = vec![("token".to_owned(), q.token.clone())];
    page(
        StatusCode::OK,
        &MessagePage::confirm(
            "Confirm your new email",
            lines,
            "/account/email/confirm",
            csrf_token(&session).await?,
            hidden,
            "Use this address",
        ),
    )
}

/// `POST /account/email/confirm`
pub async fn confirm_email(State(state): State<AppState>, form: CsrfForm) -> Result<Response, PageError> {
    let mut tx = state.pool.begin().await?;
    let hash = accounts::tokens::hash_token(form.get("token"));
    let token = tokens::consume_token(&mut tx, &hash, "change-email")
        .await?
        .ok_or_else(|| PageError::NotFound(LINK_GONE.into()))?;
    let (Some(user), Some(email)) = (token.user_id.map(UserId), token.email) else {
        return Err(PageError::NotFound(LINK_GONE.into()));
    };
    if !accounts::change_email(&mut tx, user, &email).await? {
        return Err(PageError::Invalid(format!("{email} now belongs to another account, so it cannot be used.")));
    }
    tx.commit().await?;
    page(
        StatusCode::OK,
        &MessagePage::info(
            "Email changed",
            &["Your account now uses the new address."],
            &[("/account", "Go to your account")],
        ),
    )
}
