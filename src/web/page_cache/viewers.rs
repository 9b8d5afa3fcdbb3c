//! The view of each signed-in session, remembered for a minute so that a member's page costs no
//! more than a visitor's: no session, user or organisation query per request.
//!
//! What is remembered is forgotten at once when anything that decides it changes: a write this
//! process answered (logging out, switching organisation, an operator's plan change), or a
//! notification from Postgres (migration 0018: a session deleted, a user, membership or
//! organisation changed), whichever process made it. A plan that ends by its date is remembered
//! no later than that date. While the listener is down nothing is remembered.
use std::{
    collections::HashMap,
    sync::{
        RwLock,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use axum::{
    extract::{OptionalFromRequestParts, Request},
    http::request::Parts,
};
use chrono::Utc;
use tower_sessions::{Session, session::Id};

use crate::startup::AppState;
use crate::web::extract::{CurrentOrg, View};

/// How long a session's view is remembered without news.
const REMEMBER: Duration = Duration::from_secs(60);
/// Sessions remembered at most; past it the memory starts afresh.
const MAX_SESSIONS: usize = 100_000;

/// Views by session id.
#[derive(Default)]
pub struct Viewers {
    by_session: RwLock<HashMap<Id, (View, Instant)>>,
    /// Moved by every `forget_all`: a view read before it is not remembered after it.
    epoch: AtomicU64,
}

impl Viewers {
    fn get(&self, id: &Id) -> Option<View> {
        let remembered = self.by_session.read().unwrap_or_else(|e| e.into_inner());
        remembered.get(id).filter(|(_, until)| Instant::now() < *until).map(|(view, _)| *view)
    }

    fn put(&self, id: Id, view: View, until: Instant, epoch: u64) {
        let mut remembered = self.by_session.write().unwrap_or_else(|e| e.into_inner());
        if self.epoch.load(Ordering::Acquire) != epoch {
            return;
        }
        if remembered.len() >= MAX_SESSIONS {
            remembered.clear();
        }
        remembered.insert(id, (view, until));
    }

    /// Forgets every remembered view.
    pub fn forget_all(&self) {
        let mut remembered = self.by_session.write().unwrap_or_else(|e| e.into_inner());
        self.epoch.fetch_add(1, Ordering::AcqRel);
        remembered.clear();
    }

    /// How many sessions are remembered (tests).
    pub fn len(&self) -> usize {
        self.by_session.read().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// True when none is.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The view of a request that carries a session cookie, put in the request for the handler.
/// Remembered by session id when `remember`. A session the server cannot read (unknown,
/// expired, its user without an organisation, the database down) gets the public view: it
/// shows less, never more.
pub async fn view_of(state: &AppState, request: Request, remember: bool) -> (View, Request) {
    let (mut parts, body) = request.into_parts();
    let view = resolve(state, &mut parts, remember).await;
    parts.extensions.insert(view);
    (view, Request::from_parts(parts, body))
}

async fn resolve(state: &AppState, parts: &mut Parts, remember: bool) -> View {
    let viewers = &state.page_cache.viewers;
    let id = parts.extensions.get::<Session>().and_then(Session::id);
    if remember && let Some(view) = id.as_ref().and_then(|id| viewers.get(id)) {
        return view;
    }
    let epoch = viewers.epoch.load(Ordering::Acquire);
    let org = match <CurrentOrg as OptionalFromRequestParts<AppState>>::from_request_parts(parts, state).await {
        Ok(org) => org,
        Err(error) => {
            tracing::debug!(%error, "a session without a readable organisation gets the public view");
            return View::PUBLIC;
        }
    };
    let view = View::of(org.as_ref());
    if let (true, Some(id)) = (remember, id) {
        let mut until = Instant::now() + REMEMBER;
        if let Some(ends) = org.as_ref().and_then(|org| org.plan_until) {
            let left = (ends - Utc::now()).to_std().unwrap_or_default();
            until = until.min(Instant::now() + left);
        }
        viewers.put(id, view, until, epoch);
    }
    view
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_view_read_before_everything_was_forgotten_is_not_remembered_after() {
        let viewers = Viewers::default();
        let id = Id::default();
        let pro = View { full_analysis: true, operator: false };
        let later = Instant::now() + REMEMBER;
        let epoch = viewers.epoch.load(Ordering::Acquire);
        viewers.forget_all();
        viewers.put(id, pro, later, epoch);
        assert_eq!(viewers.get(&id), None);
        viewers.put(id, pro, later, viewers.epoch.load(Ordering::Acquire));
        assert_eq!(viewers.get(&id), Some(pro));
        viewers.forget_all();
        assert!(viewers.is_empty());
    }

    #[test]
    fn a_view_past_its_time_is_not_served() {
        let viewers = Viewers::default();
        let id = Id::default();
        viewers.put(id, View::PUBLIC, Instant::now(), 0);
        assert_eq!(viewers.get(&id), None);
    }
}
