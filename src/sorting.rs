//! One stable sort for the whole crate.
//!
//! Every `slice::sort_by` with its own closure instantiates std's whole stable sort again
//! (quicksort, drift sort, small sorts: 2–4 KiB of WebAssembly each); sixty of them were
//! about 240 KiB of the page's download. [`sort_by`] and [`sort_by_key`] order indices through
//! one non-generic comparison callback instead, so std's sort exists once, and then move the
//! elements into place. They are as stable as `slice::sort_by`. Hot paths that sort many rows
//! (the engine's ORDER BY) keep std's sort.

use std::cmp::Ordering;

/// Sorts `v` stably with `compare`, as `v.sort_by(compare)` does.
pub fn sort_by<T>(v: &mut [T], mut compare: impl FnMut(&T, &T) -> Ordering) {
    let order = {
        let items: &[T] = v;
        sorted_indices(items.len(), &mut |a, b| compare(&items[a], &items[b]))
    };
    permute(v, order);
}

/// Sorts `v` stably in its natural order, as `v.sort()` does.
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

/// Sorts `v` stably by `key`, as `v.sort_by_key(key)` does.
pub fn sort_by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// The indices `0..len` in the order `compare` gives their elements; std's sort instantiated
/// once for the whole crate.
#[inline(never)]
fn sorted_indices(len: usize, compare: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_by(|&a, &b| compare(a, b));
    order
}

/// Rearranges `v` so that position `k` holds what was at `order[k]`, following each cycle of
/// the permutation once.
fn permute<T>(v: &mut [T], mut order: Vec<usize>) {
    for start in 0..order.len() {
        let mut here = start;
        while order[here] != here {
            let from = order[here];
            order[here] = here;
            if from == start {
                break;
            }
            v.swap(here, from);
            here = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator, so the comparison covers many shapes.
    fn numbers(seed: u64, len: usize) -> Vec<(u8, usize)> {
        let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        (0..len)
            .map(|i| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                ((x % 7) as u8, i)
            })
            .collect()
    }

    #[test]
    fn sorts_as_std_does_and_keeps_equal_elements_in_order() {
        for seed in 0..200 {
            for len in [0, 1, 2, 3, 5, 8, 31, 100] {
                let mut ours = numbers(seed, len);
                let mut std = ours.clone();
                sort_by(&mut ours, |a, b| a.0.cmp(&b.0));
                std.sort_by_key(|a| a.0);
                assert_eq!(ours, std, "seed {seed}, len {len}");
            }
        }
    }

    #[test]
    fn sorts_by_key_descending() {
        let mut words = vec!["bb", "a", "ccc", "dd"];
        sort_by_key(&mut words, |w| std::cmp::Reverse(w.len()));
        assert_eq!(words, ["ccc", "bb", "dd", "a"]);
    }
}
