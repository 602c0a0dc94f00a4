//! Coverage: which tracts, patches and cells a region touches, and how.
//!
//! For a region (convex polygon, circle, box, union, intersection of polygons) and a
//! skymap, [`overlapping`] returns every tract, patch or cell whose **outer** polygon
//! (the region the butler stores for it: the whole pixel box through the tract WCS;
//! for patches the inner box grown by the border, clipped to the tract for the legacy
//! builder; for cells the inner box grown by the cell border) shares a point with the
//! region, with the relation *from the region's side* (sphgeom's `region.relate(x)`):
//! [`Relation::Contains`] (the region contains the tract/patch/cell),
//! [`Relation::Within`] (the region lies inside it) or [`Relation::Partial`].
//!
//! Three steps, each exact or a provable superset:
//! 1. **Candidate tracts** from the skymap's layout ([`index`]): ring arithmetic for
//!    rings skymaps, a latitude-band index for the others; never a scan of every tract.
//! 2. **Tract relation**: the exact polygon test against the tract's outer polygon
//!    (see [`prepared`] for which region types are exact and to what precision).
//! 3. **Candidate patches** of an overlapping tract: for TAN tracts the region's pixel
//!    bounding box (great circles are straight lines in TAN, so the projected
//!    vertices bound a polygon in front of the tangent point; circles and boxes via a
//!    circumscribed octagon), padded by 2 pixels; otherwise, or when the region
//!    reaches 84 degrees or more from the tract centre, every patch of the tract. Each
//!    candidate is then related exactly, and cells likewise within overlapping patches.
//!    For a convex polygon in a TAN tract the relation to the tract and patch boxes is
//!    first decided in pixels ([`pixel_frame`]) where that is certain; the spherical
//!    test runs only for the close calls, so answers are the same, only sooner.
//!
//! Overlap fractions (optional) come from the exact intersection of two convex
//! polygons ([`clip`]): `region_fraction = area(R ∩ X) / area(R)` and
//! `target_fraction = area(R ∩ X) / area(X)`.
//!
//! [`overlapping_batch`] runs many regions in parallel (chunks of regions taken in
//! sky order, see `batch`) and returns one long table in footprint order; an error
//! names the footprint it came from, and no footprint is ever dropped.

mod batch;
pub mod boxes;
pub mod clip;
pub mod index;
pub mod pixel_frame;
pub mod prepared;

pub use index::TractIndex;
pub use prepared::Prepared;

use crate::geometry::{orientation, Region, Relationship, UnitVector3d};
use crate::tessellation::{PixelBox, SkyMap, Tract};
use crate::{Error, Result};
use clip::loop_area;
use pixel_frame::PixelPolygon;

/// Which level of the hierarchy to report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Tract,
    Patch,
    Cell,
}

impl Level {
    /// Parses "tract", "patch" or "cell".
    ///
    /// # Errors
    /// [`Error::InvalidCoordinate`] for any other name.
    pub fn from_name(name: &str) -> Result<Level> {
        match name {
            "tract" => Ok(Level::Tract),
            "patch" => Ok(Level::Patch),
            "cell" => Ok(Level::Cell),
            other => Err(Error::coordinate(format!(
                "coverage level must be 'tract', 'patch' or 'cell', got {other:?}"
            ))),
        }
    }
}

/// How a region relates to an overlapping tract, patch or cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Relation {
    /// They overlap, and neither is known to contain the other.
    Partial = 0,
    /// The region contains the tract/patch/cell.
    Contains = 1,
    /// The region lies inside the tract/patch/cell.
    Within = 2,
}

impl Relation {
    /// From a non-disjoint sphgeom relationship (CONTAINS wins over WITHIN when both
    /// hold, i.e. for equal regions).
    fn from_relationship(r: Relationship) -> Relation {
        if r.contains(Relationship::CONTAINS) {
            Relation::Contains
        } else if r.contains(Relationship::WITHIN) {
            Relation::Within
        } else {
            Relation::Partial
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Relation::Partial => "partial",
            Relation::Contains => "contains",
            Relation::Within => "within",
        }
    }
}

