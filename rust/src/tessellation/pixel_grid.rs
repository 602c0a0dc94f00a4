//! Tract grids over a pixelization: one tract per HEALPix pixel (nested ids, the
//! standard orientation, unlike `lsst.skymap`'s mirrored [`super::healpix`]) or per
//! HTM trixel (sphgeom's ids).
//!
//! A tract is a generic tract ([`Tract::generic`]) through the pixel's vertices: its
//! WCS is centred on the pixel centre, its pixel box covers the vertices grown by half
//! the tract overlap. The owner of a point is the pixelization's own answer, exactly
//! (healpy's id for HEALPix, sphgeom's for HTM). For HTM the tract's inner polygon *is*
//! the trixel, so the owner's inner region holds the point; a HEALPix pixel has curved
//! edges, and its inner polygon is the great-circle quadrilateral through its four
//! corners, which differs from the pixel by thin slivers along the edges (as in
//! `lsst.skymap`'s HEALPix skymap): the owner is always the pixel holding the point.
//!
//! Tracts are built eagerly, so the depth is limited to 8 (786,432 HEALPix tracts,
//! 524,288 HTM tracts).

use super::config::TractBuilder;
use super::tract::{InnerRegion, Tract, WcsFactory};
use crate::geometry::{Circle, ConvexPolygon, LonLat, Region, UnitVector3d, Vector3d};
use crate::parallel::try_map_indexed;
use crate::pixelization::healpix::Healpix;
use crate::pixelization::htm::Htm;
use crate::{Error, Result};

/// The deepest level or order a grid may use (tracts are built eagerly).
pub const MAX_DEPTH: i64 = 8;

/// A pixelization whose pixels are tracts.
#[derive(Debug, Clone)]
pub enum PixelGrid {
    /// HEALPix at an order, nested ids.
    Healpix(Healpix),
    /// HTM at a level (ids `8·4^level .. 16·4^level`).
    Htm(Htm),
}

impl PixelGrid {
    /// # Errors
    /// [`Error::InvalidConfig`] for an order outside `[0, MAX_DEPTH]`.
    pub fn healpix(order: i64) -> Result<PixelGrid> {
        check_depth("order", order)?;
        Ok(PixelGrid::Healpix(Healpix::new(order, true)?))
    }

    /// # Errors
    /// [`Error::InvalidConfig`] for a level outside `[0, MAX_DEPTH]`.
    pub fn htm(level: i64) -> Result<PixelGrid> {
        check_depth("level", level)?;
        Ok(PixelGrid::Htm(Htm::new(level)?))
    }

    /// Id of the first tract (0 for HEALPix, `8·4^level` for HTM).
    pub fn first_id(&self) -> i64 {
        match self {
            PixelGrid::Healpix(_) => 0,
            PixelGrid::Htm(h) => 8 << (2 * u32::from(h.level())),
        }
    }

    pub fn num_tracts(&self) -> u64 {
        match self {
            PixelGrid::Healpix(h) => h.npix(),
            PixelGrid::Htm(h) => h.num_pixels(),
        }
    }

    /// The owning tract of a valid point in degrees: the pixel that holds it.
    #[inline]
    pub fn owner_unchecked(&self, lon_deg: f64, lat_deg: f64) -> i64 {
        match self {
            PixelGrid::Healpix(h) => h.index_lonlat_deg_unchecked(lon_deg, lat_deg) as i64,
            PixelGrid::Htm(h) => {
                h.index(&UnitVector3d::from_lonlat_deg_unchecked(lon_deg, lat_deg)) as i64
            }
        }
    }

    /// [`PixelGrid::owner_unchecked`] of many valid points into `out` (as long as the
    /// inputs), by the pixelizations' batched (SIMD) point lookups: the same ids.
    pub fn owners_unchecked(&self, lon_deg: &[f64], lat_deg: &[f64], out: &mut [i64]) {
        match self {
            PixelGrid::Healpix(h) => h.index_many_deg_unchecked(lon_deg, lat_deg, out),
            PixelGrid::Htm(h) => {
                const BATCH: usize = 256;
                let mut ids = [0u64; BATCH];
                let points = lon_deg.chunks(BATCH).zip(lat_deg.chunks(BATCH));
                for (dst, (lon, lat)) in out.chunks_mut(BATCH).zip(points) {
                    let ids = &mut ids[..dst.len()];
                    h.locate_many_lonlat_deg_unchecked(lon, lat, ids);
                    for (slot, &id) in dst.iter_mut().zip(ids.iter()) {
                        *slot = id as i64;
                    }
                }
            }
        }
    }

