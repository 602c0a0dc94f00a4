//! The projection formulas of FITS Paper II, between intermediate world coordinates
//! `(x, y)` (degrees) and the native unit vector
//! `n = (cos theta cos phi, cos theta sin phi, sin theta)`.
//!
//! Working with `n` rather than `(phi, theta)` removes every trigonometric call from
//! the zenithal projections (the same reason AST, which `afw` uses, works on Cartesian
//! vectors): with `rho = 180/pi`,
//!
//! * TAN (5.1.3): `R = rho cot(theta)`, so `x = rho n_y / n_z`, `y = -rho n_x / n_z`;
//! * STG (5.1.4): `R = 2 rho cos(theta) / (1 + sin(theta))`, so
//!   `x = 2 rho n_y / (1 + n_z)`, `y = -2 rho n_x / (1 + n_z)`;
//! * CEA (5.2.2, `lambda = 1`): `x = rho phi`, `y = rho sin(theta)`;
//! * SIN (5.1.5, orthographic, `xi = eta = 0`): `R = rho cos(theta)`, so
//!   `x = rho n_y`, `y = -rho n_x`, on the front hemisphere `n_z >= 0`;
//! * ZEA (5.1.7): `R = rho sqrt(2 (1 - sin theta))`, so with `s = sqrt(2 / (1 + n_z))`
//!   `x = rho s n_y`, `y = -rho s n_x`;
//! * CAR (5.2.3): `x = phi`, `y = theta` (degrees);
//! * ZPN without coefficients is ARC (`R = rho (90 deg - theta)`, ZPN with `PV2_1 = 1`);
//!   a WCS with ZPN coefficients evaluates them in [`super::zpn`].

use super::Projection;

/// Degrees per radian, written the way `lsst.geom` converts (`rad * (180/pi)`).
pub(crate) const DEG_PER_RAD: f64 = 180.0 / std::f64::consts::PI;

pub(super) fn deproject(p: Projection, x: f64, y: f64) -> Option<[f64; 3]> {
    if !x.is_finite() || !y.is_finite() {
        return None;
    }
    const RHO: f64 = DEG_PER_RAD;
    match p {
        Projection::Tan => {
            let norm = (x * x + y * y + RHO * RHO).sqrt();
            Some([-y / norm, x / norm, RHO / norm])
        }
        Projection::Stg => {
            // t = tan((90 deg - theta) / 2) = R / (2 rho).
            let t2 = (x * x + y * y) / (4.0 * RHO * RHO);
            let d = 1.0 + t2;
            Some([-y / RHO / d, x / RHO / d, (1.0 - t2) / d])
        }
        Projection::Cea => {
            // No bound on x: native longitudes past +-180 deg wrap, as in AST (which
            // `afw` uses), so a tract box wider than the sphere still has sky corners.
            let sin_t = y / RHO;
            if !(-1.0..=1.0).contains(&sin_t) {
                return None;
            }
            let cos_t = (1.0 - sin_t * sin_t).sqrt();
            let (sin_p, cos_p) = (x / RHO).sin_cos();
            Some([cos_t * cos_p, cos_t * sin_p, sin_t])
        }
        Projection::Sin => {
            let (nx, ny) = (-y / RHO, x / RHO);
            let h2 = nx * nx + ny * ny;
            if h2 > 1.0 {
                return None;
            }
            Some([nx, ny, (1.0 - h2).sqrt()])
        }
        Projection::Zea => {
            // 1 - n_z = R^2 / (2 rho^2); n_y = x sqrt((1 + n_z) / 2) / rho.
            let r2 = (x * x + y * y) / (RHO * RHO);
            if r2 > 4.0 {
                return None;
            }
            let nz = 1.0 - r2 / 2.0;
            let s = ((1.0 + nz) / 2.0).sqrt() / RHO;
            Some([-y * s, x * s, nz])
        }
        Projection::Car => {
            if !(-90.0..=90.0).contains(&y) {
                return None;
            }
            let (sin_t, cos_t) = (y / RHO).sin_cos();
            let (sin_p, cos_p) = (x / RHO).sin_cos();
            Some([cos_t * cos_p, cos_t * sin_p, sin_t])
        }
        Projection::Zpn => {
            // ARC: the angle from the pole is R / rho.
            let r = x.hypot(y);
            let w = r / RHO;
            if w > std::f64::consts::PI {
                return None;
            }
            if r == 0.0 {
                return Some([0.0, 0.0, 1.0]);
            }
            let h = w.sin() / r;
            Some([-y * h, x * h, w.cos()])
        }
    }
}

