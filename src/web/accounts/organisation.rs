//! `/account/organisation`: members and invitations of the caller's organisation, and accepting
//! an invitation. Every query is scoped by the `CurrentOrg`.
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use crate::accounts::{self, rate_limit, tokens::hash_token};
use crate::db::{organisations, tokens};
use crate::domain::account::{OrgId, Role, UserId};
use crate::startup::AppState;
use crate::web::accounts::auth::LINK_GONE;
use crate::web::accounts::error::{PageError, page};
use crate::web::accounts::views::MessagePage;
use crate::web::accounts::{TokenQuery, invitation_limit, is_limit_violation, mailing};
use crate::web::csrf::{CsrfForm, csrf_token, session_error};
use crate::web::extract::{CurrentOrg, CurrentUser, ORG_KEY};

#[derive(Template)]
#[template(path = "account/organisation.html")]
struct OrganisationPage {
    org_name: String,
    plan_name: &'static str,
    csrf: String,
    error: Option<String>,
    notice: Option<String>,
    is_owner: bool,
    can_invite: bool,
    member_limit: usize,
    members: Vec<(i64, String, String)>,
    invitations: Vec<(String, String, String)>,
    email: String,
}

async fn render(
    state: &AppState,
    org: &CurrentOrg,
    status: StatusCode,
    notice: Option<String>,
    error: Option<String>,
    email: &str,
) -> Result<Response, PageError> {
    let mut conn = state.pool.acquire().await?;
    let members = organisations::members(&mut conn, org.id()).await?;
    let invitations = tokens::invitations(&mut conn, org.id()).await?;
    let is_owner = org.role == Role::Owner;
    let view = OrganisationPage {
        org_name: org.name.clone(),
        plan_name: org.plan.name(),
        csrf: csrf_token(&org.user.session).await?,
        error,
        notice,
        is_owner,
        can_invite: is_owner && org.plan.team(),
        member_limit: org.plan.max_members(),
        members: members.into_iter().map(|m| (m.user_id, m.email, m.role)).collect(),
        invitations: invitations
            .into_iter()
            .map(|i| (i.invitation_id, i.email, i.expires_at.format("%Y-%m-%d").to_string()))
            .collect(),
        email: email.to_owned(),
    };
    page(status, &view)
}

/// `GET /account/organisation`
pub async fn show(State(state): State<AppState>, org: CurrentOrg) -> Result<Response, PageError> {
    render(&state, &org, StatusCode::OK, None, None, "").await
}

/// `POST /account/organisation/invitations`: owners of Professional organisations invite by email.
#[tracing::instrument(skip_all, fields(org.id = %org.id()))]
pub async fn invite(State(state): State<AppState>, org: CurrentOrg, form: CsrfForm) -> Result<Response, PageError> {
    org.require_owner()?;
    let mut tx = state.pool.begin().await?;
    organisations::lock_org(&mut tx, org.id()).await?;
    let members = organisations::members(&mut tx, org.id()).await?.len();
    if let Err(e) = org.plan.check_can_add_member(members) {
        return render(&state, &org, StatusCode::UNPROCESSABLE_ENTITY, None, Some(e.to_string()), form.get("email"))
            .await;
    }
    let email = match accounts::parse_email(form.get("email")) {
        Ok(email) => email,
        Err(msg) => {
            return render(&state, &org, StatusCode::UNPROCESSABLE_ENTITY, None, Some(msg), form.get("email")).await;
        }
    };
    let link =
        accounts::Link::Invitation { org: org.id(), org_name: &org.name, inviter: &org.user.email, email: &email };
    rate_limit::hit(&mut tx, &rate_limit::user_bucket("invite", org.user.id), invitation_limit(&state)).await??;
    accounts::send_link(&mut tx, mailing(&state), link).await?;
    tx.commit().await?;
    render(&state, &org, StatusCode::OK, Some(format!("Invitation sent to {email}.")), None, "").await
}

