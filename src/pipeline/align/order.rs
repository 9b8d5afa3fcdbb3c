//! Link kinds: identical, renumbered, moved (out of order, by longest increasing subsequence).
use super::{Link, LinkKind, without_clause};
use crate::domain::provision::Provision;

/// Turns the pairing into links ordered by `next`, with their kinds.
pub(super) fn classify(prev: &[Provision], next: &[Provision], next_to_prev: &[Option<usize>]) -> Vec<Link> {
    let pairs: Vec<(usize, usize)> = next_to_prev.iter().enumerate().filter_map(|(j, i)| i.map(|i| (i, j))).collect();
    let prev_order: Vec<usize> = pairs.iter().map(|&(i, _)| i).collect();
    let in_order = longest_increasing(&prev_order);
    pairs
        .iter()
        .zip(in_order)
        .map(|(&(i, j), ordered)| {
            let (p, q) = (&prev[i], &next[j]);
            let kind = if p.sha256 == q.sha256 {
                if ordered { LinkKind::Identical } else { LinkKind::Moved }
            } else if p.clause != q.clause && without_clause(p) == without_clause(q) {
                LinkKind::Renumbered
            } else {
                LinkKind::Modified
            };
            Link { prev: i, next: j, kind }
        })
        .collect()
}

/// For each element, whether it belongs to one longest strictly increasing subsequence.
fn longest_increasing(values: &[usize]) -> Vec<bool> {
    let mut tails: Vec<usize> = Vec::new(); // index into values of the tail of each length
    let mut parent: Vec<Option<usize>> = vec![None; values.len()];
    for (k, &v) in values.iter().enumerate() {
        let pos = tails.partition_point(|&t| values[t] < v);
        parent[k] = pos.checked_sub(1).map(|p| tails[p]);
        if pos == tails.len() {
            tails.push(k);
        } else {
            tails[pos] = k;
        }
    }
    let mut member = vec![false; values.len()];
    let mut cursor = tails.last().copied();
    while let Some(k) = cursor {
        member[k] = true;
        cursor = parent[k];
    }
    member
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_increasing_subsequence_leaves_out_the_moved_element() {
        assert_eq!(longest_increasing(&[0, 1, 5, 2, 3, 4]), [true, true, false, true, true, true]);
        assert_eq!(longest_increasing(&[]), Vec::<bool>::new());
    }
}
