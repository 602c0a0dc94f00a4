//! Spherical geometry: points, exact predicates and regions.
//!
//! The vocabulary is `lsst.sphgeom`'s: a closed set of region types (convex polygon,
//! circle, lon/lat box, ...) with a conservative `relate` returning
//! DISJOINT/CONTAINS/WITHIN bits, and a byte encoding identical to sphgeom's so that
//! regions can be stored in, and read from, a Rubin data butler.

pub mod vector;

pub use vector::{LonLat, UnitVector3d, Vector3d};
