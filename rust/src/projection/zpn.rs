//! ZPN, the zenithal polynomial projection (Calabretta & Greisen 2002, section 5.1.7):
//! `R = rho * sum_m PV2_m w^m` with `w = 90 deg - theta` in radians and `R` in degrees
//! (`rho = 180/pi`), `x = R sin(phi)`, `y = -R cos(phi)`. WFCAM and VISTA stacks use it
//! with `PV2_1 = 1` and a small `PV2_3` (radial distortion of the camera).
//!
//! The inverse has no closed form beyond degree 2. As in wcslib, the projection is
//! used only up to the first turning point `w_max` of the polynomial (where `dR/dw`
//! first reaches zero, or `pi`), where `R(w)` is increasing; `R -> w` is solved there
//! by Newton steps kept inside a shrinking bracket (bisection when a step leaves it),
//! to the last bits of `w`.

use super::native::DEG_PER_RAD;
use crate::{Error, Result};
use std::f64::consts::PI;

/// The highest `PV2_m` index FITS allows for ZPN.
pub const MAX_DEGREE: usize = 20;

/// ZPN coefficients and the domain where their polynomial can be inverted.
#[derive(Debug, Clone, PartialEq)]
pub struct Zpn {
    /// `PV2_0 ..= PV2_n`, trailing zeros removed.
    coeffs: Vec<f64>,
    /// First turning point of the polynomial (radians from the pole).
    w_max: f64,
    /// `R(w_max)` in radians.
    r_max: f64,
}

impl Zpn {
    /// ZPN with coefficients `PV2_0 ..= PV2_n` (n at most [`MAX_DEGREE`]).
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for non-finite or too many coefficients, or a
    /// polynomial that does not increase from the pole (`dR/dw <= 0` at `w = 0`).
    pub fn new(coeffs: &[f64]) -> Result<Zpn> {
        if coeffs.len() > MAX_DEGREE + 1 || coeffs.iter().any(|c| !c.is_finite()) {
            return Err(Error::config(format!(
                "ZPN coefficients PV2_0..PV2_{MAX_DEGREE} must be finite, got {coeffs:?}"
            )));
        }
        let mut coeffs = coeffs.to_vec();
        while coeffs.last() == Some(&0.0) {
            coeffs.pop();
        }
        let mut zpn = Zpn {
            coeffs,
            w_max: PI,
            r_max: 0.0,
        };
        if zpn.derivative(0.0) <= 0.0 {
            return Err(Error::config(format!(
                "ZPN polynomial {:?} does not increase away from the pole (PV2_1 must be \
                 positive)",
                zpn.coeffs
            )));
        }
        zpn.w_max = zpn.first_turning_point();
        zpn.r_max = zpn.radius(zpn.w_max);
        Ok(zpn)
    }

    /// The coefficients `PV2_0 ..= PV2_n`.
    pub fn coeffs(&self) -> &[f64] {
        &self.coeffs
    }

    /// `R(w)` in radians.
    fn radius(&self, w: f64) -> f64 {
        self.coeffs.iter().rev().fold(0.0, |acc, c| acc * w + c)
    }

    /// `dR/dw`.
    fn derivative(&self, w: f64) -> f64 {
        let n = self.coeffs.len();
        (1..n)
            .rev()
            .fold(0.0, |acc, m| acc * w + m as f64 * self.coeffs[m])
    }

    /// The smallest `w` in `(0, pi]` where `dR/dw` reaches zero, else `pi`.
    fn first_turning_point(&self) -> f64 {
        const STEPS: usize = 3600;
        let mut lo = 0.0;
        for k in 1..=STEPS {
            let hi = PI * k as f64 / STEPS as f64;
            if self.derivative(hi) <= 0.0 {
                let (mut a, mut b) = (lo, hi);
                for _ in 0..80 {
                    let mid = 0.5 * (a + b);
                    if self.derivative(mid) > 0.0 {
                        a = mid;
                    } else {
                        b = mid;
                    }
                }
                return a;
            }
            lo = hi;
        }
        PI
    }

