//! The tiers: what each plan allows, as plain rules (DESIGN.md "Accounts, tenants, tiers").
use chrono::{DateTime, Utc};

/// A plan an organisation is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Plan {
    /// One tracked platform and the weekly digest.
    Free,
    /// Ten platforms and same-day alerts.
    Watcher,
    /// Everything: analysis, watches, audit export, a team.
    Professional,
}

/// Why a plan refuses something; messages are safe to show a user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("{0:?} is not a plan: choose free, watcher or professional.")]
    Unknown(String),
    #[error(
        "The {plan} plan tracks at most {limit} platform{s}; you chose {chosen}. Untick some, or upgrade your plan.",
        plan = .plan.name(), s = if *.limit == 1 { "" } else { "s" }
    )]
    TooManyPlatforms { plan: Plan, limit: usize, chosen: usize },
    #[error("The {plan} plan has at most {limit} member{s}. Upgrade to Professional to build a team.",
        plan = .plan.name(), s = if *.limit == 1 { "" } else { "s" })]
    TooManyMembers { plan: Plan, limit: usize },
}

/// Every plan, cheapest first.
pub const ALL_PLANS: [Plan; 3] = [Plan::Free, Plan::Watcher, Plan::Professional];

impl Plan {
    /// Parses the stored or typed name (`free`, `watcher`, `professional`, any case).
    pub fn parse(raw: &str) -> Result<Plan, PlanError> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "free" => Ok(Plan::Free),
            "watcher" => Ok(Plan::Watcher),
            "professional" | "pro" => Ok(Plan::Professional),
            _ => Err(PlanError::Unknown(raw.trim().chars().take(40).collect())),
        }
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Plan::Free => "free",
            Plan::Watcher => "watcher",
            Plan::Professional => "professional",
        }
    }

    /// The name people read.
    pub fn name(self) -> &'static str {
        match self {
            Plan::Free => "Free",
            Plan::Watcher => "Watcher",
            Plan::Professional => "Professional",
        }
    }

    /// The plan in force: `stored` until `until` passes, then Free.
    pub fn effective(stored: Plan, until: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Plan {
        match until {
            Some(until) if until <= now => Plan::Free,
            _ => stored,
        }
    }

    /// How many platforms the plan tracks.
    pub fn max_tracked_platforms(self) -> usize {
        match self {
            Plan::Free => 1,
            Plan::Watcher | Plan::Professional => 10,
        }
    }

    /// How many members an organisation on this plan may have.
    pub fn max_members(self) -> usize {
        match self {
            Plan::Free | Plan::Watcher => 1,
            Plan::Professional => 10,
        }
    }

    /// Every plan gets the weekly digest.
    pub fn weekly_digest(self) -> bool {
        true
    }

    /// Same-day change alerts: Watcher and Professional.
    pub fn same_day_alerts(self) -> bool {
        !matches!(self, Plan::Free)
    }

    /// Provision-level watches (alert only on chosen topics or provisions).
    pub fn watches(self) -> bool {
        matches!(self, Plan::Professional)
    }

    /// Full compliance analysis (citations, exposure, actions); others see the summary.
    pub fn full_analysis(self) -> bool {
        matches!(self, Plan::Professional)
    }

    /// Governance timeline and audit export.
    pub fn audit_export(self) -> bool {
        matches!(self, Plan::Professional)
    }

    /// Inviting members.
    pub fn team(self) -> bool {
        self.max_members() > 1
    }

    /// Refuses a set of `chosen` platforms beyond the limit, unless it only removes platforms from
    /// the `current` ones (a downgraded organisation may keep what it has and untick).
    pub fn check_tracking(self, current: usize, chosen: usize, adds: usize) -> Result<(), PlanError> {
        let limit = self.max_tracked_platforms();
        if chosen > limit && (adds > 0 || chosen > current) {
            return Err(PlanError::TooManyPlatforms { plan: self, limit, chosen });
        }
        Ok(())
    }

    /// Refuses another member beyond the limit.
    pub fn check_can_add_member(self, members: usize) -> Result<(), PlanError> {
        let limit = self.max_members();
        if members >= limit {
            return Err(PlanError::TooManyMembers { plan: self, limit });
        }
        Ok(())
    }

    /// Splits tracked items (oldest first) into those the plan keeps active and those it pauses.
    pub fn split_tracked<T>(self, tracked_oldest_first: &[T]) -> (&[T], &[T]) {
        tracked_oldest_first.split_at(self.max_tracked_platforms().min(tracked_oldest_first.len()))
    }
}

