//! `LegacyHealpixSkyMap`: `lsst.skymap`'s deprecated `HealpixSkyMap`, one generic tract
//! per HEALPix pixel, kept so that existing repositories can be read.
//!
//! That class has its own Dec convention: it turns a HEALPix colatitude `theta` into a
//! declination as `theta - pi/2` (`angToCoord`), so every pixel is **mirrored in Dec**:
//! tract `i` sits at `(lon, -lat)` of HEALPix pixel `i`, and a point `(lon, lat)` belongs
//! to the tract of the pixel holding `(lon, -lat)` (`findTract` with `coordToAng`). The
//! WCS rotation defaults to 45 degrees (`HealpixSkyMapConfig.setDefaults`). Tract ids are
//! RING indices unless `nest` is set.
//!
//! The owner of a point is the HEALPix pixel arithmetic (which tiles the sphere
//! exactly, as `lsst.skymap` does); the tract's inner region is, as in `lsst.skymap`,
//! the great-circle polygon through the pixel's 4 corners, which differs from the
//! pixel's curved edges by a small sliver.

use super::config::TractBuilder;
use super::tract::{Tract, WcsFactory};
use crate::geometry::LonLat;
use crate::parallel::try_map_indexed;
use crate::Result;
use cdshealpix::nested;

/// HEALPix layout of a legacy healpix skymap.
#[derive(Debug, Clone, Copy)]
pub struct HealpixLayout {
    depth: u8,
    nest: bool,
}

impl HealpixLayout {
    pub(crate) fn new(log2_nside: i64, nest: bool) -> HealpixLayout {
        HealpixLayout {
            depth: log2_nside.clamp(0, 29) as u8,
            nest,
        }
    }

    pub fn num_tracts(&self) -> u64 {
        12 << (2 * u64::from(self.depth))
    }

    fn nested_of(&self, id: u64) -> u64 {
        if self.nest {
            id
        } else {
            nested::get(self.depth).from_ring(id)
        }
    }

    /// The owning tract of a point (radians, validated lat).
    pub fn find_tract(&self, lon: f64, lat: f64) -> i64 {
        let h = nested::hash(self.depth, lon, -lat);
        (if self.nest {
            h
        } else {
            nested::get(self.depth).to_ring(h)
        }) as i64
    }

    fn tract(
        &self,
        id: u64,
        overlap_rad: f64,
        factory: &WcsFactory,
        builder: TractBuilder,
    ) -> Result<Tract> {
        let h = self.nested_of(id);
        let (lon, lat) = nested::center(self.depth, h);
        let center = LonLat {
            lon_rad: lon,
            lat_rad: -lat,
        };
        let vertices: Vec<LonLat> = nested::vertices(self.depth, h)
            .iter()
            .map(|&(lon, lat)| LonLat {
                lon_rad: lon,
                lat_rad: -lat,
            })
            .collect();
        Tract::generic(
            id,
            center,
            center,
            &vertices,
            overlap_rad,
            factory,
            builder,
            None,
        )
    }
}

pub(crate) fn build(
    layout: &HealpixLayout,
    overlap_rad: f64,
    factory: &WcsFactory,
    builder: TractBuilder,
) -> Result<Vec<Tract>> {
    try_map_indexed(layout.num_tracts() as usize, |i| {
        layout.tract(i as u64, overlap_rad, factory, builder)
    })
}
