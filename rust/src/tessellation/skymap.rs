//! [`SkyMap`]: a validated config, its tracts (each owning its patch grid) and its hash.
//!
//! Tracts are built once, in parallel, when the skymap is made (about 20 ms for the
//! 18,938 tracts of a 120-ring skymap); patches and cells are computed on demand from
//! their tract, which is cheap and keeps memory small.

use super::box_tiling::BoxTiling;
use super::config::{SkyMapConfig, SkyMapKind};
use super::hash::skymap_sha1;
use super::headers::HeadersIndex;
use super::healpix::{self, HealpixLayout};
use super::patch_table::{self as table, PatchEntry};
use super::pixel_grid::PixelGrid;
use super::rings::RingLayout;
use super::tract::{Tract, WcsFactory};
use super::{bricks, discrete, dodeca, equat};
use crate::parallel::try_map_indexed;
use crate::{Error, Result};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

/// How many skymaps this process has built: lets tests show that a skymap is built
/// once and then reused (registration, records, the CLI).
static BUILDS: AtomicU64 = AtomicU64::new(0);

/// The number of [`SkyMap::new`] calls that built a skymap so far in this process.
pub fn builds() -> u64 {
    BUILDS.load(Ordering::Relaxed)
}

/// How a skymap finds the tract that owns a point.
#[derive(Debug, Clone)]
pub(crate) enum Layout {
    /// Arithmetic on the ring layout.
    Rings(RingLayout),
    /// Exact containment in the tracts' inner polygons.
    Polygons,
    /// HEALPix pixel arithmetic (mirrored in Dec; see [`super::healpix`]).
    Healpix(HealpixLayout),
    /// RA/Dec-box tile arithmetic in degrees (see [`super::box_tiling`]), and the
    /// largest distance (degrees) from a tile centre to its tract's outer region.
    Bricks(BoxTiling, f64),
    /// The pixelization's own index (see [`super::pixel_grid`]), and the largest
    /// distance (degrees) from a tract centre to its outer region.
    PixelGrid(PixelGrid, f64),
    /// Images' footprints, found through a HEALPix index (see [`super::headers`]).
    Headers(Box<HeadersIndex>),
}

/// The tracts and layout of a pixel-grid skymap.
fn pixel_grid_tracts(
    grid: PixelGrid,
    overlap_rad: f64,
    factory: &WcsFactory,
    builder: super::config::TractBuilder,
) -> Result<(Vec<Tract>, Layout)> {
    let tracts = grid.build(overlap_rad, factory, builder)?;
    let reach = super::tract::outer_reach_deg(&tracts);
    Ok((tracts, Layout::PixelGrid(grid, reach)))
}

/// A complete skymap.
#[derive(Debug, Clone)]
pub struct SkyMap {
    config: SkyMapConfig,
    tracts: Vec<Tract>,
    layout: Layout,
    hash: [u8; 20],
    /// Id of the first tract (0 except for tilings numbered from 1, such as bricks):
    /// tract ids run `first_tract_id..first_tract_id + num_tracts`.
    first_tract_id: i64,
    /// Compact per-tract data for the patch step of lookups, built on first use.
    patch_table: OnceLock<Vec<PatchEntry>>,
}

