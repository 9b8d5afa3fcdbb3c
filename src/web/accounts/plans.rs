//! Plans without a card: the self-serve trial (`/pricing/trial`) and the operators' page
//! (`/admin/plans`).
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};

use crate::accounts::plans::{self, PlanChangeError, TRIAL_DAYS};
use crate::accounts::tokens::new_token;
use crate::db::organisations;
use crate::domain::account::OrgId;
use crate::domain::plan::Plan;
use crate::startup::AppState;
use crate::web::accounts::error::{PageError, page};
use crate::web::accounts::views::MessagePage;
use crate::web::csrf::{CsrfForm, csrf_token};
use crate::web::extract::{AdminUser, CurrentOrg};

/// `GET /pricing/trial`: the button (owners only; once per organisation).
pub async fn trial_form(org: CurrentOrg) -> Result<Response, PageError> {
    org.require_owner()?;
    if org.trial_used {
        return Err(PageError::Invalid(PlanChangeError::TrialUsed.to_string()));
    }
    let lines = vec![
        format!(
            "Try the Watcher plan free for {TRIAL_DAYS} days: up to 10 platforms and same-day alerts. No credit card required."
        ),
        "When the trial ends, the organisation is back on Free automatically; your settings are kept.".to_owned(),
    ];
    let csrf = csrf_token(&org.user.session).await?;
    page(
        StatusCode::OK,
        &MessagePage::confirm("Start your free trial", lines, "/pricing/trial", csrf, vec![], "Start my 14-day trial"),
    )
}

/// `POST /pricing/trial`
#[tracing::instrument(skip_all, fields(org.id = %org.id()))]
pub async fn start_trial(
    State(state): State<AppState>,
    org: CurrentOrg,
    _form: CsrfForm,
) -> Result<Response, PageError> {
    org.require_owner()?;
    let mut tx = state.pool.begin().await?;
    let change = match plans::start_trial(&mut tx, org.id()).await? {
        Ok(change) => change,
        Err(refused) => return Err(PageError::Invalid(refused.to_string())),
    };
    tx.commit().await?;
    let until = change.until.map(|u| u.format("%Y-%m-%d").to_string()).unwrap_or_default();
    let line = format!("Your Watcher trial runs until {until}. No credit card required; it ends by itself.");
    page(StatusCode::OK, &MessagePage::info("Trial started", &[&line], &[("/account", "Choose your platforms")]))
}

#[derive(Template)]
#[template(path = "account/admin_plans.html")]
struct AdminPlansPage {
    csrf: String,
    idempotency_key: String,
    error: Option<String>,
    notice: Option<String>,
    orgs: Vec<(i64, String, String, String, String, i64)>,
}

async fn render(
    state: &AppState,
    admin: &AdminUser,
    status: StatusCode,
    notice: Option<String>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let mut conn = state.pool.acquire().await?;
    let orgs = organisations::orgs_for_operator(&mut conn, 500).await?;
    let view = AdminPlansPage {
        csrf: csrf_token(&admin.0.session).await?,
        idempotency_key: new_token().raw,
        error,
        notice,
        orgs: orgs
            .into_iter()
            .map(|o| {
                let until = o.plan_until.map(|u| u.format("%Y-%m-%d").to_string()).unwrap_or_default();
                (o.org_id, o.name, o.owners, o.plan, until, o.tracked)
            })
            .collect(),
    };
    page(status, &view)
}

/// `GET /admin/plans`
pub async fn show(State(state): State<AppState>, admin: AdminUser) -> Result<Response, PageError> {
    render(&state, &admin, StatusCode::OK, None, None).await
}

/// A date typed as `YYYY-MM-DD`: the plan runs to the end of that day (UTC).
pub fn parse_until(raw: &str) -> Result<Option<DateTime<Utc>>, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let date = NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .map_err(|_| format!("{raw:?} is not a date: type it as 2027-01-31."))?;
    let end = date.and_hms_opt(23, 59, 59).ok_or_else(|| format!("{raw:?} is not a date: type it as 2027-01-31."))?;
    Ok(Some(end.and_utc()))
}

/// `POST /admin/plans`: idempotent by the form's key, so a double submit changes nothing twice.
#[tracing::instrument(skip_all)]
pub async fn set(State(state): State<AppState>, admin: AdminUser, form: CsrfForm) -> Result<Response, PageError> {
    let parsed = (|| {
        let org = OrgId(
            form.get("org_id")
                .trim()
                .parse()
                .map_err(|_| "Type the organisation's number from the table.".to_owned())?,
        );
        let plan = Plan::parse(form.get("plan")).map_err(|e| e.to_string())?;
        let until = parse_until(form.get("until"))?;
        let key = form.get("idempotency_key");
        if key.len() < 16 {
            return Err("This form is missing its key; reload the page.".to_owned());
        }
        Ok((org, plan, until, key.to_owned()))
    })();
    let (org, plan, until, key) = match parsed {
        Ok(parsed) => parsed,
        Err(msg) => return render(&state, &admin, StatusCode::UNPROCESSABLE_ENTITY, None, Some(msg)).await,
    };
    let mut tx = state.pool.begin().await?;
    let by = format!("admin:{}", admin.0.id);
    let outcome = plans::set_plan(&mut tx, org, plan, until, &format!("admin:{key}"), &by).await?;
    tx.commit().await?;
    match outcome {
        Ok(change) => render(&state, &admin, StatusCode::OK, Some(change.summary()), None).await,
        Err(PlanChangeError::AlreadyDone) => {
            render(&state, &admin, StatusCode::OK, Some(PlanChangeError::AlreadyDone.to_string()), None).await
        }
        Err(refused) => render(&state, &admin, StatusCode::UNPROCESSABLE_ENTITY, None, Some(refused.to_string())).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn until_dates_run_to_the_end_of_the_day_and_garbage_is_explained() {
        assert_eq!(parse_until(""), Ok(None));
        assert_eq!(parse_until("2027-01-31").unwrap().unwrap().to_rfc3339(), "2027-01-31T23:59:59+00:00");
        assert!(parse_until("31/01/2027").unwrap_err().contains("2027-01-31"));
        assert!(parse_until("2027-02-30").is_err());
    }
}
