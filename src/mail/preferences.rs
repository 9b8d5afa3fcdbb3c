//! Alert preferences as the mail side changes them (unsubscribe links).
use sqlx::PgConnection;

use super::unsubscribe::{List, Unsubscribe};

/// Turns one kind of mail off for a member of an organisation; false when the user is not (or
/// no longer) a member, in which case nothing is sent to them through it anyway.
pub async fn turn_off(conn: &mut PgConnection, what: Unsubscribe) -> Result<bool, sqlx::Error> {
    let sql = match what.list {
        List::Alerts => {
            "insert into alert_preferences (org_id, user_id, same_day_alerts)
             select org_id, user_id, false from memberships where org_id = $1 and user_id = $2
             on conflict (org_id, user_id) do update set same_day_alerts = false"
        }
        List::Digest => {
            "insert into alert_preferences (org_id, user_id, weekly_digest)
             select org_id, user_id, false from memberships where org_id = $1 and user_id = $2
             on conflict (org_id, user_id) do update set weekly_digest = false"
        }
    };
    let done = sqlx::query(sql).bind(what.org_id).bind(what.user_id).execute(conn).await?;
    Ok(done.rows_affected() == 1)
}
