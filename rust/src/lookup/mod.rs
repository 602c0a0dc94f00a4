//! Point lookups: which tract, patch and cell own a sky position.
//!
//! Every tract owns its *inner region*; the inner regions of a rings skymap tile the
//! sphere, so every point has exactly one owning tract (see
//! [`crate::tessellation::rings`] for boundary points). Within the owning tract the
//! owning patch is the one whose inner pixel box holds the point's nearest pixel
//! (`lsst.skymap`'s `findPatch`: `Point2I(wcs.skyToPixel(coord))`), and likewise for
//! cells. The *outer* regions overlap: [`find_all_tracts`] returns every tract whose
//! outer region (its whole pixel box) contains a point.
//!
//! All functions take longitudes/latitudes in degrees (validated: finite, latitude in
//! [-90, 90]; any longitude, wrapped) and run in parallel over large inputs.

pub mod coverage;
mod tract_patch;

use crate::tessellation::patch::sequential_id;

use crate::geometry::vector::check_lonlat_arrays;
use crate::geometry::UnitVector3d;
use crate::parallel::{enabled, CHUNK, PARALLEL_MIN_ITEMS};
use crate::tessellation::skymap::Layout;
use crate::tessellation::{SkyMap, Tract};
use crate::{Error, Result};
use rayon::prelude::*;

// The degree -> radian step lives in geometry; re-exported under the names lookups use.
pub use crate::geometry::vector::{
    lonlat_deg_to_rad as to_lonlat_rad, lonlat_deg_to_rad_unchecked as to_lonlat_rad_unchecked,
};

/// Fills `out[i*W..(i+1)*W] = f(i)` for every point, in parallel chunks when large.
fn fill_points<const W: usize, F>(n: usize, f: F) -> Vec<i64>
where
    F: Fn(usize) -> [i64; W] + Sync + Send,
{
    let mut out = vec![0i64; n * W];
    let body = |(c, chunk): (usize, &mut [i64])| {
        for (k, slot) in chunk.chunks_mut(W).enumerate() {
            slot.copy_from_slice(&f(c * CHUNK + k));
        }
    };
    if n >= PARALLEL_MIN_ITEMS && enabled() && rayon::current_num_threads() > 1 {
        out.par_chunks_mut(CHUNK * W).enumerate().for_each(body);
    } else {
        out.chunks_mut(CHUNK * W).enumerate().for_each(body);
    }
    out
}

/// The owning tract of a point given in degrees (validated) and in radians (from
/// [`to_lonlat_rad_unchecked`]), or -1 where no inner region contains it. Box tilings
/// decide on the degrees, as `desiutil` does; every other layout on the radians.
pub fn owner_tract_unchecked(sky: &SkyMap, lon_deg: f64, lat_deg: f64, lon: f64, lat: f64) -> i64 {
    match sky.layout() {
        Layout::Bricks(tiling, _) => tiling.locate_id_unchecked(lon_deg, lat_deg),
        Layout::PixelGrid(grid, _) => grid.owner_unchecked(lon_deg, lat_deg),
        Layout::Rings(rings) => rings.find_tract(lon, lat),
        Layout::Healpix(hp) => hp.find_tract(lon, lat),
        Layout::Headers(index) => {
            index.owner(sky.tracts(), &UnitVector3d::from_lonlat_rad(lon, lat))
        }
        Layout::Polygons => sky
            .tracts()
            .iter()
            .position(|t| t.inner_contains_lonlat_rad(lon, lat))
            .map_or(-1, |i| i as i64),
    }
}

/// [`owner_tract_unchecked`] of a block of points (degrees, validated) into `out`, for
/// the layouts with a loop of their own (box tilings; pixel grids, in SIMD batches):
/// the layout is matched once per block. Returns false, leaving `out` alone, for the
/// others, which go point by point.
pub(crate) fn owner_tracts_batched(
    sky: &SkyMap,
    lon_deg: &[f64],
    lat_deg: &[f64],
    out: &mut [i64],
) -> bool {
    match sky.layout() {
        Layout::Bricks(tiling, _) => tiling.locate_ids_unchecked(lon_deg, lat_deg, out),
        Layout::PixelGrid(grid, _) => grid.owners_unchecked(lon_deg, lat_deg, out),
        _ => return false,
    }
    true
}

/// The owning patch id of a point (radians) within its owning tract: the patch whose
/// inner box holds the point's nearest pixel (`findPatch`), or -1 where that pixel is
/// outside the tract's pixel box, where lsst.skymap's `findPatch` raises `LookupError`.
/// Never on a well-formed rings skymap, whose inner boxes lie well inside the pixel
/// boxes; it happens on configurations whose owner reaches past its pixels (one ring),
/// and in the sliver where a great-circle inner polygon bulges past a curved (STG) box
/// edge (discrete skymaps, as lsst.skymap defines them; docs/compatibility.md).
pub fn owner_patch_unchecked(tract: &Tract, lon: f64, lat: f64) -> i64 {
    tract
        .wcs()
        .sky_to_pixel_rad(lon, lat)
        .and_then(|(x, y)| tract.patch_index_at_pixel(x, y))
        .map_or(-1, |index| sequential_id(index, tract.num_patches()))
}

