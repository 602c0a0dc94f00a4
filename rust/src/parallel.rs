//! When and how to go parallel.
//!
//! Work over arrays goes parallel (rayon's global pool, so `RAYON_NUM_THREADS` is
//! respected) from [`PARALLEL_MIN_ITEMS`] items, in ordered chunks of [`CHUNK`]. After a
//! `fork()` the Python bindings call [`set_enabled`]`(false)`, because a forked child
//! inherits a rayon pool whose threads do not exist. `SKYMAPS_PARALLELISM=false`
//! switches parallelism off too.
//!
//! [`set_num_threads`] gives this library a pool of its own with a chosen number of
//! threads (one per core a dask worker was given, say, so that several worker
//! processes on one machine do not each start one thread per core); [`install`] runs a
//! computation in that pool. Without it the global pool serves.

use rayon::prelude::*;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, RwLock};

/// Below this many items the thread hand-off costs more than it saves.
pub const PARALLEL_MIN_ITEMS: usize = 16_384;
/// Items per task in parallel loops over points.
pub const CHUNK: usize = 8_192;

// 0 = not decided yet (read the environment), 1 = on, 2 = off.
static STATE: AtomicU8 = AtomicU8::new(0);

thread_local! {
    /// Set by [`sequential`] for the work started on this thread.
    static SEQUENTIAL: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` with parallelism off for the work it starts on the calling thread (other
/// threads are not affected): for work that shares the machine with another busy
/// thread, as a registration computes the next records while the database writes.
pub fn sequential<R>(f: impl FnOnce() -> R) -> R {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            SEQUENTIAL.with(|s| s.set(self.0));
        }
    }
    let _restore = Restore(SEQUENTIAL.with(|s| s.replace(true)));
    f()
}

/// Whether parallel loops may use more than one thread.
pub fn enabled() -> bool {
    if SEQUENTIAL.with(std::cell::Cell::get) {
        return false;
    }
    match STATE.load(Ordering::Relaxed) {
        1 => true,
        2 => false,
        _ => {
            let off = std::env::var("SKYMAPS_PARALLELISM")
                .map(|v| {
                    matches!(
                        v.to_ascii_lowercase().as_str(),
                        "0" | "false" | "off" | "no"
                    )
                })
                .unwrap_or(false);
            STATE.store(if off { 2 } else { 1 }, Ordering::Relaxed);
            !off
        }
    }
}

/// Turns parallel loops on or off for the whole process.
pub fn set_enabled(on: bool) {
    STATE.store(if on { 1 } else { 2 }, Ordering::Relaxed);
}

/// The pool set by [`set_num_threads`]; `None`: rayon's global pool.
static POOL: RwLock<Option<Arc<rayon::ThreadPool>>> = RwLock::new(None);

fn own_pool() -> Option<Arc<rayon::ThreadPool>> {
    POOL.read().map(|p| p.clone()).unwrap_or(None)
}

/// Runs the computations that follow on `n` threads: from 2, a new pool of `n` threads
/// (replacing any earlier one, and switching parallelism on: the new threads exist even
/// in a forked child); 1 switches parallelism off.
///
/// # Errors
/// `InvalidConfig` for `n = 0`; `Internal` if the operating system refuses the threads.
pub fn set_num_threads(n: usize) -> crate::Result<()> {
    let pool = match n {
        0 => {
            return Err(crate::Error::config(
                "number of threads must be at least 1, got 0",
            ))
        }
        1 => None,
        _ => Some(Arc::new(
            rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .thread_name(|i| format!("skymaps-{i}"))
                .build()
                .map_err(|e| crate::Error::Internal(format!("cannot start {n} threads: {e}")))?,
        )),
    };
    let on = pool.is_some();
    match POOL.write() {
        Ok(mut slot) => *slot = pool,
        Err(poisoned) => *poisoned.into_inner() = pool,
    }
    set_enabled(on);
    Ok(())
}

/// The number of threads a computation started now may use.
pub fn num_threads() -> usize {
    if !enabled() {
        return 1;
    }
    own_pool().map_or_else(rayon::current_num_threads, |p| p.current_num_threads())
}

/// Runs `f` in the pool set by [`set_num_threads`] (the caller blocks until it is done),
/// or on the caller's thread when there is none or parallelism is off.
pub fn install<R, F>(f: F) -> R
where
    R: Send,
    F: FnOnce() -> R + Send,
{
    match own_pool() {
        Some(pool) if enabled() => pool.install(f),
        _ => f(),
    }
}

/// Whether a loop over `n` cheap items should go parallel.
pub fn should_parallelize(n: usize) -> bool {
    n >= PARALLEL_MIN_ITEMS && enabled() && rayon::current_num_threads() > 1
}

/// Fills `out[i] = f(i)` for every index, in parallel chunks for large outputs.
pub fn fill_indexed<T, F>(out: &mut [T], f: F)
where
    T: Send,
    F: Fn(usize) -> T + Sync + Send,
{
    if should_parallelize(out.len()) {
        out.par_chunks_mut(CHUNK)
            .enumerate()
            .for_each(|(c, chunk)| {
                let base = c * CHUNK;
                for (k, slot) in chunk.iter_mut().enumerate() {
                    *slot = f(base + k);
                }
            });
    } else {
        for (i, slot) in out.iter_mut().enumerate() {
            *slot = f(i);
        }
    }
}

/// Calls `f(start, chunk)` on consecutive chunks of `out` (the index of its first
/// item, and the chunk), in parallel for large outputs: for kernels that work on
/// several items at once.
pub fn fill_chunks<T, F>(out: &mut [T], f: F)
where
    T: Send,
    F: Fn(usize, &mut [T]) + Sync + Send,
{
    if should_parallelize(out.len()) {
        out.par_chunks_mut(CHUNK)
            .enumerate()
            .for_each(|(c, chunk)| f(c * CHUNK, chunk));
    } else {
        for (c, chunk) in out.chunks_mut(CHUNK).enumerate() {
            f(c * CHUNK, chunk);
        }
    }
}

/// Maps `f` over `0..n` and collects in order; stops at the first error.
pub fn try_map_indexed<T, F>(n: usize, f: F) -> crate::Result<Vec<T>>
where
    T: Send,
    F: Fn(usize) -> crate::Result<T> + Sync + Send,
{
    if should_parallelize(n) {
        (0..n).into_par_iter().with_min_len(CHUNK).map(f).collect()
    } else {
        (0..n).map(f).collect()
    }
}

/// Maps `f` over expensive items (regions, tracts): parallel whenever more than one.
pub fn map_items<I, T, F>(items: &[I], f: F) -> Vec<T>
where
    I: Sync,
    T: Send,
    F: Fn(&I) -> T + Sync + Send,
{
    if items.len() > 1 && enabled() && rayon::current_num_threads() > 1 {
        items.par_iter().map(f).collect()
    } else {
        items.iter().map(f).collect()
    }
}

/// Serialises the tests that change the process-wide pool (tests run in parallel
/// threads of one process).
#[cfg(test)]
pub(crate) static POOL_TEST_LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn sequential_is_per_thread_and_restored() {
        let _lock = POOL_TEST_LOCK.lock();
        let before = enabled();
        sequential(|| {
            assert!(!enabled());
            assert_eq!(num_threads(), 1);
            // Another thread is not affected.
            assert_eq!(std::thread::spawn(enabled).join().ok(), Some(before));
        });
        assert_eq!(enabled(), before);
        let caught = std::panic::catch_unwind(|| sequential(|| panic!("inside")));
        assert!(caught.is_err());
        assert_eq!(enabled(), before, "restored after a panic");
    }

    #[test]
    fn fill_matches_serial() {
        let mut a = vec![0usize; 100_000];
        fill_indexed(&mut a, |i| i * 3);
        assert!(a.iter().enumerate().all(|(i, &v)| v == i * 3));
    }

    #[test]
    fn own_pool_sizes_the_work() {
        let _pool = POOL_TEST_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        set_num_threads(3).unwrap();
        assert_eq!(num_threads(), 3);
        assert_eq!(install(rayon::current_num_threads), 3);
        let mut a = vec![0usize; 100_000];
        install(|| fill_indexed(&mut a, |i| i + 1));
        assert!(a.iter().enumerate().all(|(i, &v)| v == i + 1));
        set_num_threads(1).unwrap();
        assert_eq!(num_threads(), 1);
        assert!(set_num_threads(0).is_err());
        set_enabled(true);
    }

    #[test]
    fn try_map_stops_on_error() {
        let r = try_map_indexed(50_000, |i| {
            if i == 40_000 {
                Err(crate::Error::coordinate("bad"))
            } else {
                Ok(i)
            }
        });
        assert!(r.is_err());
    }
}
