//! The cells of one depth whose centres lie near a point, found ring by ring.
//!
//! HEALPix centres sit on `4 nside - 1` rings of constant `z`, evenly spaced in
//! longitude within a ring (Górski et al. 2005, eqs. 4-9). The centres within angle `D`
//! of a point `b` lie on the rings with `|theta - theta_b| <= D`, and on each such ring
//! in a longitude window `|phi - phi_b| <= dphi` from the spherical law of cosines. This
//! is how `query_disc` finds candidates; here it starts the exact search at a depth
//! where a region spans a few cells, instead of walking down from the 12 base cells.
//! Every bound is widened (the radius by 1e-9, index ranges rounded outwards), so the
//! result is a superset of the centres within `D`.

use std::f64::consts::{PI, TAU};

use crate::geometry::Vector3d;

/// The `z` of ring `i` (1-based from the north pole) at `nside`, and its `sin(theta)`.
fn ring_z(nside: u64, i: u64) -> (f64, f64) {
    let n = nside as f64;
    let polar = |k: u64| {
        // z = 1 - k^2 / (3 n^2); sin(theta) from (1 - z)(1 + z) without cancellation.
        let one_minus = (k * k) as f64 / (3.0 * n * n);
        (1.0 - one_minus, (one_minus * (2.0 - one_minus)).sqrt())
    };
    if i < nside {
        polar(i)
    } else if i > 3 * nside {
        let (z, s) = polar(4 * nside - i);
        (-z, s)
    } else {
        let z = (2.0 * n - i as f64) * 2.0 / (3.0 * n);
        (z, ((1.0 - z) * (1.0 + z)).sqrt())
    }
}

/// The ring index (real-valued, 1-based from the north) at which centres have `z`.
fn ring_of_z(nside: u64, z: f64) -> f64 {
    let n = nside as f64;
    if z > 2.0 / 3.0 {
        n * (3.0 * (1.0 - z)).max(0.0).sqrt()
    } else if z < -2.0 / 3.0 {
        4.0 * n - n * (3.0 * (1.0 + z)).max(0.0).sqrt()
    } else {
        n * (2.0 - 1.5 * z)
    }
}

/// First ring-scheme id, number of cells, and longitude offset (in cell widths) of the
/// first centre, of ring `i`.
fn ring_layout(nside: u64, i: u64) -> (u64, u64, f64) {
    let npix = 12 * nside * nside;
    if i < nside {
        (2 * i * (i - 1), 4 * i, 0.5)
    } else if i > 3 * nside {
        let k = 4 * nside - i;
        (npix - 2 * k * (k + 1), 4 * k, 0.5)
    } else {
        let start = 2 * nside * (nside - 1) + (i - nside) * 4 * nside;
        let shifted = (i + nside) % 2 == 0;
        (start, 4 * nside, if shifted { 0.5 } else { 0.0 })
    }
}

/// A cap test on cell centres `c`: a cell is outside the region if `n · c < lo` and
/// inside it if `n · c >= hi` for every test (see `cover::Thresholds`); the centre
/// itself is in the half-space if `n · c >= mid`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CentreTest {
    pub n: Vector3d,
    pub lo: f64,
    pub mid: f64,
    pub hi: f64,
}

/// How a ring scan classed a cell from its centre.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Label {
    /// Every [`CentreTest`] says inside.
    Within = 0,
    /// Undecided, but the centre is inside every half-space.
    CentreInside = 1,
    /// Undecided, and the centre is outside some half-space.
    CentreOutside = 2,
    /// Undecided.
    Maybe = 3,
}

/// A [`CentreTest`] along one ring: `n · c = a + b cos(phi - phi_n)` for centres at
/// longitude `phi`, so each threshold holds on an arc `|phi - phi_n| <= w`.
struct RingArcs {
    phi_n: f64,
    /// Half-width of the arc outside which a centre fails `lo` (`>= PI`: none fail).
    w_lo: f64,
    /// Half-width of the arc inside which a centre passes `hi` (`< 0`: none pass).
    w_hi: f64,
    /// Half-widths of the arcs inside which a centre surely passes `mid`, and outside
    /// which it surely fails it.
    w_mid_in: f64,
    w_mid_out: f64,
}

