//! Alert preferences as the mail side changes them (unsubscribe links), and the digest time as
//! `/account` submits it.
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

/// The digest's ISO weekday (1 = Monday) and UTC hour (0–23), as the two selects submit them;
/// no hour at all (a form rendered before the hour could be chosen) keeps the stored one.
pub fn digest_time(weekday: &str, hour: &str) -> Result<(i16, Option<i16>), &'static str> {
    let weekday = match weekday.parse::<i16>() {
        Ok(day @ 1..=7) => day,
        _ => return Err("Choose the digest's weekday from the list; nothing was saved."),
    };
    if hour.is_empty() {
        return Ok((weekday, None));
    }
    match hour.parse::<i16>() {
        Ok(hour @ 0..=23) => Ok((weekday, Some(hour))),
        _ => Err("Choose the digest's hour (0–23, UTC) from the list; nothing was saved."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_digest_time_is_a_weekday_1_to_7_and_an_hour_0_to_23() {
        assert_eq!(digest_time("3", "14"), Ok((3, Some(14))));
        assert_eq!(digest_time("7", "0"), Ok((7, Some(0))));
        assert_eq!(digest_time("2", ""), Ok((2, None)));
        for (day, hour) in [("0", "8"), ("8", "8"), ("", "8"), ("1", "24"), ("1", "-1"), ("1", "8am")] {
            assert!(digest_time(day, hour).is_err(), "{day} {hour}");
        }
    }
}
