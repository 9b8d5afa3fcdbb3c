//! Who is asking: `CurrentUser` (logged in), `MaybeUser`, `CurrentOrg` (the tenant every
//! tenant-owned query is scoped to), `AdminUser`, `View` (what the shared pages show them) and
//! `ClientIp`. Tenancy goes through
//! `CurrentOrg` only: it proves a membership before any handler sees an `OrgId`.
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts, OptionalFromRequestParts};
use axum::http::request::Parts;
use chrono::{DateTime, Utc};
use tower_sessions::Session;

use crate::db::{organisations, users};
use crate::domain::account::{OrgId, Role, UserId};
use crate::domain::plan::Plan;
use crate::startup::AppState;
use crate::web::accounts::error::PageError;
use crate::web::csrf::session_error;

/// Session key of the logged-in user's id.
pub const USER_KEY: &str = "user_id";
/// Session key of the organisation the user acts in.
pub const ORG_KEY: &str = "org_id";

/// A logged-in user.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: UserId,
    pub email: String,
    pub verified: bool,
    pub is_admin: bool,
    pub session: Session,
}

/// A logged-in user, or nobody.
#[derive(Debug, Clone)]
pub struct MaybeUser(pub Option<CurrentUser>);

/// The organisation the logged-in user acts in, with the plan in force.
#[derive(Debug, Clone)]
pub struct CurrentOrg {
    pub user: CurrentUser,
    id: OrgId,
    pub name: String,
    pub role: Role,
    /// The plan in force now (Free once `plan_until` passed).
    pub plan: Plan,
    pub stored_plan: Plan,
    pub plan_until: Option<DateTime<Utc>>,
    pub trial_used: bool,
}

impl CurrentOrg {
    /// The tenant: pass it to every `db::` function on tenant-owned rows.
    pub fn id(&self) -> OrgId {
        self.id
    }

    /// Refuses members who are not owners.
    pub fn require_owner(&self) -> Result<(), PageError> {
        self.require_owner_to("that")
    }

    /// Refuses members who are not owners, saying what only owners change ("the tracked platforms").
    pub fn require_owner_to(&self, what: &str) -> Result<(), PageError> {
        match self.role {
            Role::Owner => Ok(()),
            Role::Member => Err(PageError::Forbidden(format!(
                "Only an owner of {} can change {what}. Ask an owner of the organisation to do it.",
                self.name
            ))),
        }
    }

    /// Whether the user owns the organisation (forms that only owners use are shown to them only).
    pub fn is_owner(&self) -> bool {
        self.role == Role::Owner
    }
}

/// A logged-in operator (`users.is_admin`).
#[derive(Debug, Clone)]
pub struct AdminUser(pub CurrentUser);

/// What a visitor may see on the shared pages. Everyone of one view sees the same page, so one
/// cached render serves them all (`page_cache`): visitors and Free or Watcher members share the
/// public view, and no view holds anything of one user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct View {
    /// The Professional plan's full compliance analysis.
    pub full_analysis: bool,
    /// Operators' links (review an analysis).
    pub operator: bool,
}

impl View {
    /// What visitors see.
    pub const PUBLIC: View = View { full_analysis: false, operator: false };

    /// The view of a signed-in member (of their organisation's plan in force), or the public one.
    pub fn of(org: Option<&CurrentOrg>) -> View {
        org.map_or(View::PUBLIC, |org| View { full_analysis: org.plan.full_analysis(), operator: org.user.is_admin })
    }

    /// What the cache puts before a page's address: nothing for the public view, so signed-in
    /// members on it are served the pages stored for visitors.
    pub fn key_prefix(self) -> &'static str {
        match (self.full_analysis, self.operator) {
            (false, false) => "",
            (true, false) => "professional ",
            (false, true) => "operator ",
            (true, true) => "professional operator ",
        }
    }
}

/// `page_cache::serve` puts the view in the request; without it (a route outside the public
/// router) it is read from the session.
impl FromRequestParts<AppState> for View {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if let Some(view) = parts.extensions.get::<View>() {
            return Ok(*view);
        }
        let org = <CurrentOrg as OptionalFromRequestParts<AppState>>::from_request_parts(parts, state).await?;
        Ok(View::of(org.as_ref()))
    }
}

