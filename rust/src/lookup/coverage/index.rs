//! Candidate tracts for a region: a band index over the tracts' outer bounding boxes.
//!
//! Every tract's outer region has a lon/lat bounding box (sphgeom's, dilated by
//! 5e-10 rad, so it contains the polygon). Tracts are grouped into latitude *bands*;
//! within a band they are sorted by the centre longitude of their boxes, and the band
//! keeps the largest half-width of those boxes. A region's bounding box then selects
//! the bands whose latitude range it meets, and within each band a contiguous (cyclic)
//! run of tracts by binary search: a tract whose box meets the region's box has its
//! centre within the region's longitude range widened by the band's half-width.
//! Tracts whose box spans every longitude (polar caps) are kept apart and always
//! checked. The result is a superset of the tracts whose outer polygon can touch the
//! region; the exact relation is decided afterwards.
//!
//! * **Rings**: the bands are the rings themselves (each cap is its own band): ring
//!   arithmetic on the region's Dec range picks the rings, and its RA range the tracts
//!   of each ring.
//! * **Other kinds** (discrete, equat, dodeca, healpix): fixed latitude bands, each
//!   tract entered in every band its box meets.

use crate::geometry::{LonLatBox, NormalizedAngleInterval, Region, UnitVector3d};
use crate::tessellation::{SkyMap, Tract};
use std::f64::consts::{FRAC_PI_2, PI, TAU};

/// Safety margin (radians) added to every comparison; far above rounding.
const MARGIN: f64 = 1e-9;

#[derive(Debug, Clone, Default)]
struct Band {
    lat_min: f64,
    lat_max: f64,
    /// `(centre lon of the tract's box in [0, 2pi), tract id)`, sorted.
    centres: Vec<(f64, u32)>,
    half_width: f64,
    /// Tracts whose box spans every longitude.
    full_lon: Vec<u32>,
}

/// Candidate-tract index of one skymap.
#[derive(Debug, Clone)]
pub struct TractIndex {
    /// Sorted by `lat_min`.
    bands: Vec<Band>,
    /// `reach[k]`: the largest `lat_max` of `bands[..=k]` (non-decreasing), so the
    /// bands a latitude range can meet are found by two binary searches.
    reach: Vec<f64>,
    boxes: Vec<LonLatBox>,
    /// Per tract: the WCS tangent point (reference point) as a unit vector.
    tangents: Vec<UnitVector3d>,
    /// Per tract: whether the outer region is the polygon through the four corners of
    /// the pixel box (not a lon/lat box, nor an image footprint).
    outer_is_box: Vec<bool>,
}

impl TractIndex {
    /// Builds the index of `sky` (one bounding box per tract; about 10 ms for 19k tracts).
    pub fn new(sky: &SkyMap) -> TractIndex {
        let boxes: Vec<LonLatBox> = sky
            .tracts()
            .iter()
            .map(|t| t.outer_region().bounding_box())
            .collect();
        let groups: Vec<Vec<u32>> = match sky.rings() {
            Some(rings) => {
                // One band per ring, plus one per cap (ids from the layout itself).
                let n = rings.ring_counts().len() as i64;
                let mut groups = vec![Vec::new(); n as usize + 2];
                for id in 0..sky.num_tracts() {
                    let ring = rings.ring_indices(id as i64).map_or(-1, |(r, _)| r);
                    groups[(ring + 1).clamp(0, n + 1) as usize].push(id as u32);
                }
                groups
            }
            None => {
                let num_bands = ((sky.num_tracts() as f64).sqrt().ceil() as usize).clamp(1, 360);
                let step = PI / num_bands as f64;
                let mut groups = vec![Vec::new(); num_bands];
                for (id, b) in boxes.iter().enumerate() {
                    let lat = b.lat();
                    let lo = ((lat.a + FRAC_PI_2 - MARGIN) / step).floor().max(0.0) as usize;
                    let hi = ((lat.b + FRAC_PI_2 + MARGIN) / step).floor() as usize;
                    for g in &mut groups[lo.min(num_bands - 1)..=hi.min(num_bands - 1)] {
                        g.push(id as u32);
                    }
                }
                groups
            }
        };
        let mut bands: Vec<Band> = groups
            .into_iter()
            .filter(|g| !g.is_empty())
            .map(|g| band_of(&g, &boxes))
            .collect();
        bands.sort_by(|a, b| a.lat_min.total_cmp(&b.lat_min));
        let reach = bands
            .iter()
            .scan(f64::NEG_INFINITY, |top, b| {
                *top = top.max(b.lat_max);
                Some(*top)
            })
            .collect();
        let tangents = sky
            .tracts()
            .iter()
            .map(|t| {
                let [lon, lat] = t.wcs().crval_rad();
                UnitVector3d::from_lonlat_rad(lon, lat)
            })
            .collect();
        let outer_is_box = sky.tracts().iter().map(outer_is_box).collect();
        TractIndex {
            bands,
            reach,
            boxes,
            tangents,
            outer_is_box,
        }
    }

