//! RA/Dec-box tilings: rows of constant declination height, each cut into equal RA
//! divisions, like the Legacy Surveys (DECaLS) *bricks*.
//!
//! A tiling is fixed by its row height `h` (degrees, dividing 180) and two rules:
//!
//! * **rows**: row `i` is centred at `-90 + i*h` with edges `±h/2`, clipped to
//!   `±90`, so the first and last rows are polar caps of half height;
//! * **columns**: a row gets `n = (360/h)·cos(dec_lo)` columns rounded *up* to a
//!   multiple of `column_multiple` (2 for bricks, so there is an even number per
//!   row), where `dec_lo` is the row's edge nearest the equator (0 for a row spanning
//!   it); the polar caps are one tile each. Every tile is then at most `h` wide at its
//!   widest.
//!
//! Tile ids run row by row from the south, from `first_id` (1 for bricks: the
//! Legacy Surveys `BRICKID`); within a row, column `j` spans RA
//! `[j, j+1]·360/n`.
//!
//! # Who owns a point
//! The Legacy Surveys rule (`BRICK_PRIMARY`): the tile whose RA/Dec bounds hold the
//! point, computed with `desiutil.brick`'s own floating-point steps so that ids and
//! names are identical to it, bit for bit:
//! `row = trunc((dec + 90 + h/2) / h)` clipped to the rows, and
//! `col = trunc((ra mod 360) / 360 · n)`. A point exactly on a Dec edge belongs to the
//! row *north* of it (for row heights that are binary fractions, such as 0.25, where
//! the edges are exact); one exactly on an RA edge to the column *east* of it unless
//! the quotient `ra / 360 · n` rounds to just below the integer, in which case to the
//! west one (as in `desiutil`); either way the owner's closed box holds the point. RA
//! 360 is RA 0. The one departure from `desiutil`: an RA that `mod 360` rounds up to
//! exactly 360 (e.g. `-1e-300`) belongs to the row's last column, where `desiutil`
//! steps past the row's end to the first tile of the next row.
//!
//! The row edges, centres and RA edges are computed with `numpy.arange` and
//! `numpy.linspace`'s arithmetic, so they too are `desiutil`'s values bit for bit.

use crate::{Error, Result};
use rayon::prelude::*;
use std::sync::OnceLock;

/// How tiles are named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TileNaming {
    /// `RRRRpDDD` / `RRRRmDDD`: RA·10 (4 digits) and |Dec|·10 (3 digits) of the centre,
    /// truncated as the Legacy Surveys do.
    LegacySurvey,
    /// The tile id in decimal.
    Id,
}

impl TileNaming {
    pub fn name(&self) -> &'static str {
        match self {
            TileNaming::LegacySurvey => "legacysurvey",
            TileNaming::Id => "id",
        }
    }

    /// # Errors
    /// [`Error::InvalidConfig`] for an unknown rule.
    pub fn parse(text: &str) -> Result<TileNaming> {
        match text {
            "legacysurvey" => Ok(TileNaming::LegacySurvey),
            "id" => Ok(TileNaming::Id),
            other => Err(Error::config(format!(
                "tile naming rule {other:?} is not one of \"legacysurvey\", \"id\""
            ))),
        }
    }
}

/// One row of tiles.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TileRow {
    pub dec_min_deg: f64,
    pub dec_max_deg: f64,
    pub dec_center_deg: f64,
    /// Number of tiles (columns) in the row.
    pub num_cols: u32,
    /// Id of the row's first tile.
    pub first_id: i64,
}

/// The position and bounds of one tile.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tile {
    pub id: i64,
    pub row: u32,
    pub col: u32,
    pub ra_min_deg: f64,
    pub ra_max_deg: f64,
    pub dec_min_deg: f64,
    pub dec_max_deg: f64,
    pub ra_center_deg: f64,
    pub dec_center_deg: f64,
}

impl Tile {
    /// Whether the tile spans every RA (a polar cap).
    pub fn is_cap(&self) -> bool {
        self.ra_min_deg == 0.0 && self.ra_max_deg == 360.0
    }
}