impl RingArcs {
    fn new(t: &CentreTest, phi_n: f64, rho_n: f64, z: f64, sin_t: f64) -> RingArcs {
        let b = sin_t * rho_n;
        let a = t.n.z * z;
        if b < 1e-9 {
            // Nearly constant along the ring: decide nothing from the arcs.
            return RingArcs {
                phi_n,
                w_lo: PI,
                w_hi: -1.0,
                w_mid_in: -1.0,
                w_mid_out: PI,
            };
        }
        // Rounding in a, b and the thresholds moves kappa by up to ~1e-14 / b, and acos
        // turns an error d in kappa into at most sqrt(2 d) in angle.
        let margin = 2.0 * (1e-14 / b).sqrt() + 1e-12;
        let arc = |threshold: f64| {
            let kappa = (threshold - a) / b;
            if kappa <= -1.0 {
                PI
            } else if kappa > 1.0 {
                -1.0
            } else {
                kappa.acos()
            }
        };
        let w_lo = if t.lo == f64::NEG_INFINITY {
            PI
        } else {
            arc(t.lo) + margin
        };
        let inner = |threshold: f64| {
            let w = arc(threshold);
            if w < 0.0 {
                -1.0
            } else {
                w - margin
            }
        };
        let w_hi = if t.hi == f64::INFINITY {
            -1.0
        } else {
            inner(t.hi)
        };
        let w_mid = arc(t.mid);
        RingArcs {
            phi_n,
            w_lo,
            w_hi,
            w_mid_in: inner(t.mid),
            w_mid_out: if w_mid < 0.0 { -1.0 } else { w_mid + margin },
        }
    }
}

/// `|phi - phi_n|` folded into `[0, pi]`, for `phi - phi_n` within a few turns.
#[inline]
fn angular_gap(phi: f64, phi_n: f64) -> f64 {
    let mut d = phi - phi_n;
    while d > PI {
        d -= TAU;
    }
    while d < -PI {
        d += TAU;
    }
    d.abs()
}

