//! [`skymap_rows`]: every tract, patch and overlap row of a skymap, one task per tract.

use super::column::{concat_columns, BinaryColumn};
use super::COMMON_SKYPIX_LEVEL;
use crate::parallel::{install, map_items};
use crate::pixelization::htm::ContainerChain;
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
    id: i64,
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
    let n = tract.patch_count() as usize;
    let mut rows = TractRows {
        id: tract.id() as i64,
        region: outer.encode(),
        pixels,
        patch_index: Vec::with_capacity(n),
        patch_id: Vec::with_capacity(n),
        patch_region: BinaryColumn::with_capacity(n, n * 97),
        patch_pixel_counts: Vec::with_capacity(n),
        patch_pixels: Vec::with_capacity(3 * n),
    };
    // Patches in id order (row by row): neighbours share their containing trixels.
    let mut chain = ContainerChain::default();
    for patch in tract.patches() {
        let polygon = tract.polygon(&patch.outer_bbox, 0.0)?;
        let before = rows.patch_pixels.len();
        let envelope = htm.polygon_envelope_near(&polygon, &mut chain);
        push_pixels(&envelope, &mut rows.patch_pixels)?;
        rows.patch_pixel_counts
            .push(rows.patch_pixels.len() - before);
        rows.patch_index.push(patch.index);
        rows.patch_id.push(patch.id);
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

/// `f` of each tract of `chunk`, in the pool of [`crate::parallel::set_num_threads`]
/// (rayon's global pool when none was set).
fn map_tracts<T: Send>(chunk: &[Tract], f: impl Fn(&Tract) -> T + Sync + Send) -> Vec<T> {
    install(|| map_items(chunk, f))
}

/// [`skymap_rows`], calling `check` after every [`TRACTS_PER_CHECK`] tracts and
/// stopping with its error: how a caller (Python's Ctrl-C) interrupts a long run.
/// `check` runs on the caller's thread; the tracts in the pool of
/// [`crate::parallel::set_num_threads`].
///
/// # Errors
/// As [`skymap_rows`], or the error `check` returns.
pub fn skymap_rows_checked(sky: &SkyMap, check: impl FnMut() -> Result<()>) -> Result<SkymapRows> {
    tract_range_rows_checked(sky, 0..sky.tracts().len(), check)
}

/// [`skymap_rows_checked`] for the tracts at positions `range` of [`SkyMap::tracts`]
/// (tract order): the rows of consecutive ranges, concatenated, are the skymap's rows.
/// How a registration streams a skymap into a database a range at a time.
///
/// # Errors
/// As [`skymap_rows_checked`]; [`Error::UnknownId`] if `range` is not within the
/// tracts.
pub fn tract_range_rows_checked(
    sky: &SkyMap,
    range: std::ops::Range<usize>,
    mut check: impl FnMut() -> Result<()>,
) -> Result<SkymapRows> {
    let tracts = sky.tracts().get(range.clone()).ok_or_else(|| {
        Error::UnknownId(format!(
            "tract positions {}..{} are not within the skymap's {} tracts",
            range.start,
            range.end,
            sky.tracts().len()
        ))
    })?;
    let htm = Htm::new(i64::from(COMMON_SKYPIX_LEVEL))?;
    let mut per_tract: Vec<TractRows> = Vec::with_capacity(tracts.len());
    for chunk in tracts.chunks(TRACTS_PER_CHECK) {
        for rows in map_tracts(chunk, |t| tract_rows(&htm, t)) {
            per_tract.push(rows?);
        }
        check()?;
    }
    Ok(install(|| merge(&per_tract)))
}

/// The columns of all tracts, in tract order. Each column is one task (the region
/// bytes, the largest, is about a third of all): the copy is bound by memory writes,
/// which two cores share better than one.
fn merge(per_tract: &[TractRows]) -> SkymapRows {
    let mut out = SkymapRows::default();
    let tracts = || per_tract.iter();
    let ids = |f: fn(&TractRows) -> usize| -> Vec<i64> {
        let mut v = Vec::with_capacity(tracts().map(f).sum());
        for t in tracts() {
            v.extend(std::iter::repeat_n(t.id, f(t)));
        }
        v
    };
    let concat = |f: fn(&TractRows) -> &[i64]| -> Vec<i64> {
        let mut v = Vec::with_capacity(tracts().map(|t| f(t).len()).sum());
        for t in tracts() {
            v.extend_from_slice(f(t));
        }
        v
    };
    let SkymapRows {
        tract_id,
        tract_region,
        patch_tract,
        patch_id,
        patch_cell_x,
        patch_cell_y,
        patch_region,
        tract_overlap_tract,
        tract_overlap_pixel,
        patch_overlap_tract,
        patch_overlap_patch,
        patch_overlap_pixel,
    } = &mut out;
    let tasks: Vec<Box<dyn FnOnce() + Send + '_>> = vec![
        Box::new(|| *patch_region = concat_columns(tracts().map(|t| &t.patch_region))),
        Box::new(|| *patch_overlap_pixel = concat(|t| &t.patch_pixels)),
        Box::new(|| {
            *patch_overlap_tract = ids(|t| t.patch_pixels.len());
            *patch_overlap_patch = Vec::with_capacity(patch_overlap_tract.len());
            for t in tracts() {
                for (&pid, &count) in t.patch_id.iter().zip(&t.patch_pixel_counts) {
                    patch_overlap_patch.extend(std::iter::repeat_n(pid, count));
                }
            }
        }),
        Box::new(|| {
            *patch_tract = ids(|t| t.patch_id.len());
            *patch_id = concat(|t| &t.patch_id);
            *patch_cell_x = tracts()
                .flat_map(|t| t.patch_index.iter().map(|ix| ix[0]))
                .collect();
            *patch_cell_y = tracts()
                .flat_map(|t| t.patch_index.iter().map(|ix| ix[1]))
                .collect();
            *tract_id = tracts().map(|t| t.id).collect();
            *tract_region = BinaryColumn::with_capacity(per_tract.len(), 97 * per_tract.len());
            for t in tracts() {
                tract_region.push(&t.region);
            }
            *tract_overlap_tract = ids(|t| t.pixels.len());
            *tract_overlap_pixel = concat(|t| &t.pixels);
        }),
    ];
    run_all(tasks);
    out
}