/// A whole RA/Dec-box tiling.
#[derive(Debug, Clone)]
pub struct BoxTiling {
    height_deg: f64,
    column_multiple: u32,
    naming: TileNaming,
    rows: Vec<TileRow>,
    first_id: i64,
    num_tiles: i64,
    /// Every tile's Legacy Surveys name, made on first use when there are at most
    /// [`NAME_TABLE_MAX_TILES`] tiles (5.3 MB for the 0.25-deg bricks): names of many
    /// tiles are then a gather, not arithmetic and formatting per name.
    names: OnceLock<Vec<[u8; 8]>>,
    /// What the owner arithmetic reads per row, packed (derived from `rows`).
    owner_rows: Vec<OwnerRow>,
    /// `1 / height_deg` when that is exact (a power of two such as 0.25): dividing by
    /// the height is then the same as this multiplication, bit for bit, and cheaper.
    exact_inv_height: Option<f64>,
}

/// One row as the owner arithmetic reads it (24 bytes, so the rows stay in L1).
#[derive(Debug, Clone, Copy)]
struct OwnerRow {
    num_cols: f64,
    first_id: i64,
    last_id: i64,
}

/// Tilings are equal when their parameters are: rows follow from them, and the name
/// table is a cache.
impl PartialEq for BoxTiling {
    fn eq(&self, other: &Self) -> bool {
        self.height_deg == other.height_deg
            && self.column_multiple == other.column_multiple
            && self.naming == other.naming
            && self.first_id == other.first_id
    }
}

/// The largest tiling whose names are kept in a table (64 MB of names).
const NAME_TABLE_MAX_TILES: i64 = 1 << 23;

/// `numpy.arange(start, stop, step)` for floats: `start + i·((start + step) - start)`,
/// `ceil((stop - start) / step)` values.
fn numpy_arange(start: f64, stop: f64, step: f64) -> Vec<f64> {
    let len = ((stop - start) / step).ceil().max(0.0) as usize;
    let delta = (start + step) - start;
    (0..len).map(|i| start + i as f64 * delta).collect()
}

/// Edge `j` of `numpy.linspace(0, 360, n + 1)`: `j·(360/n)`, the last one exactly 360.
fn ra_edge(j: u32, num_cols: u32) -> f64 {
    if j == num_cols {
        360.0
    } else {
        j as f64 * (360.0 / num_cols as f64)
    }
}

/// `1 / x` when it is exact (`x` a power of two), so that `y * (1 / x) == y / x`.
fn exact_reciprocal(x: f64) -> Option<f64> {
    const MANTISSA: u64 = (1 << 52) - 1;
    let inv = 1.0 / x;
    (x.is_normal() && inv.is_normal() && x.to_bits() & MANTISSA == 0).then_some(inv)
}

/// `x mod 360` as numpy computes it for floats (result in `[0, 360]`: it can round up
/// to exactly 360 for a tiny negative `x`).
fn numpy_mod_360(x: f64) -> f64 {
    // The common case needs no `fmod` (a library call): it leaves such `x` unchanged.
    if x > 0.0 && x < 360.0 {
        return x;
    }
    let m = x % 360.0;
    if m != 0.0 && m < 0.0 {
        m + 360.0
    } else if m == 0.0 {
        0.0
    } else {
        m
    }
}

