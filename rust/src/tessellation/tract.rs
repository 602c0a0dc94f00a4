//! Tracts: a WCS, an integer pixel box cut into patches, and an inner sky region.
//!
//! A tract is built the way `lsst.skymap.TractInfo` builds it:
//!
//! 1. a WCS centred on the tract (`crpix = (0, 0)` at first);
//! 2. a minimum float pixel box: for *explicit* tracts (rings, discrete) the four points
//!    at distance `radius + overlap` from the centre at bearings 0/90/180/270 degrees;
//!    for *generic* tracts (equat, dodeca, healpix) the tract's vertices, each with 24
//!    points at distance `overlap / 2` around it (or the vertex itself at zero overlap);
//! 3. the box rounded outward to whole pixels, then enlarged to a whole number of
//!    patches (the extra split as `delta // 2` on the low side);
//! 4. the pixel origin moved so the box starts at `(0, 0)`.
//!
//! The *outer region* is the pixel box on the sky: the convex polygon through its four
//! corners, as `lsst.skymap` makes it. A box wider than a hemisphere (an equat tract of
//! a 1- or 2-tract skymap) has no such polygon (`lsst.skymap` silently returns a sliver
//! on the far side); with an unrotated CEA WCS centred on the equator the pixel box is
//! exactly a lon/lat box, and that is the outer region then. Other projections or
//! rotations cannot make such tracts and are rejected.
//!
//! Each tract owns its patch grid; nothing is shared between tracts.

use super::bbox::PixelBox;
use super::config::TractBuilder;
use super::patch::Patch;
use crate::geometry::{
    AngleInterval, ConvexPolygon, LonLat, LonLatBox, NormalizedAngleInterval, Region, UnitVector3d,
};
use crate::projection::{wcs::cd_matrix, Projection, TractWcs};
use crate::{Error, Result};

/// The region a tract owns (before overlap): a lon/lat box or a convex polygon.
#[derive(Debug, Clone, PartialEq)]
pub enum InnerRegion {
    /// A RA/Dec box (rings). Longitudes in [0, 2pi); `lon_min > lon_max` wraps
    /// through 0. `full_lon` marks the polar caps, which span every longitude.
    LonLatBox {
        lon_min_rad: f64,
        lon_max_rad: f64,
        lat_min_rad: f64,
        lat_max_rad: f64,
        full_lon: bool,
    },
    /// A convex polygon (for discrete tracts: the tract box shrunk by 0.001 pixel; for
    /// generic tracts: the hull of the tract's own vertices).
    Polygon(ConvexPolygon),
}

/// How far (radians, about 32 ulps of 2pi: 7e-15 rad, 1.5e-9 arcsec) a tract's inner
/// box reaches past its edges. `lsst.skymap` computes the box edges and the lookup
/// with different expressions that disagree in the last ulps; the tolerance lets the
/// tract `lsst.skymap`'s lookup picks contain every point it is picked for.
pub const BOX_EDGE_TOLERANCE_RAD: f64 = 32.0 * f64::EPSILON;

impl InnerRegion {
    /// Whether the closed lon/lat box, widened by [`BOX_EDGE_TOLERANCE_RAD`], contains
    /// `(lon, lat)` (radians, lon in [0, 2pi)). Always false for a polygon (use the
    /// polygon's own containment test).
    pub fn box_contains_rad(&self, lon: f64, lat: f64) -> bool {
        const TOL: f64 = BOX_EDGE_TOLERANCE_RAD;
        match *self {
            InnerRegion::LonLatBox {
                lon_min_rad,
                lon_max_rad,
                lat_min_rad,
                lat_max_rad,
                full_lon,
            } => {
                if lat < lat_min_rad - TOL || lat > lat_max_rad + TOL {
                    return false;
                }
                // The distance past 2pi counts from 0 (and back).
                full_lon
                    || if lon_min_rad <= lon_max_rad {
                        (lon >= lon_min_rad - TOL && lon <= lon_max_rad + TOL)
                            || lon - std::f64::consts::TAU >= lon_min_rad - TOL
                            || lon + std::f64::consts::TAU <= lon_max_rad + TOL
                    } else {
                        lon >= lon_min_rad - TOL || lon <= lon_max_rad + TOL
                    }
            }
            InnerRegion::Polygon(_) => false,
        }
    }