/// One overlapping tract, patch or cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    pub tract: i64,
    /// Patch id (`nx * y + x`), -1 at tract level.
    pub patch: i64,
    /// Cell id in the patch's grid, -1 above cell level.
    pub cell: i64,
    pub relation: Relation,
    /// `area(region ∩ target) / area(region)`; NaN unless fractions were asked for.
    pub region_fraction: f64,
    /// `area(region ∩ target) / area(target)`; NaN unless fractions were asked for.
    pub target_fraction: f64,
}

/// The coverage of many footprints as columns, one row per (footprint, hit).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CoverageTable {
    /// Footprint index (int64, the id dtype of the Python side).
    pub footprint: Vec<i64>,
    pub tract: Vec<i64>,
    pub patch: Vec<i64>,
    pub cell: Vec<i64>,
    /// [`Relation`] codes (int8: Arrow's dictionary index type).
    pub relation: Vec<i8>,
    pub region_fraction: Vec<f64>,
    pub target_fraction: Vec<f64>,
}

impl CoverageTable {
    /// Appends one row.
    pub fn push(&mut self, footprint: i64, h: &Hit) {
        self.footprint.push(footprint);
        self.tract.push(h.tract);
        self.patch.push(h.patch);
        self.cell.push(h.cell);
        self.relation.push(h.relation as i8);
        self.region_fraction.push(h.region_fraction);
        self.target_fraction.push(h.target_fraction);
    }
}

/// Every tract/patch/cell of `sky` overlapping `region`, sorted by (tract, patch, cell).
///
/// # Errors
/// [`Error::InvalidRegion`] for fractions of a non-polygon region or an unsupported
/// intersection; [`Error::InvalidConfig`] for `Level::Cell` on a skymap without cells.
///
/// # Examples
/// ```
/// use skymaps::geometry::{Circle, Region, UnitVector3d};
/// use skymaps::lookup::coverage::{overlapping, Level, Prepared, TractIndex};
/// use skymaps::tessellation::SkyMap;
/// let sky = SkyMap::from_json(r#"{"skymap_class": "rings", "version": 1,
///   "projection": "TAN", "pixelScale": 0.168, "tractOverlap": 0.016666666666666666,
///   "rotation": 0.0, "tractBuilder": {"name": "legacy",
///   "patchInnerDimensions": [4000, 4000], "patchBorder": 100},
///   "numRings": 120, "raStart": 0.0}"#)?;
/// let index = TractIndex::new(&sky);
/// let centre = UnitVector3d::from_lonlat_deg(150.0, 2.0)?;
/// let region = Prepared::new(&Region::from(Circle::new(centre, 0.001)?))?;
/// let hits = overlapping(&sky, &index, &region, Level::Tract, false)?;
/// assert!(hits.iter().any(|h| h.tract == 9813));
/// # Ok::<(), skymaps::Error>(())
/// ```
pub fn overlapping(
    sky: &SkyMap,
    index: &TractIndex,
    region: &Prepared,
    level: Level,
    fractions: bool,
) -> Result<Vec<Hit>> {
    let mut hits = Vec::new();
    overlapping_into(
        sky,
        index,
        region,
        level,
        fractions,
        &mut Vec::new(),
        &mut hits,
    )?;
    Ok(hits)
}

