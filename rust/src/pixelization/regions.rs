//! Envelopes and interiors of `geometry::Region`s for both pixelizations.
//!
//! HTM follows `lsst.sphgeom`'s `findPixels`: circles and boxes are related to each
//! trixel with sphgeom's own vertex-list relations, and polygons with
//! `htm::PolygonTrixels`, which proves most of those relations from precomputed edge
//! planes and falls back to sphgeom's for the rest (so the answer is the same as
//! sphgeom's either way); a union is the union of its operands' results and an
//! intersection the intersection (starting from the universe), as in sphgeom.
//!
//! HEALPix turns polygons, circles and boxes into [`CoverShape`]s for the exact search.
//! For compound regions: the envelope of a union is the union of envelopes (exact);
//! the interior of an intersection is the intersection of interiors (exact); the
//! envelope of an intersection and the interior of a union are the intersection of
//! envelopes and the union of interiors (a superset and a subset, not exact).

use super::healpix::cover::CoverShape;
use super::htm::{
    envelope_near_ranges, find_pixels, ContainerChain, PolygonTrixels, TrixelRelation,
};
use super::{Healpix, Htm};
use crate::geometry::{relate_vertices, relate_vertices_box, relate_vertices_circle};
use crate::geometry::{ConvexPolygon, Region, UnitVector3d, Vector3d};
use crate::rangeset::RangeSet;
use crate::Result;

/// A circle or box related to trixels with sphgeom's own vertex-list relations.
struct Leaf<'a> {
    region: &'a Region,
}

impl TrixelRelation for Leaf<'_> {
    type Vertex = ();
    type Hint = ();

    fn root_hint(&self) {}

    fn vertex(&self, _: &Vector3d, _: &()) {}

    fn relate_trixel(&self, t: &[Vector3d; 3], _: &[(); 3], _: &()) -> (u8, ()) {
        let v = t.map(|p| UnitVector3d::from_normalized(p.x, p.y, p.z));
        let r = match self.region {
            // Polygons normally take `PolygonTrixels` (see `htm_find`).
            Region::ConvexPolygon(p) => relate_vertices(&v, p.vertices()).bits(),
            Region::Circle(c) => relate_vertices_circle(&v, c).bits(),
            Region::LonLatBox(b) => relate_vertices_box(&v, b).bits(),
            // Compound regions never reach here (see `htm_find`).
            Region::Union(_) | Region::Intersection(_) => 0,
        };
        (r, ())
    }
}

fn htm_find(htm: &Htm, region: &Region, max_ranges: usize, interior: bool) -> RangeSet {
    match region {
        Region::Union(ops) => ops.iter().fold(RangeSet::new(), |acc, r| {
            acc.union(&htm_find(htm, r, max_ranges, interior))
        }),
        Region::Intersection(ops) => ops.iter().fold(htm.universe(), |acc, r| {
            acc.intersection(&htm_find(htm, r, max_ranges, interior))
        }),
        Region::ConvexPolygon(p) => find_pixels(
            &PolygonTrixels::new(p.vertices()),
            htm.level(),
            max_ranges,
            interior,
        ),
        leaf => find_pixels(&Leaf { region: leaf }, htm.level(), max_ranges, interior),
    }
}

impl Htm {
    /// Trixels that intersect `region` (a superset), identical to sphgeom's
    /// `HtmPixelization(level).envelope(region, max_ranges)`; `max_ranges == 0`: no limit.
    ///
    /// # Examples
    /// ```
    /// use skymaps::geometry::{Circle, Region, UnitVector3d};
    /// use skymaps::pixelization::Htm;
    /// let c = Circle::new(UnitVector3d::from_lonlat_deg(10.0, 20.0).unwrap(), 0.01).unwrap();
    /// let env = Htm::new(7).unwrap().envelope(&Region::Circle(c), 0);
    /// assert!(env.cardinality() >= 1);
    /// ```
    pub fn envelope(&self, region: &Region, max_ranges: usize) -> RangeSet {
        htm_find(self, region, max_ranges, false)
    }

    /// [`Htm::envelope`] of `polygon` with no range limit, searched from the deepest
    /// trixel that strictly contains it (the same trixels; see `htm/near.rs`): much
    /// less work for small polygons such as patches.
    pub fn polygon_envelope(&self, polygon: &ConvexPolygon) -> RangeSet {
        let relation = PolygonTrixels::new(polygon.vertices());
        envelope_near_ranges(&relation, self.level(), &mut ContainerChain::default())
    }

