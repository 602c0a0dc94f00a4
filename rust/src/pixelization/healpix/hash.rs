//! Point -> pixel exactly as the HEALPix C++ library (and thus healpy) computes it,
//! and ring -> nested conversion in integer arithmetic.

use std::f64::consts::PI;

const TWO_THIRD: f64 = 2.0 / 3.0;
const INV_HALF_PI: f64 = 2.0 / PI;

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

/// The common first steps: `z = cos(theta)`, `tt` in [0, 4), and the polar
/// distance scale `tmp` (only meaningful in the polar caps).
#[inline]
fn prepare(nside: f64, theta: f64, phi: f64) -> (f64, f64, f64) {
    let z = theta.cos();
    let za = z.abs();
    let tt = fmodulo4(phi * INV_HALF_PI);
    let have_sth = theta < 0.01 || theta > 3.14159 - 0.01;
    let tmp = if za < 0.99 || !have_sth {
        nside * (3.0 * (1.0 - za)).sqrt()
    } else {
        nside * theta.sin() / ((1.0 + za) / 3.0).sqrt()
    };
    (z, tt, tmp)
}

/// healpy `ang2pix(nside, theta, phi, nest=True)`, `nside = 2^order`, theta in [0, pi].
pub fn ang2pix_nest(order: u8, theta: f64, phi: f64) -> u64 {
    let ns = 1u64 << order;
    let nside = ns as f64;
    let (z, tt, tmp) = prepare(nside, theta, phi);
    if z.abs() <= TWO_THIRD {
        let temp1 = nside * (0.5 + tt);
        let temp2 = nside * (z * 0.75);
        let jp = (temp1 - temp2) as u64;
        let jm = (temp1 + temp2) as u64;
        let ifp = jp >> order;
        let ifm = jm >> order;
        let face = if ifp == ifm {
            ifp | 4
        } else if ifp < ifm {
            ifp
        } else {
            ifm + 8
        };
        let ix = jm & (ns - 1);
        let iy = ns - (jp & (ns - 1)) - 1;
        xyf_to_nest(order, ix, iy, face)
    } else {
        let ntt = (tt as u64).min(3);
        let tp = tt - ntt as f64;
        let jp = ((tp * tmp) as u64).min(ns - 1);
        let jm = (((1.0 - tp) * tmp) as u64).min(ns - 1);
        if z > 0.0 {
            xyf_to_nest(order, ns - jm - 1, ns - jp - 1, ntt)
        } else {
            xyf_to_nest(order, jp, jm, ntt + 8)
        }
    }
}

/// healpy `ang2pix(nside, theta, phi, nest=False)`, `nside = 2^order`.
pub fn ang2pix_ring(order: u8, theta: f64, phi: f64) -> u64 {
    let ns = 1u64 << order;
    let nside = ns as f64;
    let ncap = 2 * ns * (ns - 1);
    let npix = 12 * ns * ns;
    let (z, tt, tmp) = prepare(nside, theta, phi);
    if z.abs() <= TWO_THIRD {
        let nl4 = 4 * ns;
        let temp1 = nside * (0.5 + tt);
        let temp2 = nside * z * 0.75;
        let jp = (temp1 - temp2) as u64;
        let jm = (temp1 + temp2) as u64;
        // Ring number counted from z = 2/3, in 1..=2 nside + 1.
        let ir = ns + 1 + jp - jm;
        let kshift = 1 - (ir & 1);
        let t1 = jp + jm + kshift + 1 + nl4 + nl4 - ns;
        let ip = (t1 >> 1) & (nl4 - 1);
        ncap + (ir - 1) * nl4 + ip
    } else {
        let tp = tt - tt.trunc();
        let jp = (tp * tmp) as u64;
        let jm = ((1.0 - tp) * tmp) as u64;
        let ir = jp + jm + 1;
        let ip = (tt * ir as f64) as u64;
        if z > 0.0 {
            2 * ir * (ir - 1) + ip
        } else {
            npix - 2 * ir * (ir + 1) + ip
        }
    }
}

/// Integer square root (floor).
fn isqrt(x: u64) -> u64 {
    let mut r = (x as f64).sqrt() as u64;
    while r.checked_mul(r).map_or(true, |s| s > x) {
        r -= 1;
    }
    while (r + 1).checked_mul(r + 1).map_or(false, |s| s <= x) {
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
}
