//! Threads, in one place: every part of a run that uses more than one core does it through
//! these few shapes, so how much parallelism a run has (and where) can be read here.
//!
//! - [`map_in_order`]: the same work over many independent inputs (walked files), split
//!   into one contiguous chunk per thread, results in input order.
//! - [`join`]: two halves of one unit at once (a big include tree's servers, key material
//!   of many endpoints, a batch of the JSON report), for work inside one input unit.
//! - [`queue`]: pieces of uneven cost (policy entries) taken one at a time by two workers,
//!   results put back in piece order so the report is the same as on one thread.
//! - [`drop_later`]: freeing millions of small allocations off the critical path.
//!
//! Each shape falls back to the calling thread when one core is available or the work is
//! small; callers decide "small" with their own measured thresholds. A panic in a worker is
//! re-raised on the caller.

use std::sync::atomic::{AtomicUsize, Ordering};

/// Cores available to this process (1 when unknown).
pub(crate) fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
}

/// Runs `a` on another thread and `b` on this one; returns both results.
pub(crate) fn join<A: Send, B>(a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B) -> (A, B) {
    std::thread::scope(|s| {
        let other = s.spawn(a);
        let mine = b();
        let theirs = other
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e));
        (theirs, mine)
    })
}

/// `items.iter().map(f).collect()`, on all cores when there are at least `min_per_thread`
/// items per thread; results in input order.
pub(crate) fn map_in_order<T: Sync, R: Send>(
    items: &[T],
    min_per_thread: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let n = threads().min(items.len() / min_per_thread.max(1)).max(1);
    if n == 1 {
        return items.iter().map(f).collect();
    }
    let chunk = items.len().div_ceil(n);
    let f = &f;
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| s.spawn(move || part.iter().map(f).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

/// Runs `work(state, i)` for every piece `i < pieces` on two workers (each with its own
/// `state`, made by `init`) that take pieces one at a time; returns the results in piece
/// order. With `parallel` false, one worker does everything.
pub(crate) fn queue<S, R: Send>(
    pieces: usize,
    parallel: bool,
    init: impl Fn() -> S + Sync,
    work: impl Fn(&mut S, usize) -> R + Sync,
) -> Vec<R> {
    if !parallel || pieces < 2 || threads() < 2 {
        let mut state = init();
        return (0..pieces).map(|i| work(&mut state, i)).collect();
    }
    let next = AtomicUsize::new(0);
    let worker = || {
        let mut state = init();
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            if i >= pieces {
                break done;
            }
            done.push((i, work(&mut state, i)));
        }
    };
    let (mut a, b) = join(worker, worker);
    a.extend(b);
    a.sort_unstable_by_key(|(i, _)| *i);
    a.into_iter().map(|(_, r)| r).collect()
}

/// Drops `value` on another thread: freeing a big tree allocation by allocation takes a
/// while, and when the process exits first the OS reclaims it all at once.
pub(crate) fn drop_later<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new().spawn(move || drop(value));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_keep_order() {
        let items: Vec<usize> = (0..1000).collect();
        assert_eq!(
            map_in_order(&items, 1, |i| i * 2),
            (0..1000).map(|i| i * 2).collect::<Vec<_>>()
        );
        assert_eq!(
            queue(
                100,
                true,
                || 0usize,
                |n, i| {
                    *n += 1;
                    i * 3
                }
            ),
            (0..100).map(|i| i * 3).collect::<Vec<_>>()
        );
        assert_eq!(join(|| 1, || 2), (1, 2));
    }
}