/// Nested ids of the cells of `depth` whose centre may lie within `radius_rad` of the
/// unit vector `center` (a superset of those that do), sorted, each with what `tests`
/// say of its centre (cells that a test puts outside the region are left out).
pub(crate) fn cells_near(
    depth: u8,
    center: &Vector3d,
    radius_rad: f64,
    tests: &[CentreTest],
) -> Vec<(u64, Label)> {
    let layer = cdshealpix::nested::get(depth);
    let nside = 1u64 << depth;
    let nrings = 4 * nside - 1;
    let theta_b = center.z.clamp(-1.0, 1.0).acos();
    let sin_b = (center.x * center.x + center.y * center.y).sqrt();
    let phi_b = center.y.atan2(center.x);
    let reach = radius_rad + 1e-9;
    let z_hi = (theta_b - reach).max(0.0).cos();
    let z_lo = (theta_b + reach).min(PI).cos();
    let first = (ring_of_z(nside, z_hi).floor() as u64)
        .saturating_sub(1)
        .max(1);
    let last = ((ring_of_z(nside, z_lo).ceil() as u64) + 1).min(nrings);
    let cos_reach = reach.min(PI).cos();
    let polar: Vec<(f64, f64)> = tests
        .iter()
        .map(|t| (t.n.y.atan2(t.n.x), t.n.x.hypot(t.n.y)))
        .collect();
    let mut arcs: Vec<RingArcs> = Vec::with_capacity(tests.len());
    // About pi reach^2 / (4 pi / 12 nside^2) centres, plus the rounding at ring ends.
    let estimate = 3.0 * (nside as f64 * reach).powi(2) + 2.0 * (last + 1 - first) as f64;
    // Ids with their label in the low 2 bits, so that sorting is on plain integers.
    let mut out: Vec<u64> = Vec::with_capacity(estimate.min(1e6) as usize + 4);
    for i in first..=last {
        let (z, sin_t) = ring_z(nside, i);
        if z > z_hi + 1e-12 || z < z_lo - 1e-12 {
            continue;
        }
        let (start, count, offset) = ring_layout(nside, i);
        let width = TAU / count as f64;
        // cos(dist) = z z_b + sin_t sin_b cos(dphi) >= cos(reach)
        let denom = sin_t * sin_b;
        let dphi = if denom < 1e-12 {
            PI
        } else {
            let c = (cos_reach - z * center.z) / denom;
            if c <= -1.0 {
                PI
            } else if c > 1.0 + 1e-12 {
                // No centre of this ring is within reach (which has slack built in).
                continue;
            } else {
                c.min(1.0).acos() + 1e-9
            }
        };
        arcs.clear();
        arcs.extend(
            tests
                .iter()
                .zip(&polar)
                .map(|(t, &(phi_n, rho_n))| RingArcs::new(t, phi_n, rho_n, z, sin_t)),
        );
        // Centres at phi_j = (j + offset) width, j in [lo, hi] (rounded outwards).
        let (lo, hi) = if dphi >= PI {
            (0, count as i64 - 1)
        } else {
            let lo = ((phi_b - dphi) / width - offset).floor() as i64;
            let hi = ((phi_b + dphi) / width - offset).ceil() as i64;
            if hi - lo + 1 >= count as i64 {
                (0, count as i64 - 1)
            } else {
                (lo, hi)
            }
        };
        for j in lo..=hi {
            let phi = (j as f64 + offset) * width;
            let (mut within, mut centre_in, mut centre_out) = (true, true, false);
            let mut outside = false;
            for arc in &arcs {
                let gap = angular_gap(phi, arc.phi_n);
                if gap > arc.w_lo {
                    outside = true;
                    break;
                }
                within &= gap < arc.w_hi;
                centre_in &= gap < arc.w_mid_in;
                centre_out |= gap > arc.w_mid_out;
            }
            if !outside {
                let h = layer.from_ring(start + j.rem_euclid(count as i64) as u64);
                let label = if within {
                    Label::Within
                } else if centre_in {
                    Label::CentreInside
                } else if centre_out {
                    Label::CentreOutside
                } else {
                    Label::Maybe
                };
                out.push(h << 2 | label as u64);
            }
        }
    }
    out.sort_unstable();
    out.dedup_by_key(|c| *c >> 2);
    out.into_iter()
        .map(|c| {
            let label = match c & 3 {
                0 => Label::Within,
                1 => Label::CentreInside,
                2 => Label::CentreOutside,
                _ => Label::Maybe,
            };
            (c >> 2, label)
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn vec_of(lon: f64, lat: f64) -> Vector3d {
        Vector3d::new(lon.cos() * lat.cos(), lon.sin() * lat.cos(), lat.sin())
    }

    /// Against every cell of low depths: no centre within the radius is missed.
    #[test]
    fn finds_every_centre_within_the_radius() {
        let points = [
            (0.0, 0.0),
            (0.3, std::f64::consts::FRAC_PI_2),
            (2.0, -std::f64::consts::FRAC_PI_2),
            (6.2, 0.7297),
            (0.0, -0.7297),
            (1.0, 0.4),
            (3.9, -1.2),
            (std::f64::consts::FRAC_PI_4, 1.3),
        ];
        for depth in 0..=5u8 {
            let layer = cdshealpix::nested::get(depth);
            for &(lon, lat) in &points {
                let b = vec_of(lon, lat);
                for radius in [0.0, 1e-3, 0.02, 0.1, 0.5, 1.5, 3.0] {
                    let found: Vec<u64> = cells_near(depth, &b, radius, &[])
                        .iter()
                        .map(|c| c.0)
                        .collect();
                    assert!(found.windows(2).all(|w| w[0] < w[1]));
                    for h in 0..layer.n_hash() {
                        let (clon, clat) = layer.center(h);
                        let c = vec_of(clon, clat);
                        let d = c.cross(&b).norm().atan2(c.dot(&b));
                        if d <= radius {
                            assert!(
                                found.binary_search(&h).is_ok(),
                                "depth {depth} ({lon}, {lat}) r {radius}: cell {h} at {d}"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn ring_layout_matches_cdshealpix_centres() {
        for depth in [0u8, 1, 3, 6] {
            let layer = cdshealpix::nested::get(depth);
            let nside = 1u64 << depth;
            for i in 1..4 * nside {
                let (z, s) = ring_z(nside, i);
                let (start, count, offset) = ring_layout(nside, i);
                for j in [0, count / 3, count - 1] {
                    let phi = (j as f64 + offset) * TAU / count as f64;
                    let (lon, lat) = layer.center(layer.from_ring(start + j));
                    assert!((lat.sin() - z).abs() < 1e-14 && (lat.cos() - s).abs() < 1e-14);
                    let dl = (lon - phi).rem_euclid(TAU);
                    assert!(dl.min(TAU - dl) < 1e-12, "depth {depth} ring {i} j {j}");
                }
                assert!((ring_of_z(nside, z) - i as f64).abs() < 1e-6 * nside as f64);
            }
        }
    }
}
