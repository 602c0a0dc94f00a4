//! The non-linear extras of a survey image's WCS, and the one solver that inverts them.
//!
//! A [`super::TractWcs`] built from a FITS header may carry, besides its projection:
//!
//! * SIP (Shupe et al. 2005, [`super::sip`]): a polynomial on pixel offsets, applied
//!   before the CD matrix;
//! * TPV (the SCAMP/DES convention, [`super::tpv`]): a polynomial on intermediate
//!   world coordinates, applied after the CD matrix and before TAN;
//! * ZPN coefficients ([`super::zpn`]): the projection's own polynomial.
//!
//! The distortions are written as forward polynomials; their inverses are found by
//! [`newton_2d`]: Newton steps with a finite-difference Jacobian, started from the
//! header's own inverse polynomial (SIP `AP`/`BP`) or from the identity, until the
//! step is below 1e-12 of a pixel (SIP) or 1e-14 degree (TPV).

use super::sip::Sip;
use super::tpv::Tpv;
use super::zpn::Zpn;

/// The distortion and projection parameters beyond a plain projection + CD matrix.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WcsExtra {
    pub sip: Option<Sip>,
    pub tpv: Option<Tpv>,
    pub zpn: Option<Zpn>,
}

/// Solves `f(p) = target` for a 2-d map `f` close to the identity, starting at `start`:
/// Newton steps with a central-difference Jacobian (step `h`), until a step is below
/// `tol`. `None` when it does not converge in 50 steps or meets a singular Jacobian.
pub fn newton_2d<F>(
    f: F,
    target: (f64, f64),
    start: (f64, f64),
    h: f64,
    tol: f64,
) -> Option<(f64, f64)>
where
    F: Fn(f64, f64) -> (f64, f64),
{
    let (mut x, mut y) = start;
    for _ in 0..50 {
        let (fx, fy) = f(x, y);
        let (rx, ry) = (target.0 - fx, target.1 - fy);
        let (ax, ay) = f(x + h, y);
        let (bx, by) = f(x - h, y);
        let (cx, cy) = f(x, y + h);
        let (dx, dy) = f(x, y - h);
        let j = [
            [(ax - bx) / (2.0 * h), (cx - dx) / (2.0 * h)],
            [(ay - by) / (2.0 * h), (cy - dy) / (2.0 * h)],
        ];
        let det = j[0][0] * j[1][1] - j[0][1] * j[1][0];
        if det == 0.0 || !det.is_finite() {
            return None;
        }
        let sx = (j[1][1] * rx - j[0][1] * ry) / det;
        let sy = (-j[1][0] * rx + j[0][0] * ry) / det;
        x += sx;
        y += sy;
        if !x.is_finite() || !y.is_finite() {
            return None;
        }
        if sx.abs().max(sy.abs()) <= tol {
            return Some((x, y));
        }
    }
    None
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn inverts_a_gentle_map() {
        let f = |x: f64, y: f64| (x + 1e-3 * x * x + 2e-4 * y, y - 5e-4 * x * y);
        let (x, y) = newton_2d(f, (3.0, -2.0), (3.0, -2.0), 1e-4, 1e-14).unwrap();
        let (u, v) = f(x, y);
        assert!((u - 3.0).abs() < 1e-13 && (v + 2.0).abs() < 1e-13);
    }

    #[test]
    fn singular_map_fails() {
        assert!(newton_2d(|_, _| (0.0, 0.0), (1.0, 1.0), (0.0, 0.0), 1e-4, 1e-12).is_none());
    }
}
