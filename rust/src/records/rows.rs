//! [`skymap_rows`]: every tract, patch and overlap row of a skymap, one task per tract.

use super::column::BinaryColumn;
use super::COMMON_SKYPIX_LEVEL;
use crate::geometry::Region;
use crate::parallel::install;
use crate::pixelization::htm::ContainerChain;
use crate::pixelization::Htm;
use crate::tessellation::{SkyMap, Tract};
use crate::{Error, Result};
use rayon::prelude::*;

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

/// Appends the trixels `[begin, end)` of a level-7 HTM envelope: overlap rows.
/// Level-7 ids are below 2^18, so they fit in the butler's int64 column.
fn push_pixels(begin: u64, end: u64, out: &mut Vec<i64>) {
    out.extend((begin..end).map(|pixel| pixel as i64));
}

/// The rows of `tract`; `chain` is the HTM search state left by the previous tract
/// of this thread (any state gives the same rows).
fn tract_rows(htm: &Htm, chain: &mut ContainerChain, tract: &Tract) -> Result<TractRows> {
    let outer = tract.outer_region();
    // sphgeom's `HtmPixelization(7).envelope(region)` of the tract and of each patch.
    let mut pixels = Vec::new();
    match outer {
        Region::ConvexPolygon(polygon) => {
            htm.polygon_envelope_near_with(polygon, chain, |b, e| {
                push_pixels(b, e, &mut pixels);
            });
        }
        other => {
            for &(b, e) in htm.envelope(other, 0).ranges() {
                push_pixels(b, e, &mut pixels);
            }
        }
    }
    let n = tract.patch_count() as usize;
    let mut rows = TractRows {
        id: tract.id() as i64,
        region: outer.encode(),
        pixels,
        patch_index: Vec::with_capacity(n),
        patch_id: Vec::with_capacity(n),
        patch_region: BinaryColumn::with_capacity(n, n * POLYGON_BYTES),
        patch_pixel_counts: Vec::with_capacity(n),
        patch_pixels: Vec::with_capacity(PIXELS_PER_PATCH * n),
    };
    // Patches in id order (row by row): neighbours share their containing trixels.
    for patch in tract.patches() {
        let polygon = tract.polygon(&patch.outer_bbox, 0.0)?;
        let before = rows.patch_pixels.len();
        let out = &mut rows.patch_pixels;
        htm.polygon_envelope_near_with(&polygon, chain, |b, e| push_pixels(b, e, out));
        rows.patch_pixel_counts
            .push(rows.patch_pixels.len() - before);
        rows.patch_index.push(patch.index);
        rows.patch_id.push(patch.id);
        rows.patch_region.push_with(|buf| polygon.encode_into(buf));
    }
    Ok(rows)
}

/// Encoded size of a 4-vertex polygon (a patch box): `'p'` and 4 x 3 doubles.
const POLYGON_BYTES: usize = 1 + 4 * 24;

/// Room reserved per patch for its overlap rows (HSC patches average about 2.2).
const PIXELS_PER_PATCH: usize = 3;

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
/// (rayon's global pool when none was set), running `meanwhile` alongside. Each
/// task's tracts share one [`ContainerChain`] (a memo of 40 KB: not one per tract).
fn map_tracts<T: Send>(
    chunk: &[Tract],
    f: impl Fn(&mut ContainerChain, &Tract) -> T + Sync + Send,
    meanwhile: impl FnOnce() + Send,
) -> Vec<T> {
    let map = || {
        if chunk.len() > 1 && crate::parallel::enabled() && rayon::current_num_threads() > 1 {
            chunk
                .par_iter()
                .map_init(ContainerChain::default, |chain, t| f(chain, t))
                .collect()
        } else {
            let mut chain = ContainerChain::default();
            chunk.iter().map(|t| f(&mut chain, t)).collect()
        }
    };
    install(|| join(map, meanwhile)).0
}

/// [`skymap_rows`], calling `check` after every [`TRACTS_PER_CHECK`] tracts and
/// stopping with its error: how a caller (Python's Ctrl-C) interrupts a long run.
/// `check` runs on the caller's thread; the tracts in the pool of
/// [`crate::parallel::set_num_threads`].
///
/// Each chunk of tracts is appended to the output columns while the pool computes the
/// next one: the per-tract rows of only two chunks are alive at a time (their memory is
/// reused, warm in cache), and the columns are written once, into memory reserved up
/// front. (Not on huge pages: zeroing each 2 MiB page on first touch cost more than
/// the page faults it saved, measured.)
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
    check: impl FnMut() -> Result<()>,
) -> Result<SkymapRows> {
    let tracts = sky.tracts().get(range.clone()).ok_or_else(|| {
        Error::UnknownId(format!(
            "tract positions {}..{} are not within the skymap's {} tracts",
            range.start,
            range.end,
            sky.tracts().len()
        ))
    })?;
    rows_in_chunks(tracts, TRACTS_PER_CHECK, check)
}