impl SkyMap {
    /// Builds every tract of `config`.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] when a tract cannot be built (e.g. a radius too large
    /// for the projection).
    ///
    /// # Examples
    /// ```
    /// use skymaps::tessellation::{SkyMap, SkyMapConfig};
    /// let c = SkyMapConfig::from_json(r#"{"skymap_class": "rings", "version": 1,
    ///   "projection": "TAN", "pixelScale": 0.168, "tractOverlap": 0.016666666666666666,
    ///   "rotation": 0.0, "tractBuilder": {"name": "legacy",
    ///   "patchInnerDimensions": [4000, 4000], "patchBorder": 100},
    ///   "numRings": 120, "raStart": 0.0}"#).unwrap();
    /// let sky = SkyMap::new(c).unwrap();
    /// assert_eq!(sky.num_tracts(), 18938);
    /// assert_eq!(sky.tract(9813).unwrap().num_patches(), [9, 9]);
    /// ```
    pub fn new(config: SkyMapConfig) -> Result<SkyMap> {
        let factory = WcsFactory {
            projection: config.projection,
            pixel_scale_arcsec: config.pixel_scale_arcsec,
            rotation_deg: config.rotation_deg,
        };
        let overlap_rad = config.tract_overlap_deg * (std::f64::consts::PI / 180.0);
        let builder = config.tract_builder;
        let (tracts, layout) = match &config.kind {
            SkyMapKind::Rings {
                num_rings,
                ra_start_deg,
            } => {
                let rings = RingLayout::new(*num_rings, *ra_start_deg, config.version);
                let tracts = try_map_indexed(rings.num_tracts() as usize, |i| {
                    rings.build_tract(i as i64, overlap_rad, &factory, builder)
                })?;
                (tracts, Layout::Rings(rings))
            }
            SkyMapKind::Discrete {
                ra_deg,
                dec_deg,
                radius_deg,
            } => (
                discrete::build(ra_deg, dec_deg, radius_deg, overlap_rad, &factory, builder)?,
                Layout::Polygons,
            ),
            SkyMapKind::Equat {
                num_tracts,
                dec_range_deg,
            } => (
                equat::build(*num_tracts, *dec_range_deg, overlap_rad, &factory, builder)?,
                Layout::Polygons,
            ),
            SkyMapKind::Dodeca {
                with_tracts_on_poles,
            } => (
                dodeca::build(*with_tracts_on_poles, overlap_rad, &factory, builder)?,
                Layout::Polygons,
            ),
            SkyMapKind::Healpix { log2_nside, nest } => {
                let layout = HealpixLayout::new(*log2_nside, *nest);
                (
                    healpix::build(&layout, overlap_rad, &factory, builder)?,
                    Layout::Healpix(layout),
                )
            }
            SkyMapKind::HealpixGrid { order } => {
                pixel_grid_tracts(PixelGrid::healpix(*order)?, overlap_rad, &factory, builder)?
            }
            SkyMapKind::HtmGrid { level } => {
                pixel_grid_tracts(PixelGrid::htm(*level)?, overlap_rad, &factory, builder)?
            }
            SkyMapKind::Bricks {
                tiling,
                tract_dimensions,
            } => {
                let tracts = bricks::build(tiling, *tract_dimensions, &factory, builder)?;
                let reach = super::tract::outer_reach_deg(&tracts);
                (tracts, Layout::Bricks(tiling.clone(), reach))
            }
            SkyMapKind::Headers { tracts, patch_grid } => {
                let tracts = super::headers::build(tracts, *patch_grid, builder)?;
                let index = HeadersIndex::new(&tracts)?;
                (tracts, Layout::Headers(Box::new(index)))
            }
        };
        let first_tract_id = match &layout {
            Layout::Bricks(tiling, _) => tiling.first_id(),
            Layout::PixelGrid(grid, _) => grid.first_id(),
            _ => 0,
        };
        BUILDS.fetch_add(1, Ordering::Relaxed);
        Ok(SkyMap {
            hash: skymap_sha1(&config),
            config,
            tracts,
            layout,
            first_tract_id,
            patch_table: OnceLock::new(),
        })
    }

    /// Parses a resolved JSON config and builds the skymap.
    ///
    /// # Errors
    /// As [`SkyMapConfig::from_json`] and [`SkyMap::new`].
    pub fn from_json(text: &str) -> Result<SkyMap> {
        SkyMap::new(SkyMapConfig::from_json(text)?)
    }

