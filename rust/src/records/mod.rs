//! Butler dimension rows of a skymap, in columns.
//!
//! A Rubin data butler describes a registered skymap with one `skymap` row, one
//! `tract` row per tract (id and *outer* polygon) and one `patch` row per patch (id,
//! grid index and outer polygon). For every region it also keeps the pixels of the
//! region's HTM level-7 envelope (the "common skypix"), which is how its spatial joins
//! find candidate tracts and patches. This module computes all of those rows for a
//! [`SkyMap`](crate::tessellation::SkyMap), one task per tract in parallel:
//!
//! * regions are `lsst.sphgeom` encodings of the convex hull of the four pixel-edge
//!   corners of the tract or patch outer box (what `lsst.skymap` registers);
//! * overlap rows are the pixels of `HtmPixelization(7).envelope(region)`, expanded
//!   range by range, as `daf_butler` does on insert.
//!
//! Columns follow the Arrow layout (regions as one byte buffer plus `n + 1` offsets), so
//! the Python side wraps them in `pyarrow` arrays without copying row by row.

pub mod column;
pub mod rows;

pub use column::BinaryColumn;
pub use rows::{
    skymap_rows, skymap_rows_checked, tract_range_rows_checked, SkymapRows, TRACTS_PER_CHECK,
};

/// HTM level of the butler's common skypix (`skypix.common: htm7` in dimensions.yaml).
pub const COMMON_SKYPIX_LEVEL: u8 = 7;
