//! The hot loop of [`super::find_tract_patch`]: the owning tract and patch of many
//! points.
//!
//! Points go in blocks of [`BLOCK`], in three passes, so that each pass is short and
//! regular: (1) the unit vector of every point from a polynomial `sincos` of its
//! degrees ([`sincos_deg`], branch-free, so the pass vectorizes; compiled for the
//! widest SIMD the CPU has, [`run_widest`]); (2) the owning tract (ring arithmetic),
//! prefetching its [`PatchEntry`]; (3) the patch, from the entry's folded projection
//! (two dot products over a third), whose entries are by then in L1. Random points read
//! random entries, so overlapping that memory latency with the first two passes is what
//! bounds the speed.
//!
//! The entry answers only where it can certify that the answer is the general path's
//! (see [`crate::tessellation::patch_table`]); other points (about one in a million
//! on HSC tracts, and every point of tracts whose WCS is not a linear TAN) take the
//! general path, [`super::owner_patch_unchecked`], with the library's trigonometry.

use super::{
    owner_patch_unchecked, owner_tract_unchecked, owner_tracts_batched, to_lonlat_rad_unchecked,
};
use crate::geometry::fast_contains::sincos_deg;
use crate::simd::{run_widest, LaneKernel};
use crate::tessellation::patch_table::{prefetch, PatchEntry};
use crate::tessellation::SkyMap;

/// Points per block: enough to cover the latency of the prefetches, few enough for
/// the block's vectors to stay in L1.
const BLOCK: usize = 64;

/// Writes the owning tract and patch of every point (validated degrees) into
/// `tracts` and `patches` (all four slices of one length).
pub(super) fn fill_owners(
    sky: &SkyMap,
    lon_deg: &[f64],
    lat_deg: &[f64],
    tracts: &mut [i64],
    patches: &mut [i64],
) {
    run_widest(&mut Owners {
        sky,
        table: sky.patch_table(),
        lon_deg,
        lat_deg,
        tracts,
        patches,
    });
}

struct Owners<'a> {
    sky: &'a SkyMap,
    table: &'a [PatchEntry],
    lon_deg: &'a [f64],
    lat_deg: &'a [f64],
    tracts: &'a mut [i64],
    patches: &'a mut [i64],
}

impl LaneKernel for Owners<'_> {
    // The block size is fixed; `B` only selects the instruction set it compiles for.
    #[inline(always)]
    fn run<const B: usize>(&mut self) {
        let blocks = self
            .lon_deg
            .chunks(BLOCK)
            .zip(self.lat_deg.chunks(BLOCK))
            .zip(
                self.tracts
                    .chunks_mut(BLOCK)
                    .zip(self.patches.chunks_mut(BLOCK)),
            );
        for ((lon, lat), (tracts, patches)) in blocks {
            owners_of_block(self.sky, self.table, lon, lat, tracts, patches);
        }
    }
}

// Lanes are indexed across several arrays at once, which iterators would obscure.
#[allow(clippy::needless_range_loop)]
#[inline(always)]
fn owners_of_block(
    sky: &SkyMap,
    table: &[PatchEntry],
    lon: &[f64],
    lat: &[f64],
    tracts: &mut [i64],
    patches: &mut [i64],
) {
    let m = lon.len();
    // Pass 1: unit vectors, over all BLOCK lanes (padding included) so that the loop
    // has a fixed count. Longitudes are wrapped into [0, 360) first, as the general
    // path's radians are.
    let (mut lon_w, mut lat_b) = ([0.0f64; BLOCK], [0.0f64; BLOCK]);
    for k in 0..m {
        let x = lon[k];
        lon_w[k] = if (0.0..360.0).contains(&x) {
            x
        } else {
            x.rem_euclid(360.0)
        };
        lat_b[k] = lat[k];
    }
    let mut c = [[0.0f64; BLOCK]; 3];
    for k in 0..BLOCK {
        let (sin_lon, cos_lon) = sincos_deg(lon_w[k]);
        let (sin_lat, cos_lat) = sincos_deg(lat_b[k]);
        c[0][k] = cos_lon * cos_lat;
        c[1][k] = sin_lon * cos_lat;
        c[2][k] = sin_lat;
    }
    // Pass 2: owning tracts; their entries start loading.
    // Box tilings and pixel grids find a whole block's owners in one loop of their own.
    let batched = owner_tracts_batched(sky, lon, lat, tracts);
    let mut entry = [usize::MAX; BLOCK];
    for k in 0..m {
        let t = if batched {
            tracts[k]
        } else {
            let (lo, la) = to_lonlat_rad_unchecked(lon[k], lat[k]);
            owner_tract_unchecked(sky, lon[k], lat[k], lo, la)
        };
        tracts[k] = t;
        if let Some(i) = sky.tract_index(t).filter(|&i| i < table.len()) {
            prefetch(&table[i]);
            entry[k] = i;
        }
    }
    // Pass 3: patches, certified, or through the general path.
    for k in 0..m {
        let Some(e) = table.get(entry[k]) else {
            patches[k] = -1;
            continue;
        };
        patches[k] = match e.owner_patch([c[0][k], c[1][k], c[2][k]]) {
            Some(p) => p,
            None => {
                let (lo, la) = to_lonlat_rad_unchecked(lon[k], lat[k]);
                owner_patch_unchecked(&sky.tracts()[entry[k]], lo, la)
            }
        };
    }
}
