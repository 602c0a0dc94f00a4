//! Point -> pixel exactly as the HEALPix C++ library (and thus healpy) computes it,
//! and ring -> nested conversion in integer arithmetic.

use std::f64::consts::{FRAC_PI_2, PI};

use crate::geometry::fast_contains::sincos_deg;

const TWO_THIRD: f64 = 2.0 / 3.0;
const INV_HALF_PI: f64 = 2.0 / PI;
/// HEALPix C++ switches to the `sin(theta)` formula within 0.01 rad of a pole, with
/// this truncated value of pi (kept as is for identical results).
#[allow(clippy::approx_constant)]
const PI_TRUNCATED: f64 = 3.14159;

/// HEALPix's `fmodulo(v, 4)`: `v` reduced to `[0, 4)`.
#[inline]
fn fmodulo4(v: f64) -> f64 {
    if v >= 0.0 {
        if v < 4.0 {
            v
        } else {
            v % 4.0
        }
    } else {
        let t = v % 4.0 + 4.0;
        if t == 4.0 {
            0.0
        } else {
            t
        }
    }
}

/// Interleaves the bits of `x` with zeros (Morton / z-order).
#[inline]
fn spread_bits(x: u64) -> u64 {
    let mut x = x & 0xFFFF_FFFF;
    x = (x | (x << 16)) & 0x0000_FFFF_0000_FFFF;
    x = (x | (x << 8)) & 0x00FF_00FF_00FF_00FF;
    x = (x | (x << 4)) & 0x0F0F_0F0F_0F0F_0F0F;
    x = (x | (x << 2)) & 0x3333_3333_3333_3333;
    (x | (x << 1)) & 0x5555_5555_5555_5555
}

#[inline]
fn xyf_to_nest(order: u8, ix: u64, iy: u64, face: u64) -> u64 {
    (face << (2 * order)) + spread_bits(ix) + (spread_bits(iy) << 1)
}

/// What the pixel of a point depends on: `z = cos θ`, `tt = φ / (π/2)` reduced to
/// `[0, 4)`, and the polar-cap scale `tmp`, computed with HEALPix C++'s operations.
/// `sin_theta` is only called near the poles.
#[inline]
fn prepare(nside: f64, theta: f64, phi: f64, z: f64, sin_theta: impl FnOnce() -> f64) -> Stage {
    let za = z.abs();
    let tt = fmodulo4(phi * INV_HALF_PI);
    let have_sth = !(0.01..=PI_TRUNCATED - 0.01).contains(&theta);
    let tmp = if za < 0.99 || !have_sth {
        nside * (3.0 * (1.0 - za)).sqrt()
    } else {
        nside * sin_theta() / ((1.0 + za) / 3.0).sqrt()
    };
    Stage { z, tt, tmp }
}

/// The floating-point stage of `ang2pix` (see [`prepare`]).
#[derive(Clone, Copy)]
struct Stage {
    z: f64,
    tt: f64,
    tmp: f64,
}

/// A pixel id and the two non-negative reals that were truncated to integers on the
/// way (the only places where a tiny change of `z` could change the id).
struct Pixel {
    id: u64,
    floored: [f64; 2],
    polar: bool,
}

/// healpy `ang2pix(nside, theta, phi, nest=True)`, `nside = 2^order`, theta in [0, pi].
pub fn ang2pix_nest(order: u8, theta: f64, phi: f64) -> u64 {
    let stage = prepare((1u64 << order) as f64, theta, phi, theta.cos(), || {
        theta.sin()
    });
    nest_from(order, &stage).id
}

/// `v as u64` for `0 <= v < 2^52`, by adding and subtracting 2^52 (float operations
/// only, so that it vectorizes; garbage, but no panic, outside that range).
#[inline(always)]
fn floor_u64(v: f64) -> u64 {
    const TWO52: f64 = 4_503_599_627_370_496.0;
    let nearest = (v + TWO52) - TWO52;
    let floor = if nearest > v { nearest - 1.0 } else { nearest };
    (floor + TWO52).to_bits().wrapping_sub(TWO52.to_bits())
}

/// `trunc(tt)` for `0 <= tt < 4`, without the library call `f64::trunc` makes on
/// baseline x86-64.
#[inline(always)]
fn quadrant(tt: f64) -> f64 {
    (tt as i32) as f64
}

// The integer stages below compute the belt and the cap answers both and select
// one (wrapping arithmetic, as the unused one may be garbage): no unpredictable
// branches, and loops over lanes vectorize.

