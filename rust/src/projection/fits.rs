//! The celestial WCS of a survey image, from its FITS header values.
//!
//! The header is read elsewhere (astropy, in Python); this module receives its values
//! as a plain [`FitsWcsParams`] and builds the [`TractWcs`] that evaluates them. The
//! WCS keeps the projection's and the distortion's parameters exactly:
//!
//! * `CTYPE` `RA---XXX` / `DEC--XXX` with `XXX` one of TAN, STG, CEA, SIN, ZEA, CAR,
//!   ZPN, TPV, and `-SIP` after TAN for SIP distortion (equatorial axes only, longitude
//!   first: the butler's regions are ICRS);
//! * `CRVAL`, `CRPIX` (FITS, 1-based; stored 0-based), the CD matrix (astropy's
//!   `pixel_scale_matrix`, so `PC`/`CDELT` headers work too), `LONPOLE`/`LATPOLE`;
//! * `PVi_m`: ZPN coefficients `PV2_0..PV2_20`, TPV coefficients `PV1_*`/`PV2_*`.
//!   Other projections with PV terms are refused (wcslib would read SIN's `PV2_1`/
//!   `PV2_2` as slant parameters, which are not supported; a TAN header with PV terms
//!   is the old SCAMP form that astropy ignores: write it as TPV).

use super::distortion::WcsExtra;
use super::sip::{Sip, SipPoly};
use super::tpv::Tpv;
use super::zpn::Zpn;
use super::{Projection, TractWcs};
use crate::{Error, Result};

/// One SIP polynomial as the header gives it: order and `(p, q, value)` terms.
#[derive(Debug, Clone, PartialEq)]
pub struct SipTerms {
    pub order: usize,
    pub terms: Vec<(usize, usize, f64)>,
}

/// SIP `A`, `B` and optional `AP`, `BP`.
#[derive(Debug, Clone, PartialEq)]
pub struct SipParams {
    pub a: SipTerms,
    pub b: SipTerms,
    pub ap: Option<SipTerms>,
    pub bp: Option<SipTerms>,
}

/// The celestial WCS values of a FITS header.
#[derive(Debug, Clone, PartialEq)]
pub struct FitsWcsParams {
    /// `CTYPE1`, `CTYPE2` as written (`"RA---TAN-SIP"`, `"DEC--ZPN"`, ...).
    pub ctype: [String; 2],
    pub crval_deg: [f64; 2],
    /// FITS `CRPIX` (1-based).
    pub crpix: [f64; 2],
    /// Degrees per pixel; `cd[i][j]` is `CD{i+1}_{j+1}`.
    pub cd: [[f64; 2]; 2],
    pub lonpole_deg: Option<f64>,
    pub latpole_deg: Option<f64>,
    /// `(i, m, value)` for each `PVi_m`.
    pub pv: Vec<(u32, u32, f64)>,
    pub sip: Option<SipParams>,
}

/// What the `CTYPE` pair says: projection, whether TPV, whether SIP.
fn parse_ctype(ctype: &[String; 2]) -> Result<(Projection, bool, bool)> {
    let (c1, c2) = (ctype[0].trim(), ctype[1].trim());
    let axis = |c: &str, prefix: &str| -> Option<String> {
        let rest = c.strip_prefix(prefix)?;
        let rest = rest.trim_start_matches('-');
        Some(rest.to_ascii_uppercase())
    };
    let (Some(p1), Some(p2)) = (axis(c1, "RA-"), axis(c2, "DEC-")) else {
        return Err(Error::config(format!(
            "CTYPE1/CTYPE2 = {c1:?}/{c2:?}: expected equatorial axes RA---XXX then DEC--XXX"
        )));
    };
    if p1 != p2 {
        return Err(Error::config(format!(
            "CTYPE1/CTYPE2 = {c1:?}/{c2:?} name different projections"
        )));
    }
    let (code, sip) = match p1.strip_suffix("-SIP") {
        Some(code) => (code.to_owned(), true),
        None => (p1.clone(), false),
    };
    if code == "TPV" {
        if sip {
            return Err(Error::config("TPV with SIP (TPV-SIP) is not supported"));
        }
        return Ok((Projection::Tan, true, false));
    }
    let projection = Projection::from_fits_code(&code)?;
    if sip && projection != Projection::Tan {
        return Err(Error::config(format!(
            "SIP distortion is supported on TAN only, got {c1:?}"
        )));
    }
    Ok((projection, false, sip))
}

fn sip_poly(name: &str, t: &SipTerms) -> Result<SipPoly> {
    SipPoly::new(name, t.order, &t.terms)
}