    /// The same region as a [`Region`], for relations, pixel covers and encodings: the
    /// closed lon/lat box widened by [`BOX_EDGE_TOLERANCE_RAD`] as
    /// [`Self::box_contains_rad`] is (every longitude for a polar cap), so that it holds
    /// every point the tract owns, or the polygon.
    ///
    /// # Errors
    /// [`Error::InvalidRegion`] for box bounds that make no box (a bug: tract builders
    /// make valid boxes).
    pub fn to_region(&self) -> Result<Region> {
        const TOL: f64 = BOX_EDGE_TOLERANCE_RAD;
        match *self {
            InnerRegion::LonLatBox {
                lon_min_rad,
                lon_max_rad,
                lat_min_rad,
                lat_max_rad,
                full_lon,
            } => {
                let lon = if full_lon {
                    NormalizedAngleInterval::full()
                } else {
                    let tau = std::f64::consts::TAU;
                    NormalizedAngleInterval::from_angles(
                        (lon_min_rad - TOL).rem_euclid(tau),
                        (lon_max_rad + TOL).rem_euclid(tau),
                    )?
                };
                let lat = AngleInterval::new(lat_min_rad - TOL, lat_max_rad + TOL);
                Ok(Region::LonLatBox(LonLatBox::from_intervals(lon, lat)))
            }
            InnerRegion::Polygon(ref polygon) => Ok(Region::ConvexPolygon(polygon.clone())),
        }
    }
}

/// The WCS parameters every tract of a skymap shares.
#[derive(Debug, Clone, Copy)]
pub struct WcsFactory {
    pub projection: Projection,
    pub pixel_scale_arcsec: f64,
    pub rotation_deg: f64,
}

impl WcsFactory {
    /// The WCS centred on `center` with `crpix = (0, 0)`.
    ///
    /// # Errors
    /// As [`TractWcs::new`].
    pub fn make(&self, center: LonLat) -> Result<TractWcs> {
        TractWcs::new(
            self.projection,
            [center.lon_rad, center.lat_rad],
            [0.0, 0.0],
            cd_matrix(self.pixel_scale_arcsec, self.rotation_deg),
        )
    }
}

/// `lsst.geom.SpherePoint.offset`: the point `distance` away from `from` along the
/// great circle leaving at `bearing` (0 = east, 90 deg = north), all in radians.
/// At a pole the longitude of `from` sets the east direction.
pub fn offset(from: LonLat, bearing_rad: f64, distance_rad: f64) -> LonLat {
    let (sin_lon, cos_lon) = from.lon_rad.sin_cos();
    let (sin_lat, cos_lat) = from.lat_rad.sin_cos();
    let here = [cos_lon * cos_lat, sin_lon * cos_lat, sin_lat];
    let east = [-sin_lon, cos_lon, 0.0];
    let north = [-sin_lat * cos_lon, -sin_lat * sin_lon, cos_lat];
    let (sb, cb) = bearing_rad.sin_cos();
    let (sd, cd) = distance_rad.sin_cos();
    let v: Vec<f64> = (0..3)
        .map(|k| cd * here[k] + sd * (cb * east[k] + sb * north[k]))
        .collect();
    let h = v[0].hypot(v[1]);
    let mut lon = if h == 0.0 { 0.0 } else { v[1].atan2(v[0]) };
    if lon < 0.0 {
        lon += std::f64::consts::TAU;
    }
    LonLat {
        lon_rad: lon,
        lat_rad: v[2].atan2(h),
    }
}