impl BoxTiling {
    /// A tiling with rows `height_deg` high.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] when the height is not finite and positive, does not
    /// divide 180 degrees, or gives more than 2^31 tiles; or when `column_multiple`
    /// is 0.
    ///
    /// # Examples
    /// ```
    /// use skymaps::tessellation::box_tiling::{BoxTiling, TileNaming};
    /// let bricks = BoxTiling::new(0.25, 2, TileNaming::LegacySurvey, 1).unwrap();
    /// assert_eq!(bricks.num_tiles(), 662174);
    /// let t = bricks.locate(352.1, 0.3).unwrap();
    /// assert_eq!((t.id, bricks.tile_name(&t)), (333216, "3521p002".to_string()));
    /// ```
    pub fn new(
        height_deg: f64,
        column_multiple: u32,
        naming: TileNaming,
        first_id: i64,
    ) -> Result<BoxTiling> {
        if !(height_deg.is_finite() && height_deg > 0.0 && height_deg <= 180.0) {
            return Err(Error::config(format!(
                "brickSize {height_deg:?} deg must be in (0, 180]"
            )));
        }
        let per_half_turn = 180.0 / height_deg;
        if (per_half_turn - per_half_turn.round()).abs() > 1e-9 * per_half_turn {
            return Err(Error::config(format!(
                "brickSize {height_deg:?} deg does not divide 180 deg \
                 (180/{height_deg:?} = {per_half_turn:?}); choose e.g. 0.25, 0.5 or 1"
            )));
        }
        if column_multiple == 0 {
            return Err(Error::config(
                "the column multiple of a tiling must be at least 1",
            ));
        }
        if 360.0 / height_deg > 1e6 {
            return Err(Error::config(format!(
                "brickSize {height_deg:?} deg gives too many tiles (at most 1e6 per row)"
            )));
        }
        let mut centers = numpy_arange(-90.0, 90.0 + height_deg / 2.0, height_deg);
        let last = centers.len() - 1;
        centers[last] = centers[last].min(90.0);
        let mut edges = numpy_arange(-90.0 - height_deg / 2.0, 90.0 + height_deg, height_deg);
        if edges.len() != centers.len() + 1 {
            return Err(Error::Internal(format!(
                "tiling of {height_deg} deg: {} row edges for {} rows",
                edges.len(),
                centers.len()
            )));
        }
        edges[0] = -90.0;
        let last_edge = edges.len() - 1;
        edges[last_edge] = 90.0;
        let north_cap = centers[last] == 90.0;
        let mut rows = Vec::with_capacity(centers.len());
        let mut next_id = first_id;
        for (i, &center) in centers.iter().enumerate() {
            let num_cols = if i == 0 || (i == last && north_cap) {
                1
            } else {
                let dec_lo = (center.abs() - height_deg / 2.0).max(0.0);
                let n = 360.0 / height_deg * (dec_lo * (std::f64::consts::PI / 180.0)).cos();
                let m = column_multiple as f64;
                ((n / m).ceil() * m) as u32
            };
            rows.push(TileRow {
                dec_min_deg: edges[i],
                dec_max_deg: edges[i + 1],
                dec_center_deg: center,
                num_cols,
                first_id: next_id,
            });
            next_id += num_cols as i64;
        }
        Ok(BoxTiling {
            height_deg,
            column_multiple,
            naming,
            first_id,
            num_tiles: next_id - first_id,
            names: OnceLock::new(),
            owner_rows: rows
                .iter()
                .map(|r| OwnerRow {
                    num_cols: r.num_cols as f64,
                    first_id: r.first_id,
                    last_id: r.first_id + r.num_cols as i64 - 1,
                })
                .collect(),
            exact_inv_height: exact_reciprocal(height_deg),
            rows,
        })
    }

    /// The name table (see [`BoxTiling::names`]), or None for naming rules without
    /// one or tilings too large for it.
    fn name_table(&self) -> Option<&[[u8; 8]]> {
        if self.naming != TileNaming::LegacySurvey || self.num_tiles > NAME_TABLE_MAX_TILES {
            return None;
        }
        let table = self.names.get_or_init(|| {
            let mut out = crate::huge_pages::vec_with_capacity(self.num_tiles as usize);
            for (row, r) in self.rows.iter().enumerate() {
                for col in 0..r.num_cols {
                    let t = self.tile_at(row as u32, col);
                    out.push(legacy_survey_name_bytes(t.ra_center_deg, t.dec_center_deg));
                }
            }
            out
        });
        Some(table)
    }

    pub fn height_deg(&self) -> f64 {
        self.height_deg
    }
    pub fn column_multiple(&self) -> u32 {
        self.column_multiple
    }
    pub fn naming(&self) -> TileNaming {
        self.naming
    }
    pub fn rows(&self) -> &[TileRow] {
        &self.rows
    }
    /// Id of the first tile (the south cap).
    pub fn first_id(&self) -> i64 {
        self.first_id
    }
    pub fn num_tiles(&self) -> i64 {
        self.num_tiles
    }

    /// The tile at `(row, col)`, unchecked beyond debug builds.
    fn tile_at(&self, row: u32, col: u32) -> Tile {
        let r = &self.rows[row as usize];
        let (ra_min, ra_max) = if r.num_cols == 1 {
            (0.0, 360.0)
        } else {
            (ra_edge(col, r.num_cols), ra_edge(col + 1, r.num_cols))
        };
        let ra_center = if r.num_cols == 1 {
            180.0
        } else {
            0.5 * (ra_min + ra_max)
        };
        Tile {
            id: r.first_id + col as i64,
            row,
            col,
            ra_min_deg: ra_min,
            ra_max_deg: ra_max,
            dec_min_deg: r.dec_min_deg,
            dec_max_deg: r.dec_max_deg,
            ra_center_deg: ra_center,
            dec_center_deg: r.dec_center_deg,
        }
    }