    /// The tangent point (WCS reference point) of the tract at `index` in `sky.tracts()`.
    pub fn tangent(&self, index: usize) -> &UnitVector3d {
        &self.tangents[index]
    }

    /// Whether the outer region of the tract at `index` is the polygon through the
    /// corners of its pixel box, so that its relations may be decided in pixels.
    pub fn outer_is_box(&self, index: usize) -> bool {
        self.outer_is_box[index]
    }

    /// Every tract whose outer bounding box meets `region_box`, sorted by id.
    pub fn candidates(&self, region_box: &LonLatBox) -> Vec<u32> {
        let mut out = Vec::new();
        self.candidates_into(region_box, &mut out);
        out
    }

    /// [`TractIndex::candidates`] into `out` (cleared first; no allocation once it
    /// has grown).
    pub fn candidates_into(&self, region_box: &LonLatBox, out: &mut Vec<u32>) {
        out.clear();
        if region_box.is_empty() {
            return;
        }
        let (lat, lon) = (region_box.lat(), region_box.lon());
        let first = self.reach.partition_point(|&top| top < lat.a - MARGIN);
        let last = self.bands.partition_point(|b| b.lat_min <= lat.b + MARGIN);
        for band in self.bands.get(first..last).unwrap_or(&[]) {
            if lat.b + MARGIN < band.lat_min || lat.a - MARGIN > band.lat_max {
                continue;
            }
            let mut push = |id: u32| {
                if meets(&self.boxes[id as usize], region_box) {
                    out.push(id);
                }
            };
            band.full_lon.iter().copied().for_each(&mut push);
            let reach = band.half_width + MARGIN;
            let width = if lon.is_full() { TAU } else { lon.size() };
            if width + 2.0 * reach >= TAU {
                band.centres.iter().for_each(|&(_, id)| push(id));
                continue;
            }
            let start = (lon.a - reach).rem_euclid(TAU);
            let stop = start + width + 2.0 * reach;
            let run = |lo: f64, hi: f64| {
                let i = band.centres.partition_point(|&(c, _)| c < lo);
                let j = band.centres.partition_point(|&(c, _)| c <= hi);
                &band.centres[i..j]
            };
            run(start, stop.min(TAU))
                .iter()
                .for_each(|&(_, id)| push(id));
            if stop > TAU {
                run(0.0, stop - TAU).iter().for_each(|&(_, id)| push(id));
            }
        }
        out.sort_unstable();
        out.dedup();
    }
}

/// Whether the tract's outer polygon has exactly the box corners as vertices.
fn outer_is_box(tract: &Tract) -> bool {
    let Region::ConvexPolygon(p) = tract.outer_region() else {
        return false;
    };
    let corners: Option<Vec<UnitVector3d>> = tract
        .bbox()
        .edge_corners()
        .iter()
        .map(|&[x, y]| tract.wcs().pixel_to_unit_vector(x, y))
        .collect();
    corners.is_some_and(|c| {
        p.vertices().len() == c.len() && p.vertices().iter().all(|v| c.contains(v))
    })
}

fn band_of(ids: &[u32], boxes: &[LonLatBox]) -> Band {
    let mut band = Band {
        lat_min: f64::INFINITY,
        lat_max: f64::NEG_INFINITY,
        ..Band::default()
    };
    for &id in ids {
        let b = &boxes[id as usize];
        band.lat_min = band.lat_min.min(b.lat().a);
        band.lat_max = band.lat_max.max(b.lat().b);
        let lon = b.lon();
        if lon.is_full() || lon.size() >= PI {
            band.full_lon.push(id);
        } else {
            band.half_width = band.half_width.max(0.5 * lon.size());
            band.centres.push((lon.center().rem_euclid(TAU), id));
        }
    }
    band.centres.sort_unstable_by(|x, y| x.0.total_cmp(&y.0));
    band
}

/// Whether two boxes meet, with [`MARGIN`] of slack.
fn meets(a: &LonLatBox, b: &LonLatBox) -> bool {
    let (la, lb) = (a.lat(), b.lat());
    if la.b + MARGIN < lb.a || lb.b + MARGIN < la.a {
        return false;
    }
    let widen = |i: &NormalizedAngleInterval| {
        if i.is_full() {
            *i
        } else {
            i.dilated_by(MARGIN)
        }
    };
    widen(a.lon()).intersects(&widen(b.lon()))
}
