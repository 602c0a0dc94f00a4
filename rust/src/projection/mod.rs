//! FITS world-coordinate projections and the tract WCS.
//!
//! A FITS celestial WCS (Calabretta & Greisen 2002, "Paper II", A&A 395, 1077) maps a
//! pixel to the sky in three steps:
//!
//! 1. pixel -> *intermediate world coordinates* `(x, y)` in degrees, through the linear
//!    `CD` matrix around the reference pixel `CRPIX`;
//! 2. `(x, y)` -> *native spherical coordinates* `(phi, theta)`: the projection proper
//!    ([`Projection`]: TAN, STG, CEA);
//! 3. `(phi, theta)` -> celestial `(ra, dec)`: a rotation fixed by the reference point
//!    `CRVAL` and the native longitude of the celestial pole `LONPOLE`.
//!
//! [`TractWcs`] is the WCS `lsst.skymap` gives every tract (`afw.geom.makeSkyWcs` with
//! the CD matrix of `makeCdMatrix`): pixel scale and rotation in the CD matrix, `+x`
//! toward `-RA` at rotation 0, 0-based pixel centres (FITS `CRPIX` = ours + 1), and the
//! FITS default `LONPOLE`.

pub mod distortion;
pub mod fits;
mod native;
pub mod sip;
pub mod tpv;
pub mod wcs;
pub mod zpn;

pub use wcs::TractWcs;

use crate::{Error, Result};

/// The FITS projections: TAN, STG and CEA for skymap configurations, and SIN, ZEA,
/// CAR and ZPN for the WCS of survey images ([`fits`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Projection {
    /// Gnomonic (tangent plane): great circles are straight lines.
    Tan,
    /// Stereographic: conformal; the `lsst.skymap` default.
    Stg,
    /// Cylindrical equal area with `lambda = 1` (FITS `PV2_1` default).
    Cea,
    /// Orthographic (slant parameters zero).
    Sin,
    /// Zenithal equal area.
    Zea,
    /// Plate carree: native longitude and latitude as x and y.
    Car,
    /// Zenithal polynomial: its coefficients live in [`zpn::Zpn`]; alone it is ARC.
    Zpn,
}

impl Projection {
    /// Parses a three-letter FITS projection code (case-insensitive).
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for a code that is not TAN, STG or CEA.
    ///
    /// # Examples
    /// ```
    /// use skymaps::projection::Projection;
    /// assert_eq!(Projection::from_code("TAN").unwrap(), Projection::Tan);
    /// assert!(Projection::from_code("MOL").is_err());
    /// ```
    pub fn from_code(code: &str) -> Result<Self> {
        match code.trim().to_ascii_uppercase().as_str() {
            "TAN" => Ok(Projection::Tan),
            "STG" => Ok(Projection::Stg),
            "CEA" => Ok(Projection::Cea),
            _ => Err(Error::config(format!(
                "projection {code:?} is not supported; expected one of \"TAN\", \"STG\", \"CEA\""
            ))),
        }
    }

    /// Every projection this crate evaluates.
    pub const ALL: [Projection; 7] = [
        Projection::Tan,
        Projection::Stg,
        Projection::Cea,
        Projection::Sin,
        Projection::Zea,
        Projection::Car,
        Projection::Zpn,
    ];

    /// Parses any FITS projection code this crate evaluates (case-insensitive),
    /// for the WCS of survey images ([`fits`]).
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for any other code.
    pub fn from_fits_code(code: &str) -> Result<Self> {
        let upper = code.trim().to_ascii_uppercase();
        Projection::ALL
            .into_iter()
            .find(|p| p.code() == upper)
            .ok_or_else(|| {
                Error::config(format!(
                    "projection {code:?} is not supported; expected one of TAN, TPV, \
                     TAN-SIP, STG, CEA, SIN, ZEA, CAR, ZPN"
                ))
            })
    }

    /// The three-letter FITS code.
    pub fn code(&self) -> &'static str {
        match self {
            Projection::Tan => "TAN",
            Projection::Stg => "STG",
            Projection::Cea => "CEA",
            Projection::Sin => "SIN",
            Projection::Zea => "ZEA",
            Projection::Car => "CAR",
            Projection::Zpn => "ZPN",
        }
    }

    /// Native latitude `theta0` of the reference point, in radians: 90 deg for the
    /// zenithal projections, 0 for the cylindrical ones.
    pub fn theta0_rad(&self) -> f64 {
        match self {
            Projection::Cea | Projection::Car => 0.0,
            _ => std::f64::consts::FRAC_PI_2,
        }
    }

    /// Intermediate world coordinates `(x, y)` (degrees) -> the native unit vector
    /// `(cos theta cos phi, cos theta sin phi, sin theta)`. `None` outside the
    /// projection's domain.
    pub fn deproject(&self, x_deg: f64, y_deg: f64) -> Option<[f64; 3]> {
        native::deproject(*self, x_deg, y_deg)
    }

    /// Native unit vector -> intermediate world coordinates (degrees). `None` where the
    /// projection diverges (the horizon and beyond for TAN, the antipode for STG).
    pub fn project(&self, native: [f64; 3]) -> Option<(f64, f64)> {
        native::project(*self, native)
    }
}