    /// The `w` in `[0, w_max]` with `R(w) = r` (radians), if there is one.
    fn solve(&self, r: f64) -> Option<f64> {
        let r0 = self.radius(0.0);
        if !(r0..=self.r_max).contains(&r) {
            return None;
        }
        let (mut lo, mut hi) = (0.0, self.w_max);
        let mut w = (r - r0) / self.derivative(0.0);
        if !(lo..=hi).contains(&w) {
            w = 0.5 * (lo + hi);
        }
        for _ in 0..200 {
            let f = self.radius(w) - r;
            if f == 0.0 {
                return Some(w);
            }
            if f < 0.0 {
                lo = w;
            } else {
                hi = w;
            }
            let d = self.derivative(w);
            let mut next = w - f / d;
            if !(next > lo && next < hi) || d <= 0.0 {
                next = 0.5 * (lo + hi);
            }
            // Newton converges quadratically; stop at a few ulps (or a closed bracket).
            if (next - w).abs() <= 4.0 * f64::EPSILON * w.abs() || hi - lo <= f64::EPSILON * hi {
                return Some(next);
            }
            w = next;
        }
        Some(w)
    }

    /// Intermediate world coordinates (degrees) -> native unit vector; `None` beyond
    /// the polynomial's first turning point.
    pub fn deproject(&self, x_deg: f64, y_deg: f64) -> Option<[f64; 3]> {
        if !x_deg.is_finite() || !y_deg.is_finite() {
            return None;
        }
        let r_deg = x_deg.hypot(y_deg);
        let w = self.solve(r_deg / DEG_PER_RAD)?;
        if r_deg == 0.0 {
            return Some([-w.sin(), 0.0, w.cos()]);
        }
        let h = w.sin() / r_deg;
        Some([-y_deg * h, x_deg * h, w.cos()])
    }

    /// Native unit vector -> intermediate world coordinates (degrees); `None` beyond
    /// the first turning point.
    pub fn project(&self, n: [f64; 3]) -> Option<(f64, f64)> {
        let [nx, ny, nz] = n;
        let h = nx.hypot(ny);
        let w = h.atan2(nz);
        if w.is_nan() || w > self.w_max {
            return None;
        }
        let r_deg = self.radius(w) * DEG_PER_RAD;
        if h == 0.0 {
            // At the pole phi is undefined; wcslib takes phi = 0: (0, -R).
            return Some((0.0, -r_deg));
        }
        Some((r_deg * ny / h, -r_deg * nx / h))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn linear_zpn_is_arc() {
        let z = Zpn::new(&[0.0, 1.0]).unwrap();
        for &(x, y) in &[(0.3, -0.2), (10.0, 40.0), (0.0, 0.0)] {
            let n = z.deproject(x, y).unwrap();
            let m = super::super::native::deproject(super::super::Projection::Zpn, x, y).unwrap();
            for k in 0..3 {
                assert!((n[k] - m[k]).abs() < 1e-15);
            }
        }
    }

    #[test]
    fn roundtrip_with_cubic_term() {
        // VISTA-like: PV2_1 = 1, PV2_3 = 44.
        let z = Zpn::new(&[0.0, 1.0, 0.0, 44.0]).unwrap();
        for &(x, y) in &[(0.3, -0.2), (-0.7, 0.65), (1e-9, 0.0)] {
            let n = z.deproject(x, y).unwrap();
            let (u, v) = z.project(n).unwrap();
            assert!((u - x).abs() < 1e-13 && (v - y).abs() < 1e-13, "{x} {y}");
        }
    }

    #[test]
    fn turning_point_limits_domain() {
        // R = w - w^3: dR/dw = 0 at w = 1/sqrt(3).
        let z = Zpn::new(&[0.0, 1.0, 0.0, -1.0]).unwrap();
        assert!((z.w_max - 1.0 / 3f64.sqrt()).abs() < 1e-12);
        assert!(z.deproject(40.0, 0.0).is_none());
        assert!(Zpn::new(&[0.0, -1.0]).is_err());
        assert!(Zpn::new(&[f64::NAN]).is_err());
    }
}
