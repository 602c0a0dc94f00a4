//! A region made ready for coverage: its type decided once, its relation to a convex
//! polygon (a tract or patch outer polygon) exact, and a pixel bound per tract.
//!
//! | region | relation to a polygon |
//! |--------|-----------------------|
//! | convex polygon | exact (sphgeom's polygon–polygon test, exact predicates) |
//! | circle | sphgeom's test: exact up to a 1e-15 margin in squared chord length (~3e-8 arcsec) |
//! | box | [`super::boxes`]: exact up to rounding of ~1e-15 rad |
//! | union | DISJOINT and WITHIN exact; CONTAINS when one operand contains the polygon (a polygon covered only jointly by several operands is reported partial) |
//! | intersection of convex polygons | clipped into one convex polygon first (vertices rounded to double precision) |
//!
//! Intersections with other operands are refused (no exact test is known to us that
//! would be cheaper than the user splitting the region).

use super::boxes;
use super::clip::{intersect_polygons, intersection_area};
use super::pixel_frame::MIN_FRONT_COS;
use crate::geometry::{
    relate_vertices, relate_vertices_circle, Circle, ConvexPolygon, LonLatBox, Region,
    Relationship, UnitVector3d,
};
use crate::projection::Projection;
use crate::tessellation::Tract;
use crate::{Error, Result};