/// Runs independent tasks, in parallel when parallelism is on.
fn run_all(tasks: Vec<Box<dyn FnOnce() + Send + '_>>) {
    if crate::parallel::num_threads() > 1 {
        rayon::scope(|s| {
            for task in tasks {
                s.spawn(move |_| task());
            }
        });
    } else {
        for task in tasks {
            task();
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::geometry::Region;

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

    /// The tract tasks run in the pool of `set_num_threads` (its threads, its size),
    /// and on the caller's thread alone after `set_num_threads(1)`; the rows are the
    /// same either way.
    #[test]
    fn tracts_run_in_the_skymaps_pool() {
        use crate::parallel::{set_enabled, set_num_threads, POOL_TEST_LOCK};
        let _pool = POOL_TEST_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        let sky = SkyMap::from_json(
            r#"{"skymap_class": "rings", "version": 1, "projection": "TAN",
            "pixelScale": 0.168, "tractOverlap": 0.016666666666666666, "rotation": 0.0,
            "tractBuilder": {"name": "legacy", "patchInnerDimensions": [4000, 4000],
            "patchBorder": 100}, "numRings": 3, "raStart": 0.0}"#,
        )
        .unwrap();
        let thread = || {
            let name = std::thread::current().name().map(str::to_owned);
            (rayon::current_num_threads(), name.unwrap_or_default())
        };
        set_num_threads(3).unwrap();
        let pooled = map_tracts(sky.tracts(), |_| thread());
        let rows3 = skymap_rows(&sky).unwrap();
        set_num_threads(1).unwrap();
        let caller = std::thread::current().name().map(str::to_owned);
        let serial = map_tracts(sky.tracts(), |_| thread().1);
        let rows1 = skymap_rows(&sky).unwrap();
        set_enabled(true);
        assert!(sky.tracts().len() > 2);
        for (n, name) in pooled {
            assert_eq!(n, 3);
            assert!(name.starts_with("skymaps-"), "{name}");
        }
        assert!(serial.iter().all(|name| Some(name) == caller.as_ref()));
        assert_eq!(rows3.patch_region, rows1.patch_region);
        assert_eq!(rows3.patch_overlap_pixel, rows1.patch_overlap_pixel);
        assert_eq!(rows3.patch_overlap_patch, rows1.patch_overlap_patch);
        assert_eq!(rows3.tract_overlap_pixel, rows1.tract_overlap_pixel);
    }
}