/// One tract of a skymap.
///
/// Laid out (`repr(C)`, cache-line aligned) so that a point -> patch lookup reads
/// three consecutive cache lines: patch grid, then the WCS's hot fields.
#[derive(Debug, Clone)]
#[repr(C, align(64))]
pub struct Tract {
    num_patches: [i64; 2],
    patch_inner: [i64; 2],
    wcs: TractWcs,
    id: u64,
    center: LonLat,
    bbox: PixelBox,
    builder: TractBuilder,
    inner: InnerRegion,
    outer: Region,
    vertices: Vec<LonLat>,
    /// Regions of pixel boxes are [`super::footprint`] polygons (images with a
    /// distorted or non-zenithal WCS), not the four corners through great circles.
    footprints: bool,
}

impl Tract {
    /// An explicit tract (`ExplicitTractInfo`): centre and radius (radians). The
    /// inner region is `inner_box` when given (rings), else the hull of the final pixel
    /// box shrunk by 0.001 pixel (discrete).
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] when the tract does not project to a finite box.
    pub fn explicit(
        id: u64,
        center: LonLat,
        radius_rad: f64,
        overlap_rad: f64,
        factory: &WcsFactory,
        builder: TractBuilder,
        inner_box: Option<InnerRegion>,
    ) -> Result<Tract> {
        let wcs = factory.make(center)?;
        let mut points = Vec::with_capacity(4);
        for i in 0..4 {
            let bearing = (i as f64 * 90.0).to_radians();
            points.push(offset(center, bearing, radius_rad + overlap_rad));
        }
        let mut tract = Tract::finish(id, center, wcs, &points, builder)?;
        // `ExplicitTractInfo`'s vertex list: the box corners moved 0.001 pixel inward.
        tract.vertices = tract
            .bbox
            .inset_corners(0.001)
            .iter()
            .map(|&[x, y]| corner_lonlat(&tract.wcs, id, x, y))
            .collect::<Result<_>>()?;
        tract.inner = match inner_box {
            Some(b) => b,
            None => InnerRegion::Polygon(tract.polygon(&tract.bbox, 0.001)?),
        };
        Ok(tract)
    }

    /// A generic tract (`TractInfo`): its inner region is `inner_box` when given
    /// (equat), else the polygon through `vertices`; the pixel box covers every vertex
    /// grown by half the overlap.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] when the tract does not project to a finite box.
    #[allow(clippy::too_many_arguments)]
    pub fn generic(
        id: u64,
        center: LonLat,
        crval: LonLat,
        vertices: &[LonLat],
        overlap_rad: f64,
        factory: &WcsFactory,
        builder: TractBuilder,
        inner_box: Option<InnerRegion>,
    ) -> Result<Tract> {
        let wcs = factory.make(crval)?;
        let mut points = Vec::with_capacity(vertices.len() * 24);
        for v in vertices {
            if overlap_rad == 0.0 {
                points.push(*v);
            } else {
                for i in 0..24 {
                    let bearing = (360.0 / 24.0 * i as f64).to_radians();
                    points.push(offset(*v, bearing, overlap_rad / 2.0));
                }
            }
        }
        let mut tract = Tract::finish(id, center, wcs, &points, builder)?;
        tract.vertices = vertices.to_vec();
        tract.inner = match inner_box {
            Some(b) => b,
            None => {
                let vectors: Vec<UnitVector3d> = vertices.iter().map(|v| v.to_vector()).collect();
                InnerRegion::Polygon(ConvexPolygon::convex_hull(&vectors)?)
            }
        };
        Ok(tract)
    }

    /// A tract whose pixel box is given: `wcs` already puts the box at `(0, 0)` with
    /// `dims` pixels (survey tiles such as bricks, whose coadds fix their own size).
    /// The box is padded to whole patches as for every tract.
    ///
    /// # Errors
    /// As [`Tract::generic`].
    pub fn with_box(
        id: u64,
        center: LonLat,
        wcs: TractWcs,
        dims: [i64; 2],
        builder: TractBuilder,
        inner: InnerRegion,
    ) -> Result<Tract> {
        let mut tract = Tract::finish_box(id, center, wcs, PixelBox::new([0, 0], dims), builder)?;
        tract.inner = inner;
        Ok(tract)
    }

    /// A tract that is an image (see [`super::headers`]): `wcs` and `bbox` are the
    /// image's, `builder`'s patch inner size divides `bbox`, and `footprint` (which
    /// holds every pixel corner) is both the outer and the inner region. Pixel boxes of
    /// patches also get footprint polygons.
    pub fn with_footprint(
        id: u64,
        center: LonLat,
        wcs: TractWcs,
        bbox: PixelBox,
        builder: TractBuilder,
        footprint: ConvexPolygon,
    ) -> Tract {
        let patch_inner = builder.patch_inner_dimensions();
        Tract {
            num_patches: [bbox.dims[0] / patch_inner[0], bbox.dims[1] / patch_inner[1]],
            patch_inner,
            wcs,
            id,
            center,
            bbox,
            builder,
            inner: InnerRegion::Polygon(footprint.clone()),
            vertices: footprint.vertices().iter().map(|v| v.to_lonlat()).collect(),
            outer: Region::ConvexPolygon(footprint),
            footprints: true,
        }
    }

    /// Steps 2-4 of the module docs, from the sky points the box must cover.
    fn finish(
        id: u64,
        center: LonLat,
        wcs: TractWcs,
        points: &[LonLat],
        builder: TractBuilder,
    ) -> Result<Tract> {
        let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
        for p in points {
            let (x, y) = wcs.sky_to_pixel_rad(p.lon_rad, p.lat_rad).ok_or_else(|| {
                Error::config(format!(
                    "tract {id}: point ({}, {}) deg does not project through the {} WCS; \
                     the tract is too large for this projection",
                    p.lon_deg(),
                    p.lat_deg(),
                    wcs.projection().code()
                ))
            })?;
            lo = [lo[0].min(x), lo[1].min(y)];
            hi = [hi[0].max(x), hi[1].max(y)];
        }
        let rounded = PixelBox::expand_from_float(lo, hi)?;
        Tract::finish_box(id, center, wcs, rounded, builder)
    }

    /// Steps 3 (padding to whole patches) and 4 of the module docs.
    fn finish_box(
        id: u64,
        center: LonLat,
        wcs: TractWcs,
        rounded: PixelBox,
        builder: TractBuilder,
    ) -> Result<Tract> {
        let inner = builder.patch_inner_dimensions();
        let mut min = rounded.min;
        let mut dims = rounded.dims;
        let mut num_patches = [0i64; 2];
        for k in 0..2 {
            let num = (dims[k] + inner[k] - 1) / inner[k];
            let delta = inner[k] * num - dims[k];
            if delta > 0 {
                dims[k] = inner[k] * num;
                min[k] -= delta.div_euclid(2);
            }
            num_patches[k] = num;
        }
        let wcs = wcs.shifted([-min[0] as f64, -min[1] as f64]);
        let bbox = PixelBox::new([0, 0], dims);
        let outer = outer_region(&wcs, id, &bbox, center)?;
        Ok(Tract {
            num_patches,
            patch_inner: inner,
            wcs,
            id,
            center,
            bbox,
            builder,
            // Replaced by the caller.
            inner: InnerRegion::LonLatBox {
                lon_min_rad: 0.0,
                lon_max_rad: 0.0,
                lat_min_rad: 0.0,
                lat_max_rad: 0.0,
                full_lon: false,
            },
            outer,
            vertices: Vec::new(),
            footprints: false,
        })
    }

    pub fn id(&self) -> u64 {
        self.id
    }
    /// Nominal centre (the skymap's tract centre, not the polygon centroid).
    pub fn center(&self) -> LonLat {
        self.center
    }
    pub fn wcs(&self) -> &TractWcs {
        &self.wcs
    }
    /// The pixel box, starting at (0, 0).
    pub fn bbox(&self) -> PixelBox {
        self.bbox
    }
    /// Number of patches along x and y.
    pub fn num_patches(&self) -> [i64; 2] {
        self.num_patches
    }
    pub fn builder(&self) -> &TractBuilder {
        &self.builder
    }
    pub fn inner_region(&self) -> &InnerRegion {
        &self.inner
    }
    /// Total number of patches.
    pub fn patch_count(&self) -> u64 {
        (self.num_patches[0] * self.num_patches[1]) as u64
    }

    /// The sky polygon of a pixel box: its pixel-edge corners moved `inset` pixels
    /// inward, through the tract WCS, as a convex hull (sphgeom's vertex order), as
    /// `lsst.skymap`'s `makeSkyPolygonFromBBox` builds it.
    ///
    /// # Errors
    /// [`Error::Internal`] if a corner falls outside the projection (cannot happen
    /// for a box of this tract), [`Error::InvalidRegion`] for a degenerate box.
    pub fn polygon(&self, bbox: &PixelBox, inset: f64) -> Result<ConvexPolygon> {
        if self.footprints {
            return super::footprint::bounded_hull(&self.wcs, self.id, bbox, inset);
        }
        polygon_through(&self.wcs, self.id, bbox, inset)
    }

    /// The vertices of [`Tract::polygon`].
    ///
    /// # Errors
    /// As [`Tract::polygon`].
    pub fn polygon_vertices(&self, bbox: &PixelBox, inset: f64) -> Result<Vec<UnitVector3d>> {
        Ok(self.polygon(bbox, inset)?.vertices().to_vec())
    }

    /// The tract's outer region: its whole pixel box on the sky (the butler's tract
    /// region): a convex polygon, or a lon/lat box for a tract wider than a hemisphere
    /// (see the module docs).
    pub fn outer_region(&self) -> &Region {
        &self.outer
    }

    /// The outer region when it is a convex polygon (every tract narrower than a
    /// hemisphere).
    pub fn outer_polygon(&self) -> Option<&ConvexPolygon> {
        match &self.outer {
            Region::ConvexPolygon(p) => Some(p),
            _ => None,
        }
    }

    /// The vertices that define the inner region (`TractInfo.vertex_list`): the
    /// skymap's corners for generic tracts, the pixel box corners moved 0.001 pixel
    /// inward for explicit ones.
    pub fn vertices(&self) -> &[LonLat] {
        &self.vertices
    }

    /// The outer polygon of every patch, in patch-id order: `(patch id, (x, y),
    /// polygon)`. This is the butler's patch region.
    ///
    /// # Errors
    /// As [`Tract::polygon`].
    pub fn patch_outer_polygons(&self) -> Result<Vec<(i64, [i64; 2], ConvexPolygon)>> {
        self.patches()
            .map(|p| Ok((p.id, p.index, self.polygon(&p.outer_bbox, 0.0)?)))
            .collect()
    }

    /// The patch at `(x, y)`.
    ///
    /// # Errors
    /// [`Error::UnknownId`] for an index outside the patch grid.
    pub fn patch(&self, index: [i64; 2]) -> Result<Patch> {
        let [nx, ny] = self.num_patches;
        if !(0..nx).contains(&index[0]) || !(0..ny).contains(&index[1]) {
            return Err(Error::unknown_id(format!(
                "patch index {index:?} is outside tract {}'s grid [0, {nx}) x [0, {ny})",
                self.id
            )));
        }
        Ok(self.patch_unchecked(index))
    }

    /// The patch with sequential id `nx * y + x`.
    ///
    /// # Errors
    /// [`Error::UnknownId`] for an id outside `[0, nx * ny)`.
    pub fn patch_by_id(&self, id: i64) -> Result<Patch> {
        let n = self.num_patches[0] * self.num_patches[1];
        if !(0..n).contains(&id) {
            return Err(Error::unknown_id(format!(
                "patch id {id} is outside tract {}'s range [0, {n})",
                self.id
            )));
        }
        Ok(self.patch_unchecked(super::patch::grid_index(id, self.num_patches)))
    }

    /// The patch at a valid `(x, y)` (not checked).
    pub fn patch_unchecked(&self, index: [i64; 2]) -> Patch {
        Patch::new(index, self.num_patches, &self.bbox, &self.builder)
    }

    /// Whether the inner region contains the point (radians, lon in [0, 2pi)): the
    /// closed box test for rings (the one the ring lookup uses), exact polygon
    /// containment otherwise.
    pub fn inner_contains_lonlat_rad(&self, lon: f64, lat: f64) -> bool {
        match &self.inner {
            InnerRegion::LonLatBox { .. } => self.inner.box_contains_rad(lon, lat),
            InnerRegion::Polygon(p) => p.contains(&UnitVector3d::from_lonlat_rad(lon, lat)),
        }
    }

    /// Whether the inner region contains `v`, when it is a polygon (exact).
    #[inline]
    pub fn inner_polygon_contains(&self, v: &UnitVector3d) -> bool {
        matches!(&self.inner, InnerRegion::Polygon(p) if p.contains(v))
    }

    /// The nominal centre as a unit vector.
    pub fn center_vector(&self) -> UnitVector3d {
        self.center.to_vector()
    }

    /// Whether the outer region (the pixel box on the sky) contains `v` (exact).
    pub fn outer_contains_vector(&self, v: &UnitVector3d) -> bool {
        self.outer.contains(v)
    }

    /// Every patch in id order (y outer, x inner, as `lsst.skymap` iterates).
    pub fn patches(&self) -> impl Iterator<Item = Patch> + '_ {
        let [nx, ny] = self.num_patches;
        (0..ny).flat_map(move |y| (0..nx).map(move |x| self.patch_unchecked([x, y])))
    }

    /// The patch grid index whose inner box holds the pixel nearest `(x, y)`
    /// (`Point2I` rounding), or `None` when that pixel is outside the tract box.
    pub fn patch_index_at_pixel(&self, x: f64, y: f64) -> Option<[i64; 2]> {
        let (px, py) = (floor(x + 0.5), floor(y + 0.5));
        if !px.is_finite() || !py.is_finite() {
            return None;
        }
        let (px, py) = (px as i64, py as i64);
        if !self.bbox.contains(px, py) {
            return None;
        }
        let inner = self.builder.patch_inner_dimensions();
        Some([px / inner[0], py / inner[1]])
    }

    /// Patch inner dimensions in pixels.
    pub fn patch_inner_dimensions(&self) -> [i64; 2] {
        self.patch_inner
    }
}

