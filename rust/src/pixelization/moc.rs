//! IVOA MOC 2.0 (Multi-Order Coverage maps) for HEALPix nested range sets.
//!
//! A MOC describes a set of nested HEALPix pixels at a maximum depth as the
//! smallest list of cells of mixed orders: four sibling cells are replaced by their
//! parent. Each cell (order `o`, pixel `i`) can be packed into one integer, its
//! NUNIQ code `4 * 4^o + i`, which is how MOC FITS files store them. The ASCII
//! serialization (IVOA MOC 2.0, section 4.3.2) lists `order/` then the pixel ids of
//! that order, with runs written `first-last`: `"3/1-3 5 4/100"`.

use crate::rangeset::RangeSet;
use crate::{Error, Result};

/// The deepest MOC order for space (HEALPix order 29).
pub const MAX_DEPTH: u8 = 29;

fn check_depth(depth: i64) -> Result<u8> {
    if !(0..=MAX_DEPTH as i64).contains(&depth) {
        return Err(Error::coordinate(format!(
            "MOC depth {depth} is out of range; expected 0..={MAX_DEPTH}"
        )));
    }
    Ok(depth as u8)
}

fn check_ranges(ranges: &RangeSet, depth: u8) -> Result<()> {
    let npix = 12u64 << (2 * depth);
    if let Some(&(_, e)) = ranges.ranges().last() {
        if e == 0 || e > npix {
            return Err(Error::unknown_id(format!(
                "the pixel ranges reach {} but a depth-{depth} HEALPix map has only {npix} pixels",
                if e == 0 { u128::MAX } else { e as u128 }
            )));
        }
    }
    Ok(())
}

/// The cells `(order, pixel)` of the MOC of `ranges` (nested pixels at `depth`), sorted
/// by order then pixel.
///
/// # Errors
/// [`Error::InvalidCoordinate`] for a depth outside 0..=29, [`Error::UnknownId`] for
/// ranges beyond the last pixel.
///
/// # Examples
/// ```
/// use skymaps::pixelization::moc::cells;
/// use skymaps::rangeset::RangeSet;
/// let r = RangeSet::from_ranges(&[(4, 9)]).unwrap(); // pixels 4..=8 at depth 1
/// assert_eq!(cells(&r, 1).unwrap(), vec![(0, 1), (1, 8)]);
/// ```
pub fn cells(ranges: &RangeSet, depth: i64) -> Result<Vec<(u8, u64)>> {
    let depth = check_depth(depth)?;
    check_ranges(ranges, depth)?;
    let mut out = Vec::new();
    for &(mut b, e) in ranges.ranges() {
        while b < e {
            // The largest aligned block starting at b that fits in [b, e).
            let mut k = ((b.trailing_zeros() / 2) as u8).min(depth);
            while k > 0 && b + (1u64 << (2 * k)) > e {
                k -= 1;
            }
            out.push((depth - k, b >> (2 * k)));
            b += 1u64 << (2 * k);
        }
    }
    out.sort_unstable();
    Ok(out)
}

/// NUNIQ codes (`4 * 4^order + pixel`) of the MOC cells, sorted by order then pixel.
///
/// # Errors
/// As [`cells`].
pub fn to_uniq(ranges: &RangeSet, depth: i64) -> Result<Vec<u64>> {
    Ok(cells(ranges, depth)?
        .into_iter()
        .map(|(o, p)| (4u64 << (2 * o)) + p)
        .collect())
}

/// The pixels at `depth` covered by MOC cells given as NUNIQ codes. Cells deeper
/// than `depth` are widened to their ancestor at `depth` (the result covers the MOC).
///
/// # Errors
/// [`Error::Decode`] for a value that is not a NUNIQ code of order 0..=29;
/// [`Error::InvalidCoordinate`] for a bad depth.
pub fn from_uniq(uniq: &[u64], depth: i64) -> Result<RangeSet> {
    let depth = check_depth(depth)?;
    let mut ranges = Vec::with_capacity(uniq.len());
    for &u in uniq {
        if u < 4 {
            return Err(Error::decode(format!(
                "{u} is not a NUNIQ code (must be >= 4)"
            )));
        }
        let order = (63 - u.leading_zeros()) / 2 - 1;
        if order > MAX_DEPTH as u32 {
            return Err(Error::decode(format!("NUNIQ {u} has order {order} > 29")));
        }
        let pix = u - (4u64 << (2 * order));
        if pix >= 12u64 << (2 * order) {
            return Err(Error::decode(format!("{u} is not a NUNIQ code")));
        }
        ranges.push(cell_range(order as u8, pix, depth));
    }
    RangeSet::from_ranges(&ranges)
}

