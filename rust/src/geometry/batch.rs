//! Batch kernels over many polygons, for survey-scale spatial joins.
//!
//! [`overlaps_polygon_pairs_lonlat_deg`] builds both polygons of each pair (convex
//! hull, as sphgeom) and reports whether they overlap. Exactness is kept with a
//! two-stage scheme: every pair is first evaluated with fast polynomial `sincos`
//! vectors (error < 2e-15 per component) and an orientation predicate that only answers
//! when `|det| > 1e-12`, 100 times the largest change the vector error can cause.
//! If any test of the pair is closer than that, or a polygon is degenerate, the pair is
//! redone on the exact path (C library trig, exact predicate), which also produces the
//! error message. Every answer therefore equals sphgeom's
//! `ConvexPolygon(a).overlaps(ConvexPolygon(b))` for the same degrees.

use std::cell::Cell;

use super::convex_polygon::{compute_hull, relate_vertices_with, ConvexPolygon};
use super::fast_contains::{fast_vector_deg, MAX_FAST_DEG};
use super::vector::{check_lonlat_arrays, UnitVector3d};
use crate::parallel::try_map_indexed;
use crate::{Error, Result};

/// Determinants smaller than this are "unsure" in the fast stage.
const FAST_DET_MARGIN: f64 = 1e-12;
/// Polygons with more input points than this use the exact path directly.
const MAX_FAST_POINTS: usize = 32;

/// Whether polygon pairs overlap. `lon1`/`lat1` hold `n` polygons of `k1` points each
/// (row-major, degrees), `lon2`/`lat2` `n` polygons of `k2` points.
///
/// # Errors
/// `ShapeMismatch` for inconsistent lengths; `InvalidCoordinate` for NaN/inf or
/// |lat| > 90; `InvalidRegion` when a polygon is degenerate (first failing pair).
pub fn overlaps_polygon_pairs_lonlat_deg(
    lon1: &[f64],
    lat1: &[f64],
    k1: usize,
    lon2: &[f64],
    lat2: &[f64],
    k2: usize,
) -> Result<Vec<bool>> {
    if k1 == 0 || k2 == 0 || lon1.len() % k1 != 0 || lon2.len() % k2 != 0 {
        return Err(Error::shape(format!(
            "vertex arrays must have shape (N, K) with K >= 3, got {} values for K1={k1} and \
             {} for K2={k2}",
            lon1.len(),
            lon2.len()
        )));
    }
    let n = lon1.len() / k1;
    if lat1.len() != lon1.len() || lat2.len() != lon2.len() || lon2.len() / k2 != n {
        return Err(Error::shape(format!(
            "both polygon arrays must hold the same number of polygons ({n} vs {})",
            lon2.len() / k2
        )));
    }
    check_lonlat_arrays(lon1, lat1)?;
    check_lonlat_arrays(lon2, lat2)?;
    try_map_indexed(n, |i| {
        let (a_lon, a_lat) = (&lon1[i * k1..(i + 1) * k1], &lat1[i * k1..(i + 1) * k1]);
        let (b_lon, b_lat) = (&lon2[i * k2..(i + 1) * k2], &lat2[i * k2..(i + 1) * k2]);
        if let Some(answer) = fast_pair(a_lon, a_lat, b_lon, b_lat) {
            return Ok(answer);
        }
        let a = exact_polygon(a_lon, a_lat)?;
        let b = exact_polygon(b_lon, b_lat)?;
        Ok(!a.relate_polygon(&b).is_disjoint())
    })
}

fn exact_polygon(lon: &[f64], lat: &[f64]) -> Result<ConvexPolygon> {
    let pts: Vec<UnitVector3d> = lon
        .iter()
        .zip(lat)
        .map(|(&x, &y)| UnitVector3d::from_lonlat_deg_unchecked(x, y))
        .collect();
    ConvexPolygon::convex_hull(&pts)
}

/// Fills `out` with fast vectors; `None` when a longitude is too large.
fn fast_vectors(lon: &[f64], lat: &[f64], out: &mut [UnitVector3d]) -> Option<()> {
    for ((slot, &x), &y) in out.iter_mut().zip(lon).zip(lat) {
        if x.abs() >= MAX_FAST_DEG {
            return None;
        }
        let v = fast_vector_deg(x, y);
        *slot = UnitVector3d::from_normalized(v.x, v.y, v.z);
    }
    Some(())
}

/// Whether some edge of `a` has every vertex of `b` strictly on its outer side.
fn separated<O>(a: &[UnitVector3d], b: &[UnitVector3d], orient: &O) -> bool
where
    O: Fn(&UnitVector3d, &UnitVector3d, &UnitVector3d) -> i32,
{
    let n = a.len();
    (0..n).any(|k| {
        let (p, q) = (&a[(k + n - 1) % n], &a[k]);
        b.iter().all(|v| orient(v, p, q) < 0)
    })
}

/// The pair's answer when every decision was clear-cut, else `None`.
fn fast_pair(a_lon: &[f64], a_lat: &[f64], b_lon: &[f64], b_lat: &[f64]) -> Option<bool> {
    let (k1, k2) = (a_lon.len(), b_lon.len());
    if k1 > MAX_FAST_POINTS || k2 > MAX_FAST_POINTS {
        return None;
    }
    let mut pa = [UnitVector3d::default(); MAX_FAST_POINTS];
    let mut pb = [UnitVector3d::default(); MAX_FAST_POINTS];
    fast_vectors(a_lon, a_lat, &mut pa[..k1])?;
    fast_vectors(b_lon, b_lat, &mut pb[..k2])?;
    let unsure = Cell::new(false);
    let orient = |a: &UnitVector3d, b: &UnitVector3d, c: &UnitVector3d| -> i32 {
        let det = a.dot_cross(b, c);
        if det > FAST_DET_MARGIN {
            1
        } else if det < -FAST_DET_MARGIN {
            -1
        } else {
            unsure.set(true);
            0
        }
    };
    let ha = compute_hull(&mut pa[..k1], &orient).ok()?;
    let hb = compute_hull(&mut pb[..k2], &orient).ok()?;
    if unsure.get() {
        return None;
    }
    let (a, b) = (&pa[..ha], &pb[..hb]);
    // Quick reject: an edge plane with the other polygon strictly outside separates two
    // convex polygons, and then sphgeom's relate finds no contained vertex and no
    // crossing either (DISJOINT). Only certain (non-zero) signs are used.
    if separated(a, b, &orient) || separated(b, a, &orient) {
        return if unsure.get() { None } else { Some(false) };
    }
    let r = relate_vertices_with(a, b, &orient);
    if unsure.get() {
        None
    } else {
        Some(!r.is_disjoint())
    }
}
