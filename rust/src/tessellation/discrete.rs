//! `DiscreteSkyMap`: one explicit tract per configured (RA, Dec, radius).
//!
//! Each tract's WCS is centred on its (RA, Dec); its pixel box covers the four points at
//! `radius + overlap` around the centre; its inner region is the polygon through the
//! tract box shrunk by 0.001 pixel (`ExplicitTractInfo`). Tracts may overlap or leave
//! gaps: the owner of a point is the lowest-id tract whose inner polygon contains it,
//! and there is none outside every inner polygon.

use super::config::TractBuilder;
use super::tract::{Tract, WcsFactory};
use crate::geometry::LonLat;
use crate::parallel::try_map_indexed;
use crate::Result;

pub(crate) fn build(
    ra_deg: &[f64],
    dec_deg: &[f64],
    radius_deg: &[f64],
    overlap_rad: f64,
    factory: &WcsFactory,
    builder: TractBuilder,
) -> Result<Vec<Tract>> {
    const RAD: f64 = std::f64::consts::PI / 180.0;
    try_map_indexed(radius_deg.len(), |i| {
        let center = LonLat {
            lon_rad: ra_deg[i] * RAD,
            lat_rad: dec_deg[i] * RAD,
        };
        Tract::explicit(
            i as u64,
            center,
            radius_deg[i] * RAD,
            overlap_rad,
            factory,
            builder,
            None,
        )
    })
}