impl FitsWcsParams {
    /// The WCS these values describe.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] naming the problem: a non-equatorial or unsupported
    /// `CTYPE`, PV terms the projection does not take, bad SIP/TPV/ZPN terms, or the
    /// checks of [`TractWcs::new`].
    ///
    /// # Examples
    /// ```
    /// use skymaps::projection::fits::FitsWcsParams;
    /// let p = FitsWcsParams {
    ///     ctype: ["RA---ZPN".into(), "DEC--ZPN".into()],
    ///     crval_deg: [150.0, 2.0], crpix: [1.0, 1.0],
    ///     cd: [[-1e-4, 0.0], [0.0, 1e-4]], lonpole_deg: None, latpole_deg: None,
    ///     pv: vec![(2, 1, 1.0), (2, 3, 44.0)], sip: None,
    /// };
    /// let wcs = p.build().unwrap();
    /// let (lon, lat) = wcs.pixel_to_sky_rad(0.0, 0.0).unwrap();
    /// assert!((lon.to_degrees() - 150.0).abs() < 1e-12 && (lat.to_degrees() - 2.0).abs() < 1e-12);
    /// ```
    pub fn build(&self) -> Result<TractWcs> {
        let (projection, tpv, sip) = parse_ctype(&self.ctype)?;
        let mut extra = WcsExtra::default();
        if tpv {
            extra.tpv = Some(Tpv::new(&self.pv)?);
        } else if projection == Projection::Zpn {
            let mut coeffs = vec![0.0; super::zpn::MAX_DEGREE + 1];
            for &(i, m, v) in &self.pv {
                match coeffs.get_mut(m as usize) {
                    Some(slot) if i == 2 => *slot = v,
                    _ => {
                        return Err(Error::config(format!(
                            "ZPN takes PV2_0..PV2_20 only, got PV{i}_{m}"
                        )))
                    }
                }
            }
            extra.zpn = Some(Zpn::new(&coeffs)?);
        } else if let Some(&(i, m, v)) = self.pv.iter().find(|t| t.2 != 0.0) {
            return Err(Error::config(format!(
                "PV{i}_{m} = {v} on a {} WCS is not supported{}",
                projection.code(),
                if projection == Projection::Tan {
                    " (SCAMP's TAN+PV distortion is written RA---TPV/DEC--TPV)"
                } else {
                    ""
                }
            )));
        }
        match (&self.sip, sip) {
            (Some(s), true) => {
                extra.sip = Some(Sip {
                    a: sip_poly("A", &s.a)?,
                    b: sip_poly("B", &s.b)?,
                    ap: s.ap.as_ref().map(|t| sip_poly("AP", t)).transpose()?,
                    bp: s.bp.as_ref().map(|t| sip_poly("BP", t)).transpose()?,
                });
            }
            (None, true) => {
                return Err(Error::config(format!(
                    "CTYPE {:?} asks for SIP but no A/B coefficients are given",
                    self.ctype[0]
                )))
            }
            (Some(_), false) => {
                return Err(Error::config(format!(
                    "SIP coefficients given but CTYPE {:?} does not end in -SIP",
                    self.ctype[0]
                )))
            }
            (None, false) => {}
        }
        TractWcs::with_poles(
            projection,
            [
                self.crval_deg[0].to_radians(),
                self.crval_deg[1].to_radians(),
            ],
            [self.crpix[0] - 1.0, self.crpix[1] - 1.0],
            self.cd,
            self.lonpole_deg.map(f64::to_radians),
            self.latpole_deg.map(f64::to_radians),
            Some(extra),
        )
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn params(ctype: &str, pv: Vec<(u32, u32, f64)>) -> FitsWcsParams {
        FitsWcsParams {
            ctype: [format!("RA---{ctype}"), format!("DEC--{ctype}")],
            crval_deg: [10.0, -30.0],
            crpix: [100.0, 50.0],
            cd: [[-2e-4, 1e-6], [0.0, 2e-4]],
            lonpole_deg: None,
            latpole_deg: None,
            pv,
            sip: None,
        }
    }

    #[test]
    fn roundtrip_every_projection() {
        for code in ["TAN", "STG", "SIN", "ZEA", "CAR", "CEA", "ZPN", "TPV"] {
            let pv = match code {
                "ZPN" => vec![(2, 1, 1.0), (2, 3, -50.0)],
                "TPV" => vec![(1, 4, 1e-3), (2, 5, -2e-3), (1, 11, 3e-3)],
                _ => vec![],
            };
            let wcs = params(code, pv).build().unwrap();
            for &(x, y) in &[(0.0, 0.0), (3000.0, -2000.0), (-1500.0, 4000.0)] {
                let (lon, lat) = wcs.pixel_to_sky_rad(x, y).unwrap();
                let (px, py) = wcs.sky_to_pixel_rad(lon, lat).unwrap();
                assert!(
                    (px - x).abs() < 1e-7 && (py - y).abs() < 1e-7,
                    "{code} {x} {y}"
                );
            }
        }
    }

    #[test]
    fn refusals_name_the_problem() {
        let e = params("AIT", vec![]).build().unwrap_err().to_string();
        assert!(e.contains("AIT"), "{e}");
        let e = params("TAN", vec![(1, 1, 1.0)])
            .build()
            .unwrap_err()
            .to_string();
        assert!(e.contains("TPV"), "{e}");
        let mut p = params("TAN", vec![]);
        p.ctype = ["GLON-TAN".into(), "GLAT-TAN".into()];
        assert!(p.build().unwrap_err().to_string().contains("equatorial"));
        let p = params("TAN-SIP", vec![]);
        assert!(p.build().unwrap_err().to_string().contains("A/B"));
    }
}
