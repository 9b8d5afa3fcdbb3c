//! When to try again: capped exponential backoff with jitter, and `Retry-After`.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::time::Duration;

use chrono::{DateTime, Utc};

/// The delay before attempt `attempt + 1`, after `attempt` (1-based) failed:
/// `base * 2^(attempt-1)`, capped at `cap`, plus up to 10 % jitter.
pub fn backoff(base: Duration, attempt: u32, cap: Duration) -> Duration {
    let exponent = attempt.saturating_sub(1).min(16);
    let delay = base.saturating_mul(1 << exponent).min(cap);
    delay + jitter(delay / 10)
}

/// A random duration in `[0, max]`.
fn jitter(max: Duration) -> Duration {
    let nanos = u64::try_from(max.as_nanos()).unwrap_or(u64::MAX);
    if nanos == 0 {
        return Duration::ZERO;
    }
    let random = RandomState::new().hash_one(std::time::Instant::now());
    Duration::from_nanos(random % (nanos + 1))
}

/// Parses a `Retry-After` value (delay in seconds, or an HTTP date) relative to `now`.
/// A date in the past means "now"; an unreadable value is `None`.
pub fn parse_retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = DateTime::parse_from_rfc2822(value).ok()?.with_timezone(&Utc);
    Some((at - now).to_std().unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_stays_under_the_cap_plus_jitter() {
        let base = Duration::from_millis(500);
        let cap = Duration::from_secs(60);
        for (attempt, plain) in [(1, 500), (2, 1000), (3, 2000), (4, 4000)] {
            let got = backoff(base, attempt, cap);
            let plain = Duration::from_millis(plain);
            assert!(got >= plain && got <= plain + plain / 10, "{attempt}: {got:?}");
        }
        let capped = backoff(base, 40, cap);
        assert!(capped >= cap && capped <= cap + cap / 10);
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = DateTime::parse_from_rfc3339("2015-10-21T07:27:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(parse_retry_after(" 7 ", now), Some(Duration::from_secs(7)));
        let date = "Wed, 21 Oct 2015 07:28:00 GMT";
        assert_eq!(parse_retry_after(date, now), Some(Duration::from_secs(60)));
        let past = "Wed, 21 Oct 2015 07:00:00 GMT";
        assert_eq!(parse_retry_after(past, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-3", now), None);
    }
}
