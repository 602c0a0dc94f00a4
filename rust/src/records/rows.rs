//! [`skymap_rows`]: every tract, patch and overlap row of a skymap, one task per tract.

use super::column::{concat_columns, BinaryColumn};
use super::COMMON_SKYPIX_LEVEL;
use crate::geometry::Region;
use crate::parallel::map_items;
use crate::pixelization::Htm;
use crate::rangeset::RangeSet;
use crate::tessellation::{SkyMap, Tract};
use crate::{Error, Result};

/// Every row the butler keeps for one skymap (apart from the `skymap` row itself,
/// whose fields are [`SkyMap::hash`], [`SkyMap::tract_max`], ...).
#[derive(Debug, Clone, Default)]
pub struct SkymapRows {
    /// `tract.id`, ascending.
    pub tract_id: Vec<i64>,
    /// `tract.region`: encoded outer polygon.
    pub tract_region: BinaryColumn,
    /// `patch.tract`, `patch.id`, `patch.cell_x`, `patch.cell_y`, sorted by (tract, id).
    pub patch_tract: Vec<i64>,
    pub patch_id: Vec<i64>,
    pub patch_cell_x: Vec<i64>,
    pub patch_cell_y: Vec<i64>,
    /// `patch.region`: encoded outer polygon.
    pub patch_region: BinaryColumn,
    /// `tract_skypix_overlap`: (tract, htm7 pixel), sorted.
    pub tract_overlap_tract: Vec<i64>,
    pub tract_overlap_pixel: Vec<i64>,
    /// `patch_skypix_overlap`: (tract, patch, htm7 pixel), sorted.
    pub patch_overlap_tract: Vec<i64>,
    pub patch_overlap_patch: Vec<i64>,
    pub patch_overlap_pixel: Vec<i64>,
}

/// The rows of one tract, computed by one task.
struct TractRows {
    region: Vec<u8>,
    pixels: Vec<i64>,
    patch_index: Vec<[i64; 2]>,
    patch_id: Vec<i64>,
    patch_region: BinaryColumn,
    patch_pixel_counts: Vec<usize>,
    patch_pixels: Vec<i64>,
}

/// Appends the pixels of a level-7 HTM envelope (ascending): the butler's overlap rows.
fn push_pixels(envelope: &RangeSet, out: &mut Vec<i64>) -> Result<()> {
    for pixel in envelope.values() {
        out.push(
            i64::try_from(pixel)
                .map_err(|_| Error::Internal(format!("htm pixel {pixel} does not fit in int64")))?,
        );
    }
    Ok(())
}

fn tract_rows(htm: &Htm, tract: &Tract) -> Result<TractRows> {
    let outer = tract.outer_region();
    // sphgeom's `HtmPixelization(7).envelope(region)` of the tract and of each patch.
    let mut pixels = Vec::new();
    push_pixels(&htm.envelope(outer, 0), &mut pixels)?;
    let patches = tract.patch_outer_polygons()?; // in patch-id order
    let n = patches.len();
    let mut rows = TractRows {
        region: outer.encode(),
        pixels,
        patch_index: Vec::with_capacity(n),
        patch_id: Vec::with_capacity(n),
        patch_region: BinaryColumn::with_capacity(n, n * 97),
        patch_pixel_counts: Vec::with_capacity(n),
        patch_pixels: Vec::with_capacity(3 * n),
    };
    for (id, index, polygon) in patches {
        let before = rows.patch_pixels.len();
        push_pixels(&htm.polygon_envelope(&polygon), &mut rows.patch_pixels)?;
        let polygon = Region::ConvexPolygon(polygon);
        rows.patch_pixel_counts
            .push(rows.patch_pixels.len() - before);
        rows.patch_index.push(index);
        rows.patch_id.push(id);
        rows.patch_region.push(&polygon.encode());
    }
    Ok(rows)
}

/// Computes every tract, patch and overlap row of `sky`, one parallel task per tract.
///
/// # Errors
/// [`Error::InvalidRegion`] if a tract or patch box does not make a convex polygon
/// (a degenerate skymap), [`Error::Internal`] for a corner without a sky position.
///
/// # Examples
/// ```
/// use skymaps::records::skymap_rows;
/// use skymaps::tessellation::SkyMap;
/// let sky = SkyMap::from_json(r#"{"skymap_class": "discrete", "version": 0,
///   "projection": "TAN", "pixelScale": 0.2, "tractOverlap": 0.0, "rotation": 0.0,
///   "tractBuilder": {"name": "legacy", "patchInnerDimensions": [4000, 4000],
///   "patchBorder": 100}, "raList": [10.0], "decList": [-5.0], "radiusList": [0.5]}"#)
///   .unwrap();
/// let rows = skymap_rows(&sky).unwrap();
/// assert_eq!(rows.tract_id, vec![0]);
/// assert_eq!(rows.patch_id.len(), rows.patch_region.len());
/// assert_eq!(rows.tract_region.get(0).unwrap()[0], b'p');
/// ```
pub fn skymap_rows(sky: &SkyMap) -> Result<SkymapRows> {
    skymap_rows_checked(sky, || Ok(()))
}

