//! The tract WCS: a FITS celestial WCS with a CD matrix, as `afw.geom.makeSkyWcs` builds
//! it for `lsst.skymap`.
//!
//! Pixel coordinates are 0-based (the centre of the first pixel is `(0, 0)`); the FITS
//! `CRPIX` is ours plus one. The rotation from native to celestial coordinates is kept
//! as a 3x3 matrix (Paper II eq. 2 written for unit vectors) so that a pixel -> sky
//! transform of a zenithal projection needs no trigonometry until the final lon/lat.

use super::distortion::WcsExtra;
use super::native::DEG_PER_RAD;
use super::Projection;
use crate::geometry::UnitVector3d;
use crate::{Error, Result};
use std::f64::consts::{FRAC_PI_2, PI, TAU};
use std::sync::Arc;

/// A tract's world-coordinate system (projection, reference point, CD matrix).
///
/// `repr(C)` keeps the fields a sky -> pixel transform reads in the first two cache
/// lines: lookups over random points are bound by memory, not arithmetic.
#[derive(Debug, Clone, PartialEq)]
#[repr(C)]
pub struct TractWcs {
    /// Rows map a native unit vector to a celestial one.
    native_to_sky: [[f64; 3]; 3],
    cd_inv: [[f64; 2]; 2],
    crpix: [f64; 2],
    projection: Projection,
    crval_rad: [f64; 2],
    cd: [[f64; 2]; 2],
    lonpole_rad: f64,
    latpole_rad: f64,
    /// SIP/TPV distortion and ZPN coefficients of a survey image's WCS (see
    /// [`super::fits`]); `None` for skymap tracts.
    extra: Option<Arc<WcsExtra>>,
}

/// The CD matrix of `afw.geom.makeCdMatrix(scale, orientation, flipX=False)`, in degrees
/// per pixel: `+x` toward `-RA` and `+y` toward `+Dec` at rotation 0.
///
/// # Examples
/// ```
/// let cd = skymaps::projection::wcs::cd_matrix(3600.0, 0.0);
/// assert_eq!(cd, [[-1.0, 0.0], [0.0, 1.0]]);
/// ```
pub fn cd_matrix(pixel_scale_arcsec: f64, rotation_deg: f64) -> [[f64; 2]; 2] {
    let scale_deg = pixel_scale_arcsec / 3600.0;
    let (s, c) = rotation_deg.to_radians().sin_cos();
    [
        [-c * scale_deg, s * scale_deg],
        [s * scale_deg, c * scale_deg],
    ]
}

impl TractWcs {
    /// A WCS with reference point `crval` (radians), 0-based reference pixel `crpix`,
    /// CD matrix `cd` (degrees per pixel) and the FITS default `LONPOLE`/`LATPOLE`.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for non-finite values, a latitude outside
    /// [-pi/2, pi/2] or a singular CD matrix.
    ///
    /// # Examples
    /// ```
    /// use skymaps::projection::{wcs::cd_matrix, Projection, TractWcs};
    /// let wcs = TractWcs::new(Projection::Tan, [0.5, 0.2], [0.0, 0.0], cd_matrix(0.2, 0.0)).unwrap();
    /// let (lon, lat) = wcs.pixel_to_sky_rad(0.0, 0.0).unwrap();
    /// assert!((lon - 0.5).abs() < 1e-15 && (lat - 0.2).abs() < 1e-15);
    /// ```
    pub fn new(
        projection: Projection,
        crval_rad: [f64; 2],
        crpix: [f64; 2],
        cd: [[f64; 2]; 2],
    ) -> Result<Self> {
        Self::with_poles(projection, crval_rad, crpix, cd, None, None, None)
    }