    /// Every pixel within `reach_deg` of a valid point (degrees), and possibly a few
    /// more: each pixel holds its own tract's centre, so these are the only tracts
    /// whose outer region (within `reach_deg` of its centre) may hold the point.
    pub fn pixels_near(&self, lon_deg: f64, lat_deg: f64, reach_deg: f64) -> Vec<i64> {
        let center = UnitVector3d::from_lonlat_deg_unchecked(lon_deg, lat_deg);
        let Ok(circle) = Circle::new(center, reach_deg.to_radians().min(std::f64::consts::PI))
        else {
            return (self.first_id()..self.first_id() + self.num_tracts() as i64).collect();
        };
        let region = Region::Circle(circle);
        let set = match self {
            PixelGrid::Healpix(h) => h.envelope(&region).unwrap_or_else(|_| h.universe()),
            PixelGrid::Htm(h) => h.envelope(&region, 0),
        };
        set.values().map(|p| p as i64).collect()
    }

    /// Every tract, in id order.
    ///
    /// # Errors
    /// As [`Tract::generic`].
    pub(crate) fn build(
        &self,
        overlap_rad: f64,
        factory: &WcsFactory,
        builder: TractBuilder,
    ) -> Result<Vec<Tract>> {
        let first = self.first_id() as u64;
        try_map_indexed(self.num_tracts() as usize, |i| {
            let id = first + i as u64;
            let vertices: Vec<Vector3d> = match self {
                PixelGrid::Healpix(h) => h
                    .pixel_vertices(id)?
                    .iter()
                    .map(|&(lon, lat)| *UnitVector3d::from_lonlat_rad(lon, lat).as_vector())
                    .collect(),
                PixelGrid::Htm(h) => h.pixel_vertices(id)?.to_vec(),
            };
            let center = match self {
                PixelGrid::Healpix(h) => {
                    let (lon, lat) = cdshealpix::nested::center(h.order(), id);
                    LonLat {
                        lon_rad: lon,
                        lat_rad: lat,
                    }
                }
                PixelGrid::Htm(_) => vertices
                    .iter()
                    .fold(Vector3d::default(), |acc, v| acc.add(v))
                    .normalize()
                    .map_err(|_| Error::Internal(format!("trixel {id} has no centre")))?
                    .to_lonlat(),
            };
            let corners: Vec<LonLat> = vertices
                .iter()
                .map(|v| v.normalize().map(|u| u.to_lonlat()))
                .collect::<Result<_>>()?;
            // HTM: the inner polygon is sphgeom's trixel with its exact vertices (not a
            // lon/lat round trip of them); HEALPix: the hull of the corners.
            let inner = match self {
                PixelGrid::Htm(_) => {
                    let exact = vertices
                        .iter()
                        .map(|v| UnitVector3d::from_normalized(v.x, v.y, v.z))
                        .collect();
                    Some(InnerRegion::Polygon(ConvexPolygon::from_vertices(exact)?))
                }
                PixelGrid::Healpix(_) => None,
            };
            Tract::generic(
                id,
                center,
                center,
                &corners,
                overlap_rad,
                factory,
                builder,
                inner,
            )
        })
    }
}

fn check_depth(what: &str, depth: i64) -> Result<()> {
    if (0..=MAX_DEPTH).contains(&depth) {
        Ok(())
    } else {
        Err(Error::config(format!(
            "\"{what}\" must be in [0, {MAX_DEPTH}] (tracts are built eagerly), got {depth}"
        )))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// The batched owners are the per-point ones, on random points (any longitude),
    /// pixel corners and the poles, at lengths that leave partial batches.
    #[test]
    fn batched_owners_equal_per_point_owners() {
        let mut uniform = crate::test_random::uniform(5u64);
        let grids = [
            PixelGrid::healpix(0).unwrap(),
            PixelGrid::healpix(5).unwrap(),
            PixelGrid::htm(0).unwrap(),
            PixelGrid::htm(6).unwrap(),
        ];
        for grid in grids {
            let (mut lon, mut lat) = (Vec::new(), Vec::new());
            for _ in 0..5_003 {
                lon.push(1080.0 * uniform() - 360.0);
                lat.push((2.0 * uniform() - 1.0).asin().to_degrees());
            }
            let first = grid.first_id() as u64;
            for id in (first..first + grid.num_tracts()).step_by(7) {
                let corners: Vec<LonLat> = match &grid {
                    PixelGrid::Healpix(h) => h
                        .pixel_vertices(id)
                        .unwrap()
                        .iter()
                        .map(|&(lon, lat)| LonLat {
                            lon_rad: lon,
                            lat_rad: lat,
                        })
                        .collect(),
                    PixelGrid::Htm(h) => h
                        .pixel_vertices(id)
                        .unwrap()
                        .iter()
                        .map(|v| v.normalize().unwrap().to_lonlat())
                        .collect(),
                };
                for c in corners {
                    lon.push(c.lon_deg());
                    lat.push(c.lat_deg().clamp(-90.0, 90.0));
                }
            }
            lon.extend([0.0, 180.0, 360.0, 45.0]);
            lat.extend([90.0, -90.0, 0.0, 0.0]);
            let mut out = vec![0; lon.len()];
            grid.owners_unchecked(&lon, &lat, &mut out);
            for ((&a, &d), &id) in lon.iter().zip(&lat).zip(&out) {
                assert_eq!(id, grid.owner_unchecked(a, d), "{grid:?} at ({a}, {d})");
            }
        }
    }
}