/// Tracts computed between two calls of the `check` of [`skymap_rows_checked`]: a
/// fraction of a second of work for the largest skymaps, enough to keep every core busy.
pub const TRACTS_PER_CHECK: usize = 256;

/// [`skymap_rows`], calling `check` after every [`TRACTS_PER_CHECK`] tracts and
/// stopping with its error: how a caller (Python's Ctrl-C) interrupts a long run.
///
/// # Errors
/// As [`skymap_rows`], or the error `check` returns.
pub fn skymap_rows_checked(
    sky: &SkyMap,
    mut check: impl FnMut() -> Result<()>,
) -> Result<SkymapRows> {
    let htm = Htm::new(i64::from(COMMON_SKYPIX_LEVEL))?;
    let mut per_tract: Vec<TractRows> = Vec::with_capacity(sky.tracts().len());
    for chunk in sky.tracts().chunks(TRACTS_PER_CHECK) {
        for rows in map_items(chunk, |t| tract_rows(&htm, t)) {
            per_tract.push(rows?);
        }
        check()?;
    }
    let n_patch: usize = per_tract.iter().map(|t| t.patch_id.len()).sum();
    let n_tpix: usize = per_tract.iter().map(|t| t.pixels.len()).sum();
    let n_ppix: usize = per_tract.iter().map(|t| t.patch_pixels.len()).sum();
    let mut out = SkymapRows {
        tract_id: Vec::with_capacity(per_tract.len()),
        tract_region: BinaryColumn::with_capacity(per_tract.len(), 97 * per_tract.len()),
        patch_tract: Vec::with_capacity(n_patch),
        patch_id: Vec::with_capacity(n_patch),
        patch_cell_x: Vec::with_capacity(n_patch),
        patch_cell_y: Vec::with_capacity(n_patch),
        patch_region: BinaryColumn::default(),
        tract_overlap_tract: Vec::with_capacity(n_tpix),
        tract_overlap_pixel: Vec::with_capacity(n_tpix),
        patch_overlap_tract: Vec::with_capacity(n_ppix),
        patch_overlap_patch: Vec::with_capacity(n_ppix),
        patch_overlap_pixel: Vec::with_capacity(n_ppix),
    };
    for (tract, rows) in sky.tracts().iter().zip(&per_tract) {
        let id = tract.id() as i64;
        out.tract_id.push(id);
        out.tract_region.push(&rows.region);
        out.tract_overlap_tract
            .extend(std::iter::repeat_n(id, rows.pixels.len()));
        out.tract_overlap_pixel.extend_from_slice(&rows.pixels);
        out.patch_tract
            .extend(std::iter::repeat_n(id, rows.patch_id.len()));
        out.patch_id.extend_from_slice(&rows.patch_id);
        out.patch_cell_x
            .extend(rows.patch_index.iter().map(|ix| ix[0]));
        out.patch_cell_y
            .extend(rows.patch_index.iter().map(|ix| ix[1]));
        for (&pid, &count) in rows.patch_id.iter().zip(&rows.patch_pixel_counts) {
            out.patch_overlap_tract
                .extend(std::iter::repeat_n(id, count));
            out.patch_overlap_patch
                .extend(std::iter::repeat_n(pid, count));
        }
        out.patch_overlap_pixel
            .extend_from_slice(&rows.patch_pixels);
    }
    out.patch_region = concat_columns(per_tract.iter().map(|t| &t.patch_region));
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// The search from the deepest containing trixel gives every patch the envelope of
    /// the search from the roots: polar caps, RA = 0 and ordinary tracts of the HSC
    /// rings skymap.
    #[test]
    fn patch_envelopes_equal_root_search() {
        let sky = SkyMap::from_json(
            r#"{"skymap_class": "rings", "version": 1, "projection": "TAN",
            "pixelScale": 0.168, "tractOverlap": 0.016666666666666666, "rotation": 0.0,
            "tractBuilder": {"name": "legacy", "patchInnerDimensions": [4000, 4000],
            "patchBorder": 100}, "numRings": 120, "raStart": 0.0}"#,
        )
        .unwrap();
        let htm = Htm::new(i64::from(COMMON_SKYPIX_LEVEL)).unwrap();
        let last = sky.tracts().len() - 1;
        for id in [0, 1, 2, 9813, last - 1, last] {
            for (_, _, polygon) in sky.tracts()[id].patch_outer_polygons().unwrap() {
                let roots = htm.envelope(&Region::ConvexPolygon(polygon.clone()), 0);
                assert_eq!(htm.polygon_envelope(&polygon), roots);
            }
        }
    }
}