/// `POST /account/organisation/invitations/{id}/revoke`
pub async fn revoke(
    State(state): State<AppState>,
    org: CurrentOrg,
    Path(id): Path<String>,
    _form: CsrfForm,
) -> Result<Response, PageError> {
    org.require_owner()?;
    let mut conn = state.pool.acquire().await?;
    if !tokens::revoke_invitation(&mut conn, org.id(), &id).await? {
        return Err(PageError::NotFound("Your organisation has no such pending invitation.".into()));
    }
    Ok(Redirect::to("/account/organisation").into_response())
}

/// `POST /account/organisation/members/{id}/remove`
pub async fn remove_member(
    State(state): State<AppState>,
    org: CurrentOrg,
    Path(id): Path<String>,
    _form: CsrfForm,
) -> Result<Response, PageError> {
    org.require_owner()?;
    let not_found =
        || PageError::NotFound("Your organisation has no such member (owners cannot be removed here).".into());
    let user = UserId(id.parse().map_err(|_| not_found())?);
    let mut conn = state.pool.acquire().await?;
    if !organisations::remove_member(&mut conn, org.id(), user).await? {
        return Err(not_found());
    }
    Ok(Redirect::to("/account/organisation").into_response())
}

/// `POST /account/organisation/switch`: act in another organisation the user belongs to.
pub async fn switch(State(state): State<AppState>, user: CurrentUser, form: CsrfForm) -> Result<Response, PageError> {
    let not_member = || PageError::NotFound("You are not a member of that organisation.".into());
    let org = OrgId(form.get("org_id").trim().parse().map_err(|_| not_member())?);
    let mut conn = state.pool.acquire().await?;
    organisations::membership(&mut conn, org, user.id).await?.ok_or_else(not_member)?;
    user.session.insert(ORG_KEY, org.0).await.map_err(session_error)?;
    Ok(Redirect::to("/account").into_response())
}

/// `GET /invitations/accept?token=` (log in first, as the invited address).
pub async fn accept_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<TokenQuery>,
) -> Result<Response, PageError> {
    let mut conn = state.pool.acquire().await?;
    let token = tokens::token_is_usable(&mut conn, &hash_token(&q.token), "invitation")
        .await?
        .ok_or_else(|| PageError::NotFound(LINK_GONE.into()))?;
    check_invited(&user, token.email.as_deref())?;
    let lines = vec![
        "Join the organisation that invited you? You can switch between organisations on your account page.".to_owned(),
    ];
    let hidden = vec![("token".to_owned(), q.token.clone())];
    page(
        StatusCode::OK,
        &MessagePage::confirm(
            "Accept the invitation",
            lines,
            "/invitations/accept",
            csrf_token(&user.session).await?,
            hidden,
            "Join",
        ),
    )
}

fn check_invited(user: &CurrentUser, invited: Option<&str>) -> Result<(), PageError> {
    match invited {
        Some(email) if email.eq_ignore_ascii_case(&user.email) => Ok(()),
        _ => Err(PageError::Forbidden(
            "This invitation was sent to another email address. Log in with that address to accept it.".into(),
        )),
    }
}

/// `POST /invitations/accept`: uses the invitation once and joins as a member.
pub async fn accept(State(state): State<AppState>, user: CurrentUser, form: CsrfForm) -> Result<Response, PageError> {
    let mut tx = state.pool.begin().await?;
    let hash = hash_token(form.get("token"));
    let token = tokens::token_is_usable(&mut tx, &hash, "invitation")
        .await?
        .ok_or_else(|| PageError::NotFound(LINK_GONE.into()))?;
    check_invited(&user, token.email.as_deref())?;
    tokens::consume_token(&mut tx, &hash, "invitation").await?.ok_or_else(|| PageError::NotFound(LINK_GONE.into()))?;
    let org = token.org_id.map(OrgId).ok_or_else(|| PageError::NotFound(LINK_GONE.into()))?;
    match organisations::insert_membership(&mut tx, org, user.id, Role::Member.as_str()).await {
        Ok(_) => {}
        Err(e) if is_limit_violation(&e) => {
            return Err(PageError::Invalid(
                "That organisation has as many members as its plan allows. Ask its owner.".into(),
            ));
        }
        Err(e) => return Err(e.into()),
    }
    tx.commit().await?;
    user.session.insert(ORG_KEY, org.0).await.map_err(session_error)?;
    Ok(Redirect::to("/account/organisation").into_response())
}
