//! Conservative per-depth cell radii for pruning the top-down HEALPix search.
//!
//! Every cell lies within `rho` of its centre, where `rho` is cdshealpix's upper bound
//! on the centre-to-vertex distance at the centre's latitude (Pineau's
//! `largest_center_to_vertex_distance`: linear in latitude, a decreasing parabola, or
//! linear in longitude depending on the zone) times a 15% margin for the curved edges.
//! Instead of evaluating that bound for each cell, it is maximised once per depth over
//! the latitudes that the centres of the cells able to meet the region can have (the
//! region's bounding cap widened by the depth's largest radius). Cells outside that
//! widened cap are disjoint from the region; for the rest one cap test per half-space
//! (a dot product against two precomputed thresholds) says disjoint, inside or unsure.

use std::f64::consts::{FRAC_PI_2, FRAC_PI_4, PI};
use std::sync::OnceLock;

use cdshealpix::{largest_center_to_vertex_distance, LAT_OF_SQUARE_CELL, TRANSITION_LATITUDE};

use crate::geometry::Vector3d;

/// Factor on cdshealpix's centre-to-vertex bound for the bulge of the curved edges.
const EDGE_MARGIN: f64 = 1.15;

/// Slack on angles compared through rounded dot products and approximate cell centres
/// (whose errors are a few 1e-16).
const ANGLE_SLACK: f64 = 1e-12;

/// Slack on dot products of unit vectors (rounding makes them off by a few 1e-16, and
/// cell centres carried down the tree by rotations by up to ~1e-14; near 1 that hides
/// angles below ~2e-7, so thresholds must not be trusted to finer).
pub(crate) const DOT_SLACK: f64 = 3e-14;

/// The largest centre-to-vertex bound at `depth` over cell centres with `|lat|` in
/// `[lo, hi]` (radians), any longitude. Within a zone the bound is monotonic in `|lat|`
/// (and linear in longitude in the polar caps), so its maximum is at the interval's
/// ends or just either side of a zone boundary.
fn c2v_max(depth: u8, lo: f64, hi: f64) -> f64 {
    let just_below = |x: f64| x - 1e-12;
    let candidates = [
        lo,
        hi,
        just_below(LAT_OF_SQUARE_CELL),
        LAT_OF_SQUARE_CELL,
        just_below(TRANSITION_LATITUDE),
        TRANSITION_LATITUDE,
    ];
    let mut best = 0.0f64;
    for lat in candidates {
        if lat < lo || lat > hi {
            continue;
        }
        // lon 0 and pi/4 are the two ends of the polar-cap bound (the base cell's edge
        // and centre meridians); elsewhere the longitude is ignored.
        for lon in [0.0, FRAC_PI_4] {
            best = best.max(largest_center_to_vertex_distance(depth, lon, lat));
        }
    }
    best
}

/// A radius bounding every cell of `depth`, anywhere on the sphere.
pub(crate) fn global_radius(depth: u8) -> f64 {
    static CACHE: OnceLock<[f64; 30]> = OnceLock::new();
    let table = CACHE.get_or_init(|| {
        std::array::from_fn(|d| EDGE_MARGIN * c2v_max(d as u8, 0.0, FRAC_PI_2) + ANGLE_SLACK)
    });
    table[depth as usize]
}

/// The cap test of one depth: which cell centres can matter and how far the cells can
/// reach from them.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DepthBound {
    /// Cells whose centre `c` has `cap_center · c < far_cos` are disjoint from the
    /// region (`-inf` when there is no bounding cap).
    pub far_cos: f64,
    pub cos_rho: f64,
    pub sin_rho: f64,
    /// Angular radius bounding each remaining cell around its centre.
    pub rho: f64,
}

impl DepthBound {
    /// Bounds at `depth` for a region inside the cap (`center`, `radius_rad`), if any.
    pub(crate) fn new(depth: u8, cap: Option<(Vector3d, f64)>) -> DepthBound {
        let global = global_radius(depth);
        let (far_cos, rho) = match cap {
            Some((b, r)) if r + global + ANGLE_SLACK < PI => {
                let reach = r + global + ANGLE_SLACK;
                let lat = b.z.clamp(-1.0, 1.0).asin().abs();
                let local = EDGE_MARGIN
                    * c2v_max(depth, (lat - reach).max(0.0), (lat + reach).min(FRAC_PI_2))
                    + ANGLE_SLACK;
                (reach.cos() - DOT_SLACK, local.min(global))
            }
            _ => (f64::NEG_INFINITY, global),
        };
        let (sin_rho, cos_rho) = rho.sin_cos();
        DepthBound {
            far_cos,
            cos_rho,
            sin_rho,
            rho,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::pixelization::healpix::edges::{cell_point, CORNERS};

    /// The per-depth radius covers the farthest sampled boundary point of every cell
    /// at low depths, and of cells near the zone boundaries and poles deeper down.
    #[test]
    fn radius_bounds_every_cell() {
        let angle = |a: &Vector3d, b: &Vector3d| a.cross(b).norm().atan2(a.dot(b));
        let check = |depth: u8, h: u64| {
            let layer = cdshealpix::nested::get(depth);
            let c = cell_point(layer, h, 0.5, 0.5);
            let bound = DepthBound::new(depth, Some((c, 0.0)));
            assert!(c.dot(&c) >= bound.far_cos, "{depth} {h} {bound:?}");
            for k in 0..4 {
                let (a, b) = (CORNERS[k], CORNERS[(k + 1) % 4]);
                for s in 0..=16 {
                    let t = s as f64 / 16.0;
                    let p = cell_point(layer, h, a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1));
                    assert!(angle(&c, &p) <= bound.rho, "depth {depth} cell {h}");
                }
            }
        };
        for depth in 0..=5u8 {
            for h in 0..cdshealpix::n_hash(depth) {
                check(depth, h);
            }
        }
        for depth in [8u8, 12, 16, 20, 29] {
            let layer = cdshealpix::nested::get(depth);
            for (lon, lat) in [
                (0.0, 0.0),
                (0.1, LAT_OF_SQUARE_CELL),
                (0.2, -LAT_OF_SQUARE_CELL),
                (0.3, TRANSITION_LATITUDE),
                (FRAC_PI_4, TRANSITION_LATITUDE + 1e-9),
                (1.0, -TRANSITION_LATITUDE),
                (2.0, FRAC_PI_2),
                (2.5, -FRAC_PI_2),
                (FRAC_PI_4, 1.5),
                (0.0, 1.5),
            ] {
                let h = layer.hash(lon, lat);
                for n in layer.neighbours(h, true).values_vec() {
                    check(depth, n);
                }
            }
        }
    }
}