    /// The tile with this id.
    ///
    /// # Errors
    /// [`Error::UnknownId`] for an id outside the tiling.
    pub fn tile(&self, id: i64) -> Result<Tile> {
        if id < self.first_id || id >= self.first_id + self.num_tiles {
            return Err(Error::unknown_id(format!(
                "tile id {id} is outside [{}, {})",
                self.first_id,
                self.first_id + self.num_tiles
            )));
        }
        let row = self.rows.partition_point(|r| r.first_id <= id) - 1;
        Ok(self.tile_at(row as u32, (id - self.rows[row].first_id) as u32))
    }

    /// `(row, col)` of the tile owning `(ra, dec)` (degrees, `dec` in [-90, 90]), with
    /// `desiutil`'s arithmetic (see the module docs).
    pub fn row_col_unchecked(&self, ra_deg: f64, dec_deg: f64) -> (u32, u32) {
        let h = self.height_deg;
        let last_row = self.rows.len() - 1;
        let row = (((dec_deg + 90.0 + h / 2.0) / h) as i64).clamp(0, last_row as i64) as usize;
        let n = self.rows[row].num_cols;
        let ra = numpy_mod_360(ra_deg);
        let col = ((ra / 360.0 * n as f64) as u32).min(n - 1);
        (row as u32, col)
    }

    /// The tile owning `(ra, dec)` in degrees.
    ///
    /// # Errors
    /// [`Error::InvalidCoordinate`] for a non-finite coordinate or `|dec| > 90`.
    pub fn locate(&self, ra_deg: f64, dec_deg: f64) -> Result<Tile> {
        crate::geometry::vector::check_lonlat_deg(ra_deg, dec_deg)?;
        let (row, col) = self.row_col_unchecked(ra_deg, dec_deg);
        Ok(self.tile_at(row, col))
    }

    /// The id of the tile owning `(ra, dec)`; the caller has checked the coordinates.
    #[inline]
    pub fn locate_id_unchecked(&self, ra_deg: f64, dec_deg: f64) -> i64 {
        match self.exact_inv_height {
            Some(inv) => self.owner_id(ra_deg, dec_deg, |x| x * inv),
            None => self.owner_id(ra_deg, dec_deg, |x| x / self.height_deg),
        }
    }

    /// [`BoxTiling::locate_id_unchecked`] of many points (checked by the caller) into
    /// `out` (as long as the inputs), with the choice of division made once.
    pub fn locate_ids_unchecked(&self, ra_deg: &[f64], dec_deg: &[f64], out: &mut [i64]) {
        let points = ra_deg.iter().zip(dec_deg);
        match self.exact_inv_height {
            Some(inv) => {
                for (slot, (&ra, &dec)) in out.iter_mut().zip(points) {
                    *slot = self.owner_id(ra, dec, |x| x * inv);
                }
            }
            None => {
                for (slot, (&ra, &dec)) in out.iter_mut().zip(points) {
                    *slot = self.owner_id(ra, dec, |x| x / self.height_deg);
                }
            }
        }
    }

    /// [`BoxTiling::row_col_unchecked`]'s steps as an id, reading only the packed rows;
    /// `per_height(x)` is `x / height_deg`.
    #[inline(always)]
    fn owner_id(&self, ra_deg: f64, dec_deg: f64, per_height: impl Fn(f64) -> f64) -> i64 {
        let last_row = self.owner_rows.len() as i64 - 1;
        let q = per_height(dec_deg + 90.0 + self.height_deg / 2.0);
        let r = &self.owner_rows[(q as i64).clamp(0, last_row) as usize];
        let col = (numpy_mod_360(ra_deg) / 360.0 * r.num_cols) as i64;
        (r.first_id + col).min(r.last_id)
    }

    /// The Legacy Surveys `BRICKQ` of a tile: `(col mod 2) + 2·(row mod 2)`, and 1
    /// for the south cap (as `desiutil` has it).
    pub fn tile_q(&self, tile: &Tile) -> u8 {
        if tile.row == 0 {
            1
        } else {
            ((tile.col % 2) + 2 * (tile.row % 2)) as u8
        }
    }