/// [`overlapping`], appending to `hits` and reusing `candidates` as scratch space (no
/// allocation per region in batches).
///
/// # Errors
/// As [`overlapping`].
pub fn overlapping_into(
    sky: &SkyMap,
    index: &TractIndex,
    region: &Prepared,
    level: Level,
    fractions: bool,
    candidates: &mut Vec<u32>,
    hits: &mut Vec<Hit>,
) -> Result<()> {
    if level == Level::Cell
        && sky
            .tracts()
            .first()
            .is_some_and(|t| t.patch_unchecked([0, 0]).num_cells[0] == 0)
    {
        return Err(Error::config(
            "coverage at cell level needs a skymap built with the cells tract builder",
        ));
    }
    // Candidates are indices into `sky.tracts()`; ids may start above 0 (bricks, HTM).
    index.candidates_into(&region.bounding_box(), candidates);
    for &t in candidates.iter() {
        let tract = &sky.tracts()[t as usize];
        // A polygon's picture in the tract's pixel frame decides most relations.
        let picture = match region {
            Prepared::Polygon(p) => {
                PixelPolygon::new(tract, index.tangent(t as usize), p.vertices())
            }
            _ => None,
        };
        let in_pixels = picture
            .as_ref()
            .filter(|_| index.outer_is_box(t as usize))
            .and_then(|pic| pic.relate_box(&tract.bbox()));
        let t = tract.id();
        let rel = match (in_pixels, tract.outer_region()) {
            (Some(rel), _) => rel,
            (None, Region::ConvexPolygon(p)) => region.relate(p.vertices()),
            (None, Region::LonLatBox(b)) => region.relate_box(b),
            (None, other) => {
                return Err(Error::Internal(format!(
                    "tract {t}: unexpected outer region type {}",
                    other.type_name()
                )))
            }
        };
        if rel.is_disjoint() {
            continue;
        }
        if level == Level::Tract {
            let Some(outer) = tract.outer_polygon() else {
                if fractions {
                    return Err(Error::region(format!(
                        "overlap fractions of tract {t}: its outer region is a lon/lat box \
                         (a tract wider than a hemisphere); ask for patches instead"
                    )));
                }
                hits.push(hit(region, &[], rel, t as i64, -1, -1, false)?);
                continue;
            };
            hits.push(hit(
                region,
                outer.vertices(),
                rel,
                t as i64,
                -1,
                -1,
                fractions,
            )?);
        } else {
            patch_hits(tract, region, picture.as_ref(), level, fractions, hits)?;
        }
    }
    Ok(())
}

fn hit(
    region: &Prepared,
    target: &[UnitVector3d],
    rel: Relationship,
    tract: i64,
    patch: i64,
    cell: i64,
    fractions: bool,
) -> Result<Hit> {
    let (region_fraction, target_fraction) = if fractions {
        let (area, inter) = region.areas_with(target)?;
        let target_area = loop_area(&target.iter().map(|v| *v.as_vector()).collect::<Vec<_>>());
        (inter / area, inter / target_area)
    } else {
        (f64::NAN, f64::NAN)
    };
    Ok(Hit {
        tract,
        patch,
        cell,
        relation: Relation::from_relationship(rel),
        region_fraction,
        target_fraction,
    })
}

/// Margin (pixels) around the region's pixel bounds: far above the rounding of the
/// projection (~1e-10 pixel) and harmless (candidates are tested exactly).
const PIXEL_PAD: f64 = 2.0;

/// Whether a pixel box (pixel edges at -0.5 / +0.5) can meet the bounds.
fn box_meets(b: &PixelBox, bounds: Option<[f64; 4]>) -> bool {
    let Some([x0, x1, y0, y1]) = bounds else {
        return true;
    };
    let [[bx0, by0], _, [bx1, by1], _] = b.edge_corners();
    bx0 <= x1 + PIXEL_PAD && bx1 >= x0 - PIXEL_PAD && by0 <= y1 + PIXEL_PAD && by1 >= y0 - PIXEL_PAD
}