#[inline(always)]
fn nest_from(order: u8, stage: &Stage) -> Pixel {
    let Stage { z, tt, tmp } = *stage;
    let ns = 1u64 << order;
    let nside = ns as f64;
    let polar = z.abs() > TWO_THIRD;
    let temp1 = nside * (0.5 + tt);
    let temp2 = nside * (z * 0.75);
    let ntt = quadrant(tt).min(3.0);
    let tp = tt - ntt;
    let (a, b) = if polar {
        (tp * tmp, (1.0 - tp) * tmp)
    } else {
        (temp1 - temp2, temp1 + temp2)
    };
    let (jp, jm) = (floor_u64(a), floor_u64(b));
    // Equatorial belt: the face from the two diagonal indices.
    let (ifp, ifm) = (jp >> order, jm >> order);
    let belt_face = if ifp == ifm {
        ifp | 4
    } else if ifp < ifm {
        ifp
    } else {
        ifm.wrapping_add(8)
    };
    let belt_ix = jm & (ns - 1);
    let belt_iy = ns.wrapping_sub(jp & (ns - 1)).wrapping_sub(1);
    // Polar caps.
    let (jp, jm) = (jp.min(ns - 1), jm.min(ns - 1));
    let ntt = ntt as u64;
    let (cap_ix, cap_iy, cap_face) = if z > 0.0 {
        (ns - jm - 1, ns - jp - 1, ntt)
    } else {
        (jp, jm, ntt + 8)
    };
    let (ix, iy, face) = if polar {
        (cap_ix, cap_iy, cap_face)
    } else {
        (belt_ix, belt_iy, belt_face)
    };
    let id = xyf_to_nest(order, ix, iy, face);
    Pixel {
        id,
        floored: [a, b],
        polar,
    }
}

/// healpy `ang2pix(nside, theta, phi, nest=False)`, `nside = 2^order`.
pub fn ang2pix_ring(order: u8, theta: f64, phi: f64) -> u64 {
    let stage = prepare((1u64 << order) as f64, theta, phi, theta.cos(), || {
        theta.sin()
    });
    ring_from(order, &stage).id
}

#[inline(always)]
fn ring_from(order: u8, stage: &Stage) -> Pixel {
    let Stage { z, tt, tmp } = *stage;
    let ns = 1u64 << order;
    let nside = ns as f64;
    let ncap = 2 * ns * (ns - 1);
    let npix = 12 * ns * ns;
    let nl4 = 4 * ns;
    let polar = z.abs() > TWO_THIRD;
    let temp1 = nside * (0.5 + tt);
    let temp2 = nside * z * 0.75;
    let tp = tt - quadrant(tt);
    let (a, b) = if polar {
        (tp * tmp, (1.0 - tp) * tmp)
    } else {
        (temp1 - temp2, temp1 + temp2)
    };
    let (jp, jm) = (floor_u64(a), floor_u64(b));
    // Equatorial belt: ring number counted from z = 2/3, in 1..=2 nside + 1.
    let ir = (ns + 1).wrapping_add(jp).wrapping_sub(jm);
    let kshift = 1 - (ir & 1);
    let t1 = jp.wrapping_add(jm).wrapping_add(kshift + 1 + 2 * nl4 - ns);
    let ip = (t1 >> 1) & (nl4 - 1);
    let belt = ncap
        .wrapping_add(ir.wrapping_sub(1).wrapping_mul(nl4))
        .wrapping_add(ip);
    // Polar caps: ring `ir` counted from the pole.
    let ir = jp.wrapping_add(jm).wrapping_add(1);
    let ip = floor_u64(tt * ir as f64);
    let cap = if z > 0.0 {
        ir.wrapping_mul(2)
            .wrapping_mul(ir.wrapping_sub(1))
            .wrapping_add(ip)
    } else {
        npix.wrapping_sub((2 * ir).wrapping_mul(ir.wrapping_add(1)))
            .wrapping_add(ip)
    };
    let id = if polar { cap } else { belt };
    Pixel {
        id,
        floored: [a, b],
        polar,
    }
}

