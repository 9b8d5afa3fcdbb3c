//! Who gets a same-day alert: members of organisations that track the platform, whose plan
//! allows same-day alerts and is in force, who did not turn alerts off, and — for Professional
//! organisations with watches — only when a watched topic or provision is touched.
use std::collections::BTreeMap;

use sqlx::PgConnection;

/// One (recipient, organisation, change) the recipient may be alerted about.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Candidate {
    pub user_id: i64,
    pub org_id: i64,
    pub email: String,
    pub change_id: i64,
}

/// A recipient of one alert mail and the changes it lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub user_id: i64,
    /// The organisation whose membership the unsubscribe link turns off.
    pub org_id: i64,
    pub email: String,
    pub change_ids: Vec<i64>,
}

/// Every eligible, not yet alerted (recipient, change) among the substantive captured changes
/// of the trigger change's capture day (UTC).
pub async fn candidates(conn: &mut PgConnection, trigger_change_id: i64) -> Result<Vec<Candidate>, sqlx::Error> {
    sqlx::query_as(
        "with trigger as (
             select (v.captured_at at time zone 'utc')::date as day
             from changes c join versions v on v.version_id = c.to_version_id
             where c.change_id = $1
         ),
         day_changes as (
             select c.change_id, d.platform_id
             from changes c
             join versions v on v.version_id = c.to_version_id
             join documents d on d.document_id = c.document_id
             join trigger t on (v.captured_at at time zone 'utc')::date = t.day
             where c.alert and v.origin = 'capture'
         ),
         paying as (
             select org_id, plan from organisations
             where plan in ('watcher', 'professional') and (plan_until is null or plan_until > now())
         )
         select m.user_id, o.org_id, u.email, k.change_id
         from day_changes k
         join active_tracked_platforms tp on tp.platform_id = k.platform_id
         join paying o on o.org_id = tp.org_id
         join memberships m on m.org_id = o.org_id
         join users u on u.user_id = m.user_id
         left join alert_preferences ap on ap.org_id = m.org_id and ap.user_id = m.user_id
         where coalesce(ap.same_day_alerts, true)
           and not exists (select 1 from alert_deliveries ad where ad.change_id = k.change_id and ad.user_id = m.user_id)
           and (o.plan <> 'professional'
                or not exists (select 1 from watches w where w.org_id = o.org_id)
                or exists (
                    select 1 from provision_changes pc
                    join watches w on w.org_id = o.org_id
                    where pc.change_id = k.change_id and pc.class = 'substantive'
                      and (w.lineage_id = pc.lineage_id
                           or exists (select 1 from provision_topics pt
                                      where pt.topic = w.topic
                                        and pt.provision_id in (pc.old_provision_id, pc.new_provision_id)))))
         order by m.user_id, o.org_id, k.change_id",
    )
    .bind(trigger_change_id)
    .fetch_all(conn)
    .await
}

/// Groups candidates per recipient, keeping only recipients eligible for the trigger change:
/// each gets one mail listing all their pending changes of the day.
pub fn group(candidates: Vec<Candidate>, trigger_change_id: i64) -> Vec<Recipient> {
    let mut by_user: BTreeMap<i64, Recipient> = BTreeMap::new();
    let mut triggered: BTreeMap<i64, i64> = BTreeMap::new();
    for c in candidates {
        if c.change_id == trigger_change_id {
            triggered.entry(c.user_id).or_insert(c.org_id);
        }
        let entry = by_user.entry(c.user_id).or_insert_with(|| Recipient {
            user_id: c.user_id,
            org_id: c.org_id,
            email: c.email.clone(),
            change_ids: Vec::new(),
        });
        if !entry.change_ids.contains(&c.change_id) {
            entry.change_ids.push(c.change_id);
        }
    }
    by_user
        .into_values()
        .filter_map(|mut r| {
            let org_id = *triggered.get(&r.user_id)?;
            r.org_id = org_id;
            r.change_ids.sort_unstable();
            Some(r)
        })
        .collect()
}

/// Records that each recipient was alerted about their changes under their mail's key.
pub async fn record_deliveries(conn: &mut PgConnection, delivered: &[(&Recipient, &str)]) -> Result<(), sqlx::Error> {
    let rows = delivered.iter().flat_map(|(r, key)| r.change_ids.iter().map(move |c| (*c, r.user_id, r.org_id, *key)));
    let (mut changes, mut users, mut orgs, mut keys) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (change, user, org, key) in rows {
        changes.push(change);
        users.push(user);
        orgs.push(org);
        keys.push(key);
    }
    sqlx::query(
        "insert into alert_deliveries (change_id, user_id, org_id, idempotency_key)
         select * from unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[])
         on conflict do nothing",
    )
    .bind(&changes)
    .bind(&users)
    .bind(&orgs)
    .bind(&keys)
    .execute(conn)
    .await
    .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(user_id: i64, org_id: i64, change_id: i64) -> Candidate {
        Candidate { user_id, org_id, email: format!("u{user_id}@example.org"), change_id }
    }

    #[test]
    fn each_recipient_of_the_trigger_gets_all_their_pending_changes_in_one_group() {
        let groups = group(vec![c(1, 10, 5), c(1, 10, 7), c(1, 11, 7), c(2, 10, 7), c(3, 12, 5)], 7);
        assert_eq!(groups.len(), 2, "user 3 is not concerned by change 7");
        assert_eq!(
            groups[0],
            Recipient { user_id: 1, org_id: 10, email: "u1@example.org".into(), change_ids: vec![5, 7] }
        );
        assert_eq!(groups[1].user_id, 2);
        assert_eq!(groups[1].change_ids, vec![7]);
    }
}