    /// The tile's name under the tiling's naming rule.
    pub fn tile_name(&self, tile: &Tile) -> String {
        match self.naming {
            TileNaming::Id => tile.id.to_string(),
            TileNaming::LegacySurvey => legacy_survey_name(tile.ra_center_deg, tile.dec_center_deg),
        }
    }

    /// The id of the tile with this name.
    ///
    /// # Errors
    /// [`Error::UnknownId`] when no tile has this name.
    pub fn id_of_name(&self, name: &str) -> Result<i64> {
        let unknown = || {
            Error::unknown_id(format!(
                "{name:?} is not the name of a tile of this {}-deg tiling",
                self.height_deg
            ))
        };
        match self.naming {
            TileNaming::Id => {
                let id: i64 = name.parse().map_err(|_| unknown())?;
                self.tile(id).map(|t| t.id).map_err(|_| unknown())
            }
            TileNaming::LegacySurvey => {
                let (ra_tenths, dec_tenths, north) =
                    parse_legacy_survey_name(name).ok_or_else(unknown)?;
                // The name truncates the centre to 0.1 deg, so the centre lies within
                // [value, value + 0.1) (mirrored for 'm'): look at the rows whose centre
                // can be there and the columns around the truncated RA.
                let (lo, hi) = (dec_tenths as f64 / 10.0, (dec_tenths + 1) as f64 / 10.0);
                let (lo, hi) = if north { (lo, hi) } else { (-hi, -lo) };
                let h = self.height_deg;
                let first_row = (((lo + 90.0) / h).floor() as i64 - 1).max(0) as usize;
                let last_row = ((((hi + 90.0) / h).ceil() as i64) + 1)
                    .clamp(0, self.rows.len() as i64 - 1) as usize;
                for row in first_row..=last_row {
                    let n = self.rows[row].num_cols as i64;
                    let guess = (ra_tenths as f64 / 10.0 / 360.0 * n as f64) as i64;
                    for col in (guess - 2).max(0)..(guess + 3).min(n) {
                        let t = self.tile_at(row as u32, col as u32);
                        if self.tile_name(&t) == name {
                            return Ok(t.id);
                        }
                    }
                }
                Err(unknown())
            }
        }
    }
}

/// `RRRRpDDD`: the first four digits of `round(ra·10^4)` written with 7 digits and the
/// first three of `round(|dec|·10^4)` written with 6 digits (Python's `%07.0f`
/// rounding: the product's exact value, ties to even), `p` for `dec >= 0`.
pub fn legacy_survey_name(ra_center_deg: f64, dec_center_deg: f64) -> String {
    String::from_utf8_lossy(&legacy_survey_name_bytes(ra_center_deg, dec_center_deg)).into_owned()
}

/// [`legacy_survey_name`] as 8 ASCII bytes, by digit arithmetic (no formatting).
pub fn legacy_survey_name_bytes(ra_center_deg: f64, dec_center_deg: f64) -> [u8; 8] {
    // Centres are in [0, 360) and [-90, 90]: 7 and 6 digits at most.
    let ra = (ra_center_deg * 10000.0).round_ties_even() as u64 / 1000;
    let dec = (dec_center_deg.abs() * 10000.0).round_ties_even() as u64 / 1000;
    // Constant divisors: the compiler turns each into a multiplication.
    let d = |v: u64| b'0' + (v % 10) as u8;
    [
        d(ra / 1000),
        d(ra / 100),
        d(ra / 10),
        d(ra),
        if dec_center_deg >= 0.0 { b'p' } else { b'm' },
        d(dec / 100),
        d(dec / 10),
        d(dec),
    ]
}

/// `(ra·10, |dec|·10, north)` of a well-formed `RRRRpDDD` name.
fn parse_legacy_survey_name(name: &str) -> Option<(u32, u32, bool)> {
    let b = name.as_bytes();
    if b.len() != 8 || !(b[4] == b'p' || b[4] == b'm') {
        return None;
    }
    let digits = |s: &[u8]| -> Option<u32> {
        s.iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + (c - b'0') as u32)
        })
    };
    Some((digits(&b[..4])?, digits(&b[5..])?, b[4] == b'p'))
}