/// Bound on the difference between healpy's `cos θ` / `sin θ` (library `cos`/`sin` of
/// `θ = π/2 − radians(lat)`, itself rounded by ~2e-16) and [`sincos_deg`] of the
/// latitude (error < 2e-15).
const TRIG_EPS: f64 = 4e-15;
/// How far (in units of `nside`) a truncated value must stay from an integer for a
/// `z` off by [`TRIG_EPS`] to give the same id: in the equatorial belt `0.75 nside Δz`
/// plus roundings; in the caps `Δtmp <= 1.5 nside Δz / sqrt(3 (1 − |z|))` with
/// `1 − |z| >= 5e-5` wherever that formula is used (else the `sin θ` form, ~1.6 nside
/// Δz), so at most ~123 nside Δz.
const EQUATORIAL_MARGIN: f64 = 1e-14;
const POLAR_MARGIN: f64 = 1e-12;

/// Whether `v >= 0` is farther than `margin` from every integer.
#[inline(always)]
fn clear_of_integers(v: f64, margin: f64) -> bool {
    let frac = v - (floor_u64(v) as f64);
    frac > margin && 1.0 - frac > margin
}

/// healpy's pixels of `B` points (lon, lat) in degrees, computed from a polynomial
/// `sincos` of the latitude instead of the library `cos`/`sin` of `θ`. Each id comes
/// with a flag: `false` where the point is too close to a pixel boundary (or to one
/// of HEALPix's formula switches) for that tiny difference to be harmless; the exact
/// path must do those lanes.
///
/// Both loops over the lanes are free of unpredictable branches, so they vectorize.
#[inline(always)]
pub(super) fn ang2pix_certified<const B: usize>(
    order: u8,
    nested: bool,
    lon_deg: &[f64; B],
    lat_deg: &[f64; B],
) -> ([u64; B], [bool; B]) {
    let nside = (1u64 << order) as f64;
    let mut stage = [Stage {
        z: 0.0,
        tt: 0.0,
        tmp: 0.0,
    }; B];
    let mut sure = [false; B];
    for l in 0..B {
        let theta = FRAC_PI_2 - lat_deg[l].to_radians();
        let (z, sin_theta) = sincos_deg(lat_deg[l]);
        let za = z.abs();
        // fmodulo4 without its rare branches: longitudes outside [0, 360) go exact.
        let tt = lon_deg[l].to_radians() * INV_HALF_PI;
        let have_sth = !(0.01..=PI_TRUNCATED - 0.01).contains(&theta);
        let tmp = if za < 0.99 || !have_sth {
            nside * (3.0 * (1.0 - za)).sqrt()
        } else {
            nside * sin_theta / ((1.0 + za) / 3.0).sqrt()
        };
        stage[l] = Stage { z, tt, tmp };
        sure[l] = (0.0..4.0).contains(&tt)
            && (za - TWO_THIRD).abs() > TRIG_EPS
            && !(have_sth && (za - 0.99).abs() <= TRIG_EPS);
    }
    let mut ids = [0u64; B];
    for l in 0..B {
        let pixel = if nested {
            nest_from(order, &stage[l])
        } else {
            ring_from(order, &stage[l])
        };
        let margin = nside
            * if pixel.polar {
                POLAR_MARGIN
            } else {
                EQUATORIAL_MARGIN
            };
        let [a, b] = pixel.floored;
        sure[l] &= clear_of_integers(a, margin) & clear_of_integers(b, margin);
        ids[l] = pixel.id;
    }
    (ids, sure)
}

/// Integer square root (floor).
fn isqrt(x: u64) -> u64 {
    let mut r = (x as f64).sqrt() as u64;
    while !matches!(r.checked_mul(r), Some(s) if s <= x) {
        r -= 1;
    }
    while (r + 1).checked_mul(r + 1).is_some_and(|s| s <= x) {
        r += 1;
    }
    r
}

const JRLL: [u64; 12] = [2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4];
const JPLL: [u64; 12] = [1, 3, 5, 7, 0, 2, 4, 6, 1, 3, 5, 7];