fn cell_range(order: u8, pix: u64, depth: u8) -> (u64, u64) {
    if order <= depth {
        let s = 2 * (depth - order);
        (pix << s, (pix + 1) << s)
    } else {
        let s = 2 * (order - depth);
        (pix >> s, (pix >> s) + 1)
    }
}

/// The IVOA MOC 2.0 ASCII string, e.g. `"0/1 1/8"`. The maximum depth is written as a
/// trailing `"depth/"` when no cell has that order (as the standard recommends).
///
/// # Errors
/// As [`cells`].
pub fn to_ascii(ranges: &RangeSet, depth: i64) -> Result<String> {
    let cs = cells(ranges, depth)?;
    let mut out = String::new();
    let mut i = 0;
    while i < cs.len() {
        let order = cs[i].0;
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&format!("{order}/"));
        let mut first = true;
        while i < cs.len() && cs[i].0 == order {
            let start = cs[i].1;
            let mut end = start;
            while i + 1 < cs.len() && cs[i + 1].0 == order && cs[i + 1].1 == end + 1 {
                end += 1;
                i += 1;
            }
            i += 1;
            if !first {
                out.push(' ');
            }
            first = false;
            if end > start {
                out.push_str(&format!("{start}-{end}"));
            } else {
                out.push_str(&format!("{start}"));
            }
        }
    }
    let max_order = cs.last().map(|c| c.0);
    if max_order != Some(depth as u8) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&format!("{depth}/"));
    }
    Ok(out)
}

/// Parses an IVOA MOC 2.0 ASCII string (`"3/1-3 5 4/100"`, commas also accepted as
/// separators; an optional `s` prefix is accepted). Returns the pixels at `depth`,
/// or at the deepest order written when `depth` is `None`, and that depth.
///
/// # Errors
/// [`Error::Decode`] for anything that is not a MOC string, naming the bad token.
pub fn from_ascii(text: &str, depth: Option<i64>) -> Result<(RangeSet, u8)> {
    let text = text.trim();
    let text = text.strip_prefix('s').unwrap_or(text);
    let bad = |tok: &str, why: &str| Error::decode(format!("bad MOC ASCII token {tok:?}: {why}"));
    let mut cells: Vec<(u8, u64, u64)> = Vec::new();
    let mut order: Option<u8> = None;
    let mut max_order = 0u8;
    for tok in text.split(|c: char| c.is_whitespace() || c == ',') {
        if tok.is_empty() {
            continue;
        }
        let rest = if let Some((o, rest)) = tok.split_once('/') {
            let o: u8 = o.parse().map_err(|_| bad(tok, "order is not an integer"))?;
            if o > MAX_DEPTH {
                return Err(bad(tok, "order > 29"));
            }
            order = Some(o);
            max_order = max_order.max(o);
            rest
        } else {
            tok
        };
        if rest.is_empty() {
            continue;
        }
        let o = order.ok_or_else(|| bad(tok, "a pixel before any 'order/'"))?;
        let npix = 12u64 << (2 * o);
        let (a, b) = match rest.split_once('-') {
            Some((a, b)) => (a, b),
            None => (rest, rest),
        };
        let a: u64 = a.parse().map_err(|_| bad(tok, "not a pixel number"))?;
        let b: u64 = b.parse().map_err(|_| bad(tok, "not a pixel number"))?;
        if a > b || b >= npix {
            return Err(bad(tok, &format!("pixels must be increasing and < {npix}")));
        }
        cells.push((o, a, b));
    }
    let d = match depth {
        Some(d) => check_depth(d)?,
        None => max_order,
    };
    let mut ranges = Vec::with_capacity(cells.len());
    for (o, a, b) in cells {
        let (lo, _) = cell_range(o, a, d);
        let (_, hi) = cell_range(o, b, d);
        ranges.push((lo, hi));
    }
    Ok((RangeSet::from_ranges(&ranges)?, d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_roundtrip() {
        let r = RangeSet::from_ranges(&[(4, 9), (20, 22)]).unwrap();
        let s = to_ascii(&r, 1).unwrap();
        assert_eq!(s, "0/1 1/8 20-21");
        let (back, d) = from_ascii(&s, None).unwrap();
        assert_eq!((back, d), (r, 1));
        assert!(from_ascii("1/3-2", None).is_err());
        assert!(from_ascii("x/3", None).is_err());
        assert!(from_ascii("5", None).is_err());
    }

    #[test]
    fn uniq_roundtrip() {
        let r = RangeSet::from_ranges(&[(0, 48)]).unwrap();
        let u = to_uniq(&r, 1).unwrap();
        assert_eq!(u, (4..16).collect::<Vec<_>>());
        assert_eq!(from_uniq(&u, 1).unwrap(), r);
    }
}