/// The relation of the region to the pixel box `bbox` of `tract`: from the region's
/// picture in pixels when certain, else exact on the box's sky polygon. Also returns
/// that polygon when it was built (or when `fractions` need it).
fn relate_pixel_box(
    tract: &Tract,
    region: &Prepared,
    picture: Option<&PixelPolygon>,
    bbox: &PixelBox,
    fractions: bool,
) -> Result<(Relationship, Option<[UnitVector3d; 4]>)> {
    if let Some(rel) = picture.and_then(|p| p.relate_box(bbox)) {
        let poly = if fractions && !rel.is_disjoint() {
            Some(box_vertices(tract, bbox)?)
        } else {
            None
        };
        return Ok((rel, poly));
    }
    let poly = box_vertices(tract, bbox)?;
    Ok((region.relate(&poly), Some(poly)))
}

fn patch_hits(
    tract: &Tract,
    region: &Prepared,
    picture: Option<&PixelPolygon>,
    level: Level,
    fractions: bool,
    hits: &mut Vec<Hit>,
) -> Result<()> {
    let bounds = match picture {
        Some(p) => Some(p.bounds()),
        None => region.pixel_bounds(tract),
    };
    let [nx, ny] = tract.num_patches();
    let [w, h] = tract.patch_inner_dimensions();
    let border = tract.builder().patch_border();
    // Patch index ranges whose outer boxes can meet the bounds (all when unbounded).
    let range = |lo: f64, hi: f64, size: i64, n: i64| -> (i64, i64) {
        let reach = (border as f64) + PIXEL_PAD + 1.0;
        let first = ((lo - reach) / size as f64).floor().max(0.0);
        let last = ((hi + reach) / size as f64).floor().min((n - 1) as f64);
        (first as i64, last as i64)
    };
    let ((x0, x1), (y0, y1)) = match bounds {
        Some([bx0, bx1, by0, by1]) => (range(bx0, bx1, w, nx), range(by0, by1, h, ny)),
        None => ((0, nx - 1), (0, ny - 1)),
    };
    let id = tract.id() as i64;
    for y in y0..=y1 {
        for x in x0..=x1 {
            let patch = tract.patch_unchecked([x, y]);
            if !box_meets(&patch.outer_bbox, bounds) {
                continue;
            }
            let (rel, poly) =
                relate_pixel_box(tract, region, picture, &patch.outer_bbox, fractions)?;
            if rel.is_disjoint() {
                continue;
            }
            if level == Level::Patch {
                hits.push(hit(
                    region,
                    poly.as_ref().map_or(&[], |p| &p[..]),
                    rel,
                    id,
                    patch.id,
                    -1,
                    fractions,
                )?);
                continue;
            }
            let [cx, cy] = patch.num_cells;
            for j in 0..cy {
                for i in 0..cx {
                    let cell = patch.cell([i, j])?;
                    if !box_meets(&cell.outer_bbox, bounds) {
                        continue;
                    }
                    let (crel, cpoly) =
                        relate_pixel_box(tract, region, picture, &cell.outer_bbox, fractions)?;
                    if !crel.is_disjoint() {
                        hits.push(hit(
                            region,
                            cpoly.as_ref().map_or(&[], |p| &p[..]),
                            crel,
                            id,
                            patch.id,
                            cell.id,
                            fractions,
                        )?);
                    }
                }
            }
        }
    }
    Ok(())
}

/// The vertices of a pixel box's sky polygon, counter-clockwise: the same four unit
/// vectors as [`Tract::polygon`] (the butler's region), without the general hull (the
/// corners of a box are already a convex quadrilateral; only the direction can flip,
/// with the sign of the WCS determinant).
fn box_vertices(tract: &Tract, bbox: &PixelBox) -> Result<[UnitVector3d; 4]> {
    let mut out = [UnitVector3d::default(); 4];
    for (slot, [x, y]) in out.iter_mut().zip(bbox.edge_corners()) {
        *slot = tract.wcs().pixel_to_unit_vector(x, y).ok_or_else(|| {
            Error::Internal(format!(
                "tract {}: pixel ({x}, {y}) has no sky position",
                tract.id()
            ))
        })?;
    }
    if orientation(&out[0], &out[1], &out[2]) < 0 {
        out.reverse();
    }
    Ok(out)
}