/// Per-tile columns of a tiling, as `desiutil.brick.Bricks.to_table()` has them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TileColumns {
    pub row: Vec<i64>,
    pub col: Vec<i64>,
    pub q: Vec<i64>,
    pub ra: Vec<f64>,
    pub dec: Vec<f64>,
    pub ra1: Vec<f64>,
    pub ra2: Vec<f64>,
    pub dec1: Vec<f64>,
    pub dec2: Vec<f64>,
    /// Area in square degrees: `ΔRA · Δ(sin Dec) · 180/π`.
    pub area: Vec<f64>,
}

impl BoxTiling {
    /// The width of every tile name (numpy's `U<width>`): 8 for Legacy Surveys names,
    /// the digits of the largest id for id names.
    pub fn name_width(&self) -> usize {
        match self.naming {
            TileNaming::LegacySurvey => 8,
            TileNaming::Id => (self.first_id + self.num_tiles).to_string().len(),
        }
    }

    /// The names of many tiles as fixed-width UCS-4 code points
    /// ([`BoxTiling::name_width`] per name, padded with 0 like numpy's `U` dtype), ready
    /// to be viewed as a numpy string array without conversion.
    ///
    /// # Errors
    /// [`Error::UnknownId`] naming the first id that is not a tile's.
    pub fn names_of(&self, ids: &[i64]) -> Result<(Vec<u32>, usize)> {
        let width = self.name_width();
        let mut out = vec![0u32; ids.len() * width];
        self.write_names(ids, &mut out)?;
        Ok((out, width))
    }

    /// [`BoxTiling::names_of`] written into `out` (`ids.len() * name_width()` code
    /// points, zeroed by the caller), so that the caller can hand over memory of its
    /// own (a numpy array).
    ///
    /// # Errors
    /// [`Error::UnknownId`] naming the first id that is not a tile's;
    /// [`Error::ShapeMismatch`] for an `out` of the wrong length.
    pub fn write_names(&self, ids: &[i64], out: &mut [u32]) -> Result<()> {
        let width = self.name_width();
        if out.len() != ids.len() * width {
            return Err(Error::shape(format!(
                "{} code points for {} names of width {width}",
                out.len(),
                ids.len()
            )));
        }
        if let Some(&bad) = ids.iter().find(|&&id| !self.ids().contains(&id)) {
            self.tile(bad)?;
        }
        let table = self.name_table();
        let widen = |bytes: &[u8], slot: &mut [u32]| {
            for (dst, &b) in slot.iter_mut().zip(bytes) {
                *dst = u32::from(b);
            }
        };
        // Names from the table where there is one (the common case: a gather and a
        // widening per name, which vectorizes), else made one by one.
        let fill = |(names, ids): (&mut [u32], &[i64])| {
            for (slot, &id) in names.chunks_exact_mut(width).zip(ids) {
                match table {
                    Some(names) => widen(&names[(id - self.first_id) as usize], slot),
                    // Ids were checked above, so `tile` succeeds.
                    None => {
                        if let Ok(t) = self.tile(id) {
                            widen(self.tile_name(&t).as_bytes(), slot);
                        }
                    }
                }
            }
        };
        let chunk = crate::parallel::CHUNK;
        if crate::parallel::should_parallelize(ids.len()) {
            out.par_chunks_mut(chunk * width)
                .zip(ids.par_chunks(chunk))
                .for_each(fill);
        } else {
            out.chunks_mut(chunk * width)
                .zip(ids.chunks(chunk))
                .for_each(fill);
        }
        Ok(())
    }

    /// The ids of many tile names given as fixed-width ASCII (`width` bytes each,
    /// trailing NULs ignored).
    ///
    /// # Errors
    /// [`Error::UnknownId`] naming the first name that is not a tile's.
    pub fn ids_of_names(&self, names: &[u8], width: usize) -> Result<Vec<i64>> {
        if width == 0 {
            return Ok(Vec::new());
        }
        let chunks: Vec<&[u8]> = names.chunks(width).collect();
        crate::parallel::map_items(&chunks, |raw| {
            let end = raw.iter().position(|&b| b == 0).unwrap_or(raw.len());
            let name = std::str::from_utf8(&raw[..end]).map_err(|_| {
                Error::unknown_id(format!(
                    "{:?} is not a tile name",
                    String::from_utf8_lossy(raw)
                ))
            })?;
            self.id_of_name(name)
        })
        .into_iter()
        .collect()
    }

