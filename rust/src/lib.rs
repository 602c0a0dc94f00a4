//! # skymaps
//!
//! Sky tessellations for astronomy survey pipelines.
//!
//! The crate is layered; dependencies point one way:
//!
//! ```text
//! geometry, rangeset  <-  pixelization, projection  <-  tessellation  <-  lookup, records  <-  bindings
//! ```
//!
//! * [`geometry`]: unit vectors, exact orientation, regions (convex polygons, circles,
//!   lon/lat boxes), their relations and the `lsst.sphgeom` binary encoding.
//! * [`rangeset`]: sorted half-open `u64` ranges, the currency of pixelizations.
//! * [`pixelization`]: HTM and HEALPix indexing, envelopes and interiors.
//! * [`projection`]: FITS projections (TAN, STG, CEA, ...) and the tract WCS.
//! * [`tessellation`]: skymaps (rings, discrete, ...), tracts, patches, cells, configs.
//! * [`lookup`]: point -> tract/patch/cell and region -> tracts/patches.
//! * [`records`]: butler dimension records (skymap, tract, patch).
//!
//! Only `bindings` (behind the `python` feature) knows about Python.

pub mod error;
pub mod geometry;
pub mod huge_pages;
pub mod lookup;
pub mod parallel;
pub mod pixelization;
pub mod projection;
pub mod rangeset;
pub mod records;
pub mod simd;
pub mod tessellation;
#[cfg(test)]
mod test_random;

#[cfg(feature = "python")]
mod bindings;

pub use error::{Error, Result};