/// Ring id -> nested id (`pix < 12 * 4^order`, checked by the caller).
pub fn ring_to_nest(order: u8, pix: u64) -> u64 {
    let ns = 1i64 << order;
    let ncap = 2 * ns * (ns - 1);
    let npix = 12 * ns * ns;
    let nl2 = 2 * ns;
    let pix = pix as i64;
    let (iring, iphi, kshift, nr, face);
    if pix < ncap {
        let r = ((1 + isqrt((1 + 2 * pix) as u64)) >> 1) as i64;
        iring = r;
        iphi = pix + 1 - 2 * r * (r - 1);
        kshift = 0;
        nr = r;
        face = (iphi - 1) / nr;
    } else if pix < npix - ncap {
        let ip = pix - ncap;
        let tmp = ip >> (order + 2);
        iring = tmp + ns;
        iphi = ip - tmp * 4 * ns + 1;
        kshift = (iring + ns) & 1;
        nr = ns;
        let ire = tmp + 1;
        let irm = nl2 + 2 - ire;
        let ifm = (iphi - ire / 2 + ns - 1) >> order;
        let ifp = (iphi - irm / 2 + ns - 1) >> order;
        face = if ifp == ifm {
            ifp | 4
        } else if ifp < ifm {
            ifp
        } else {
            ifm + 8
        };
    } else {
        let ip = npix - pix;
        let r = ((1 + isqrt((2 * ip - 1) as u64)) >> 1) as i64;
        iphi = 4 * r + 1 - (ip - 2 * r * (r - 1));
        kshift = 0;
        nr = r;
        iring = 2 * nl2 - r;
        face = 8 + (iphi - 1) / nr;
    }
    let f = face as usize;
    let irt = iring - JRLL[f] as i64 * ns + 1;
    let mut ipt = 2 * iphi - JPLL[f] as i64 * nr - kshift - 1;
    if ipt >= nl2 {
        ipt -= 8 * ns;
    }
    let ix = (ipt - irt) >> 1;
    let iy = (-ipt - irt) >> 1;
    xyf_to_nest(order, ix as u64, iy as u64, face as u64)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn poles_and_isqrt() {
        assert_eq!(isqrt(0), 0);
        assert_eq!(isqrt(15), 3);
        assert_eq!(isqrt(u64::MAX), 4294967295);
        // North pole is in the last pixel of base pixel 0 .. 3 (phi = 0 -> base 0).
        assert_eq!(ang2pix_nest(1, 0.0, 0.0), 3);
        assert_eq!(ang2pix_ring(1, 0.0, 0.0), 0);
    }

    fn exact(order: u8, nested: bool, lon: f64, lat: f64) -> u64 {
        let theta = FRAC_PI_2 - lat.to_radians();
        let phi = lon.to_radians();
        if nested {
            ang2pix_nest(order, theta, phi)
        } else {
            ang2pix_ring(order, theta, phi)
        }
    }

    /// The certified fast path agrees with the exact one or declines, on random points
    /// and on points on or a few ulps from pixel boundaries, the belt/cap switch
    /// (|z| = 2/3), the sin-θ switch, the poles and RA 0/360, at every order.
    #[test]
    fn certified_path_agrees_or_declines() {
        let mut uniform = crate::test_random::uniform(0x853c_49e6_748f_ea9bu64);
        let mut random_declined = 0;
        let mut declined = 0;
        for order in 0..=29u8 {
            let nside = (1u64 << order) as f64;
            let mut points = vec![(0.0, 90.0), (360.0, -90.0), (0.0, 0.0), (360.0, 41.8)];
            let belt = (2.0f64 / 3.0).asin().to_degrees();
            for _ in 0..400 {
                let lon = 360.0 * uniform();
                let lat = (2.0 * uniform() - 1.0).asin().to_degrees();
                points.push((lon, lat));
                // On a ring of constant z (belt pixel edges cross at z = k / nside
                // multiples), on meridians k * 90 / nside, near the switches.
                let k = (uniform() * nside).floor();
                points.push((k * 90.0 / nside, lat));
                points.push((
                    lon,
                    ((2.0 * k / nside - 1.0) * 2.0 / 3.0).asin().to_degrees(),
                ));
                let ulps = (uniform() * 8.0 - 4.0) * 1e-14;
                points.push((lon, belt + ulps));
                points.push((lon, -belt - ulps));
                points.push((lon, 0.99f64.asin().to_degrees() + ulps));
                points.push((lon, 90.0 - 0.01f64.to_degrees() + ulps));
                points.push((lon, 90.0 - 1e-9 * uniform()));
            }
            for nested in [true, false] {
                for (i, &(lon, lat)) in points.iter().enumerate() {
                    let want = exact(order, nested, lon, lat);
                    let (id, sure) = ang2pix_certified::<1>(order, nested, &[lon], &[lat]);
                    match sure[0].then_some(id[0]) {
                        Some(got) => assert_eq!(got, want, "order {order} {lon} {lat}"),
                        None if i >= 4 && (i - 4) % 8 == 0 => random_declined += 1,
                        None => declined += 1,
                    }
                }
            }
        }
        // Boundary points are made to be declined; random ones almost never are.
        assert!(declined > 1_000, "{declined}");
        assert!(
            random_declined < 50,
            "{random_declined} of 24,000 random points"
        );
    }
}