    pub fn config(&self) -> &SkyMapConfig {
        &self.config
    }
    /// Number of tracts.
    pub fn num_tracts(&self) -> usize {
        self.tracts.len()
    }
    /// The `skymap` record's `tract_max`: one past the largest tract id (the number of
    /// tracts when ids start at 0).
    pub fn tract_max(&self) -> u64 {
        (self.first_tract_id + self.tracts.len() as i64) as u64
    }
    /// Id of the first tract (0, or 1 for the Legacy Surveys bricks).
    pub fn first_tract_id(&self) -> i64 {
        self.first_tract_id
    }
    /// Index into [`SkyMap::tracts`] of the tract with this id, if there is one.
    #[inline]
    pub fn tract_index(&self, id: i64) -> Option<usize> {
        usize::try_from(id - self.first_tract_id)
            .ok()
            .filter(|&i| i < self.tracts.len())
    }
    /// Largest number of patches along x over all tracts (`patch_nx_max`).
    pub fn patch_nx_max(&self) -> u64 {
        self.tracts
            .iter()
            .map(|t| t.num_patches()[0] as u64)
            .max()
            .unwrap_or(0)
    }
    /// Largest number of patches along y over all tracts (`patch_ny_max`).
    pub fn patch_ny_max(&self) -> u64 {
        self.tracts
            .iter()
            .map(|t| t.num_patches()[1] as u64)
            .max()
            .unwrap_or(0)
    }
    /// The 20-byte SHA1 `lsst.skymap` computes for this config.
    pub fn hash(&self) -> [u8; 20] {
        self.hash
    }
    /// All tracts, in id order (tract id = index).
    pub fn tracts(&self) -> &[Tract] {
        &self.tracts
    }
    /// The compact lookup table of every tract, indexed like [`SkyMap::tracts`]
    /// (see [`SkyMap::tract_index`]; built once, on first use).
    pub fn patch_table(&self) -> &[PatchEntry] {
        self.patch_table.get_or_init(|| table::build(&self.tracts))
    }
    /// Every tract id, in order.
    pub fn tract_ids(&self) -> std::ops::Range<u64> {
        self.first_tract_id as u64..self.tract_max()
    }

    /// The tract with this id.
    ///
    /// # Errors
    /// [`Error::UnknownId`] for an id that is not a tract's.
    pub fn tract(&self, id: i64) -> Result<&Tract> {
        self.tract_index(id)
            .map(|i| &self.tracts[i])
            .ok_or_else(|| {
                Error::unknown_id(format!(
                    "tract id {id} is outside [{}, {})",
                    self.first_tract_id,
                    self.tract_max()
                ))
            })
    }

    /// The box tiling, for a bricks skymap.
    pub fn box_tiling(&self) -> Option<&BoxTiling> {
        match &self.layout {
            Layout::Bricks(t, _) => Some(t),
            _ => None,
        }
    }

    /// The ring layout, for a rings skymap.
    pub fn rings(&self) -> Option<&RingLayout> {
        match &self.layout {
            Layout::Rings(r) => Some(r),
            _ => None,
        }
    }

    /// Builds the outer polygon of every tract and patch (what butler records need) and
    /// returns how many were built.
    ///
    /// # Errors
    /// [`Error::InvalidRegion`] if a pixel box does not project to a valid polygon.
    pub fn build_outer_polygons(&self) -> Result<u64> {
        let counts = crate::parallel::map_items(self.tracts(), |t| {
            t.patch_outer_polygons().map(|v| v.len() as u64 + 1)
        });
        counts.into_iter().sum()
    }

    /// Outer-polygon vertices of the given tracts and all their patches as flat
    /// `(n_polygons, 4, 3)` floats (each tract, then its patches in id order), and the
    /// number of patches of each tract; tracts in parallel.
    ///
    /// # Errors
    /// [`Error::UnknownId`] for a tract id that does not exist.
    pub fn outer_polygon_vertices(&self, tract_ids: &[i64]) -> Result<(Vec<f64>, Vec<i64>)> {
        let tracts = tract_ids
            .iter()
            .map(|&t| self.tract(t))
            .collect::<Result<Vec<_>>>()?;
        let per_tract = crate::parallel::map_items(&tracts, |tract| {
            let mut out = Vec::with_capacity((tract.patch_count() as usize + 1) * 12);
            let boxes = std::iter::once(tract.bbox()).chain(tract.patches().map(|p| p.outer_bbox));
            for b in boxes {
                out.extend(
                    tract
                        .polygon_vertices(&b, 0.0)?
                        .iter()
                        .flat_map(|v| v.to_array()),
                );
            }
            Ok::<_, Error>((out, tract.patch_count() as i64))
        });
        let mut verts = Vec::new();
        let mut counts = Vec::with_capacity(tract_ids.len());
        for r in per_tract {
            let (v, c) = r?;
            verts.extend(v);
            counts.push(c);
        }
        Ok((verts, counts))
    }

    pub(crate) fn layout(&self) -> &Layout {
        &self.layout
    }
}
