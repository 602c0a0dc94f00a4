//! The closed set of region types and the relations between any two of them.
//!
//! [`Region`] is sphgeom's class hierarchy as an enum; sphgeom's double dispatch
//! becomes a `match` on the pair. Every answer is sphgeom's:
//!
//! | pair | `relate` | `overlaps` |
//! |------|----------|------------|
//! | polygon–polygon | exact | exact |
//! | polygon–circle, circle–circle, box–circle | conservative (margins of ~1e-15 in chord², 4×1.5e-8 rad in angle) | known |
//! | box–box | exact | exact |
//! | polygon–box | from the polygon's bounding box: only DISJOINT/WITHIN | `None` when undecided |
//! | union, intersection | combined from the operands | combined, may be `None` |
//!
//! "Conservative" means a bit is only set when it is guaranteed; near-tangent pairs
//! may get INTERSECTS (no bits) although a finer test could say more. We reproduce
//! these answers exactly (including the conservative ones) because HTM envelopes and
//! butler spatial joins depend on them. Ellipses (type byte `'e'`) are not supported.

use super::circle::Circle;
use super::convex_polygon::ConvexPolygon;
use super::lonlat_box::LonLatBox;
use super::relationship::{relationship_to_overlaps, Relationship};
use super::vector::UnitVector3d;

/// Any region sphgeom can encode (except ellipses).
#[derive(Debug, Clone, PartialEq)]
pub enum Region {
    ConvexPolygon(ConvexPolygon),
    Circle(Circle),
    LonLatBox(LonLatBox),
    /// Points in any operand (no operands: empty).
    Union(Vec<Region>),
    /// Points in every operand (no operands: the whole sphere).
    Intersection(Vec<Region>),
}

impl From<ConvexPolygon> for Region {
    fn from(p: ConvexPolygon) -> Self {
        Region::ConvexPolygon(p)
    }
}
impl From<Circle> for Region {
    fn from(c: Circle) -> Self {
        Region::Circle(c)
    }
}
impl From<LonLatBox> for Region {
    fn from(b: LonLatBox) -> Self {
        Region::LonLatBox(b)
    }
}