/// Prefixes an error message with the footprint it came from.
pub fn for_footprint(i: usize, e: Error) -> Error {
    let name = |m: String| format!("footprint {i}: {m}");
    match e {
        Error::InvalidCoordinate(m) => Error::InvalidCoordinate(name(m)),
        Error::InvalidRegion(m) => Error::InvalidRegion(name(m)),
        Error::ShapeMismatch(m) => Error::ShapeMismatch(name(m)),
        other => other,
    }
}

/// [`overlapping`] for many regions, in parallel, as one long table sorted by
/// (footprint, tract, patch, cell).
///
/// # Errors
/// As [`overlapping`], for the first failing footprint (named in the message).
pub fn overlapping_batch(
    sky: &SkyMap,
    index: &TractIndex,
    regions: &[Region],
    level: Level,
    fractions: bool,
) -> Result<CoverageTable> {
    let prepared = crate::parallel::try_map_indexed(regions.len(), |i| {
        Prepared::new(&regions[i]).map_err(|e| for_footprint(i, e))
    })?;
    overlapping_prepared(sky, index, &prepared, level, fractions)
}

/// [`overlapping`] for many prepared regions, in parallel, as one long table sorted by
/// (footprint, tract, patch, cell).
///
/// The regions are processed in an order that keeps neighbours on the sky together
/// (see [`batch`]), so the tracts they touch stay in the cache; the table is in
/// footprint order all the same.
///
/// # Errors
/// As [`overlapping`], for the lowest-numbered failing footprint (named in the message).
pub fn overlapping_prepared(
    sky: &SkyMap,
    index: &TractIndex,
    regions: &[Prepared],
    level: Level,
    fractions: bool,
) -> Result<CoverageTable> {
    batch::run(regions, |region, candidates, hits| {
        overlapping_into(sky, index, region, level, fractions, candidates, hits)
    })
}

/// Convex polygons (hulls, ready for coverage) from ragged vertex arrays: footprint `i` has the vertices
/// `offsets[i]..offsets[i + 1]` of `lon_deg`/`lat_deg`.
///
/// # Errors
/// [`Error::ShapeMismatch`] for inconsistent arrays; [`Error::InvalidCoordinate`] or
/// [`Error::InvalidRegion`] (NaN vertices, fewer than 3 distinct points, zero area),
/// naming the footprint.
pub fn polygons_from_ragged(
    lon_deg: &[f64],
    lat_deg: &[f64],
    offsets: &[u64],
) -> Result<Vec<Prepared>> {
    if lon_deg.len() != lat_deg.len() {
        return Err(Error::shape(format!(
            "lon has {} values but lat has {}",
            lon_deg.len(),
            lat_deg.len()
        )));
    }
    let bad_offsets = offsets.first() != Some(&0)
        || offsets.last().map(|&o| o as usize) != Some(lon_deg.len())
        || offsets.windows(2).any(|w| w[0] > w[1]);
    if bad_offsets {
        return Err(Error::shape(format!(
            "offsets must start at 0, never decrease and end at the number of vertices ({})",
            lon_deg.len()
        )));
    }
    crate::parallel::try_map_indexed(offsets.len() - 1, |i| {
        let (a, b) = (offsets[i] as usize, offsets[i + 1] as usize);
        let points = (a..b)
            .map(|k| UnitVector3d::from_lonlat_deg(lon_deg[k], lat_deg[k]))
            .collect::<Result<Vec<_>>>()
            .map_err(|e| for_footprint(i, e))?;
        let poly = crate::geometry::ConvexPolygon::convex_hull(&points)
            .map_err(|e| for_footprint(i, e))?;
        let area = poly.area();
        if area.is_nan() || area <= 0.0 {
            return Err(for_footprint(i, Error::region("the polygon has zero area")));
        }
        Ok(Prepared::Polygon(poly))
    })
}
