//! Organisations (tenants), memberships and plans. Every function that reads or changes a
//! tenant's rows takes its `OrgId`.
use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use crate::domain::account::{OrgId, UserId};

/// An organisation with its stored plan.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OrgRow {
    pub org_id: i64,
    pub name: String,
    pub plan: String,
    pub plan_until: Option<DateTime<Utc>>,
    pub trial_used_at: Option<DateTime<Utc>>,
}

/// A membership of a user, with the organisation it opens.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MembershipRow {
    pub org_id: i64,
    pub name: String,
    pub role: String,
}

/// A member as listed on the organisation page.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MemberRow {
    pub user_id: i64,
    pub email: String,
    pub role: String,
}

/// Creates an organisation on Free.
pub async fn insert_org(conn: &mut PgConnection, name: &str) -> Result<OrgId, sqlx::Error> {
    sqlx::query_scalar("insert into organisations (name) values ($1) returning org_id")
        .bind(name)
        .fetch_one(conn)
        .await
        .map(OrgId)
}

/// Adds a member; the database refuses one beyond the plan's limit (`memberships_plan_limit`).
/// Returns false when the user already belongs to the organisation.
pub async fn insert_membership(
    conn: &mut PgConnection,
    org: OrgId,
    user: UserId,
    role: &str,
) -> Result<bool, sqlx::Error> {
    let done =
        sqlx::query("insert into memberships (org_id, user_id, role) values ($1, $2, $3) on conflict do nothing")
            .bind(org.0)
            .bind(user.0)
            .bind(role)
            .execute(conn)
            .await?;
    Ok(done.rows_affected() == 1)
}

/// The organisation, read only through a membership of `user`: `None` if the user is not a member.
pub async fn membership(
    conn: &mut PgConnection,
    org: OrgId,
    user: UserId,
) -> Result<Option<(OrgRow, String)>, sqlx::Error> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        org: OrgRow,
        role: String,
    }
    let row: Option<Row> = sqlx::query_as(
        "select o.org_id, o.name, o.plan, o.plan_until, o.trial_used_at, m.role
         from memberships m join organisations o using (org_id)
         where m.org_id = $1 and m.user_id = $2",
    )
    .bind(org.0)
    .bind(user.0)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| (r.org, r.role)))
}

/// Every organisation a user belongs to, owned ones first.
pub async fn memberships_of_user(conn: &mut PgConnection, user: UserId) -> Result<Vec<MembershipRow>, sqlx::Error> {
    sqlx::query_as(
        "select o.org_id, o.name, m.role from memberships m join organisations o using (org_id)
         where m.user_id = $1 order by (m.role = 'owner') desc, m.created_at, o.org_id",
    )
    .bind(user.0)
    .fetch_all(conn)
    .await
}

/// The members of an organisation.
pub async fn members(conn: &mut PgConnection, org: OrgId) -> Result<Vec<MemberRow>, sqlx::Error> {
    sqlx::query_as(
        "select u.user_id, u.email, m.role from memberships m join users u using (user_id)
         where m.org_id = $1 order by (m.role = 'owner') desc, m.created_at, u.user_id",
    )
    .bind(org.0)
    .fetch_all(conn)
    .await
}

/// Removes a member (never the last owner: owners are not removed here).
pub async fn remove_member(conn: &mut PgConnection, org: OrgId, user: UserId) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("delete from memberships where org_id = $1 and user_id = $2 and role = 'member'")
        .bind(org.0)
        .bind(user.0)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Locks the organisation row for the rest of the transaction and returns it: limit checks
/// made after this cannot race another request of the same organisation.
pub async fn lock_org(conn: &mut PgConnection, org: OrgId) -> Result<Option<OrgRow>, sqlx::Error> {
    sqlx::query_as(
        "select org_id, name, plan, plan_until, trial_used_at from organisations where org_id = $1 for update",
    )
    .bind(org.0)
    .fetch_optional(conn)
    .await
}

/// Sets the plan and its end (operators and trials).
pub async fn set_plan(
    conn: &mut PgConnection,
    org: OrgId,
    plan: &str,
    until: Option<DateTime<Utc>>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("update organisations set plan = $2, plan_until = $3 where org_id = $1")
        .bind(org.0)
        .bind(plan)
        .bind(until)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Starts the trial once: false when this organisation already used it.
pub async fn start_trial(
    conn: &mut PgConnection,
    org: OrgId,
    plan: &str,
    until: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "update organisations set plan = $2, plan_until = $3, trial_used_at = now()
         where org_id = $1 and trial_used_at is null",
    )
    .bind(org.0)
    .bind(plan)
    .bind(until)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records a plan change under its idempotency key; false when the key was already used.
pub async fn record_plan_change(
    conn: &mut PgConnection,
    key: &str,
    org: OrgId,
    plan: &str,
    until: Option<DateTime<Utc>>,
    by: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "insert into plan_changes (idempotency_key, org_id, plan, plan_until, changed_by) values ($1, $2, $3, $4, $5)
         on conflict (idempotency_key) do nothing",
    )
    .bind(key)
    .bind(org.0)
    .bind(plan)
    .bind(until)
    .bind(by)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// An organisation by id, for operators only (the admin page and the CLI).
pub async fn org_for_operator(conn: &mut PgConnection, org: OrgId) -> Result<Option<OrgRow>, sqlx::Error> {
    sqlx::query_as("select org_id, name, plan, plan_until, trial_used_at from organisations where org_id = $1")
        .bind(org.0)
        .fetch_optional(conn)
        .await
}

/// The organisations a user owns, for operators (plan set by email).
pub async fn owned_orgs_for_operator(conn: &mut PgConnection, email: &str) -> Result<Vec<OrgRow>, sqlx::Error> {
    sqlx::query_as(
        "select o.org_id, o.name, o.plan, o.plan_until, o.trial_used_at
         from organisations o join memberships m using (org_id) join users u using (user_id)
         where lower(u.email) = lower($1) and m.role = 'owner' order by o.org_id",
    )
    .bind(email)
    .fetch_all(conn)
    .await
}

/// An organisation listed on the operators' plans page.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OrgOverviewRow {
    pub org_id: i64,
    pub name: String,
    pub plan: String,
    pub plan_until: Option<DateTime<Utc>>,
    pub owners: String,
    pub tracked: i64,
}

/// Every organisation with its owners and tracked count, for operators.
pub async fn orgs_for_operator(conn: &mut PgConnection, limit: i64) -> Result<Vec<OrgOverviewRow>, sqlx::Error> {
    sqlx::query_as(
        "select o.org_id, o.name, o.plan, o.plan_until,
                coalesce((select string_agg(u.email, ', ' order by u.email) from memberships m join users u using (user_id)
                          where m.org_id = o.org_id and m.role = 'owner'), '') as owners,
                (select count(*) from tracked_platforms t where t.org_id = o.org_id) as tracked
         from organisations o order by o.org_id limit $1",
    )
    .bind(limit)
    .fetch_all(conn)
    .await
}