/// `x.floor()` for every `x` up to the sign of a zero result (`-0.0` becomes `0.0`),
/// without a libm call: baseline x86_64 has no rounding instruction, and point
/// lookups call this twice per point.
#[inline(always)]
fn floor(x: f64) -> f64 {
    const EXACT: f64 = 4_503_599_627_370_496.0; // 2^52: every larger f64 is an integer
    if x.abs() < EXACT {
        let t = x as i64 as f64; // truncation toward zero, exact in this range
        if t > x {
            t - 1.0
        } else {
            t
        }
    } else {
        x.floor() // large, infinite or NaN
    }
}

fn corner_lonlat(wcs: &TractWcs, id: u64, x: f64, y: f64) -> Result<LonLat> {
    let (lon_rad, lat_rad) = wcs.pixel_to_sky_rad(x, y).ok_or_else(|| {
        Error::Internal(format!("tract {id}: pixel ({x}, {y}) has no sky position"))
    })?;
    Ok(LonLat { lon_rad, lat_rad })
}

/// The outer region of a tract box (module docs): the corner polygon when it holds
/// the tract centre, else the lon/lat box of an unrotated equatorial CEA WCS.
fn outer_region(wcs: &TractWcs, id: u64, bbox: &PixelBox, center: LonLat) -> Result<Region> {
    if let Ok(p) = polygon_through(wcs, id, bbox, 0.0) {
        if p.contains(&center.to_vector()) {
            return Ok(Region::ConvexPolygon(p));
        }
    }
    let cd = wcs.cd();
    let cylindrical = wcs.projection() == Projection::Cea
        && cd[0][1] == 0.0
        && cd[1][0] == 0.0
        && wcs.crval_rad()[1] == 0.0;
    if !cylindrical {
        return Err(Error::config(format!(
            "tract {id} is wider than a hemisphere, which only an unrotated CEA WCS \
             centred on the equator can represent (projection {}, CD {cd:?})",
            wcs.projection().code()
        )));
    }
    // Unrotated equatorial CEA: lon = crval_lon + x_intermediate, lat = asin(y / rho).
    let [x0, y0, x1, y1] = {
        let c = bbox.inset_corners(0.0);
        [c[0][0], c[0][1], c[2][0], c[2][1]]
    };
    let crpix = wcs.crpix();
    let lon_at = |x: f64| wcs.crval_rad()[0] + (cd[0][0] * (x - crpix[0])).to_radians();
    let lat_at = |y: f64| {
        let s = (cd[1][1] * (y - crpix[1])).to_radians();
        s.clamp(-1.0, 1.0).asin()
    };
    let (lon_a, lon_b) = (lon_at(x0), lon_at(x1));
    let (lon_lo, lon_hi) = (lon_a.min(lon_b), lon_a.max(lon_b));
    let (lat_a, lat_b) = (lat_at(y0), lat_at(y1));
    let tau = std::f64::consts::TAU;
    let b = if lon_hi - lon_lo >= tau {
        LonLatBox::new(0.0, tau, lat_a.min(lat_b), lat_a.max(lat_b))?
    } else {
        LonLatBox::new(
            lon_lo.rem_euclid(tau),
            lon_hi.rem_euclid(tau),
            lat_a.min(lat_b),
            lat_a.max(lat_b),
        )?
    };
    Ok(Region::LonLatBox(b))
}

