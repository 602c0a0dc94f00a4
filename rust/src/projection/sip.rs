//! SIP distortion (Shupe et al. 2005, "The SIP Convention for Representing Distortion
//! in FITS Image Headers"), as astropy and wcslib apply it.
//!
//! With pixel offsets `(u, v) = pixel - CRPIX`, the intermediate world coordinates are
//! `CD . (u + f(u, v), v + g(u, v))` with `f = sum A_p_q u^p v^q`, `g = sum B_p_q u^p v^q`.
//! The inverse starts from the header's `AP`/`BP` polynomials when given
//! (`u = U + sum AP_p_q U^p V^q`), else from `(U, V)`, and refines with Newton steps
//! on the forward polynomial ([`super::distortion::newton_2d`]) to 1e-12 pixel, so it
//! is exact whatever the quality of `AP`/`BP`.

use super::distortion::newton_2d;
use crate::{Error, Result};

/// One SIP polynomial: dense coefficients `c[p][q]` of `u^p v^q`.
#[derive(Debug, Clone, PartialEq)]
pub struct SipPoly {
    order: usize,
    coeffs: Vec<f64>,
}

/// The highest SIP order accepted.
pub const MAX_ORDER: usize = 9;

impl SipPoly {
    /// A polynomial of `order` from `(p, q, value)` terms (`A_p_q = value`).
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for an order above [`MAX_ORDER`], a term with
    /// `p + q > order` or a non-finite value; `name` (`"A"`, `"BP"`, ...) is in the
    /// message.
    pub fn new(name: &str, order: usize, terms: &[(usize, usize, f64)]) -> Result<SipPoly> {
        if order > MAX_ORDER {
            return Err(Error::config(format!(
                "SIP {name}_ORDER = {order} is above the supported {MAX_ORDER}"
            )));
        }
        let mut coeffs = vec![0.0; (order + 1) * (order + 1)];
        for &(p, q, v) in terms {
            if p + q > order || !v.is_finite() {
                return Err(Error::config(format!(
                    "SIP term {name}_{p}_{q} = {v} is not a finite term of order <= {order}"
                )));
            }
            coeffs[p * (order + 1) + q] = v;
        }
        Ok(SipPoly { order, coeffs })
    }

    /// The polynomial's order.
    pub fn order(&self) -> usize {
        self.order
    }

    /// Non-zero terms as `(p, q, value)`.
    pub fn terms(&self) -> Vec<(usize, usize, f64)> {
        let n = self.order + 1;
        (0..n)
            .flat_map(|p| (0..n).map(move |q| (p, q)))
            .filter(|&(p, q)| p + q <= self.order)
            .map(|(p, q)| (p, q, self.coeffs[p * n + q]))
            .filter(|t| t.2 != 0.0)
            .collect()
    }

    /// `sum c_p_q u^p v^q` (Horner in `u`, then in `v`).
    pub fn eval(&self, u: f64, v: f64) -> f64 {
        let n = self.order + 1;
        let mut out = 0.0;
        for p in (0..n).rev() {
            let row = &self.coeffs[p * n..p * n + n - p];
            let inner = row.iter().rev().fold(0.0, |acc, c| acc * v + c);
            out = out * u + inner;
        }
        out
    }
}

/// A SIP distortion: forward `A`, `B` and optional inverse `AP`, `BP`.
#[derive(Debug, Clone, PartialEq)]
pub struct Sip {
    pub a: SipPoly,
    pub b: SipPoly,
    pub ap: Option<SipPoly>,
    pub bp: Option<SipPoly>,
}

impl Sip {
    /// Pixel offsets -> distorted offsets (before the CD matrix).
    #[inline]
    pub fn forward(&self, u: f64, v: f64) -> (f64, f64) {
        (u + self.a.eval(u, v), v + self.b.eval(u, v))
    }

    /// Distorted offsets -> pixel offsets (see the module docs); `None` if Newton does
    /// not converge (far outside the region the polynomial was fitted on).
    pub fn inverse(&self, big_u: f64, big_v: f64) -> Option<(f64, f64)> {
        let start = match (&self.ap, &self.bp) {
            (Some(ap), Some(bp)) => (big_u + ap.eval(big_u, big_v), big_v + bp.eval(big_u, big_v)),
            _ => (big_u, big_v),
        };
        newton_2d(
            |u, v| self.forward(u, v),
            (big_u, big_v),
            start,
            1e-3,
            1e-12,
        )
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn eval_matches_terms() {
        let p = SipPoly::new("A", 3, &[(2, 0, 1e-6), (1, 1, -2e-6), (0, 3, 3e-9)]).unwrap();
        let (u, v) = (120.0, -45.0);
        let want = 1e-6 * u * u - 2e-6 * u * v + 3e-9 * v * v * v;
        assert!((p.eval(u, v) - want).abs() < 1e-15);
        assert_eq!(p.terms().len(), 3);
        assert!(SipPoly::new("A", 2, &[(2, 1, 1.0)]).is_err());
    }

    #[test]
    fn inverse_without_ap_bp() {
        let a = SipPoly::new("A", 2, &[(2, 0, 2e-6), (0, 2, 1e-6)]).unwrap();
        let b = SipPoly::new("B", 2, &[(1, 1, -3e-6)]).unwrap();
        let sip = Sip {
            a,
            b,
            ap: None,
            bp: None,
        };
        let (u, v) = (900.0, -700.0);
        let (bu, bv) = sip.forward(u, v);
        let (ru, rv) = sip.inverse(bu, bv).unwrap();
        assert!((ru - u).abs() < 1e-9 && (rv - v).abs() < 1e-9);
    }
}
