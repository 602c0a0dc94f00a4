//! Large lookup tables on transparent huge pages.
//!
//! Lookups of random points read random entries of per-tract tables (100+ MB for the
//! 662,174 Legacy Surveys bricks). With 4 KiB pages nearly every read also misses the
//! TLB, and the page walks, not the cache misses, then bound the speed (measured: the
//! (brick, patch) lookup took a third less CPU once its table sat on 2 MiB pages).
//! Linux gives huge pages to the ranges a process advises with `MADV_HUGEPAGE` (the
//! usual `transparent_hugepage=madvise` setting); numpy does the same for its arrays.

/// An empty vector with room for `capacity` items whose memory is advised for huge
/// pages (a hint only: elsewhere, or where the kernel declines, an ordinary vector).
/// Fill it before reading, as usual; the advice acts on the first touch of each page.
pub fn vec_with_capacity<T>(capacity: usize) -> Vec<T> {
    let mut v: Vec<T> = Vec::with_capacity(capacity);
    advise(
        v.as_mut_ptr().cast::<u8>(),
        capacity * std::mem::size_of::<T>(),
    );
    v
}

/// Advises the whole pages inside `[start, start + len)` for huge pages.
#[cfg(target_os = "linux")]
fn advise(start: *mut u8, len: usize) {
    const PAGE: usize = 4096;
    // Only tables of several huge pages gain; small ones may share pages with other data.
    if len < 4 << 20 {
        return;
    }
    let first = (start as usize).next_multiple_of(PAGE);
    let end = start as usize + len;
    if end > first {
        // SAFETY: the range lies inside one live allocation of ours; madvise only
        // changes how the kernel backs it (never its contents), and a failure (an
        // unsupported kernel) is harmless.
        unsafe {
            libc::madvise(first as *mut libc::c_void, end - first, libc::MADV_HUGEPAGE);
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn advise(_start: *mut u8, _len: usize) {}

#[cfg(test)]
mod tests {
    #[test]
    fn behaves_as_a_vector() {
        for n in [0usize, 1, 1000, 1 << 20] {
            let mut v: Vec<u64> = super::vec_with_capacity(n);
            assert!(v.capacity() >= n);
            v.extend((0..n as u64).map(|i| i * 3));
            assert_eq!(v.len(), n);
            assert!(v.iter().enumerate().all(|(i, &x)| x == 3 * i as u64));
        }
    }
}