    /// As [`TractWcs::new`], with FITS `LONPOLE`/`LATPOLE` (radians; `None` for the
    /// FITS defaults) and the non-linear extras of a survey image's WCS.
    ///
    /// # Errors
    /// As [`TractWcs::new`], and for a non-finite pole.
    pub fn with_poles(
        projection: Projection,
        crval_rad: [f64; 2],
        crpix: [f64; 2],
        cd: [[f64; 2]; 2],
        lonpole_rad: Option<f64>,
        latpole_rad: Option<f64>,
        extra: Option<WcsExtra>,
    ) -> Result<Self> {
        if lonpole_rad.is_some_and(|v| !v.is_finite())
            || latpole_rad.is_some_and(|v| !v.is_finite())
        {
            return Err(Error::config(format!(
                "WCS LONPOLE/LATPOLE must be finite: {lonpole_rad:?}, {latpole_rad:?} rad"
            )));
        }
        let finite = crval_rad.iter().chain(crpix.iter()).all(|v| v.is_finite())
            && cd.iter().flatten().all(|v| v.is_finite());
        if !finite {
            return Err(Error::config(format!(
                "WCS parameters must be finite: crval={crval_rad:?} rad, crpix={crpix:?}, cd={cd:?}"
            )));
        }
        if !(-FRAC_PI_2..=FRAC_PI_2).contains(&crval_rad[1]) {
            return Err(Error::config(format!(
                "WCS reference latitude {} rad is outside [-pi/2, pi/2]",
                crval_rad[1]
            )));
        }
        let det = cd[0][0] * cd[1][1] - cd[0][1] * cd[1][0];
        if det == 0.0 || !det.is_finite() {
            return Err(Error::config(format!(
                "WCS CD matrix {cd:?} is singular; the pixel scale must be non-zero"
            )));
        }
        let cd_inv = [
            [cd[1][1] / det, -cd[0][1] / det],
            [-cd[1][0] / det, cd[0][0] / det],
        ];
        let theta0 = projection.theta0_rad();
        // FITS default LONPOLE: 0 if dec0 >= theta0, else 180 deg; LATPOLE default +90.
        let lonpole_rad = lonpole_rad.unwrap_or(if crval_rad[1] >= theta0 { 0.0 } else { PI });
        let latpole_rad = latpole_rad.unwrap_or(FRAC_PI_2);
        let (alpha_p, delta_p) = celestial_pole(crval_rad, theta0, lonpole_rad, latpole_rad);
        Ok(TractWcs {
            projection,
            crval_rad,
            crpix,
            cd,
            cd_inv,
            lonpole_rad,
            latpole_rad,
            native_to_sky: rotation_matrix(alpha_p, delta_p, lonpole_rad),
            extra: extra.filter(|e| *e != WcsExtra::default()).map(Arc::new),
        })
    }

    /// The SIP/TPV/ZPN extras, if any.
    pub fn extra(&self) -> Option<&WcsExtra> {
        self.extra.as_deref()
    }

    /// Whether pixel -> intermediate coordinates is the CD matrix alone and the
    /// projection has no coefficients (every skymap tract's WCS).
    pub fn is_linear(&self) -> bool {
        self.extra.is_none()
    }

    /// The same WCS with the pixel origin moved: pixel `p` becomes `p + shift`
    /// (`afw`'s `copyAtShiftedPixelOrigin`).
    pub fn shifted(&self, shift: [f64; 2]) -> TractWcs {
        let mut out = self.clone();
        out.crpix = [self.crpix[0] + shift[0], self.crpix[1] + shift[1]];
        out
    }

    pub fn projection(&self) -> Projection {
        self.projection
    }
    /// Reference point (lon, lat) in radians.
    pub fn crval_rad(&self) -> [f64; 2] {
        self.crval_rad
    }
    /// Reference point (lon, lat) in degrees (`rad * (180/pi)`, as `lsst.geom` converts).
    pub fn crval_deg(&self) -> [f64; 2] {
        [
            self.crval_rad[0] * DEG_PER_RAD,
            self.crval_rad[1] * DEG_PER_RAD,
        ]
    }
    /// 0-based reference pixel; FITS `CRPIXi` is this plus one.
    pub fn crpix(&self) -> [f64; 2] {
        self.crpix
    }
    /// CD matrix in degrees per pixel; element `[i][j]` is FITS `CD{i+1}_{j+1}`.
    pub fn cd(&self) -> [[f64; 2]; 2] {
        self.cd
    }
    /// FITS `LONPOLE` in degrees.
    pub fn lonpole_deg(&self) -> f64 {
        self.lonpole_rad * DEG_PER_RAD
    }
    /// FITS `LATPOLE` in degrees.
    pub fn latpole_deg(&self) -> f64 {
        self.latpole_rad * DEG_PER_RAD
    }