impl Region {
    /// Short type name ("ConvexPolygon", "Circle", "Box", "UnionRegion", "IntersectionRegion").
    pub fn type_name(&self) -> &'static str {
        match self {
            Region::ConvexPolygon(_) => "ConvexPolygon",
            Region::Circle(_) => "Circle",
            Region::LonLatBox(_) => "Box",
            Region::Union(_) => "UnionRegion",
            Region::Intersection(_) => "IntersectionRegion",
        }
    }

    /// A union, flattening nested unions (as sphgeom does).
    pub fn union(operands: Vec<Region>) -> Region {
        let mut flat = Vec::with_capacity(operands.len());
        for r in operands {
            match r {
                Region::Union(inner) => flat.extend(inner),
                other => flat.push(other),
            }
        }
        Region::Union(flat)
    }

    /// An intersection, flattening nested intersections.
    pub fn intersection(operands: Vec<Region>) -> Region {
        let mut flat = Vec::with_capacity(operands.len());
        for r in operands {
            match r {
                Region::Intersection(inner) => flat.extend(inner),
                other => flat.push(other),
            }
        }
        Region::Intersection(flat)
    }

    /// Whether `v` is in the region (boundaries included).
    pub fn contains(&self, v: &UnitVector3d) -> bool {
        match self {
            Region::ConvexPolygon(p) => p.contains(v),
            Region::Circle(c) => c.contains(v),
            Region::LonLatBox(b) => b.contains(v),
            Region::Union(ops) => ops.iter().any(|r| r.contains(v)),
            Region::Intersection(ops) => ops.iter().all(|r| r.contains(v)),
        }
    }

    /// Whether the region is (known to be) empty, as sphgeom's `isEmpty`.
    pub fn is_empty(&self) -> bool {
        match self {
            Region::ConvexPolygon(_) => false,
            Region::Circle(c) => c.is_empty(),
            Region::LonLatBox(b) => b.is_empty(),
            Region::Union(ops) => ops.iter().all(|r| r.is_empty()),
            Region::Intersection(ops) => {
                if ops.is_empty() {
                    return false;
                }
                if ops.iter().all(|r| r.is_empty()) {
                    return true;
                }
                for (k, a) in ops.iter().enumerate() {
                    for b in &ops[k + 1..] {
                        if a.overlaps(b) == Some(false) {
                            return true;
                        }
                    }
                }
                false
            }
        }
    }

    /// The spatial relation of `self` to `other` (see the module table).
    ///
    /// # Examples
    /// ```
    /// use skymaps::geometry::{Circle, Region, Relationship, UnitVector3d};
    /// let c = UnitVector3d::from_lonlat_deg(0.0, 0.0)?;
    /// let big = Region::from(Circle::new(c, 0.2)?);
    /// let small = Region::from(Circle::new(c, 0.1)?);
    /// assert_eq!(big.relate(&small), Relationship::CONTAINS);
    /// assert_eq!(small.relate(&big), Relationship::WITHIN);
    /// # Ok::<(), skymaps::Error>(())
    /// ```
    pub fn relate(&self, other: &Region) -> Relationship {
        use Region as G;
        use Relationship as R;
        match (self, other) {
            (G::Union(ops), _) => {
                if ops.is_empty() {
                    return R::DISJOINT;
                }
                let mut result = R::DISJOINT | R::WITHIN;
                for op in ops {
                    let rel = op.relate(other);
                    if !rel.contains(R::DISJOINT) {
                        result &= !R::DISJOINT;
                    }
                    if !rel.contains(R::WITHIN) {
                        result &= !R::WITHIN;
                    }
                    if rel.contains(R::CONTAINS) {
                        result |= R::CONTAINS;
                    }
                    if result == R::CONTAINS {
                        break;
                    }
                }
                result
            }
            (G::Intersection(ops), _) => {
                let mut result = R::CONTAINS;
                for op in ops {
                    let rel = op.relate(other);
                    if !rel.contains(R::CONTAINS) {
                        result &= !R::CONTAINS;
                    }
                    if rel.contains(R::DISJOINT) {
                        result |= R::DISJOINT;
                    }
                    if rel.contains(R::WITHIN) {
                        result |= R::WITHIN;
                    }
                    if result == (R::DISJOINT | R::WITHIN) {
                        break;
                    }
                }
                result
            }
            (_, G::Union(_) | G::Intersection(_)) => other.relate(self).invert(),
            (G::ConvexPolygon(a), G::ConvexPolygon(b)) => a.relate_polygon(b),
            (G::ConvexPolygon(a), G::Circle(c)) => a.relate_circle(c),
            (G::ConvexPolygon(a), G::LonLatBox(b)) => a.relate_box(b),
            (G::Circle(c), G::ConvexPolygon(p)) => p.relate_circle(c).invert(),
            (G::Circle(a), G::Circle(b)) => a.relate_circle(b),
            (G::Circle(c), G::LonLatBox(b)) => c.relate_box(b),
            (G::LonLatBox(b), G::ConvexPolygon(p)) => p.relate_box(b).invert(),
            (G::LonLatBox(b), G::Circle(c)) => b.relate_circle(c),
            (G::LonLatBox(a), G::LonLatBox(b)) => a.relate_box(b),
        }
    }

    /// Whether the regions share a point: `Some(true)`, `Some(false)`, or `None` when
    /// sphgeom's tests cannot tell (polygon–box and compound regions only).
    pub fn overlaps(&self, other: &Region) -> Option<bool> {
        use Region as G;
        match (self, other) {
            (G::Union(ops), _) => {
                if ops.is_empty() {
                    return Some(false);
                }
                let mut maybe = false;
                for op in ops {
                    match op.overlaps(other) {
                        Some(true) => return Some(true),
                        None => maybe = true,
                        Some(false) => {}
                    }
                }
                if maybe {
                    None
                } else {
                    Some(false)
                }
            }
            (G::Intersection(ops), _) => {
                if ops.is_empty() {
                    return Some(!other.is_empty());
                }
                if ops.iter().any(|op| op.overlaps(other) == Some(false)) {
                    Some(false)
                } else {
                    None
                }
            }
            (_, G::Union(_) | G::Intersection(_)) => other.overlaps(self),
            (G::ConvexPolygon(a), G::ConvexPolygon(b)) => Some(!a.relate_polygon(b).is_disjoint()),
            (G::ConvexPolygon(p), G::Circle(c)) | (G::Circle(c), G::ConvexPolygon(p)) => {
                Some(!p.relate_circle(c).is_disjoint())
            }
            (G::ConvexPolygon(p), G::LonLatBox(b)) | (G::LonLatBox(b), G::ConvexPolygon(p)) => {
                relationship_to_overlaps(p.relate_box(b))
            }
            (G::Circle(a), G::Circle(b)) => Some(!a.is_disjoint_from(b)),
            (G::Circle(c), G::LonLatBox(b)) | (G::LonLatBox(b), G::Circle(c)) => {
                Some(!b.relate_circle(c).is_disjoint())
            }
            (G::LonLatBox(a), G::LonLatBox(b)) => Some(a.intersects_box(b)),
        }
    }

    /// A circle containing the region (sphgeom `getBoundingCircle`).
    pub fn bounding_circle(&self) -> Circle {
        match self {
            Region::ConvexPolygon(p) => p.bounding_circle(),
            Region::Circle(c) => *c,
            Region::LonLatBox(b) => b.bounding_circle(),
            Region::Union(ops) => {
                let mut it = ops.iter().map(|r| r.bounding_circle());
                match it.next() {
                    None => Circle::empty(),
                    Some(first) => it.fold(first, |acc, c| acc.expanded_to(&c)),
                }
            }
            Region::Intersection(ops) => {
                let mut it = ops.iter().map(|r| r.bounding_circle());
                match it.next() {
                    None => Circle::full(),
                    Some(first) => it.fold(first, |acc, c| acc.clipped_to(&c)),
                }
            }
        }
    }

    /// A lon/lat box containing the region (sphgeom `getBoundingBox`).
    pub fn bounding_box(&self) -> LonLatBox {
        match self {
            Region::ConvexPolygon(p) => p.bounding_box(),
            Region::Circle(c) => c.bounding_box(),
            Region::LonLatBox(b) => *b,
            Region::Union(ops) => operand_boxes(ops, LonLatBox::empty(), LonLatBox::expand_to),
            Region::Intersection(ops) => operand_boxes(ops, LonLatBox::full(), LonLatBox::clip_to),
        }
    }

    /// Area in steradians for polygons, circles and boxes; `None` for compound
    /// regions (whose area would need polygon clipping).
    pub fn area(&self) -> Option<f64> {
        match self {
            Region::ConvexPolygon(p) => Some(p.area()),
            Region::Circle(c) => Some(c.area()),
            Region::LonLatBox(b) => Some(b.area()),
            Region::Union(_) | Region::Intersection(_) => None,
        }
    }

    /// sphgeom-style equality (empty circles are equal, polygons equal up to rotation).
    pub fn equals(&self, other: &Region) -> bool {
        match (self, other) {
            (Region::ConvexPolygon(a), Region::ConvexPolygon(b)) => a.equals(b),
            (Region::Circle(a), Region::Circle(b)) => a.equals(b),
            (Region::LonLatBox(a), Region::LonLatBox(b)) => a.equals(b),
            (Region::Union(a), Region::Union(b))
            | (Region::Intersection(a), Region::Intersection(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.equals(y))
            }
            _ => false,
        }
    }
}