pub(super) fn project(p: Projection, n: [f64; 3]) -> Option<(f64, f64)> {
    const RHO: f64 = DEG_PER_RAD;
    let [nx, ny, nz] = n;
    match p {
        Projection::Tan => {
            if nz <= 0.0 || nz.is_nan() {
                return None;
            }
            let s = RHO / nz;
            Some((s * ny, -s * nx))
        }
        Projection::Stg => {
            let d = 1.0 + nz;
            if d <= 0.0 || d.is_nan() {
                return None;
            }
            let s = 2.0 * RHO / d;
            Some((s * ny, -s * nx))
        }
        Projection::Cea => {
            let phi = if nx == 0.0 && ny == 0.0 {
                0.0
            } else {
                ny.atan2(nx)
            };
            Some((phi * RHO, nz.clamp(-1.0, 1.0) * RHO))
        }
        Projection::Sin => {
            if nz < 0.0 || nz.is_nan() {
                return None;
            }
            Some((RHO * ny, -RHO * nx))
        }
        Projection::Zea => {
            let d = 1.0 + nz;
            if d <= 0.0 || d.is_nan() {
                return None;
            }
            let s = RHO * (2.0 / d).sqrt();
            Some((s * ny, -s * nx))
        }
        Projection::Car => {
            let h = nx.hypot(ny);
            let phi = if h == 0.0 { 0.0 } else { ny.atan2(nx) };
            Some((phi * RHO, nz.atan2(h) * RHO))
        }
        Projection::Zpn => {
            let h = nx.hypot(ny);
            if h == 0.0 {
                return (nz > 0.0).then_some((0.0, 0.0));
            }
            let r = h.atan2(nz) * RHO / h;
            Some((r * ny, -r * nx))
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use std::f64::consts::FRAC_PI_2;

    fn native(phi: f64, theta: f64) -> [f64; 3] {
        [
            theta.cos() * phi.cos(),
            theta.cos() * phi.sin(),
            theta.sin(),
        ]
    }

    #[test]
    fn roundtrip_each_projection() {
        for p in Projection::ALL {
            for &(phi, theta) in &[(0.3_f64, 1.2_f64), (-2.0, 0.7), (3.0, 0.2)] {
                let n = native(phi, theta);
                let (x, y) = project(p, n).unwrap();
                let m = deproject(p, x, y).unwrap();
                for k in 0..3 {
                    assert!((n[k] - m[k]).abs() < 1e-14, "{p:?}");
                }
            }
        }
    }

    #[test]
    fn tan_matches_polar_form() {
        // R = rho cot(theta), x = R sin(phi), y = -R cos(phi).
        let (phi, theta) = (0.7_f64, 1.1_f64);
        let (x, y) = project(Projection::Tan, native(phi, theta)).unwrap();
        let r = DEG_PER_RAD / theta.tan();
        assert!((x - r * phi.sin()).abs() < 1e-12);
        assert!((y + r * phi.cos()).abs() < 1e-12);
    }

    #[test]
    fn domains() {
        assert!(project(Projection::Tan, native(0.0, 0.0)).is_none());
        assert!(project(Projection::Tan, native(0.0, -0.1)).is_none());
        assert!(project(Projection::Stg, native(0.0, -0.1)).is_some());
        assert!(project(Projection::Stg, [0.0, 0.0, -1.0]).is_none());
        assert!(deproject(Projection::Cea, 0.0, 58.0).is_none());
        assert!(deproject(Projection::Tan, f64::NAN, 0.0).is_none());
        assert!(project(Projection::Sin, native(0.0, -0.1)).is_none());
        assert!(deproject(Projection::Sin, 58.0, 0.0).is_none());
        assert!(deproject(Projection::Zea, 115.0, 0.0).is_none());
        assert!(deproject(Projection::Car, 0.0, 90.5).is_none());
    }

    #[test]
    fn polar_forms() {
        // Paper II: SIN R = rho cos(theta); ZEA R = 2 rho sin((90 deg - theta) / 2);
        // CAR x = phi, y = theta; ARC R = rho (pi/2 - theta); x = R sin(phi), y = -R cos(phi).
        let (phi, theta) = (0.7_f64, 1.1_f64);
        let rho = DEG_PER_RAD;
        let polar = |r: f64| (r * phi.sin(), -r * phi.cos());
        let cases = [
            (Projection::Sin, polar(rho * theta.cos())),
            (
                Projection::Zea,
                polar(2.0 * rho * ((FRAC_PI_2 - theta) / 2.0).sin()),
            ),
            (Projection::Zpn, polar(rho * (FRAC_PI_2 - theta))),
            (Projection::Car, (phi * rho, theta * rho)),
        ];
        for (p, (ex, ey)) in cases {
            let (x, y) = project(p, native(phi, theta)).unwrap();
            assert!((x - ex).abs() < 1e-12 && (y - ey).abs() < 1e-12, "{p:?}");
        }
    }
}
