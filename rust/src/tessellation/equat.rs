//! `EquatSkyMap`: `numTracts` generic tracts around the equator.
//!
//! Tract `i` spans RA `[i w, (i + 1) w]` (`w = 360 / numTracts` degrees) and the
//! configured Dec range; its WCS (CEA by default in `lsst.skymap`) is centred at
//! (mid RA, 0), its nominal centre is (mid RA, mid Dec), and its inner region is the
//! polygon through its four corners.

use super::config::TractBuilder;
use super::tract::{Tract, WcsFactory};
use crate::geometry::LonLat;
use crate::parallel::try_map_indexed;
use crate::Result;

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
    try_map_indexed(num_tracts as usize, |i| {
        let beg = width * i as f64;
        let end = beg + width;
        let wrap = |a: f64| a.rem_euclid(std::f64::consts::TAU);
        let ll = |lon: f64, lat: f64| LonLat {
            lon_rad: wrap(lon),
            lat_rad: lat,
        };
        let vertices = [ll(beg, d0), ll(end, d0), ll(end, d1), ll(beg, d1)];
        let mid = beg + width / 2.0;
        Tract::generic(
            i as u64,
            ll(mid, mid_dec),
            ll(mid, 0.0),
            &vertices,
            overlap_rad,
            factory,
            builder,
        )
    })
}