/// The operands' bounding boxes folded with `combine` (expand for unions, clip for
/// intersections) starting from the first; `no_operands` when there are none.
fn operand_boxes(
    ops: &[Region],
    no_operands: LonLatBox,
    combine: fn(&mut LonLatBox, &LonLatBox),
) -> LonLatBox {
    let mut boxes = ops.iter().map(Region::bounding_box);
    let Some(mut out) = boxes.next() else {
        return no_operands;
    };
    for b in boxes {
        combine(&mut out, &b);
    }
    out
}

/// The relation of a pixel (a convex polygon given by its vertices, e.g. an HTM
/// trixel) **to** a simple region, computed exactly as sphgeom's pixel finders do
/// (`detail::relate(pixel_begin, pixel_end, region)`), so that envelopes and interiors
/// built on it equal sphgeom's. Returns `None` for unions and intersections: sphgeom
/// handles those per operand (union of the operands' pixel sets, intersection for
/// intersections), and so must the caller.
///
/// # Examples
/// ```
/// use skymaps::geometry::{pixel_relation, Circle, Region, Relationship, UnitVector3d};
/// let pixel = [
///     UnitVector3d::from_normalized(1.0, 0.0, 0.0),
///     UnitVector3d::from_normalized(0.0, 1.0, 0.0),
///     UnitVector3d::from_normalized(0.0, 0.0, 1.0),
/// ];
/// let far = Region::from(Circle::new(UnitVector3d::from_normalized(0.0, 0.0, -1.0), 0.1)?);
/// assert_eq!(pixel_relation(&pixel, &far), Some(Relationship::DISJOINT));
/// # Ok::<(), skymaps::Error>(())
/// ```
pub fn pixel_relation(pixel: &[UnitVector3d], region: &Region) -> Option<Relationship> {
    use super::convex_polygon::{relate_vertices, relate_vertices_box, relate_vertices_circle};
    match region {
        Region::ConvexPolygon(p) => Some(relate_vertices(pixel, p.vertices())),
        Region::Circle(c) => Some(relate_vertices_circle(pixel, c)),
        Region::LonLatBox(b) => Some(relate_vertices_box(pixel, b)),
        Region::Union(_) | Region::Intersection(_) => None,
    }
}