/// The owning tract of every point (`findTract`, exact: never "nearest centre").
///
/// # Errors
/// [`Error::InvalidCoordinate`] for a bad position, [`Error::ShapeMismatch`] for
/// unequal lengths.
pub fn find_tract(sky: &SkyMap, lon_deg: &[f64], lat_deg: &[f64]) -> Result<Vec<i64>> {
    check_lonlat_arrays(lon_deg, lat_deg)?;
    let mut out = vec![0i64; lon_deg.len()];
    crate::parallel::fill_chunks(&mut out, |start, chunk| {
        let end = start + chunk.len();
        let (lon_d, lat_d) = (&lon_deg[start..end], &lat_deg[start..end]);
        if !owner_tracts_batched(sky, lon_d, lat_d, chunk) {
            for (slot, (&a, &d)) in chunk.iter_mut().zip(lon_d.iter().zip(lat_d)) {
                let (lon, lat) = to_lonlat_rad_unchecked(a, d);
                *slot = owner_tract_unchecked(sky, a, d, lon, lat);
            }
        }
    });
    Ok(out)
}

/// The owning (tract, patch) of every point, interleaved: `[t0, p0, t1, p1, ...]`;
/// -1 for both where no tract owns the point, and patch -1 where the owner's pixel box
/// does not reach the point ([`owner_patch_unchecked`]).
///
/// # Errors
/// As [`find_tract`].
pub fn find_tract_patch(sky: &SkyMap, lon_deg: &[f64], lat_deg: &[f64]) -> Result<Vec<i64>> {
    let (tracts, patches) = find_tract_patch_split(sky, lon_deg, lat_deg)?;
    Ok(tracts
        .into_iter()
        .zip(patches)
        .flat_map(|(t, p)| [t, p])
        .collect())
}

/// [`find_tract_patch`] as two arrays, `(tract ids, patch ids)`.
///
/// # Errors
/// As [`find_tract`].
pub fn find_tract_patch_split(
    sky: &SkyMap,
    lon_deg: &[f64],
    lat_deg: &[f64],
) -> Result<(Vec<i64>, Vec<i64>)> {
    let n = lon_deg.len();
    let (mut tracts, mut patches) = (vec![0i64; n], vec![0i64; n]);
    find_tract_patch_into(sky, lon_deg, lat_deg, &mut tracts, &mut patches)?;
    Ok((tracts, patches))
}

/// [`find_tract_patch_split`] written into `tracts` and `patches` (so that a caller
/// filling one big output slice by slice copies nothing).
///
/// # Errors
/// As [`find_tract`], and [`Error::ShapeMismatch`] when an output's length is not the
/// number of points.
pub fn find_tract_patch_into(
    sky: &SkyMap,
    lon_deg: &[f64],
    lat_deg: &[f64],
    tracts: &mut [i64],
    patches: &mut [i64],
) -> Result<()> {
    check_lonlat_arrays(lon_deg, lat_deg)?;
    let n = lon_deg.len();
    if tracts.len() != n || patches.len() != n {
        return Err(Error::shape(format!(
            "outputs have {} and {} values for {n} points; expected {n} each",
            tracts.len(),
            patches.len()
        )));
    }
    let body = |(c, (tract_chunk, patch_chunk)): (usize, (&mut [i64], &mut [i64]))| {
        let points = c * CHUNK..c * CHUNK + tract_chunk.len();
        let (lon, lat) = (&lon_deg[points.clone()], &lat_deg[points]);
        tract_patch::fill_owners(sky, lon, lat, tract_chunk, patch_chunk);
    };
    if n >= PARALLEL_MIN_ITEMS && enabled() && rayon::current_num_threads() > 1 {
        let chunks = tracts.par_chunks_mut(CHUNK);
        chunks
            .zip(patches.par_chunks_mut(CHUNK))
            .enumerate()
            .for_each(body);
    } else {
        let chunks = tracts.chunks_mut(CHUNK);
        chunks
            .zip(patches.chunks_mut(CHUNK))
            .enumerate()
            .for_each(body);
    }
    Ok(())
}