fn polygon_through(wcs: &TractWcs, id: u64, bbox: &PixelBox, inset: f64) -> Result<ConvexPolygon> {
    let mut corners = [UnitVector3d::default(); 4];
    for (slot, [x, y]) in corners.iter_mut().zip(bbox.inset_corners(inset)) {
        *slot = wcs.pixel_to_unit_vector(x, y).ok_or_else(|| {
            Error::Internal(format!("tract {id}: pixel ({x}, {y}) has no sky position"))
        })?;
    }
    ConvexPolygon::convex_hull(&corners)
}

/// The largest angle (degrees) from a tract's centre to a vertex of its outer polygon:
/// every tract's outer region lies within this distance of its centre (a convex
/// polygon lies within the cap through its vertices), so the tracts whose centres lie
/// within it of a point are the only ones whose outer region may hold the point.
pub fn outer_reach_deg(tracts: &[Tract]) -> f64 {
    let reach = tracts
        .iter()
        .map(|t| {
            let c = t.center().to_vector();
            t.outer_polygon().map_or(std::f64::consts::PI, |p| {
                p.vertices()
                    .iter()
                    .map(|v| crate::geometry::angle::angle_between(c.as_vector(), v.as_vector()))
                    .fold(0.0, f64::max)
            })
        })
        .fold(0.0, f64::max);
    // A little slack for the rounding of the angles.
    crate::geometry::angle::rad_to_deg(reach) * (1.0 + 1e-9) + 1e-9
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn floor_matches_std() {
        let mut cases = vec![
            0.0,
            -0.0,
            0.5,
            -0.5,
            1.0,
            -1.0,
            1e-300,
            -1e-300,
            4095.5,
            -4095.5,
            4_503_599_627_370_495.5,
            -4_503_599_627_370_495.5,
            4_503_599_627_370_496.0,
            -4_503_599_627_370_497.0,
            1e300,
            -1e300,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MAX,
            f64::MIN,
            f64::MIN_POSITIVE,
        ];
        let mut x = 1.0f64;
        for _ in 0..2000 {
            x = (x * 1.618_033_988_749_895 + 0.1).rem_euclid(1e7) - 5e6;
            let f = x.floor();
            let step = |v: f64, k: i64| f64::from_bits((v.to_bits() as i64 + k) as u64);
            cases.extend([x, f, step(x, 1), step(x, -1), step(f, 1), step(f, -1)]);
        }
        for c in cases.into_iter().filter(|c| !c.is_nan()) {
            assert_eq!(floor(c), c.floor(), "{c:e}");
        }
        assert!(floor(f64::NAN).is_nan());
    }
}
