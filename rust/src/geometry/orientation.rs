//! The exact orientation predicate: the sign of `det[a, b, c] = a · (b × c)`.
//!
//! `orientation(a, b, c)` is +1 when `a`, `b`, `c` wind counter-clockwise seen from
//! outside the sphere (`c` lies left of the directed great circle `a → b`), −1 for
//! clockwise and 0 when the three vectors are exactly coplanar. Every containment and
//! hull decision rests on it, so it must never be wrong.
//!
//! Like sphgeom (`orientation.cc`), a floating-point filter answers almost every call:
//! the determinant is computed in doubles and its sign is trusted when it exceeds an
//! error bound derived as in Shewchuk, *Adaptive Precision Floating-Point Arithmetic
//! and Fast Robust Geometric Predicates* (Discrete Comput. Geom. 18, 1997), §4.3. The
//! filter uses the same operations and constants as sphgeom, so the two libraries take
//! the same branch and return the same sign even for inputs that are not exactly unit
//! vectors. Otherwise the six triple products are formed *exactly* as big integers
//! (each double is `m·2^e`, `|m| < 2^53`) and summed without rounding.

use super::vector::{UnitVector3d, Vector3d};

/// Sign of `det[a, b, c]`: +1 counter-clockwise, −1 clockwise, 0 coplanar. Exact.
///
/// # Examples
/// ```
/// use skymaps::geometry::{orientation, UnitVector3d};
/// let x = UnitVector3d::from_normalized(1.0, 0.0, 0.0);
/// let y = UnitVector3d::from_normalized(0.0, 1.0, 0.0);
/// let z = UnitVector3d::from_normalized(0.0, 0.0, 1.0);
/// assert_eq!(orientation(&x, &y, &z), 1);
/// assert_eq!(orientation(&y, &x, &z), -1);
/// assert_eq!(orientation(&x, &y, &x), 0);
/// ```
#[inline]
pub fn orientation(a: &UnitVector3d, b: &UnitVector3d, c: &UnitVector3d) -> i32 {
    // Bound on the absolute error of the determinant of three unit vectors.
    const MAX_ABSOLUTE_ERROR: f64 = 1.7e-15;
    // Relative bound (× the permanent), a little more than 5ε.
    const RELATIVE_ERROR: f64 = 5.6e-16;
    // Covers underflow in the products.
    const MIN_ABSOLUTE_ERROR: f64 = 4.0e-307;
    let (a, b, c) = (a.as_vector(), b.as_vector(), c.as_vector());
    let bycz = b.y * c.z;
    let bzcy = b.z * c.y;
    let bzcx = b.z * c.x;
    let bxcz = b.x * c.z;
    let bxcy = b.x * c.y;
    let bycx = b.y * c.x;
    let det = a.x * (bycz - bzcy) + a.y * (bzcx - bxcz) + a.z * (bxcy - bycx);
    if det > MAX_ABSOLUTE_ERROR {
        return 1;
    }
    if det < -MAX_ABSOLUTE_ERROR {
        return -1;
    }
    let permanent = a.x.abs() * (bycz.abs() + bzcy.abs())
        + a.y.abs() * (bzcx.abs() + bxcz.abs())
        + a.z.abs() * (bxcy.abs() + bycx.abs());
    let max_error = RELATIVE_ERROR * permanent + MIN_ABSOLUTE_ERROR;
    if det > max_error {
        return 1;
    }
    if det < -max_error {
        return -1;
    }
    // Two equal or opposite rows: exactly zero, no need for the slow path.
    let (na, nb) = (a.neg(), b.neg());
    if a == b || b == c || a == c || *a == nb || *b == c.neg() || na == *c {
        return 0;
    }
    orientation_exact(a, b, c)
}

