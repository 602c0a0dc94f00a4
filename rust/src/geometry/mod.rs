//! Spherical geometry: points, exact predicates and regions.
//!
//! The vocabulary is `lsst.sphgeom`'s: a closed set of region types (convex polygon,
//! circle, lon/lat box, union, intersection) with a conservative `relate` returning
//! DISJOINT/CONTAINS/WITHIN bits, and a byte encoding identical to sphgeom's so that
//! regions can be stored in, and read from, a Rubin data butler.
//!
//! Compatibility is by construction: the same operations in the same order as
//! sphgeom (lon/lat → vector, normalization, the orientation filter, the hull
//! traversal, the relate tests), with an exact orientation fallback, so the same
//! input points give bit-identical vertices and the same relations. See [`region`]
//! for which relations are exact and which are conservative.
//!
//! Intentional differences from sphgeom:
//! * decoding rejects non-finite values and non-unit vectors (sphgeom accepts them);
//! * ellipses are not supported (decoding `'e'` is an error);
//! * constructors validate (NaN, |lat| > 90°, negative radius, `lat_min > lat_max`)
//!   where sphgeom would build an empty or meaningless region.

pub mod angle;
pub mod batch;
pub mod circle;
pub mod codec;
pub mod convex_polygon;
pub mod fast_contains;
pub mod interval;
pub mod lonlat_box;
pub mod orientation;
mod outline;
pub mod region;
pub mod relationship;
pub mod vector;

pub use batch::overlaps_polygon_pairs_lonlat_deg;
pub use circle::Circle;
pub use convex_polygon::{
    relate_vertices, relate_vertices_box, relate_vertices_circle, vertices_bounding_box,
    vertices_bounding_circle, vertices_centroid, vertices_contain, ConvexPolygon,
};
pub use fast_contains::PreparedPolygon;
pub use interval::{AngleInterval, NormalizedAngleInterval};
pub use lonlat_box::LonLatBox;
pub use orientation::{
    orientation, orientation_exact, orientation_x, orientation_y, orientation_z,
};
pub use region::{pixel_relation, Region};
pub use relationship::Relationship;
pub use vector::{LonLat, UnitVector3d, Vector3d};