    /// The table columns of many tiles.
    ///
    /// # Errors
    /// [`Error::UnknownId`] naming the first id that is not a tile's.
    pub fn columns_of(&self, ids: &[i64]) -> Result<TileColumns> {
        let tiles = ids
            .iter()
            .map(|&id| self.tile(id))
            .collect::<Result<Vec<_>>>()?;
        let rad = std::f64::consts::PI / 180.0;
        let deg = 180.0 / std::f64::consts::PI;
        let mut c = TileColumns::default();
        for t in &tiles {
            c.row.push(t.row as i64);
            c.col.push(t.col as i64);
            c.q.push(self.tile_q(t) as i64);
            c.ra.push(t.ra_center_deg);
            c.dec.push(t.dec_center_deg);
            c.ra1.push(t.ra_min_deg);
            c.ra2.push(t.ra_max_deg);
            c.dec1.push(t.dec_min_deg);
            c.dec2.push(t.dec_max_deg);
            let dec_factor = (t.dec_max_deg * rad).sin() * deg - (t.dec_min_deg * rad).sin() * deg;
            c.area.push((t.ra_max_deg - t.ra_min_deg) * dec_factor);
        }
        Ok(c)
    }

    /// Every tile whose centre lies within `reach_deg` of `(ra, dec)` (degrees, valid),
    /// and possibly a few more: the candidates for "which tiles' regions may hold this
    /// point" when no tile region reaches farther than `reach_deg` from its centre.
    pub fn tiles_near(&self, ra_deg: f64, dec_deg: f64, reach_deg: f64) -> Vec<i64> {
        let mut out = Vec::new();
        let (lo, hi) = (dec_deg - reach_deg, dec_deg + reach_deg);
        let nearest_pole = dec_deg.abs() + reach_deg;
        // A centre within `reach` of the point differs from it in RA by at most
        // asin(sin(reach) / cos(dec)) over every Dec the centre can have.
        let ra_reach = if nearest_pole >= 90.0 {
            f64::INFINITY
        } else {
            let s = reach_deg.to_radians().sin() / nearest_pole.to_radians().cos();
            if s >= 1.0 {
                f64::INFINITY
            } else {
                s.asin().to_degrees() * (1.0 + 1e-9) + 1e-9
            }
        };
        let ra = numpy_mod_360(ra_deg);
        for r in &self.rows {
            if r.dec_center_deg < lo || r.dec_center_deg > hi {
                continue;
            }
            let n = r.num_cols as i64;
            let width = 360.0 / n as f64;
            if !ra_reach.is_finite() || 2.0 * ra_reach + 2.0 * width >= 360.0 {
                out.extend(r.first_id..r.first_id + n);
                continue;
            }
            // Column j has its centre at (j + 0.5) * width.
            let first = ((ra - ra_reach) / width - 0.5).floor() as i64 - 1;
            let last = ((ra + ra_reach) / width - 0.5).ceil() as i64 + 1;
            out.extend((first..=last).map(|j| r.first_id + j.rem_euclid(n)));
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Every tile id, in order.
    pub fn ids(&self) -> std::ops::Range<i64> {
        self.first_id..self.first_id + self.num_tiles
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn legacy_survey_counts() {
        let b = BoxTiling::new(0.25, 2, TileNaming::LegacySurvey, 1).unwrap();
        assert_eq!(b.rows().len(), 721);
        assert_eq!(b.num_tiles(), 662174);
        assert_eq!(b.rows()[0].num_cols, 1);
        assert_eq!(b.rows()[720].num_cols, 1);
        assert!(b.rows()[1..720].iter().all(|r| r.num_cols % 2 == 0));
    }

    #[test]
    fn names_round_trip() {
        let b = BoxTiling::new(0.25, 2, TileNaming::LegacySurvey, 1).unwrap();
        for id in (1..=b.num_tiles())
            .step_by(997)
            .chain([1, 2, b.num_tiles()])
        {
            let t = b.tile(id).unwrap();
            assert_eq!(b.id_of_name(&b.tile_name(&t)).unwrap(), id);
        }
        assert!(b.id_of_name("0000p000x").is_err());
        assert!(b.id_of_name("9999p999").is_err());
    }

    #[test]
    fn name_table_equals_computed_names() {
        let b = BoxTiling::new(0.25, 2, TileNaming::LegacySurvey, 1).unwrap();
        let ids: Vec<i64> = b.ids().collect();
        let (codes, width) = b.names_of(&ids).unwrap();
        assert!(b.names.get().is_some(), "the table was used");
        for (id, name) in ids.iter().zip(codes.chunks(width)).step_by(101) {
            let text: String = name.iter().map(|&c| char::from_u32(c).unwrap()).collect();
            assert_eq!(text, b.tile_name(&b.tile(*id).unwrap()));
        }
    }

    /// The packed-row loop gives `row_col_unchecked`'s tiles, with the exact reciprocal
    /// (power-of-two heights) and with the division (other heights), on random points,
    /// row and column edges, RA outside [0, 360) and the poles.
    #[test]
    fn batched_ids_equal_row_col() {
        let mut uniform = crate::test_random::uniform(11u64);
        for height in [0.25, 0.3, 1.0, 3.0] {
            let b = BoxTiling::new(height, 2, TileNaming::LegacySurvey, 1).unwrap();
            assert_eq!(
                b.exact_inv_height.is_some(),
                height == 0.25 || height == 1.0
            );
            let (mut ra, mut dec) = (Vec::new(), Vec::new());
            for _ in 0..20_000 {
                ra.push(1080.0 * uniform() - 360.0);
                dec.push((2.0 * uniform() - 1.0).asin().to_degrees());
            }
            for r in b.rows() {
                for j in [0, 1, r.num_cols / 2, r.num_cols - 1, r.num_cols] {
                    ra.push(ra_edge(j, r.num_cols));
                    dec.push(r.dec_min_deg);
                }
            }
            ra.extend([0.0, 360.0, -1e-300, 720.0, 180.0, 180.0]);
            dec.extend([0.0, 0.0, 0.0, 45.0, 90.0, -90.0]);
            let mut ids = vec![0; ra.len()];
            b.locate_ids_unchecked(&ra, &dec, &mut ids);
            for ((&a, &d), &id) in ra.iter().zip(&dec).zip(&ids) {
                let (row, col) = b.row_col_unchecked(a, d);
                let expected = b.rows()[row as usize].first_id + col as i64;
                assert_eq!(id, expected, "height {height} at ({a}, {d})");
                assert_eq!(b.locate_id_unchecked(a, d), expected);
            }
        }
    }

    #[test]
    fn exact_reciprocals_only_for_powers_of_two() {
        assert_eq!(exact_reciprocal(0.25), Some(4.0));
        assert_eq!(exact_reciprocal(2.0), Some(0.5));
        for x in [0.3, 3.0, 0.1, f64::INFINITY, 0.0, f64::MIN_POSITIVE / 4.0] {
            assert_eq!(exact_reciprocal(x), None, "{x}");
        }
    }

    #[test]
    fn names_of_id_tilings_and_bad_ids() {
        let b = BoxTiling::new(1.0, 2, TileNaming::Id, 1).unwrap();
        let (codes, width) = b.names_of(&[1, 12, b.num_tiles()]).unwrap();
        assert_eq!(width, b.num_tiles().to_string().len());
        let text: String = codes.iter().map(|&c| char::from_u32(c).unwrap()).collect();
        let pad = |s: &str| format!("{s:\0<width$}");
        assert_eq!(text, pad("1") + &pad("12") + &b.num_tiles().to_string());
        assert!(b.names_of(&[1, 0]).is_err());
        assert!(b.write_names(&[1], &mut [0; 3]).is_err());
    }

    #[test]
    fn bad_sizes() {
        for bad in [0.0, -1.0, f64::NAN, 0.7, 200.0] {
            assert!(BoxTiling::new(bad, 2, TileNaming::Id, 1).is_err(), "{bad}");
        }
    }

    #[test]
    fn edges_owned_north_and_east() {
        let b = BoxTiling::new(0.25, 2, TileNaming::LegacySurvey, 1).unwrap();
        let t = b.locate(10.0, 0.125).unwrap();
        assert_eq!(t.dec_min_deg, 0.125);
        assert_eq!(b.locate(360.0, 0.2).unwrap().col, 0);
        assert_eq!(
            b.locate(-1e-20, 0.2).unwrap().col,
            b.rows()[361].num_cols - 1
        );
    }
}