/// Sign of `det[a, b, c]` in exact arithmetic, for any finite vectors.
///
/// Non-finite input has no meaningful sign; 0 is returned for it.
pub fn orientation_exact(a: &Vector3d, b: &Vector3d, c: &Vector3d) -> i32 {
    let terms = [
        (a.x, b.y, c.z, false),
        (a.x, b.z, c.y, true),
        (a.y, b.z, c.x, false),
        (a.y, b.x, c.z, true),
        (a.z, b.x, c.y, false),
        (a.z, b.y, c.x, true),
    ];
    let mut products: Vec<ExactProduct> = Vec::with_capacity(6);
    for &(p, q, r, negate) in &terms {
        if !(p.is_finite() && q.is_finite() && r.is_finite()) {
            return 0;
        }
        if let Some(prod) = ExactProduct::of(p, q, r, negate) {
            products.push(prod);
        }
    }
    let Some(min_exp) = products.iter().map(|p| p.exp).min() else {
        return 0;
    };
    let max_shift = products
        .iter()
        .map(|p| (p.exp - min_exp) as usize)
        .max()
        .unwrap_or(0);
    // Room for the largest shifted 3-limb product plus carries.
    let limbs = max_shift / 64 + 6;
    let mut positive = vec![0u64; limbs];
    let mut negative = vec![0u64; limbs];
    for p in &products {
        let acc = if p.negative {
            &mut negative
        } else {
            &mut positive
        };
        add_shifted(acc, &p.mantissa, (p.exp - min_exp) as usize);
    }
    for k in (0..limbs).rev() {
        if positive[k] != negative[k] {
            return if positive[k] > negative[k] { 1 } else { -1 };
        }
    }
    0
}

/// sphgeom's `orientationX(b, c)`: `orientation((1,0,0), b, c)`.
pub fn orientation_x(b: &UnitVector3d, c: &UnitVector3d) -> i32 {
    let o = orientation_2x2(b.y() * c.z(), b.z() * c.y());
    if o != 0 {
        o
    } else {
        orientation_exact(&Vector3d::new(1.0, 0.0, 0.0), b.as_vector(), c.as_vector())
    }
}

/// sphgeom's `orientationY(b, c)`: `orientation((0,1,0), b, c)`.
pub fn orientation_y(b: &UnitVector3d, c: &UnitVector3d) -> i32 {
    let o = orientation_2x2(b.z() * c.x(), b.x() * c.z());
    if o != 0 {
        o
    } else {
        orientation_exact(&Vector3d::new(0.0, 1.0, 0.0), b.as_vector(), c.as_vector())
    }
}

/// sphgeom's `orientationZ(b, c)`: `orientation((0,0,1), b, c)`.
pub fn orientation_z(b: &UnitVector3d, c: &UnitVector3d) -> i32 {
    let o = orientation_2x2(b.x() * c.y(), b.y() * c.x());
    if o != 0 {
        o
    } else {
        orientation_exact(&Vector3d::new(0.0, 0.0, 1.0), b.as_vector(), c.as_vector())
    }
}

/// Filtered sign of `ab - ba` (0 means "unsure").
fn orientation_2x2(ab: f64, ba: f64) -> i32 {
    const RELATIVE_ERROR: f64 = 1.12e-16;
    const MAX_ABSOLUTE_ERROR: f64 = 1.12e-16;
    const MIN_ABSOLUTE_ERROR: f64 = 1.0e-307;
    let det = ab - ba;
    if det > MAX_ABSOLUTE_ERROR {
        return 1;
    }
    if det < -MAX_ABSOLUTE_ERROR {
        return -1;
    }
    let max_error = RELATIVE_ERROR * (ab.abs() + ba.abs()) + MIN_ABSOLUTE_ERROR;
    if det > max_error {
        1
    } else if det < -max_error {
        -1
    } else {
        0
    }
}

/// `± mantissa · 2^exp` exactly, with a 3-limb (192-bit) little-endian mantissa.
struct ExactProduct {
    mantissa: [u64; 3],
    exp: i32,
    negative: bool,
}