    /// Trixels entirely inside `region` (a subset), identical to sphgeom's `interior`.
    pub fn interior(&self, region: &Region, max_ranges: usize) -> RangeSet {
        htm_find(self, region, max_ranges, true)
    }

    /// [`Htm::envelope`] of many regions, in parallel; one list of trixel ids per region
    /// (the butler's per-region skypix rows).
    pub fn envelope_pixels_many(&self, regions: &[Region], max_ranges: usize) -> Vec<Vec<u64>> {
        crate::parallel::map_items(regions, |r| {
            let ranges = self.envelope(r, max_ranges);
            // HTM ids stay below 2^53, so no range ends at 2^64 (stored as 0).
            let mut ids = Vec::with_capacity(ranges.cardinality() as usize);
            for &(begin, end) in ranges.ranges() {
                ids.extend(begin..end);
            }
            ids
        })
    }
}

/// The exact-search shape of a polygon, circle or box (`None` for compound regions).
pub fn cover_shape(region: &Region) -> Option<Result<CoverShape>> {
    Some(match region {
        Region::ConvexPolygon(p) => {
            let v: Vec<Vector3d> = p.vertices().iter().map(|u| *u.as_vector()).collect();
            CoverShape::polygon(&v)
        }
        Region::Circle(c) => {
            if c.is_empty() {
                Ok(CoverShape::Empty)
            } else if c.is_full() {
                Ok(CoverShape::Full)
            } else {
                CoverShape::circle(*c.center().as_vector(), c.opening_angle_rad())
            }
        }
        Region::LonLatBox(b) => {
            if b.is_empty() {
                Ok(CoverShape::Empty)
            } else {
                let lon = b.lon();
                let lat = b.lat();
                CoverShape::lonlat_box(lon.a, lon.b, lon.is_full(), lat.a, lat.b)
            }
        }
        Region::Union(_) | Region::Intersection(_) => return None,
    })
}

fn healpix_find(hp: &Healpix, region: &Region, interior: bool) -> Result<RangeSet> {
    match region {
        Region::Union(ops) => {
            let mut acc = RangeSet::new();
            for r in ops {
                acc = acc.union(&healpix_find(hp, r, interior)?);
            }
            Ok(acc)
        }
        Region::Intersection(ops) => {
            let mut acc = hp.universe();
            for r in ops {
                acc = acc.intersection(&healpix_find(hp, r, interior)?);
            }
            Ok(acc)
        }
        leaf => {
            let shape = cover_shape(leaf).unwrap_or(Ok(CoverShape::Empty))?;
            Ok(if interior {
                hp.interior_shape(&shape)
            } else {
                hp.envelope_shape(&shape)
            })
        }
    }
}

impl Healpix {
    /// Exactly the pixels that intersect `region` (see the module docs for compound
    /// regions).
    ///
    /// # Errors
    /// [`crate::Error::InvalidRegion`] for a degenerate polygon.
    pub fn envelope(&self, region: &Region) -> Result<RangeSet> {
        healpix_find(self, region, false)
    }

    /// Exactly the pixels entirely inside `region`.
    ///
    /// # Errors
    /// As [`Healpix::envelope`].
    pub fn interior(&self, region: &Region) -> Result<RangeSet> {
        healpix_find(self, region, true)
    }

    /// The envelope `lsst.sphgeom.HealpixPixelization` returns, a superset of
    /// [`Healpix::envelope`]: the pixels 4 orders finer that touch `region`, replaced
    /// by their 8 neighbours, taken back to this order. Ours starts from the exact
    /// fine envelope where sphgeom starts from hpgeom's inclusive query (itself a
    /// superset), so the answers agree wherever that query is exact. Above order 25
    /// (no finer order exists) this is the exact envelope.
    ///
    /// # Errors
    /// As [`Healpix::envelope`].
    pub fn envelope_sphgeom(&self, region: &Region) -> Result<RangeSet> {
        const FINER: u8 = 4;
        let Ok(fine) = Healpix::new(i64::from(self.order()) + i64::from(FINER), true) else {
            return self.envelope(region);
        };
        let layer = cdshealpix::nested::get(fine.order());
        let mut coarse: Vec<u64> = Vec::new();
        for h in fine.envelope(region)?.values() {
            for n in layer.neighbours(h, false).values_vec() {
                coarse.push(n >> (2 * FINER));
            }
        }
        let nested = RangeSet::from_values(&coarse);
        Ok(if self.is_nested() {
            nested
        } else {
            let base = cdshealpix::nested::get(self.order());
            RangeSet::from_values(&nested.values().map(|h| base.to_ring(h)).collect::<Vec<_>>())
        })
    }
}
