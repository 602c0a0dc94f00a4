//! Pixelizations: hierarchical partitions of the sphere into pixels with integer ids.
//!
//! A pixelization maps every point to the one pixel that contains it (`index`), and
//! a region to the set of pixels that intersect it (`envelope`, a superset of the
//! region) or lie entirely inside it (`interior`, a subset). `envelope - interior`
//! is the set of pixels on the region's boundary. Pixel sets are [`RangeSet`]s,
//! because in both pixelizations here the descendants of a pixel at a finer level
//! are one run of consecutive ids (this is `lsst.sphgeom`'s `Pixelization` contract).
//!
//! * [`htm`]: the Hierarchical Triangular Mesh, bit-compatible with `lsst.sphgeom`.
//! * [`healpix`]: HEALPix, point lookup identical to healpy, exact envelopes.
//! * [`moc`]: IVOA Multi-Order Coverage maps to and from range sets.

pub mod exact;
pub mod healpix;
pub mod htm;
pub mod moc;
pub mod regions;

pub use healpix::Healpix;
pub use htm::Htm;

use crate::rangeset::RangeSet;
use crate::Result;

/// Relationship bits ([`crate::geometry::Relationship`]): no common point.
pub const DISJOINT: u8 = crate::geometry::Relationship::DISJOINT.bits();
/// The first region contains the second.
pub const CONTAINS: u8 = crate::geometry::Relationship::CONTAINS.bits();
/// The first region is within the second.
pub const WITHIN: u8 = crate::geometry::Relationship::WITHIN.bits();

/// What every pixelization offers.
pub trait Pixelization {
    /// All valid pixel ids.
    fn universe(&self) -> RangeSet;
    /// The pixel containing (lon, lat) in degrees.
    ///
    /// # Errors
    /// [`Error::InvalidCoordinate`] for non-finite input or |lat| > 90.
    fn index_lonlat_deg(&self, lon_deg: f64, lat_deg: f64) -> Result<u64>;
}

impl Pixelization for Htm {
    fn universe(&self) -> RangeSet {
        Htm::universe(self)
    }
    fn index_lonlat_deg(&self, lon_deg: f64, lat_deg: f64) -> Result<u64> {
        Htm::index_lonlat_deg(self, lon_deg, lat_deg)
    }
}

impl Pixelization for Healpix {
    fn universe(&self) -> RangeSet {
        Healpix::universe(self)
    }
    fn index_lonlat_deg(&self, lon_deg: f64, lat_deg: f64) -> Result<u64> {
        Healpix::index_lonlat_deg(self, lon_deg, lat_deg)
    }
}