/// The rows of `tracts`, computed in chunks of `tracts_per_chunk` tracts with `check`
/// after each.
fn rows_in_chunks(
    tracts: &[Tract],
    tracts_per_chunk: usize,
    mut check: impl FnMut() -> Result<()>,
) -> Result<SkymapRows> {
    let htm = Htm::new(i64::from(COMMON_SKYPIX_LEVEL))?;
    let patches: usize = tracts.iter().map(|t| t.patch_count() as usize).sum();
    let mut out = SkymapRows::with_capacity(tracts.len(), patches);
    let mut pending: Vec<TractRows> = Vec::new();
    for chunk in tracts.chunks(tracts_per_chunk) {
        let computed = map_tracts(
            chunk,
            |c, t| tract_rows(&htm, c, t),
            || out.append(&pending),
        );
        pending = computed.into_iter().collect::<Result<_>>()?;
        check()?;
    }
    out.append(&pending);
    Ok(out)
}

/// `(a(), b())`, in parallel when parallelism is on.
fn join<A: Send, B: Send>(a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B + Send) -> (A, B) {
    if crate::parallel::num_threads() > 1 {
        rayon::join(a, b)
    } else {
        (a(), b())
    }
}

impl SkymapRows {
    /// Empty columns with room for `tracts` tracts and `patches` patches (and the
    /// usual number of overlap rows).
    fn with_capacity(tracts: usize, patches: usize) -> Self {
        let ids = |n: usize| Vec::<i64>::with_capacity(n);
        let overlaps = PIXELS_PER_PATCH * patches;
        SkymapRows {
            tract_id: ids(tracts),
            tract_region: BinaryColumn::with_capacity(tracts, tracts * POLYGON_BYTES),
            patch_tract: ids(patches),
            patch_id: ids(patches),
            patch_cell_x: ids(patches),
            patch_cell_y: ids(patches),
            patch_region: BinaryColumn::with_capacity(patches, patches * POLYGON_BYTES),
            tract_overlap_tract: Vec::new(),
            tract_overlap_pixel: Vec::new(),
            patch_overlap_tract: ids(overlaps),
            patch_overlap_patch: ids(overlaps),
            patch_overlap_pixel: ids(overlaps),
        }
    }

    /// Appends the rows of `tracts` (in order).
    fn append(&mut self, tracts: &[TractRows]) {
        for t in tracts {
            self.tract_id.push(t.id);
            self.tract_region.push(&t.region);
            let n = t.pixels.len();
            self.tract_overlap_tract
                .extend(std::iter::repeat_n(t.id, n));
            self.tract_overlap_pixel.extend_from_slice(&t.pixels);
            let n = t.patch_id.len();
            self.patch_tract.extend(std::iter::repeat_n(t.id, n));
            self.patch_id.extend_from_slice(&t.patch_id);
            self.patch_cell_x
                .extend(t.patch_index.iter().map(|ix| ix[0]));
            self.patch_cell_y
                .extend(t.patch_index.iter().map(|ix| ix[1]));
            self.patch_region.extend(&t.patch_region);
            let n = t.patch_pixels.len();
            self.patch_overlap_tract
                .extend(std::iter::repeat_n(t.id, n));
            for (&pid, &count) in t.patch_id.iter().zip(&t.patch_pixel_counts) {
                self.patch_overlap_patch
                    .extend(std::iter::repeat_n(pid, count));
            }
            self.patch_overlap_pixel.extend_from_slice(&t.patch_pixels);
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// The HSC rings skymap (`hsc_rings_v1`'s config) with `num_rings` rings.
    fn rings_sky(num_rings: u32) -> SkyMap {
        rings_sky_with_patches(num_rings, 4000)
    }

    /// [`rings_sky`] with patches of `patch` x `patch` inner pixels.
    fn rings_sky_with_patches(num_rings: u32, patch: u32) -> SkyMap {
        SkyMap::from_json(&format!(
            r#"{{"skymap_class": "rings", "version": 1, "projection": "TAN",
            "pixelScale": 0.168, "tractOverlap": 0.016666666666666666, "rotation": 0.0,
            "tractBuilder": {{"name": "legacy", "patchInnerDimensions": [{patch}, {patch}],
            "patchBorder": 100}}, "numRings": {num_rings}, "raStart": 0.0}}"#
        ))
        .unwrap()
    }

