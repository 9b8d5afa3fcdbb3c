//! Word similarity between provisions, with a cheap upper bound to skip hopeless pairs.

use std::collections::HashMap;

/// The words of a text (lower-cased letters and digits) as hashes, in order and sorted.
pub(crate) struct TokenBag {
    tokens: Vec<u64>,
    sorted: Vec<u64>,
    bigrams: Vec<u64>,
}

/// Pairs whose shared word pairs (bigrams, Dice) fall below this are not compared word by word:
/// texts that are half the same in order share far more adjacent pairs than this.
const MIN_BIGRAM_DICE: f32 = 0.2;

impl TokenBag {
    /// Tokenises `text` into lower-cased alphanumeric words.
    pub(crate) fn new(text: &str) -> Self {
        let tokens = words(text);
        let mut sorted = tokens.clone();
        sorted.sort_unstable();
        let mut bigrams: Vec<u64> = tokens.windows(2).map(|w| w[0] ^ w[1].rotate_left(17)).collect();
        bigrams.sort_unstable();
        Self { tokens, sorted, bigrams }
    }

    /// An upper bound of [`Self::ratio`]: twice the shared words (as multisets) over the total.
    pub(crate) fn upper_bound(&self, other: &Self) -> f32 {
        dice(&self.sorted, &other.sorted)
    }

    /// The ratio if it is at least `threshold`; cheap bounds first, the word diff last.
    pub(crate) fn ratio_at_least(&self, other: &Self, threshold: f32) -> Option<f32> {
        if self.upper_bound(other) < threshold {
            return None;
        }
        let both_long = self.bigrams.len() > 8 && other.bigrams.len() > 8;
        if both_long && dice(&self.bigrams, &other.bigrams) < MIN_BIGRAM_DICE {
            return None;
        }
        let r = self.ratio(other);
        (r >= threshold).then_some(r)
    }

    /// Twice the words of a longest common subsequence over the total number of words: the
    /// ratio `similar` reports for an optimal word diff, computed bit-parallel.
    pub(crate) fn ratio(&self, other: &Self) -> f32 {
        let total = self.tokens.len() + other.tokens.len();
        if total == 0 {
            return 1.0;
        }
        ratio_of(lcs_len(&self.tokens, &other.tokens), total)
    }
}

/// Length of a longest common subsequence of `a` and `b` (Hyyrö's bit-parallel algorithm:
/// O(|a|/64 · |b|) word operations).
fn lcs_len(a: &[u64], b: &[u64]) -> usize {
    if a.is_empty() || b.is_empty() {
        return 0;
    }
    let blocks = a.len().div_ceil(64);
    let mut masks: HashMap<u64, Vec<u64>> = HashMap::new();
    for (i, t) in a.iter().enumerate() {
        masks.entry(*t).or_insert_with(|| vec![0; blocks])[i / 64] |= 1 << (i % 64);
    }
    let mut v = vec![u64::MAX; blocks];
    for t in b {
        let Some(m) = masks.get(t) else { continue };
        let (mut carry, mut borrow) = (0u64, 0u64);
        for k in 0..blocks {
            let u = v[k] & m[k];
            let (sum, c1) = v[k].overflowing_add(u);
            let (sum, c2) = sum.overflowing_add(carry);
            carry = u64::from(c1 || c2);
            let (diff, b1) = v[k].overflowing_sub(u);
            let (diff, b2) = diff.overflowing_sub(borrow);
            borrow = u64::from(b1 || b2);
            v[k] = sum | diff;
        }
    }
    // Only the low `a.len()` bits are positions of `a`: a carry may have spilled above them.
    v.iter()
        .enumerate()
        .map(|(k, w)| {
            let used = (a.len() - k * 64).min(64);
            let mask = if used == 64 { u64::MAX } else { (1u64 << used) - 1 };
            (!w & mask).count_ones() as usize
        })
        .sum()
}

