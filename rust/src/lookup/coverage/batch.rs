//! Coverage of many regions: worked through in an order that keeps neighbours on the
//! sky together (consecutive regions then touch the same tracts, which stay in the
//! cache), in parallel chunks of that order, and assembled in footprint order.

use super::{for_footprint, CoverageTable, Hit, Prepared};
use crate::{Error, Result};
use rayon::prelude::*;

/// Cells per axis of the cube grid that orders regions (about 1.8 degrees wide).
const GRID: f64 = 64.0;

/// The cube-grid cell of a point of the region: equal keys are near each other.
fn locality_key(region: &Prepared) -> u32 {
    let Some(v) = region.anchor() else {
        return 0;
    };
    let cell = |c: f64| (((c + 1.0) * 0.5 * GRID) as u32).min(GRID as u32 - 1);
    (cell(v.z()) << 12) | (cell(v.y()) << 6) | cell(v.x())
}

/// What one chunk of the work order produced: its hits, each region's hit count (in
/// the chunk's order), and the lowest-numbered failing region with its error.
type ChunkOut = (Vec<Hit>, Vec<u32>, Option<(usize, Error)>);

/// Runs `f(region, candidate scratch, hits)` on every region and returns the table in
/// footprint order (the hits of one region in the order `f` gave them).
///
/// # Errors
/// The error of the lowest-numbered failing region, prefixed with its number.
pub(super) fn run<F>(regions: &[Prepared], f: F) -> Result<CoverageTable>
where
    F: Fn(&Prepared, &mut Vec<u32>, &mut Vec<Hit>) -> Result<()> + Sync + Send,
{
    let n = regions.len();
    let mut order: Vec<u32> = (0..n as u32).collect();
    if n > 1 {
        let keys: Vec<u32> = regions.iter().map(locality_key).collect();
        order.sort_unstable_by_key(|&i| keys[i as usize]);
    }
    let work = |ids: &[u32]| -> ChunkOut {
        let (mut hits, mut counts, mut failed) = (Vec::new(), Vec::with_capacity(ids.len()), None);
        let mut candidates = Vec::new();
        for &i in ids {
            let before = hits.len();
            if let Err(e) = f(&regions[i as usize], &mut candidates, &mut hits) {
                hits.truncate(before);
                let i = i as usize;
                if failed.as_ref().is_none_or(|(j, _)| i < *j) {
                    failed = Some((i, for_footprint(i, e)));
                }
            }
            counts.push((hits.len() - before) as u32);
        }
        (hits, counts, failed)
    };
    let threads = rayon::current_num_threads();
    let parts: Vec<ChunkOut> = if n > 1 && crate::parallel::enabled() && threads > 1 {
        let chunk = (n / (8 * threads)).clamp(8, 2048);
        order.par_chunks(chunk).map(work).collect()
    } else {
        vec![work(&order)]
    };
    let first_failure = parts
        .iter()
        .enumerate()
        .filter_map(|(k, (_, _, f))| f.as_ref().map(|(i, _)| (*i, k)))
        .min();
    if let Some((_, k)) = first_failure {
        if let Some((_, e)) = parts.into_iter().nth(k).and_then(|p| p.2) {
            return Err(e);
        }
        return Err(Error::Internal("coverage batch: lost an error".into()));
    }
    assemble(n, &order, &parts)
}

/// The hits of every chunk scattered into footprint order.
fn assemble(n: usize, order: &[u32], parts: &[ChunkOut]) -> Result<CoverageTable> {
    let mut counts = vec![0usize; n];
    let mut k = 0;
    for (_, part_counts, _) in parts {
        for &c in part_counts {
            counts[order[k] as usize] = c as usize;
            k += 1;
        }
    }
    let mut start = Vec::with_capacity(n);
    let mut total = 0usize;
    for &c in &counts {
        start.push(total);
        total += c;
    }
    let mut t = CoverageTable {
        footprint: vec![0; total],
        tract: vec![0; total],
        patch: vec![0; total],
        cell: vec![0; total],
        relation: vec![0; total],
        region_fraction: vec![0.0; total],
        target_fraction: vec![0.0; total],
    };
    let mut k = 0;
    for (hits, part_counts, _) in parts {
        let mut from = 0;
        for &c in part_counts {
            let i = order[k] as usize;
            k += 1;
            for (row, h) in (start[i]..).zip(&hits[from..from + c as usize]) {
                t.footprint[row] = i as i64;
                t.tract[row] = h.tract;
                t.patch[row] = h.patch;
                t.cell[row] = h.cell;
                t.relation[row] = h.relation as i8;
                t.region_fraction[row] = h.region_fraction;
                t.target_fraction[row] = h.target_fraction;
            }
            from += c as usize;
        }
    }
    if k != order.len() {
        return Err(Error::Internal(format!(
            "coverage batch: {k} of {} regions assembled",
            order.len()
        )));
    }
    Ok(t)
}