impl ExactProduct {
    /// The exact product `p·q·r` (negated when `negate`), or `None` when it is zero.
    fn of(p: f64, q: f64, r: f64, negate: bool) -> Option<Self> {
        let (mp, ep, sp) = split(p)?;
        let (mq, eq, sq) = split(q)?;
        let (mr, er, sr) = split(r)?;
        let pq = u128::from(mp) * u128::from(mq);
        let lo = u128::from(pq as u64) * u128::from(mr);
        let hi = (pq >> 64) * u128::from(mr) + (lo >> 64);
        Some(ExactProduct {
            mantissa: [lo as u64, hi as u64, (hi >> 64) as u64],
            exp: ep + eq + er,
            negative: (sp ^ sq ^ sr) ^ negate,
        })
    }
}

/// A finite non-zero double as `(m, e, negative)` with `|x| = m·2^e`, `m < 2^53`.
fn split(x: f64) -> Option<(u64, i32, bool)> {
    if x == 0.0 {
        return None;
    }
    let bits = x.to_bits();
    let negative = bits >> 63 != 0;
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1u64 << 52) - 1);
    if biased == 0 {
        Some((fraction, -1074, negative))
    } else {
        Some((fraction | (1u64 << 52), biased - 1075, negative))
    }
}

/// `acc += m << shift` (little-endian limbs; `acc` is long enough by construction).
fn add_shifted(acc: &mut [u64], m: &[u64; 3], shift: usize) {
    let (word, bit) = (shift / 64, (shift % 64) as u32);
    let mut shifted = [0u64; 4];
    for (k, &limb) in m.iter().enumerate() {
        shifted[k] |= limb << bit;
        if bit != 0 {
            shifted[k + 1] |= limb >> (64 - bit);
        }
    }
    let mut carry = 0u64;
    let mut k = word;
    for &s in &shifted {
        if k >= acc.len() {
            break;
        }
        let (s1, c1) = acc[k].overflowing_add(s);
        let (s2, c2) = s1.overflowing_add(carry);
        acc[k] = s2;
        carry = u64::from(c1) + u64::from(c2);
        k += 1;
    }
    while carry != 0 && k < acc.len() {
        let (s, c) = acc[k].overflowing_add(carry);
        acc[k] = s;
        carry = u64::from(c);
        k += 1;
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn v(x: f64, y: f64, z: f64) -> Vector3d {
        Vector3d::new(x, y, z)
    }

    #[test]
    fn exact_on_tiny_determinants() {
        // det = 2^-1074-scale differences the filter cannot see.
        let a = v(1.0, 0.0, 0.0);
        let b = v(0.0, 1.0, 0.0);
        let c = v(1.0, 1.0, f64::from_bits(1));
        assert_eq!(orientation_exact(&a, &b, &c), 1);
        let c2 = v(1.0, 1.0, -f64::from_bits(1));
        assert_eq!(orientation_exact(&a, &b, &c2), -1);
        assert_eq!(orientation_exact(&a, &b, &v(1.0, 1.0, 0.0)), 0);
    }

    #[test]
    fn exact_cancellation() {
        // Rows nearly collinear: (1, 1+e, 1+2e) etc.
        let e = f64::EPSILON;
        let a = v(1.0, 1.0 + e, 1.0 + 2.0 * e);
        let b = v(1.0, 1.0 + 2.0 * e, 1.0 + 4.0 * e);
        let c = v(1.0, 1.0 + 3.0 * e, 1.0 + 6.0 * e);
        // Exactly linear in e: a + c = 2b, so det = 0.
        assert_eq!(orientation_exact(&a, &b, &c), 0);
        let c = v(1.0, 1.0 + 3.0 * e, 1.0 + 7.0 * e);
        let s = orientation_exact(&a, &b, &c);
        assert_ne!(s, 0);
        assert_eq!(orientation_exact(&b, &a, &c), -s);
    }
}