    /// The search from the deepest containing trixel gives every patch the envelope of
    /// the search from the roots: polar caps, RA = 0 and ordinary tracts of the HSC
    /// rings skymap.
    #[test]
    fn patch_envelopes_equal_root_search() {
        let sky = rings_sky(120);
        let htm = Htm::new(i64::from(COMMON_SKYPIX_LEVEL)).unwrap();
        let last = sky.tracts().len() - 1;
        for id in [0, 1, 2, 9813, last - 1, last] {
            for (_, _, polygon) in sky.tracts()[id].patch_outer_polygons().unwrap() {
                let roots = htm.envelope(&Region::ConvexPolygon(polygon.clone()), 0);
                assert_eq!(htm.polygon_envelope(&polygon), roots);
            }
        }
    }

    /// The rows in chunks of a few tracts (each appended while the next is computed)
    /// are those of a plain loop over tracts and patches with envelopes searched from
    /// the HTM roots; `check` runs once per chunk and its error stops the run.
    #[test]
    fn chunked_rows_equal_a_plain_loop() {
        // 14 rings of 1-degree patches: 324 tracts, 54,756 patches.
        let sky = rings_sky_with_patches(14, 20_000);
        let htm = Htm::new(i64::from(COMMON_SKYPIX_LEVEL)).unwrap();
        let mut want = SkymapRows {
            tract_region: BinaryColumn::with_capacity(0, 0),
            patch_region: BinaryColumn::with_capacity(0, 0),
            ..SkymapRows::default()
        };
        for tract in sky.tracts() {
            let id = tract.id() as i64;
            want.tract_id.push(id);
            want.tract_region.push(&tract.outer_region().encode());
            for pixel in htm.envelope(tract.outer_region(), 0).values() {
                want.tract_overlap_tract.push(id);
                want.tract_overlap_pixel.push(pixel as i64);
            }
            for (patch, [x, y], polygon) in tract.patch_outer_polygons().unwrap() {
                want.patch_tract.push(id);
                want.patch_id.push(patch);
                want.patch_cell_x.push(x);
                want.patch_cell_y.push(y);
                want.patch_region.push(&polygon.encode());
                let region = Region::ConvexPolygon(polygon);
                for pixel in htm.envelope(&region, 0).values() {
                    want.patch_overlap_tract.push(id);
                    want.patch_overlap_patch.push(patch);
                    want.patch_overlap_pixel.push(pixel as i64);
                }
            }
        }
        let columns = |r: &SkymapRows| {
            [
                r.tract_id.clone(),
                r.tract_region.offsets.clone(),
                r.tract_overlap_tract.clone(),
                r.tract_overlap_pixel.clone(),
                r.patch_tract.clone(),
                r.patch_id.clone(),
                r.patch_cell_x.clone(),
                r.patch_cell_y.clone(),
                r.patch_region.offsets.clone(),
                r.patch_overlap_tract.clone(),
                r.patch_overlap_patch.clone(),
                r.patch_overlap_pixel.clone(),
            ]
        };
        let n = sky.tracts().len();
        assert!(n > 4);
        for per_chunk in [1, 7, n - 1, n] {
            let mut checks = 0;
            let got = rows_in_chunks(sky.tracts(), per_chunk, || {
                checks += 1;
                Ok(())
            })
            .unwrap();
            assert_eq!(checks, n.div_ceil(per_chunk));
            assert_eq!(columns(&got), columns(&want));
            assert_eq!(got.tract_region.data, want.tract_region.data);
            assert_eq!(got.patch_region.data, want.patch_region.data);
        }
        let mut checks = 0;
        let stopped = rows_in_chunks(sky.tracts(), 1, || {
            checks += 1;
            Err(crate::Error::Interrupted("test".into()))
        });
        assert!(matches!(stopped, Err(crate::Error::Interrupted(_))));
        assert_eq!(checks, 1);
    }

    /// The tract tasks run in the pool of `set_num_threads` (its threads, its size),
    /// and on the caller's thread alone after `set_num_threads(1)`; the rows are the
    /// same either way.
    #[test]
    fn tracts_run_in_the_skymaps_pool() {
        use crate::parallel::{set_enabled, set_num_threads, POOL_TEST_LOCK};
        let _pool = POOL_TEST_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        let sky = rings_sky(3);
        let thread = || {
            let name = std::thread::current().name().map(str::to_owned);
            (rayon::current_num_threads(), name.unwrap_or_default())
        };
        set_num_threads(3).unwrap();
        let pooled = map_tracts(sky.tracts(), |_, _| thread(), || ());
        let rows3 = skymap_rows(&sky).unwrap();
        set_num_threads(1).unwrap();
        let caller = std::thread::current().name().map(str::to_owned);
        let serial = map_tracts(sky.tracts(), |_, _| thread().1, || ());
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
