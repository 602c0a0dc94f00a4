//! Box-tiling skymaps (Legacy Surveys bricks and other RA/Dec-box tile grids): one
//! tract per tile of a [`BoxTiling`].
//!
//! Each tract is a tile: its id is the tile id (the Legacy Surveys `BRICKID`, from 1),
//! its inner region the tile's RA/Dec box (every RA for the polar caps), and its WCS
//! the one the survey's coadds use: centred on the tile centre with a fixed pixel box
//! (Legacy Surveys: TAN, 0.262 arcsec/px, 3600 x 3600 px, `CRPIX = 1800.5`), padded to
//! whole patches like every tract. Owners come from the tiling's own arithmetic
//! ([`BoxTiling::locate_id_unchecked`]), identical to `desiutil.brick`.

use super::box_tiling::BoxTiling;
use super::config::TractBuilder;
use super::tract::{InnerRegion, Tract, WcsFactory};
use crate::geometry::angle::deg_to_rad;
use crate::geometry::LonLat;
use crate::parallel::try_map_indexed;
use crate::{Error, Result};

/// Every tile of `tiling` as a tract of `tract_dims` pixels.
///
/// # Errors
/// [`Error::InvalidConfig`] for a non-positive tract size or a WCS that cannot be
/// built.
pub(crate) fn build(
    tiling: &BoxTiling,
    tract_dims: [i64; 2],
    factory: &WcsFactory,
    builder: TractBuilder,
) -> Result<Vec<Tract>> {
    if tract_dims.iter().any(|&d| !(1..=1 << 30).contains(&d)) {
        return Err(Error::config(format!(
            "tract dimensions {tract_dims:?} must be positive pixel counts"
        )));
    }
    let first = tiling.first_id();
    try_map_indexed(tiling.num_tiles() as usize, |i| {
        let tile = tiling.tile(first + i as i64)?;
        let center = LonLat {
            lon_rad: deg_to_rad(tile.ra_center_deg),
            lat_rad: deg_to_rad(tile.dec_center_deg),
        };
        // The tile centre sits at the middle of the pixel box (FITS CRPIX = dims/2 + 0.5).
        let wcs = factory.make(center)?.shifted([
            (tract_dims[0] - 1) as f64 / 2.0,
            (tract_dims[1] - 1) as f64 / 2.0,
        ]);
        // A box ending at RA 360 ends at 0 (a wrapping box), so that RA 0 = 360 is in it.
        let ra_max = if tile.ra_max_deg == 360.0 && !tile.is_cap() {
            0.0
        } else {
            tile.ra_max_deg
        };
        let inner = InnerRegion::LonLatBox {
            lon_min_rad: deg_to_rad(tile.ra_min_deg),
            lon_max_rad: deg_to_rad(ra_max),
            lat_min_rad: deg_to_rad(tile.dec_min_deg),
            lat_max_rad: deg_to_rad(tile.dec_max_deg),
            full_lon: tile.is_cap(),
        };
        Tract::with_box(tile.id as u64, center, wcs, tract_dims, builder, inner)
    })
}