/// The client's address as the server saw it ("unknown" when the server was not given it).
#[derive(Debug, Clone)]
pub struct ClientIp(pub String);

async fn session_of(parts: &mut Parts, state: &AppState) -> Result<Session, PageError> {
    Session::from_request_parts(parts, state)
        .await
        .map_err(|_| PageError::Unexpected(anyhow::anyhow!("the session layer is missing")))
}

async fn load_user(parts: &mut Parts, state: &AppState) -> Result<Option<CurrentUser>, PageError> {
    let session = session_of(parts, state).await?;
    let Some(id) = session.get::<i64>(USER_KEY).await.map_err(session_error)? else {
        return Ok(None);
    };
    let mut conn = state.pool.acquire().await?;
    let Some(row) = users::user_by_id(&mut conn, UserId(id)).await? else {
        // The user was deleted: the session means nothing any more.
        session.flush().await.map_err(session_error)?;
        return Ok(None);
    };
    Ok(Some(CurrentUser {
        id: row.id(),
        email: row.email,
        verified: row.email_verified_at.is_some(),
        is_admin: row.is_admin,
        session,
    }))
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let next = parts.uri.path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_else(|| "/account".into());
        load_user(parts, state).await?.ok_or(PageError::LogIn { next })
    }
}

impl OptionalFromRequestParts<AppState> for CurrentUser {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Option<Self>, Self::Rejection> {
        load_user(parts, state).await
    }
}

impl FromRequestParts<AppState> for MaybeUser {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        load_user(parts, state).await.map(MaybeUser)
    }
}

impl FromRequestParts<AppState> for CurrentOrg {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let user = <CurrentUser as FromRequestParts<AppState>>::from_request_parts(parts, state).await?;
        org_of(user, state).await
    }
}

/// `Option<CurrentOrg>`: pages anyone may read that show more to some plans.
impl OptionalFromRequestParts<AppState> for CurrentOrg {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Option<Self>, Self::Rejection> {
        match load_user(parts, state).await? {
            Some(user) => org_of(user, state).await.map(Some),
            None => Ok(None),
        }
    }
}

/// The organisation `user` acts in: the one chosen in the session if still a member, else the first.
async fn org_of(user: CurrentUser, state: &AppState) -> Result<CurrentOrg, PageError> {
    let mut conn = state.pool.acquire().await?;
    let chosen = user.session.get::<i64>(ORG_KEY).await.map_err(session_error)?.map(OrgId);
    let mut found = match chosen {
        Some(org) => organisations::membership(&mut conn, org, user.id).await?,
        None => None,
    };
    if found.is_none() {
        // No choice yet, or no longer a member of it: fall back to the first organisation.
        if let Some(first) = organisations::memberships_of_user(&mut conn, user.id).await?.first() {
            found = organisations::membership(&mut conn, OrgId(first.org_id), user.id).await?;
            user.session.insert(ORG_KEY, first.org_id).await.map_err(session_error)?;
        }
    }
    let (org, role) = found
        .ok_or_else(|| PageError::Forbidden("Your account belongs to no organisation. Contact support.".into()))?;
    let stored_plan = Plan::parse(&org.plan).unwrap_or(Plan::Free);
    Ok(CurrentOrg {
        id: OrgId(org.org_id),
        name: org.name,
        role: Role::parse(&role).unwrap_or(Role::Member),
        plan: Plan::effective(stored_plan, org.plan_until, Utc::now()),
        stored_plan,
        plan_until: org.plan_until,
        trial_used: org.trial_used_at.is_some(),
        user,
    })
}

impl FromRequestParts<AppState> for AdminUser {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let user = <CurrentUser as FromRequestParts<AppState>>::from_request_parts(parts, state).await?;
        if !user.is_admin {
            return Err(PageError::Forbidden("This page is for ClauseWatch operators only.".into()));
        }
        Ok(AdminUser(user))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let ip = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(addr)| addr.ip().to_string());
        Ok(ClientIp(ip.unwrap_or_else(|| "unknown".into())))
    }
}
