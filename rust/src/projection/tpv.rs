//! TPV distortion (the SCAMP convention registered with the FITS WCS as `TPV`, used
//! by DES and DECam tiles): before the TAN projection, intermediate world coordinates
//! `(x, y)` (degrees) become
//!
//! `xi  = sum_k PV1_k T_k(x, y, r)`, `eta = sum_k PV2_k T_k(y, x, r)`, `r = sqrt(x^2 + y^2)`,
//!
//! with the 40 terms `T_k` of degree up to 7: `1, x, y, r, x^2, xy, y^2, x^3, x^2 y,
//! x y^2, y^3, r^3, x^4, ..., y^4, x^5, ..., y^5, r^5, x^6, ..., y^6, x^7, ..., y^7, r^7`
//! (each degree d lists `x^d, x^(d-1) y, ..., y^d`, and odd degrees add `r^d`). Note the
//! swapped arguments of the second axis. Coefficients not given are 0 except
//! `PV1_1 = PV2_1 = 1` (the identity), as in wcslib. The inverse is Newton's
//! ([`super::distortion::newton_2d`]) to 1e-14 degree.

use super::distortion::newton_2d;
use crate::{Error, Result};

/// Number of TPV terms per axis.
pub const NUM_TERMS: usize = 40;

/// Exponents `(i, j, k)` of `x^i y^j r^k` for every term.
const EXPONENTS: [(i32, i32, i32); NUM_TERMS] = exponents();

const fn exponents() -> [(i32, i32, i32); NUM_TERMS] {
    let mut out = [(0, 0, 0); NUM_TERMS];
    let mut n = 0;
    let mut d = 0;
    while d <= 7 {
        let mut j = 0;
        while j <= d {
            out[n] = (d - j, j, 0);
            n += 1;
            j += 1;
        }
        if d % 2 == 1 {
            out[n] = (0, 0, d);
            n += 1;
        }
        d += 1;
    }
    out
}

/// The two TPV polynomials.
#[derive(Debug, Clone, PartialEq)]
pub struct Tpv {
    pv1: [f64; NUM_TERMS],
    pv2: [f64; NUM_TERMS],
}

impl Tpv {
    /// TPV from `(axis, m, value)` triples (`PV{axis}_{m} = value`, axis 1 or 2).
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for another axis, `m >= 40` or a non-finite value.
    pub fn new(terms: &[(u32, u32, f64)]) -> Result<Tpv> {
        let mut pv1 = [0.0; NUM_TERMS];
        let mut pv2 = [0.0; NUM_TERMS];
        pv1[1] = 1.0;
        pv2[1] = 1.0;
        for &(axis, m, v) in terms {
            let slot = match axis {
                1 => pv1.get_mut(m as usize),
                2 => pv2.get_mut(m as usize),
                _ => None,
            };
            match slot {
                Some(s) if v.is_finite() => *s = v,
                _ => {
                    return Err(Error::config(format!(
                        "TPV term PV{axis}_{m} = {v} is not one of PV1_0..PV1_39, PV2_0..PV2_39 \
                         with a finite value"
                    )))
                }
            }
        }
        Ok(Tpv { pv1, pv2 })
    }

    /// The coefficients as `(axis, m, value)` for every non-default term.
    pub fn terms(&self) -> Vec<(u32, u32, f64)> {
        let mut out = Vec::new();
        for (axis, pv) in [(1u32, &self.pv1), (2, &self.pv2)] {
            for (m, &v) in pv.iter().enumerate() {
                let default = if m == 1 { 1.0 } else { 0.0 };
                if v != default {
                    out.push((axis, m as u32, v));
                }
            }
        }
        out
    }

    fn poly(c: &[f64; NUM_TERMS], x: f64, y: f64) -> f64 {
        let r = x.hypot(y);
        let mut xp = [1.0; 8];
        let mut yp = [1.0; 8];
        let mut rp = [1.0; 8];
        for d in 1..8 {
            xp[d] = xp[d - 1] * x;
            yp[d] = yp[d - 1] * y;
            rp[d] = rp[d - 1] * r;
        }
        EXPONENTS
            .iter()
            .zip(c)
            .filter(|(_, &v)| v != 0.0)
            .map(|(&(i, j, k), &v)| v * xp[i as usize] * yp[j as usize] * rp[k as usize])
            .sum()
    }

    /// `(x, y)` -> `(xi, eta)`, degrees.
    #[inline]
    pub fn forward(&self, x: f64, y: f64) -> (f64, f64) {
        (Self::poly(&self.pv1, x, y), Self::poly(&self.pv2, y, x))
    }

    /// `(xi, eta)` -> `(x, y)`, degrees; `None` if Newton does not converge.
    pub fn inverse(&self, xi: f64, eta: f64) -> Option<(f64, f64)> {
        // Start from the inverse of the linear part.
        let det = self.pv1[1] * self.pv2[1] - self.pv1[2] * self.pv2[2];
        let (bx, by) = (xi - self.pv1[0], eta - self.pv2[0]);
        let start = if det != 0.0 && det.is_finite() {
            // xi ~ pv1[1] x + pv1[2] y; eta ~ pv2[2] x + pv2[1] y.
            (
                (self.pv2[1] * bx - self.pv1[2] * by) / det,
                (-self.pv2[2] * bx + self.pv1[1] * by) / det,
            )
        } else {
            (xi, eta)
        };
        newton_2d(|x, y| self.forward(x, y), (xi, eta), start, 1e-6, 1e-14)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn term_table() {
        let e = EXPONENTS;
        assert_eq!(e[3], (0, 0, 1));
        assert_eq!(e[11], (0, 0, 3));
        assert_eq!(e[12], (4, 0, 0));
        assert_eq!(e[23], (0, 0, 5));
        assert_eq!(e[24], (6, 0, 0));
        assert_eq!(e[39], (0, 0, 7));
        assert_eq!(e[38], (0, 7, 0));
    }

    #[test]
    fn second_axis_swaps_arguments_and_inverts() {
        let t = Tpv::new(&[(1, 4, 1e-3), (2, 4, 2e-3), (2, 11, 1e-2)]).unwrap();
        let (x, y): (f64, f64) = (0.2, -0.1);
        let r = (x * x + y * y).sqrt();
        let (xi, eta) = t.forward(x, y);
        assert!((xi - (x + 1e-3 * x * x)).abs() < 1e-16);
        assert!((eta - (y + 2e-3 * y * y + 1e-2 * r * r * r)).abs() < 1e-16);
        let (rx, ry) = t.inverse(xi, eta).unwrap();
        assert!((rx - x).abs() < 1e-14 && (ry - y).abs() < 1e-14);
        assert_eq!(t.terms().len(), 3);
        assert!(Tpv::new(&[(3, 1, 1.0)]).is_err());
        assert!(Tpv::new(&[(1, 40, 1.0)]).is_err());
    }
}