impl std::fmt::Display for Plan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn the_limits_follow_the_design_table() {
        let rows: Vec<_> = ALL_PLANS
            .iter()
            .map(|p| (p.max_tracked_platforms(), p.same_day_alerts(), p.watches(), p.full_analysis(), p.max_members()))
            .collect();
        assert_eq!(rows, vec![(1, false, false, false, 1), (10, true, false, false, 1), (10, true, true, true, 10)]);
        assert!(ALL_PLANS.iter().all(|p| p.weekly_digest()));
        assert!(Plan::Professional.audit_export() && !Plan::Watcher.audit_export());
        assert!(Plan::Professional.team() && !Plan::Watcher.team());
    }

    #[test]
    fn a_plan_past_its_end_is_free_and_one_without_an_end_stays() {
        let now = Utc::now();
        assert_eq!(Plan::effective(Plan::Watcher, Some(now - Duration::seconds(1)), now), Plan::Free);
        assert_eq!(Plan::effective(Plan::Watcher, Some(now), now), Plan::Free);
        assert_eq!(Plan::effective(Plan::Watcher, Some(now + Duration::days(3)), now), Plan::Watcher);
        assert_eq!(Plan::effective(Plan::Professional, None, now), Plan::Professional);
    }

    #[test]
    fn names_parse_back_and_garbage_is_refused_with_the_choices() {
        for plan in ALL_PLANS {
            assert_eq!(Plan::parse(plan.as_str()), Ok(plan));
            assert_eq!(Plan::parse(&plan.name().to_uppercase()), Ok(plan));
        }
        for bad in ["", "gold", "free plan", "<script>"] {
            let err = Plan::parse(bad).unwrap_err();
            assert!(err.to_string().contains("choose free, watcher or professional"), "{err}");
        }
    }

    #[test]
    fn free_refuses_a_second_platform_but_lets_a_downgraded_org_untick() {
        assert!(Plan::Free.check_tracking(0, 1, 1).is_ok());
        let err = Plan::Free.check_tracking(1, 2, 1).unwrap_err();
        assert_eq!(
            err.to_string(),
            "The Free plan tracks at most 1 platform; you chose 2. Untick some, or upgrade your plan."
        );
        // downgraded from Watcher with 5: removing two is fine, swapping one in is not
        assert!(Plan::Free.check_tracking(5, 3, 0).is_ok());
        assert!(Plan::Free.check_tracking(5, 5, 1).is_err());
        assert!(Plan::Watcher.check_tracking(0, 10, 10).is_ok());
        assert!(Plan::Watcher.check_tracking(0, 11, 11).is_err());
    }

    #[test]
    fn a_downgrade_keeps_the_oldest_platforms_active() {
        let tracked = ["openai", "anthropic", "mistral"];
        assert_eq!(Plan::Free.split_tracked(&tracked), (&tracked[..1], &tracked[1..]));
        assert_eq!(Plan::Watcher.split_tracked(&tracked), (&tracked[..], &[][..]));
    }

    #[test]
    fn members_and_watches_follow_the_plan() {
        assert!(Plan::Free.check_can_add_member(1).is_err());
        assert!(Plan::Professional.check_can_add_member(9).is_ok());
        assert!(Plan::Professional.check_can_add_member(10).is_err());
        assert!(!Plan::Watcher.watches());
        assert!(Plan::Professional.watches());
    }
}