    /// Pixel -> unit vector on the sky (the Cartesian form of the transform). `None`
    /// outside the projection's domain or for non-finite input.
    pub fn pixel_to_vector(&self, x: f64, y: f64) -> Option<[f64; 3]> {
        let (dx, dy) = (x - self.crpix[0], y - self.crpix[1]);
        let Some(extra) = self.extra.as_deref() else {
            let u = self.cd[0][0] * dx + self.cd[0][1] * dy;
            let v = self.cd[1][0] * dx + self.cd[1][1] * dy;
            let n = self.projection.deproject(u, v)?;
            return Some(mat_vec(&self.native_to_sky, n));
        };
        if !dx.is_finite() || !dy.is_finite() {
            return None;
        }
        let (dx, dy) = extra.sip.as_ref().map_or((dx, dy), |s| s.forward(dx, dy));
        let u = self.cd[0][0] * dx + self.cd[0][1] * dy;
        let v = self.cd[1][0] * dx + self.cd[1][1] * dy;
        let (u, v) = extra.tpv.as_ref().map_or((u, v), |t| t.forward(u, v));
        let n = match &extra.zpn {
            Some(z) => z.deproject(u, v)?,
            None => self.projection.deproject(u, v)?,
        };
        Some(mat_vec(&self.native_to_sky, n))
    }

    /// Pixel -> (lon, lat) in radians, lon in [0, 2pi). `None` outside the domain.
    pub fn pixel_to_sky_rad(&self, x: f64, y: f64) -> Option<(f64, f64)> {
        let [cx, cy, cz] = self.pixel_to_vector(x, y)?;
        let h = cx.hypot(cy);
        let lat = cz.atan2(h);
        let mut lon = if h == 0.0 { 0.0 } else { cy.atan2(cx) };
        if lon < 0.0 {
            lon += TAU;
            if lon >= TAU {
                lon = 0.0;
            }
        }
        Some((lon, lat))
    }

    /// Pixel -> unit vector on the sky, normalized (what skymap polygons are built
    /// from). `lsst.skymap` goes through (lon, lat) and back; the direct Cartesian
    /// result is as close to its stored records (<= 6e-16 rad) and 4x cheaper.
    pub fn pixel_to_unit_vector(&self, x: f64, y: f64) -> Option<UnitVector3d> {
        let [a, b, c] = self.pixel_to_vector(x, y)?;
        UnitVector3d::new(a, b, c).ok()
    }

    /// Unit vector on the sky -> pixel. `None` where the projection diverges.
    pub fn vector_to_pixel(&self, c: [f64; 3]) -> Option<(f64, f64)> {
        self.sky_to_pixel_kernel().vector_to_pixel(c)
    }

    /// The part of this WCS a sky -> pixel transform reads, as a small `Copy` value
    /// (for compact per-skymap lookup tables).
    pub fn sky_to_pixel_kernel(&self) -> SkyToPixel {
        SkyToPixel {
            native_to_sky: self.native_to_sky,
            cd_inv: self.cd_inv,
            crpix: self.crpix,
            projection: self.projection,
            extra: self.extra.clone(),
        }
    }

    /// (lon, lat) in radians -> pixel. `None` where the projection diverges or for
    /// non-finite input.
    pub fn sky_to_pixel_rad(&self, lon_rad: f64, lat_rad: f64) -> Option<(f64, f64)> {
        if !lon_rad.is_finite() || !lat_rad.is_finite() {
            return None;
        }
        self.vector_to_pixel(lonlat_rad_to_vector(lon_rad, lat_rad))
    }
}

