//! Per-host politeness: successive requests to one host start at least `spacing` apart.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// Hands out start times per host; shared by all clones of a fetcher.
#[derive(Debug, Default)]
pub struct HostSpacing {
    next_slot: Mutex<HashMap<String, Instant>>,
}

impl HostSpacing {
    /// Waits until `host` may be contacted again, reserving the slot after it for the next caller.
    pub async fn wait_turn(&self, host: &str, spacing: Duration) {
        if spacing.is_zero() {
            return;
        }
        let start = self.reserve(host, spacing, Instant::now());
        tokio::time::sleep_until(start).await;
    }

    /// The time at which a request to `host` made at `now` may start; books the next slot.
    fn reserve(&self, host: &str, spacing: Duration, now: Instant) -> Instant {
        // A poisoned map only loses spacing bookkeeping: carry on with its contents.
        let mut slots = self.next_slot.lock().unwrap_or_else(|e| e.into_inner());
        let start = slots.get(host).map_or(now, |&next| next.max(now));
        slots.insert(host.to_owned(), start + spacing);
        start
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_to_one_host_are_spaced_and_other_hosts_are_not_delayed() {
        let spacing = HostSpacing::default();
        let gap = Duration::from_secs(1);
        let t0 = Instant::now();
        assert_eq!(spacing.reserve("a.example", gap, t0), t0);
        assert_eq!(spacing.reserve("b.example", gap, t0), t0);
        assert_eq!(spacing.reserve("a.example", gap, t0), t0 + gap);
        assert_eq!(spacing.reserve("a.example", gap, t0), t0 + gap * 2);
        let later = t0 + Duration::from_secs(10);
        assert_eq!(spacing.reserve("a.example", gap, later), later);
    }
}
