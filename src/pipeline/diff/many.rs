//! Diffing many pairs at once, on every core.
use std::sync::atomic::{AtomicUsize, Ordering};

use super::{Change, diff_texts};

/// Diffs each `(prev, next)` pair as [`diff_texts`] does, on all available cores, in order.
pub fn diff_many(pairs: &[(&str, &str)]) -> Vec<Change> {
    par_map(pairs, |(prev, next)| diff_texts(prev, next))
}

/// `items.iter().map(f).collect()` on one thread per core. Items are handed out one at a time:
/// pairs differ in cost by orders of magnitude, so fixed shares would leave cores idle.
pub fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let claimed = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = claimed.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else { return done };
            done.push((i, f(item)));
        }
    };
    let mut results: Vec<(usize, R)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads).map(|_| scope.spawn(work)).collect();
        workers.into_iter().flat_map(|w| w.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect()
    });
    results.sort_unstable_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_the_order_of_the_items() {
        let items: Vec<u64> = (0..1000).collect();
        assert_eq!(par_map(&items, |x| x * x), items.iter().map(|x| x * x).collect::<Vec<_>>());
        assert!(par_map(&[] as &[u8], |x| *x).is_empty());
    }

    #[test]
    fn many_pairs_diff_as_each_pair_does() {
        let pairs =
            [("# A\n\nOne two.", "# A\n\nOne three."), ("x", "x"), ("# B\n\nKeep.", "# B\n\nKeep.\n\n# C\n\nNew.")];
        let each: Vec<Change> = pairs.iter().map(|(a, b)| diff_texts(a, b)).collect();
        assert_eq!(diff_many(&pairs), each);
    }
}