/// Dice coefficient of two sorted multisets: twice the shared elements over the total.
fn dice(x: &[u64], y: &[u64]) -> f32 {
    let total = x.len() + y.len();
    if total == 0 {
        return 1.0;
    }
    let (mut a, mut b, mut shared) = (0, 0, 0usize);
    {
        let (sorted_a, sorted_b) = (x, y);
        while a < sorted_a.len() && b < sorted_b.len() {
            match sorted_a[a].cmp(&sorted_b[b]) {
                std::cmp::Ordering::Less => a += 1,
                std::cmp::Ordering::Greater => b += 1,
                std::cmp::Ordering::Equal => {
                    shared += 1;
                    a += 1;
                    b += 1;
                }
            }
        }
    }
    ratio_of(shared, total)
}

fn ratio_of(shared: usize, total: usize) -> f32 {
    // Word counts of a provision are far below f32's exact integer range.
    (2.0 * shared as f64 / total as f64) as f32
}

/// The words of a text (lower-cased letters and digits, hashed), in any order: read once, then
/// compared with many others.
#[derive(Debug, Clone, Default)]
pub struct Words(Vec<u64>);

impl Words {
    /// The words of `text`.
    pub fn of(text: &str) -> Words {
        Words(sorted_words(text))
    }

    /// How much two texts share their words, in any order: twice the shared words over all of
    /// them (0 to 1).
    pub fn overlap(&self, other: &Words) -> f32 {
        dice(&self.0, &other.0)
    }
}

/// The words of a text (lower-cased letters and digits) as hashes, in order.
fn words(text: &str) -> Vec<u64> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            // FNV-1a over the lower-cased characters: fast, and collisions only blur a score.
            w.chars()
                .flat_map(char::to_lowercase)
                .fold(0xcbf2_9ce4_8422_2325_u64, |h, c| (h ^ u64::from(c)).wrapping_mul(0x0100_0000_01b3))
        })
        .collect()
}

fn sorted_words(text: &str) -> Vec<u64> {
    let mut words = words(text);
    words.sort_unstable();
    words
}

/// Whether two texts are at least `threshold` similar (see [`TokenBag::ratio_at_least`]).
pub(crate) fn similar_enough(a: &str, b: &str, threshold: f32) -> bool {
    TokenBag::new(a).ratio_at_least(&TokenBag::new(b), threshold).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bit_parallel_lcs_matches_a_plain_dynamic_programme() {
        let seqs: [&[u64]; 4] = [&[1, 2, 3, 4, 1, 2], &[2, 4, 1, 1, 2, 9, 3], &[], &[5; 70]];
        let long: Vec<u64> = (0..150).map(|i| i % 7).collect();
        let long2: Vec<u64> = (0..130).map(|i| (i * 3) % 7).collect();
        let mut cases: Vec<(&[u64], &[u64])> = Vec::new();
        for a in seqs {
            for b in seqs {
                cases.push((a, b));
            }
        }
        cases.push((&long, &long2));
        for (a, b) in cases {
            let mut dp = vec![vec![0usize; b.len() + 1]; a.len() + 1];
            for i in 0..a.len() {
                for j in 0..b.len() {
                    dp[i + 1][j + 1] = if a[i] == b[j] { dp[i][j] + 1 } else { dp[i][j + 1].max(dp[i + 1][j]) };
                }
            }
            assert_eq!(lcs_len(a, b), dp[a.len()][b.len()], "{a:?} {b:?}");
        }
    }

    #[test]
    fn similarity_counts_shared_words_in_order_and_the_bound_is_above_it() {
        let a = TokenBag::new("We may share your data with partners.");
        let b = TokenBag::new("We never share your data.");
        let r = a.ratio(&b);
        assert!((r - 2.0 * 4.0 / 12.0).abs() < 1e-6, "{r}");
        assert!(a.upper_bound(&b) >= r);
        let same = TokenBag::new("Same words").ratio(&TokenBag::new("same, words!"));
        assert!((same - 1.0).abs() < f32::EPSILON);
    }
}
