//! `EquatSkyMap`: `numTracts` generic tracts around the equator.
//!
//! Tract `i` spans RA `[i w, (i + 1) w]` (`w = 360 / numTracts` degrees) and the
//! configured Dec range; its WCS (CEA by default in `lsst.skymap`) is centred at
//! (mid RA, 0), its nominal centre is (mid RA, mid Dec), and its vertex list is its
//! four corners, as `lsst.skymap` builds it.
//!
//! The inner region is the RA/Dec box itself, not the convex hull of the corners that
//! `lsst.skymap` reports: the hull's Dec edges are great circles, so hulls of a band
//! off the equator leave gaps, and a tract 180 degrees wide or more (1 or 2 tracts)
//! has no hull at all. The boxes tile the band; a point on an RA edge belongs to
//! the lower tract, the one `lsst.skymap`'s nearest-centre `findTract` picks inside
//! the band except exactly on an edge, where its distances tie. The outer region of
//! such a wide tract is a lon/lat box too (see [`super::tract`]).

use super::config::TractBuilder;
use super::tract::{InnerRegion, Tract, WcsFactory};
use crate::geometry::LonLat;
use crate::parallel::try_map_indexed;
use crate::Result;
use std::f64::consts::TAU;

pub(crate) fn build(
    num_tracts: i64,
    dec_range_deg: [f64; 2],
    overlap_rad: f64,
    factory: &WcsFactory,
    builder: TractBuilder,
) -> Result<Vec<Tract>> {
    const RAD: f64 = std::f64::consts::PI / 180.0;
    let (d0, d1) = (dec_range_deg[0] * RAD, dec_range_deg[1] * RAD);
    let mid_dec = (d0 + d1) / 2.0;
    let width = 360.0 / num_tracts as f64 * RAD;
    // One formula per RA edge, so neighbouring boxes share it bit for bit.
    let edge = |k: i64| {
        if k >= num_tracts {
            TAU
        } else {
            width * k as f64
        }
    };
    try_map_indexed(num_tracts as usize, |i| {
        let beg = width * i as f64;
        let end = beg + width;
        let wrap = |a: f64| a.rem_euclid(TAU);
        let ll = |lon: f64, lat: f64| LonLat {
            lon_rad: wrap(lon),
            lat_rad: lat,
        };
        let vertices = [ll(beg, d0), ll(end, d0), ll(end, d1), ll(beg, d1)];
        let mid = beg + width / 2.0;
        let inner = InnerRegion::LonLatBox {
            lon_min_rad: edge(i as i64),
            lon_max_rad: edge(i as i64 + 1),
            lat_min_rad: d0,
            lat_max_rad: d1,
            full_lon: num_tracts == 1,
        };
        Tract::generic(
            i as u64,
            ll(mid, mid_dec),
            ll(mid, 0.0),
            &vertices,
            overlap_rad,
            factory,
            builder,
            Some(inner),
        )
    })
}
