//! Exact geometric predicates needed by the pixelizations.
//!
//! HTM indexing must agree bit for bit with `lsst.sphgeom`, which decides on which side
//! of a great circle a point lies with an *exact* orientation test. This module has
//! that test (a floating-point filter, then an exact sum of the determinant's terms
//! using error-free transformations, Shewchuk 1997), and sphgeom's normalisation of
//! a vector (so trixel midpoints have the same bits as sphgeom's).

use crate::geometry::Vector3d;

/// `a + b = s + e` exactly.
#[inline]
fn two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    let bb = s - a;
    let e = (a - (s - bb)) + (b - bb);
    (s, e)
}

/// `a * b = p + e` exactly (with a fused multiply-add).
#[inline]
fn two_product(a: f64, b: f64) -> (f64, f64) {
    let p = a * b;
    (p, a.mul_add(b, -p))
}

/// Sign of the exact sum of `terms` (grows a non-overlapping expansion).
fn exact_sum_sign(terms: &[f64]) -> i32 {
    let mut e: Vec<f64> = Vec::with_capacity(terms.len());
    for &t in terms {
        let mut q = t;
        let mut out = Vec::with_capacity(e.len() + 1);
        for &c in &e {
            let (s, err) = two_sum(q, c);
            if err != 0.0 {
                out.push(err);
            }
            q = s;
        }
        if q != 0.0 {
            out.push(q);
        }
        e = out;
    }
    match e.last() {
        Some(&x) if x > 0.0 => 1,
        Some(&x) if x < 0.0 => -1,
        _ => 0,
    }
}

/// Sign of the determinant `a · (b × c)`: +1 if `a`, `b`, `c` are in counter-clockwise
/// order, -1 if clockwise, 0 if coplanar (exactly).
pub fn orientation(a: &Vector3d, b: &Vector3d, c: &Vector3d) -> i32 {
    // The six products of the determinant.
    let t = [
        a.x * b.y * c.z,
        -(a.x * b.z * c.y),
        a.y * b.z * c.x,
        -(a.y * b.x * c.z),
        a.z * b.x * c.y,
        -(a.z * b.y * c.x),
    ];
    let det: f64 = t.iter().sum();
    let permanent: f64 = t.iter().map(|x| x.abs()).sum();
    // Each product has relative error <= 2u, the sum adds <= 5u: 8u is conservative.
    let bound = 8.0 * f64::EPSILON * permanent + 1e-300;
    if det > bound {
        return 1;
    }
    if det < -bound {
        return -1;
    }
    orientation_exact(a, b, c)
}

fn triple(x: f64, y: f64, z: f64, sign: f64, out: &mut Vec<f64>) {
    let (p, e) = two_product(x, y);
    let (p1, e1) = two_product(p, z * sign);
    let (p2, e2) = two_product(e, z * sign);
    out.extend_from_slice(&[p1, e1, p2, e2]);
}

fn orientation_exact(a: &Vector3d, b: &Vector3d, c: &Vector3d) -> i32 {
    let mut terms = Vec::with_capacity(24);
    triple(a.x, b.y, c.z, 1.0, &mut terms);
    triple(a.x, b.z, c.y, -1.0, &mut terms);
    triple(a.y, b.z, c.x, 1.0, &mut terms);
    triple(a.y, b.x, c.z, -1.0, &mut terms);
    triple(a.z, b.x, c.y, 1.0, &mut terms);
    triple(a.z, b.y, c.x, -1.0, &mut terms);
    exact_sum_sign(&terms)
}

/// sphgeom's `Vector3d::normalize` (divide by the largest component, then by the
/// norm), so that midpoints have exactly sphgeom's bits. `v` must be non-zero.
pub fn normalize_like_sphgeom(v: &Vector3d) -> Vector3d {
    let c = [v.x, v.y, v.z];
    let a = [c[0].abs(), c[1].abs(), c[2].abs()];
    // Order of components by increasing magnitude, as sphgeom's lookup table.
    let index =
        ((a[0] > a[2]) as usize) << 2 | ((a[0] > a[1]) as usize) << 1 | (a[1] > a[2]) as usize;
    const ORDER: [[usize; 3]; 8] = [
        [0, 1, 2],
        [0, 2, 1],
        [1, 0, 2],
        [0, 1, 2],
        [0, 1, 2],
        [2, 0, 1],
        [1, 2, 0],
        [2, 1, 0],
    ];
    let [i0, i1, i2] = ORDER[index];
    let w = c[i2];
    let maxabs = w.abs();
    let u = c[i0] / maxabs;
    let vv = c[i1] / maxabs;
    let norm = (1.0 + (u * u + vv * vv)).sqrt();
    let mut out = [0.0; 3];
    out[i0] = u / norm;
    out[i1] = vv / norm;
    out[i2] = 1.0f64.copysign(w) / norm;
    Vector3d::new(out[0], out[1], out[2])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_on_degenerate_input() {
        let a = Vector3d::new(1.0, 0.0, 0.0);
        let b = Vector3d::new(0.0, 1.0, 0.0);
        let c = Vector3d::new(0.0, 0.0, 1.0);
        assert_eq!(orientation(&a, &b, &c), 1);
        assert_eq!(orientation(&b, &a, &c), -1);
        assert_eq!(orientation(&a, &a, &c), 0);
        // Nearly coplanar: c' = a + b (scaled) plus a tiny z.
        let d = Vector3d::new(0.5, 0.5, 1e-300);
        assert_eq!(orientation(&a, &b, &d), 1);
        let d = Vector3d::new(0.1, 0.7, 0.0);
        assert_eq!(orientation(&a, &b, &d), 0);
    }

    #[test]
    fn normalize_is_unit() {
        let v = normalize_like_sphgeom(&Vector3d::new(3.0, -4.0, 12.0));
        assert!((v.norm() - 1.0).abs() < 1e-15);
        assert!((v.z - 12.0 / 13.0).abs() < 1e-15);
    }
}