/// The sky -> pixel half of a [`TractWcs`] (rotation, projection, inverse CD matrix,
/// reference pixel, and a pointer to any distortion): 136 bytes, so a table of them
/// stays cache-friendly. It is the one implementation of the transform, so every
/// caller gets bit-identical pixels.
#[derive(Debug, Clone, PartialEq)]
#[repr(C)]
pub struct SkyToPixel {
    native_to_sky: [[f64; 3]; 3],
    cd_inv: [[f64; 2]; 2],
    crpix: [f64; 2],
    projection: Projection,
    extra: Option<Arc<WcsExtra>>,
}

impl SkyToPixel {
    /// Unit vector on the sky -> pixel. `None` where the projection diverges.
    #[inline]
    pub fn vector_to_pixel(&self, c: [f64; 3]) -> Option<(f64, f64)> {
        let n = mat_t_vec(&self.native_to_sky, c);
        let Some(extra) = self.extra.as_deref() else {
            let (u, v) = self.projection.project(n)?;
            let dx = self.cd_inv[0][0] * u + self.cd_inv[0][1] * v;
            let dy = self.cd_inv[1][0] * u + self.cd_inv[1][1] * v;
            return Some((dx + self.crpix[0], dy + self.crpix[1]));
        };
        let (u, v) = match &extra.zpn {
            Some(z) => z.project(n)?,
            None => self.projection.project(n)?,
        };
        let (u, v) = match &extra.tpv {
            Some(t) => t.inverse(u, v)?,
            None => (u, v),
        };
        let dx = self.cd_inv[0][0] * u + self.cd_inv[0][1] * v;
        let dy = self.cd_inv[1][0] * u + self.cd_inv[1][1] * v;
        let (dx, dy) = match &extra.sip {
            Some(s) => s.inverse(dx, dy)?,
            None => (dx, dy),
        };
        Some((dx + self.crpix[0], dy + self.crpix[1]))
    }
}

impl SkyToPixel {
    /// For a linear TAN WCS (every TAN skymap tract), the whole sky -> pixel transform
    /// as one rational map of the unit vector `c`: `x = (rows[0]·c) / (rows[2]·c)`,
    /// `y = (rows[1]·c) / (rows[2]·c)`, the rotation, projection, inverse CD matrix
    /// and reference pixel folded together (no other projection has this form).
    /// `magnitude[k]` bounds `sum_j |c_j| * (|terms of rows[k][j]|)`, the scale of the
    /// rounding errors of `rows[k]·c`. Rounding differs from [`Self::vector_to_pixel`]'s,
    /// so callers must allow for it (see `crate::tessellation::patch_table`).
    pub fn fused_tan(&self) -> Option<([[f64; 3]; 3], [f64; 3])> {
        if self.projection != Projection::Tan || self.extra.is_some() {
            return None;
        }
        const RHO: f64 = DEG_PER_RAD;
        let m = &self.native_to_sky;
        // Native n_k = sum_j m[j][k] c_j; TAN: u = RHO n_y / n_z, v = -RHO n_x / n_z.
        let mut rows = [[0.0; 3]; 3];
        let mut magnitude = [0.0f64; 3];
        for j in 0..3 {
            let (nx, ny, nz) = (m[j][0], m[j][1], m[j][2]);
            for k in 0..2 {
                let (a, b) = (self.cd_inv[k][0], self.cd_inv[k][1]);
                rows[k][j] = RHO * (a * ny - b * nx) + self.crpix[k] * nz;
                let size = RHO * ((a * ny).abs() + (b * nx).abs()) + (self.crpix[k] * nz).abs();
                magnitude[k] = magnitude[k].max(size);
            }
            rows[2][j] = nz;
            magnitude[2] = magnitude[2].max(nz.abs());
        }
        let finite = rows
            .iter()
            .flatten()
            .chain(&magnitude)
            .all(|v| v.is_finite());
        finite.then_some((rows, magnitude.map(|v| 3.0 * v)))
    }
}

