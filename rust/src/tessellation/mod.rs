//! LSST-compatible skymaps: tracts, patches and cells, built without the LSST stack.
//!
//! A *skymap* covers (part of) the sky with overlapping *tracts*. Each tract has its own
//! WCS and an integer pixel box cut into a grid of *patches*; with the cells tract
//! builder each patch is further cut into *cells*. A tract owns an *inner region* (the
//! part of the sky it is responsible for); its *outer region* is its whole pixel box
//! on the sky. These are `lsst.skymap`'s definitions, reproduced from the same configs
//! so that ids, regions and the skymap hash are interchangeable with records written
//! by `butler register-skymap`:
//!
//! * [`schema`]: every kind's fields, types, defaults and checks (the one registry);
//! * [`config`]: the resolved config (`lsst.skymap` field names), parsed with it;
//! * [`tract`], [`patch`], [`bbox`]: tract and patch geometry;
//! * [`rings`], [`discrete`], [`equat`], [`dodeca`], [`healpix`]: the skymap classes;
//! * [`headers`] (with [`footprint`]): other surveys' coadds, one tract per image;
//! * [`skymap`]: [`SkyMap`], which builds them all; [`hash`]: the skymap SHA1;
//! * [`packer`]: data IDs as integers (`lsst.skymap`'s dimension packer).

pub mod bbox;
pub mod box_tiling;
pub mod bricks;
pub mod config;
pub mod discrete;
pub mod dodeca;
pub mod equat;
pub mod footprint;
pub mod hash;
pub mod headers;
pub mod healpix;
pub mod packer;
pub mod patch;
pub mod patch_table;
pub mod pixel_grid;
pub mod rings;
pub mod schema;
pub mod skymap;
pub mod tract;

pub use bbox::PixelBox;
pub use config::{SkyMapConfig, SkyMapKind, TractBuilder};
pub use patch::{Cell, Patch};
pub use rings::RingLayout;
pub use skymap::SkyMap;
pub use tract::{InnerRegion, Tract};