/// What a region is related to: a convex polygon (tracts, patches, cells) or a lon/lat
/// box (the outer region of a tract wider than a hemisphere).
#[derive(Debug, Clone, Copy)]
enum Target<'a> {
    Polygon(&'a [UnitVector3d]),
    Box(&'a LonLatBox),
}

/// A coverage-ready region.
#[derive(Debug, Clone)]
pub enum Prepared {
    Polygon(ConvexPolygon),
    Circle(Circle),
    Box(LonLatBox),
    /// Operands, each with a cap containing it (to skip operands far from a polygon).
    Union(Vec<(Prepared, Cap)>),
    /// An intersection with no area: overlaps nothing.
    Empty,
}

impl Prepared {
    /// Prepares `region`.
    ///
    /// # Errors
    /// [`Error::InvalidRegion`] for an intersection with an operand that is not a
    /// convex polygon.
    pub fn new(region: &Region) -> Result<Prepared> {
        Ok(match region {
            Region::ConvexPolygon(p) => Prepared::Polygon(p.clone()),
            Region::Circle(c) if c.is_empty() => Prepared::Empty,
            Region::Circle(c) => Prepared::Circle(*c),
            Region::LonLatBox(b) if b.is_empty() => Prepared::Empty,
            Region::LonLatBox(b) => Prepared::Box(*b),
            Region::Union(ops) => {
                let ops: Vec<Prepared> = ops
                    .iter()
                    .map(Prepared::new)
                    .filter(|p| !matches!(p, Ok(Prepared::Empty)))
                    .collect::<Result<_>>()?;
                if ops.is_empty() {
                    Prepared::Empty
                } else {
                    Prepared::Union(
                        ops.into_iter()
                            .map(|op| {
                                let cap = Cap::of_circle(&op.bounding_circle());
                                (op, cap)
                            })
                            .collect(),
                    )
                }
            }
            Region::Intersection(ops) => {
                let polys: Vec<&ConvexPolygon> = ops
                    .iter()
                    .map(|r| match r {
                        Region::ConvexPolygon(p) => Ok(p),
                        other => Err(Error::region(format!(
                            "coverage of an intersection needs convex polygon operands, got a {} \
                             (split the region into polygons, or use a union)",
                            other.type_name()
                        ))),
                    })
                    .collect::<Result<_>>()?;
                if polys.is_empty() {
                    return Err(Error::region(
                        "coverage of an empty intersection (the whole sphere) is not supported",
                    ));
                }
                intersect_polygons(&polys).map_or(Prepared::Empty, Prepared::Polygon)
            }
        })
    }

    /// A lon/lat box containing the region (empty for [`Prepared::Empty`]).
    pub fn bounding_box(&self) -> LonLatBox {
        match self {
            Prepared::Polygon(p) => p.bounding_box(),
            Prepared::Circle(c) => c.bounding_box(),
            Prepared::Box(b) => *b,
            Prepared::Union(ops) => {
                let mut out = LonLatBox::empty();
                for (op, _) in ops {
                    out.expand_to(&op.bounding_box());
                }
                out
            }
            Prepared::Empty => LonLatBox::empty(),
        }
    }

    /// `region.relate(polygon)` for the convex polygon with these vertices (see the
    /// module table for exactness).
    pub fn relate(&self, polygon: &[UnitVector3d]) -> Relationship {
        self.relate_target(Target::Polygon(polygon))
    }

    /// `region.relate(box)`, for the outer region of a tract wider than a hemisphere
    /// (a lon/lat box): exact for polygons and boxes, sphgeom's test for circles.
    pub fn relate_box(&self, b: &LonLatBox) -> Relationship {
        self.relate_target(Target::Box(b))
    }

    fn relate_target(&self, target: Target<'_>) -> Relationship {
        use Relationship as R;
        match (self, target) {
            (Prepared::Polygon(p), Target::Polygon(t)) => relate_vertices(p.vertices(), t),
            (Prepared::Polygon(p), Target::Box(b)) => {
                boxes::relate_box_polygon(b, p.vertices()).invert()
            }
            (Prepared::Circle(c), Target::Polygon(t)) => relate_vertices_circle(t, c).invert(),
            (Prepared::Circle(c), Target::Box(b)) => c.relate_box(b),
            (Prepared::Box(b), Target::Polygon(t)) => boxes::relate_box_polygon(b, t),
            (Prepared::Box(a), Target::Box(b)) => a.relate_box(b),
            (Prepared::Union(ops), target) => {
                let (mut disjoint, mut within, mut contains) = (true, true, false);
                let near = match target {
                    Target::Polygon(t) => Some(Cap::of_vertices(t)),
                    Target::Box(_) => None,
                };
                for (op, cap) in ops {
                    if near.is_some_and(|n| !cap.may_meet(&n)) {
                        // Disjoint, hence not within.
                        within = false;
                        continue;
                    }
                    let r = op.relate_target(target);
                    disjoint &= r.contains(R::DISJOINT);
                    within &= r.contains(R::WITHIN);
                    contains |= r.contains(R::CONTAINS);
                }
                let mut out = R::INTERSECTS;
                if disjoint {
                    out |= R::DISJOINT;
                }
                if within {
                    out |= R::WITHIN;
                }
                if contains {
                    out |= R::CONTAINS;
                }
                out
            }
            (Prepared::Empty, _) => R::DISJOINT | R::WITHIN,
        }
    }

    /// Area (steradians) of the region and of its intersection with `polygon`, for
    /// overlap fractions.
    ///
    /// # Errors
    /// [`Error::InvalidRegion`] for regions other than convex polygons (and
    /// intersections of them).
    pub fn areas_with(&self, polygon: &[UnitVector3d]) -> Result<(f64, f64)> {
        match self {
            Prepared::Polygon(p) => Ok((p.area(), intersection_area(p.vertices(), polygon))),
            Prepared::Empty => Ok((0.0, 0.0)),
            _ => Err(Error::region(
                "overlap fractions are computed for convex polygons (and intersections of \
                 them) only; give a visit's detectors as separate footprints",
            )),
        }
    }

    /// Bounds `[x_min, x_max, y_min, y_max]` of the region in `tract`'s pixel
    /// coordinates that are *guaranteed* to contain it, or `None` when no such bound
    /// is cheap: only for TAN tracts (great circles are straight lines, so a convex
    /// polygon in the front hemisphere maps to the convex hull of its projected
    /// vertices), and only when every vertex is well in front of the tangent point.
    /// Circles and boxes are bounded through a circumscribed octagon.
    pub fn pixel_bounds(&self, tract: &Tract) -> Option<[f64; 4]> {
        if tract.wcs().projection() != Projection::Tan || !tract.wcs().is_linear() {
            return None;
        }
        match self {
            Prepared::Polygon(p) => vertex_bounds(tract, p.vertices()),
            Prepared::Circle(c) => vertex_bounds(tract, &circumscribed_octagon(c)?),
            Prepared::Box(b) => vertex_bounds(tract, &circumscribed_octagon(&b.bounding_circle())?),
            Prepared::Union(ops) => {
                let mut out = [
                    f64::INFINITY,
                    f64::NEG_INFINITY,
                    f64::INFINITY,
                    f64::NEG_INFINITY,
                ];
                for (op, _) in ops {
                    let b = op.pixel_bounds(tract)?;
                    out = [
                        out[0].min(b[0]),
                        out[1].max(b[1]),
                        out[2].min(b[2]),
                        out[3].max(b[3]),
                    ];
                }
                Some(out)
            }
            Prepared::Empty => None,
        }
    }
}

impl Prepared {
    /// A point of (or near) the region, to order regions by place; `None` when empty.
    pub(super) fn anchor(&self) -> Option<UnitVector3d> {
        match self {
            Prepared::Polygon(p) => p.vertices().first().copied(),
            Prepared::Circle(c) => Some(*c.center()),
            Prepared::Box(b) => Some(*b.bounding_circle().center()),
            Prepared::Union(ops) => ops.first().map(|(_, cap)| cap.centre),
            Prepared::Empty => None,
        }
    }

    /// A circle containing the region.
    fn bounding_circle(&self) -> Circle {
        match self {
            Prepared::Polygon(p) => p.bounding_circle(),
            Prepared::Circle(c) => *c,
            Prepared::Box(b) => b.bounding_circle(),
            Prepared::Union(ops) => ops
                .iter()
                .map(|(op, _)| op.bounding_circle())
                .reduce(|a, b| a.expanded_to(&b))
                .unwrap_or_else(Circle::empty),
            Prepared::Empty => Circle::empty(),
        }
    }
}

/// A spherical cap as centre and the cosine/sine of its radius, for a quick
/// "certainly apart" test (with a margin far above rounding).
#[derive(Debug, Clone, Copy)]
pub struct Cap {
    centre: UnitVector3d,
    cos_r: f64,
    sin_r: f64,
}

impl Cap {
    fn of_circle(c: &Circle) -> Cap {
        let r = if c.is_empty() {
            0.0
        } else {
            c.opening_angle_rad().min(std::f64::consts::PI)
        };
        Cap {
            centre: *c.center(),
            cos_r: r.cos(),
            sin_r: r.sin(),
        }
    }

    /// A cap containing a convex polygon: centred on the normalized vertex sum, reaching
    /// the farthest vertex (a cap under 90 degrees is convex, so it holds the hull).
    fn of_vertices(vertices: &[UnitVector3d]) -> Cap {
        let sum = vertices
            .iter()
            .fold(crate::geometry::Vector3d::default(), |acc, v| {
                acc.add(v.as_vector())
            });
        let Ok(centre) = sum.normalize() else {
            return Cap {
                centre: vertices[0],
                cos_r: -1.0,
                sin_r: 0.0,
            };
        };
        let cos_r = vertices
            .iter()
            .map(|v| v.dot(&centre))
            .fold(1.0f64, f64::min);
        if cos_r <= 0.0 {
            return Cap {
                centre,
                cos_r: -1.0,
                sin_r: 0.0,
            };
        }
        Cap {
            centre,
            cos_r,
            sin_r: (1.0 - cos_r * cos_r).max(0.0).sqrt(),
        }
    }

    /// False only when the caps are certainly disjoint: the angle between the centres
    /// exceeds the sum of the radii by more than 1e-9 rad.
    fn may_meet(&self, o: &Cap) -> bool {
        if self.cos_r <= -1.0 || o.cos_r <= -1.0 {
            return true;
        }
        // cos(r1 + r2 + margin), with margin 1e-9 rad.
        let (cm, sm) = (1e-9f64.cos(), 1e-9f64.sin());
        let (c12, s12) = (
            self.cos_r * o.cos_r - self.sin_r * o.sin_r,
            self.sin_r * o.cos_r + self.cos_r * o.sin_r,
        );
        if s12 < 0.0 {
            return true; // r1 + r2 > pi
        }
        let limit = c12 * cm - s12 * sm;
        self.centre.dot(&o.centre) >= limit
    }
}

fn vertex_bounds(tract: &Tract, vertices: &[UnitVector3d]) -> Option<[f64; 4]> {
    let [lon, lat] = tract.wcs().crval_rad();
    let tangent = UnitVector3d::from_lonlat_rad(lon, lat);
    let mut out = [
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
    ];
    for v in vertices {
        if v.dot(&tangent) < MIN_FRONT_COS {
            return None;
        }
        let (x, y) = tract.wcs().vector_to_pixel(v.to_array())?;
        out = [out[0].min(x), out[1].max(x), out[2].min(y), out[3].max(y)];
    }
    out.iter().all(|x| x.is_finite()).then_some(out)
}

/// Eight points whose convex hull contains the circle (a regular octagon with its
/// edges tangent to a circle 1e-9 rad larger), or `None` for circles of 80 degrees or
/// more.
fn circumscribed_octagon(c: &Circle) -> Option<Vec<UnitVector3d>> {
    let r = c.opening_angle_rad() + 1e-9;
    if r.is_nan() || r >= 80f64.to_radians() {
        return None;
    }
    // A vertex at angle R from the centre: tan(R) cos(pi/8) = tan(r).
    let big = (r.tan() / (std::f64::consts::PI / 8.0).cos()).atan();
    let centre = *c.center();
    let seed = if centre.z().abs() < 0.9 {
        UnitVector3d::from_normalized(0.0, 0.0, 1.0)
    } else {
        UnitVector3d::from_normalized(1.0, 0.0, 0.0)
    };
    let u = centre.robust_cross(&seed).normalize().ok()?;
    let w = centre.cross(&u);
    let (sb, cb) = big.sin_cos();
    (0..8)
        .map(|k| {
            let (s, co) = (k as f64 * std::f64::consts::FRAC_PI_4).sin_cos();
            let d = u.as_vector().scale(co).add(&w.scale(s));
            centre
                .as_vector()
                .scale(cb)
                .add(&d.scale(sb))
                .normalize()
                .ok()
        })
        .collect()
}