/// The unit vector `sky_to_pixel_rad` projects, for callers that reuse it.
#[inline]
pub fn lonlat_rad_to_vector(lon_rad: f64, lat_rad: f64) -> [f64; 3] {
    let (sin_lon, cos_lon) = lon_rad.sin_cos();
    let (sin_lat, cos_lat) = lat_rad.sin_cos();
    [cos_lon * cos_lat, sin_lon * cos_lat, sin_lat]
}

/// Celestial coordinates (alpha_p, delta_p) of the native pole (Paper II section 2.4).
fn celestial_pole(crval: [f64; 2], theta0: f64, phi_p: f64, latpole: f64) -> (f64, f64) {
    let (alpha0, delta0) = (crval[0], crval[1]);
    if theta0 == FRAC_PI_2 {
        return (alpha0, delta0);
    }
    let phi0 = 0.0;
    let (sin_t0, cos_t0) = theta0.sin_cos();
    let dphi = phi_p - phi0;
    // delta_p = arg(cos t0 cos dphi, sin t0) +- acos(sin d0 / sqrt(1 - cos^2 t0 sin^2 dphi)).
    let base = sin_t0.atan2(cos_t0 * dphi.cos());
    let denom = (1.0 - (cos_t0 * dphi.sin()).powi(2)).sqrt();
    let ratio = (delta0.sin() / denom).clamp(-1.0, 1.0);
    let spread = ratio.acos();
    let mut best: Option<f64> = None;
    for cand in [base + spread, base - spread] {
        // Bring into [-pi, pi]; only latitudes in [-pi/2, pi/2] are valid.
        let mut d = cand;
        if d > PI {
            d -= TAU;
        } else if d < -PI {
            d += TAU;
        }
        if d.abs() <= FRAC_PI_2 + 1e-15 {
            let d = d.clamp(-FRAC_PI_2, FRAC_PI_2);
            best = match best {
                Some(b) if (b - latpole).abs() <= (d - latpole).abs() => Some(b),
                _ => Some(d),
            };
        }
    }
    let delta_p = best.unwrap_or(FRAC_PI_2);
    // Choose alpha_p so that the native reference point (phi0, theta0) maps to crval.
    let y = cos_t0 * (phi_p - phi0).sin();
    let x = sin_t0 * delta_p.cos() - cos_t0 * delta_p.sin() * (phi0 - phi_p).cos();
    (alpha0 - y.atan2(x), delta_p)
}

/// Matrix taking native unit vectors to celestial ones:
/// `Rz(alpha_p) * A(delta_p) * Rz(-phi_p)` with `A` the reflection-rotation of Paper II
/// eq. 2 (`c' = (-sin dp n_x + cos dp n_z, -n_y, cos dp n_x + sin dp n_z)`).
fn rotation_matrix(alpha_p: f64, delta_p: f64, phi_p: f64) -> [[f64; 3]; 3] {
    let (sa, ca) = alpha_p.sin_cos();
    let (sd, cd) = delta_p.sin_cos();
    let (sp, cp) = phi_p.sin_cos();
    let rz_a = [[ca, -sa, 0.0], [sa, ca, 0.0], [0.0, 0.0, 1.0]];
    let a = [[-sd, 0.0, cd], [0.0, -1.0, 0.0], [cd, 0.0, sd]];
    let rz_p = [[cp, sp, 0.0], [-sp, cp, 0.0], [0.0, 0.0, 1.0]];
    mat_mul(&rz_a, &mat_mul(&a, &rz_p))
}

fn mat_mul(a: &[[f64; 3]; 3], b: &[[f64; 3]; 3]) -> [[f64; 3]; 3] {
    let mut out = [[0.0; 3]; 3];
    for (i, row) in out.iter_mut().enumerate() {
        for (j, v) in row.iter_mut().enumerate() {
            *v = a[i][0] * b[0][j] + a[i][1] * b[1][j] + a[i][2] * b[2][j];
        }
    }
    out
}