/// Every tract whose outer region contains each point, as `(point index, tract id)`
/// pairs sorted by point then tract.
///
/// # Errors
/// As [`find_tract`].
pub fn find_all_tracts(
    sky: &SkyMap,
    lon_deg: &[f64],
    lat_deg: &[f64],
) -> Result<(Vec<u64>, Vec<i64>)> {
    check_lonlat_arrays(lon_deg, lat_deg)?;
    let per_point = |i: usize| -> Vec<i64> {
        let (lon, lat) = to_lonlat_rad_unchecked(lon_deg[i], lat_deg[i]);
        let v = crate::geometry::UnitVector3d::from_lonlat_rad(lon, lat);
        let holds = |t: &i64| sky.tract(*t).is_ok_and(|tr| tr.outer_contains_vector(&v));
        // Collected afresh (not filtered in place) so that a long candidate list does
        // not leave its allocation behind in every point's short result.
        let mut hits: Vec<i64> = match sky.layout() {
            Layout::Rings(rings) => rings
                .neighbour_candidates(lon, lat)
                .iter()
                .copied()
                .filter(holds)
                .collect(),
            Layout::Bricks(tiling, reach) => {
                let (lon_d, lat_d) = (lon_deg[i], lat_deg[i]);
                tiling
                    .tiles_near(lon_d, lat_d, *reach)
                    .iter()
                    .copied()
                    .filter(holds)
                    .collect()
            }
            Layout::PixelGrid(grid, reach) => {
                let near = grid.pixels_near(lon_deg[i], lat_deg[i], *reach);
                near.into_iter().filter(holds).collect()
            }
            Layout::Headers(index) => index
                .candidates(&v)
                .iter()
                .map(|&t| i64::from(t))
                .filter(holds)
                .collect(),
            _ => sky.tract_ids().map(|t| t as i64).filter(holds).collect(),
        };
        hits.sort_unstable();
        hits.dedup();
        hits
    };
    let n = lon_deg.len();
    let lists: Vec<Vec<i64>> = if n >= PARALLEL_MIN_ITEMS && enabled() {
        (0..n)
            .into_par_iter()
            .with_min_len(CHUNK)
            .map(per_point)
            .collect()
    } else {
        (0..n).map(per_point).collect()
    };
    let total = lists.iter().map(Vec::len).sum();
    let (mut points, mut ids) = (Vec::with_capacity(total), Vec::with_capacity(total));
    for (i, l) in lists.into_iter().enumerate() {
        for t in l {
            points.push(i as u64);
            ids.push(t);
        }
    }
    Ok((points, ids))
}

/// The patch of `tract` whose inner box holds each point's nearest pixel, or -1
/// where that pixel is outside the tract (`TractInfo.findPatch`).
///
/// # Errors
/// As [`find_tract`].
pub fn find_patch(tract: &Tract, lon_deg: &[f64], lat_deg: &[f64]) -> Result<Vec<i64>> {
    check_lonlat_arrays(lon_deg, lat_deg)?;
    Ok(fill_points::<1, _>(lon_deg.len(), |i| {
        let (lon, lat) = to_lonlat_rad_unchecked(lon_deg[i], lat_deg[i]);
        [owner_patch_unchecked(tract, lon, lat)]
    }))
}

/// The (patch, cell) of `tract` holding each point's nearest pixel, interleaved; the
/// cell is counted in the patch's own grid (border cells included), -1 where the
/// point is outside the tract or the tract has no cells.
///
/// # Errors
/// As [`find_tract`].
pub fn find_patch_cell(tract: &Tract, lon_deg: &[f64], lat_deg: &[f64]) -> Result<Vec<i64>> {
    check_lonlat_arrays(lon_deg, lat_deg)?;
    Ok(fill_points::<2, _>(lon_deg.len(), |i| {
        let (lon, lat) = to_lonlat_rad_unchecked(lon_deg[i], lat_deg[i]);
        let Some((x, y)) = tract.wcs().sky_to_pixel_rad(lon, lat) else {
            return [-1, -1];
        };
        let Some(index) = tract.patch_index_at_pixel(x, y) else {
            return [-1, -1];
        };
        let patch = tract.patch_unchecked(index);
        let (px, py) = ((x + 0.5).floor() as i64, (y + 0.5).floor() as i64);
        let cell = patch
            .cell_index_at_pixel(px, py)
            .map_or(-1, |i| sequential_id(i, patch.num_cells));
        [patch.id, cell]
    }))
}

/// Whether `tract`'s inner region (`outer = false`, the exact test its owner lookups
/// use) or outer region (`outer = true`, the butler's region) contains each point; in
/// parallel like every point lookup.
///
/// # Errors
/// As [`find_tract`].
pub fn tract_contains(
    tract: &Tract,
    lon_deg: &[f64],
    lat_deg: &[f64],
    outer: bool,
) -> Result<Vec<bool>> {
    check_lonlat_arrays(lon_deg, lat_deg)?;
    let mut out = vec![false; lon_deg.len()];
    crate::parallel::fill_indexed(&mut out, |i| {
        let (lon, lat) = to_lonlat_rad_unchecked(lon_deg[i], lat_deg[i]);
        if outer {
            tract.outer_contains_vector(&UnitVector3d::from_lonlat_rad(lon, lat))
        } else {
            tract.inner_contains_lonlat_rad(lon, lat)
        }
    });
    Ok(out)
}
