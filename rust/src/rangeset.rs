//! Sorted, disjoint half-open `u64` ranges (filled in by the pixelization work).