fn mat_vec(m: &[[f64; 3]; 3], v: [f64; 3]) -> [f64; 3] {
    [
        m[0][0] * v[0] + m[0][1] * v[1] + m[0][2] * v[2],
        m[1][0] * v[0] + m[1][1] * v[1] + m[1][2] * v[2],
        m[2][0] * v[0] + m[2][1] * v[1] + m[2][2] * v[2],
    ]
}

fn mat_t_vec(m: &[[f64; 3]; 3], v: [f64; 3]) -> [f64; 3] {
    [
        m[0][0] * v[0] + m[1][0] * v[1] + m[2][0] * v[2],
        m[0][1] * v[0] + m[1][1] * v[1] + m[2][1] * v[2],
        m[0][2] * v[0] + m[1][2] * v[1] + m[2][2] * v[2],
    ]
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    /// Paper II eq. 2 with trigonometry, as an independent check of the matrix form.
    fn native_to_celestial(phi: f64, theta: f64, ap: f64, dp: f64, php: f64) -> (f64, f64) {
        let x = theta.sin() * dp.cos() - theta.cos() * dp.sin() * (phi - php).cos();
        let y = -theta.cos() * (phi - php).sin();
        let a = ap + y.atan2(x);
        let d = (theta.sin() * dp.sin() + theta.cos() * dp.cos() * (phi - php).cos()).asin();
        (a.rem_euclid(TAU), d)
    }

    #[test]
    fn matrix_matches_trig_formula() {
        let (ap, dp, php) = (1.1, 0.4, PI);
        let m = rotation_matrix(ap, dp, php);
        for &(phi, theta) in &[(0.3_f64, 1.2_f64), (-2.0, 0.7), (3.0, -0.2)] {
            let n = [
                theta.cos() * phi.cos(),
                theta.cos() * phi.sin(),
                theta.sin(),
            ];
            let c = mat_vec(&m, n);
            let (a, d) = native_to_celestial(phi, theta, ap, dp, php);
            assert!((c[1].atan2(c[0]).rem_euclid(TAU) - a).abs() < 1e-13);
            assert!((c[2].asin() - d).abs() < 1e-13);
        }
    }

    #[test]
    fn reference_pixel_maps_to_crval() {
        for proj in [Projection::Tan, Projection::Stg, Projection::Cea] {
            for crval in [[0.3, 0.0], [2.0, -0.5], [5.0, 0.7], [1.0, FRAC_PI_2]] {
                let w = TractWcs::new(proj, crval, [10.0, -3.0], cd_matrix(0.2, 0.0)).unwrap();
                let (lon, lat) = w.pixel_to_sky_rad(10.0, -3.0).unwrap();
                assert!((lat - crval[1]).abs() < 1e-14, "{proj:?} {crval:?}");
                if crval[1] < 1.5 {
                    assert!((lon - crval[0]).abs() < 1e-14, "{proj:?} {crval:?}");
                }
                let (x, y) = w.sky_to_pixel_rad(lon, lat).unwrap();
                assert!((x - 10.0).abs() < 1e-8 && (y + 3.0).abs() < 1e-8);
            }
        }
    }

    #[test]
    fn x_runs_toward_minus_ra() {
        let w =
            TractWcs::new(Projection::Tan, [1.0, 0.1], [0.0, 0.0], cd_matrix(1.0, 0.0)).unwrap();
        let (lon, lat) = w.pixel_to_sky_rad(100.0, 0.0).unwrap();
        assert!(lon < 1.0 && (lat - 0.1).abs() < 1e-4);
        let (lon, lat) = w.pixel_to_sky_rad(0.0, 100.0).unwrap();
        assert!((lon - 1.0).abs() < 1e-4 && lat > 0.1);
    }

    #[test]
    fn rejects_bad_parameters() {
        let cd = cd_matrix(0.2, 0.0);
        assert!(TractWcs::new(Projection::Tan, [f64::NAN, 0.0], [0.0; 2], cd).is_err());
        assert!(TractWcs::new(Projection::Tan, [0.0, 2.0], [0.0; 2], cd).is_err());
        assert!(TractWcs::new(Projection::Tan, [0.0, 0.0], [0.0; 2], [[0.0; 2]; 2]).is_err());
    }
}
