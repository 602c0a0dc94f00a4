//! The skymap config schema: every skymap kind's fields, types, defaults and checks, in
//! one table, and the one registry of kinds and tract builders.
//!
//! This is the single owner of those facts. [`super::config::SkyMapConfig`] parses a
//! resolved config with it; the Python config readers (pex_config-style files, TOML,
//! overrides) and the Python constructor classes read the same table through
//! `skymaps._core.config_schema()` and check every value through
//! `skymaps._core.config_field_problem` / `config_problem`, so a value one layer accepts
//! the other accepts too, with the same message.
//!
//! Field names, docs and defaults are `lsst.skymap`'s (`BaseSkyMapConfig`, its
//! subclasses' `setDefaults`, `LegacyTractBuilderConfig`, `CellTractBuilderConfig`).
//! The ranges are what this core builds exactly:
//!
//! * `log2NSide` is at most 6 (49,152 tracts): tracts are built eagerly when a skymap
//!   is made, while `lsst.skymap`'s `HealpixSkyMap` generates them lazily. Every
//!   `HealpixSkyMap` repository we know of uses a far smaller `nSide`.
//! * `radiusList` entries are below 90 degrees: a tract's pixel box must fit in one
//!   hemisphere of its gnomonic/stereographic projection.
//! * `projection` is one of the FITS codes the core evaluates (TAN, STG, CEA), spelled
//!   exactly as `lsst.skymap` hashes it.

use crate::{Error, Result};
use std::fmt;

/// A config value before it is checked: the JSON data model plus non-finite floats and
/// "something else" (kept as its repr so that the message can show it).
#[derive(Debug, Clone, PartialEq)]
pub enum ConfigValue {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    List(Vec<ConfigValue>),
    /// Keys in their original order.
    Map(Vec<(String, ConfigValue)>),
    /// A value of no supported type (for example an integer beyond 64 bits), as text.
    Other(String),
}

impl ConfigValue {
    /// The value under `key` of a map (None for a missing key or a non-map).
    pub fn get(&self, key: &str) -> Option<&ConfigValue> {
        match self {
            ConfigValue::Map(m) => m.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
    fn as_f64(&self) -> Option<f64> {
        match *self {
            ConfigValue::Int(i) => Some(i as f64),
            ConfigValue::Float(f) => Some(f),
            _ => None,
        }
    }
    fn as_list(&self) -> Option<&[ConfigValue]> {
        match self {
            ConfigValue::List(v) => Some(v),
            _ => None,
        }
    }
}

impl From<&serde_json::Value> for ConfigValue {
    fn from(v: &serde_json::Value) -> Self {
        use serde_json::Value as J;
        match v {
            J::Null => ConfigValue::Null,
            J::Bool(b) => ConfigValue::Bool(*b),
            J::Number(n) => match n.as_i64() {
                Some(i) => ConfigValue::Int(i),
                None if n.is_f64() => ConfigValue::Float(n.as_f64().unwrap_or(f64::NAN)),
                None => ConfigValue::Other(n.to_string()),
            },
            J::String(s) => ConfigValue::Str(s.clone()),
            J::Array(a) => ConfigValue::List(a.iter().map(ConfigValue::from).collect()),
            J::Object(m) => ConfigValue::Map(
                m.iter()
                    .map(|(k, v)| (k.clone(), ConfigValue::from(v)))
                    .collect(),
            ),
        }
    }
}

/// Python-like text, as users wrote the value.
impl fmt::Display for ConfigValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigValue::Null => write!(f, "None"),
            ConfigValue::Bool(b) => write!(f, "{}", if *b { "True" } else { "False" }),
            ConfigValue::Int(i) => write!(f, "{i}"),
            ConfigValue::Float(x) => write!(f, "{x:?}"),
            ConfigValue::Str(s) => write!(f, "{s:?}"),
            ConfigValue::List(v) => {
                write!(f, "[")?;
                for (i, x) in v.iter().enumerate() {
                    write!(f, "{}{x}", if i > 0 { ", " } else { "" })?;
                }
                write!(f, "]")
            }
            ConfigValue::Map(m) => {
                write!(f, "{{")?;
                for (i, (k, x)) in m.iter().enumerate() {
                    write!(f, "{}{k:?}: {x}", if i > 0 { ", " } else { "" })?;
                }
                write!(f, "}}")
            }
            ConfigValue::Other(s) => write!(f, "{s}"),
        }
    }
}

/// The type of a field's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    Int,
    Float,
    Bool,
    Str,
    /// Any number of finite floats.
    FloatList,
    /// Exactly two integers.
    IntPair,
    /// Exactly two finite floats.
    FloatPair,
    /// A list of tables (each checked by its kind: the `headers` kind's images).
    Tables,
}

impl FieldType {
    /// The pex_config-style type name (`int`, `list[float]`, ...).
    pub fn name(self) -> &'static str {
        match self {
            FieldType::Int => "int",
            FieldType::Float => "float",
            FieldType::Bool => "bool",
            FieldType::Str => "str",
            FieldType::FloatList | FieldType::FloatPair => "list[float]",
            FieldType::IntPair => "list[int]",
            FieldType::Tables => "list[dict]",
        }
    }
    /// The required length of a list type.
    pub fn length(self) -> Option<usize> {
        match self {
            FieldType::IntPair | FieldType::FloatPair => Some(2),
            _ => None,
        }
    }
}

/// The check of a well-typed value (of each entry, for lists).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Check {
    None,
    /// Integers in `[lo, hi]`.
    IntRange(i64, i64),
    /// Floats between `lo` and `hi`; an `open` end is excluded.
    FloatRange {
        lo: f64,
        lo_open: bool,
        hi: f64,
        hi_open: bool,
    },
    /// One of the FITS projection codes the core evaluates.
    Projection,
    /// Two increasing floats in `[lo, hi]`.
    Increasing(f64, f64),
    /// One of these strings.
    OneOf(&'static [&'static str]),
}

/// A default value (`Required`: the field has no default and must be set).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Default {
    Required,
    Int(i64),
    Float(f64),
    Bool(bool),
    Str(&'static str),
    FloatList(&'static [f64]),
    IntPair([i64; 2]),
    FloatPair([f64; 2]),
    /// An empty list of tables.
    Tables,
}

impl Default {
    /// The default as a config value (`Null` when required).
    pub fn value(&self) -> ConfigValue {
        match *self {
            Default::Required => ConfigValue::Null,
            Default::Int(i) => ConfigValue::Int(i),
            Default::Float(x) => ConfigValue::Float(x),
            Default::Bool(b) => ConfigValue::Bool(b),
            Default::Str(s) => ConfigValue::Str(s.to_owned()),
            Default::Tables => ConfigValue::List(Vec::new()),
            Default::FloatList(v) => {
                ConfigValue::List(v.iter().map(|&x| ConfigValue::Float(x)).collect())
            }
            Default::IntPair(p) => {
                ConfigValue::List(p.iter().map(|&x| ConfigValue::Int(x)).collect())
            }
            Default::FloatPair(p) => {
                ConfigValue::List(p.iter().map(|&x| ConfigValue::Float(x)).collect())
            }
        }
    }
}

/// One config field.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Field {
    /// `lsst.skymap`'s name (camelCase).
    pub name: &'static str,
    /// The keyword argument of the Python constructor classes.
    pub arg: &'static str,
    pub ty: FieldType,
    pub default: Default,
    pub check: Check,
    pub doc: &'static str,
}

const I32_MAX: i64 = i32::MAX as i64;
const POSITIVE: Check = Check::IntRange(1, I32_MAX);
const NON_NEGATIVE: Check = Check::IntRange(0, I32_MAX);
const ANY_FINITE: Check = Check::None;

const fn field(
    name: &'static str,
    arg: &'static str,
    ty: FieldType,
    default: Default,
    check: Check,
    doc: &'static str,
) -> Field {
    Field {
        name,
        arg,
        ty,
        default,
        check,
        doc,
    }
}

/// The largest `log2NSide` (see the module doc).
pub const MAX_LOG2_NSIDE: i64 = 6;
/// The largest `numRings` (beyond it a skymap would not fit in memory).
pub const MAX_NUM_RINGS: i64 = 100_000;
/// The projection codes the core evaluates.
pub const PROJECTIONS: [&str; 3] = ["TAN", "STG", "CEA"];

/// `BaseSkyMapConfig`'s own fields.
pub static COMMON_FIELDS: [Field; 4] = [
    field(
        "tractOverlap",
        "tract_overlap",
        FieldType::Float,
        Default::Float(1.0),
        Check::FloatRange {
            lo: 0.0,
            lo_open: false,
            hi: 90.0,
            hi_open: true,
        },
        "minimum overlap between adjacent sky tracts, on the sky (deg)",
    ),
    field(
        "pixelScale",
        "pixel_scale",
        FieldType::Float,
        Default::Float(0.333),
        Check::FloatRange {
            lo: 0.0,
            lo_open: true,
            hi: f64::INFINITY,
            hi_open: true,
        },
        "nominal pixel scale (arcsec/pixel)",
    ),
    field(
        "projection",
        "projection",
        FieldType::Str,
        Default::Str("STG"),
        Check::Projection,
        "one of the FITS WCS projection codes",
    ),
    field(
        "rotation",
        "rotation",
        FieldType::Float,
        Default::Float(0.0),
        ANY_FINITE,
        "Rotation for WCS (deg)",
    ),
];

/// A tract builder (`tractBuilderRegistry` entry).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BuilderSchema {
    pub name: &'static str,
    pub config_class: &'static str,
    pub fields: &'static [Field],
}

/// The tract builders, the default first.
pub static BUILDERS: [BuilderSchema; 2] = [
    BuilderSchema {
        name: "legacy",
        config_class: "LegacyTractBuilderConfig",
        fields: &[
            field(
                "patchInnerDimensions",
                "patch_inner_dimensions",
                FieldType::IntPair,
                Default::IntPair([4000, 4000]),
                POSITIVE,
                "dimensions of inner region of patches (x,y pixels)",
            ),
            field(
                "patchBorder",
                "patch_border",
                FieldType::Int,
                Default::Int(100),
                NON_NEGATIVE,
                "border between patch inner and outer bbox (pixels)",
            ),
        ],
    },
    BuilderSchema {
        name: "cells",
        config_class: "CellTractBuilderConfig",
        fields: &[
            field(
                "cellInnerDimensions",
                "cell_inner_dimensions",
                FieldType::IntPair,
                Default::IntPair([150, 150]),
                POSITIVE,
                "dimensions of inner region of cells (x,y pixels)",
            ),
            field(
                "cellBorder",
                "cell_border",
                FieldType::Int,
                Default::Int(50),
                NON_NEGATIVE,
                "Border between cell inner and outer bbox (pixels)",
            ),
            field(
                "numCellsPerPatchInner",
                "num_cells_per_patch_inner",
                FieldType::Int,
                Default::Int(20),
                POSITIVE,
                "Number of cells per inner patch.",
            ),
            field(
                "numCellsInPatchBorder",
                "num_cells_in_patch_border",
                FieldType::Int,
                Default::Int(1),
                NON_NEGATIVE,
                "Number of cells in the patch border (outside the inner patch region).",
            ),
        ],
    },
];

/// One skymap kind: its names, own fields, `setDefaults` overrides and versions.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KindSchema {
    /// The registry name (`skymap_class`: `"rings"`, ...).
    pub name: &'static str,
    /// The `lsst.skymap` class name (hashed into the skymap SHA1).
    pub class_name: &'static str,
    /// The pex_config class name.
    pub config_class: &'static str,
    pub fields: &'static [Field],
    /// `setDefaults` overrides: a common field name or `tractBuilder.<builder>.<field>`.
    pub defaults: &'static [(&'static str, Default)],
    /// Constructor versions accepted, and the default.
    pub max_version: i64,
    pub default_version: i64,
    /// Keys derived from the fields, accepted when consistent (`nSide`).
    pub derived: &'static [&'static str],
}

/// Every skymap kind: the one registry.
pub static KINDS: [KindSchema; 9] = [
    KindSchema {
        name: "rings",
        class_name: "RingsSkyMap",
        config_class: "RingsSkyMapConfig",
        fields: &[
            field(
                "numRings",
                "num_rings",
                FieldType::Int,
                Default::Required,
                Check::IntRange(1, MAX_NUM_RINGS),
                "Number of rings",
            ),
            field(
                "raStart",
                "ra_start",
                FieldType::Float,
                Default::Float(0.0),
                Check::FloatRange {
                    lo: 0.0,
                    lo_open: false,
                    hi: 360.0,
                    hi_open: true,
                },
                "Starting center RA for each ring (degrees)",
            ),
        ],
        defaults: &[],
        max_version: 1,
        default_version: 1,
        derived: &[],
    },
    KindSchema {
        name: "discrete",
        class_name: "DiscreteSkyMap",
        config_class: "DiscreteSkyMapConfig",
        fields: &[
            field(
                "raList",
                "ra_list",
                FieldType::FloatList,
                Default::FloatList(&[]),
                ANY_FINITE,
                "Right Ascensions of tract centers (deg)",
            ),
            field(
                "decList",
                "dec_list",
                FieldType::FloatList,
                Default::FloatList(&[]),
                Check::FloatRange {
                    lo: -90.0,
                    lo_open: false,
                    hi: 90.0,
                    hi_open: false,
                },
                "Declinations of tract centers (deg)",
            ),
            field(
                "radiusList",
                "radius_list",
                FieldType::FloatList,
                Default::FloatList(&[]),
                Check::FloatRange {
                    lo: 0.0,
                    lo_open: true,
                    hi: 90.0,
                    hi_open: true,
                },
                "Radii of tracts (degrees)",
            ),
        ],
        defaults: &[],
        max_version: 0,
        default_version: 0,
        derived: &[],
    },
    KindSchema {
        name: "equat",
        class_name: "EquatSkyMap",
        config_class: "EquatSkyMapConfig",
        fields: &[
            field(
                "numTracts",
                "num_tracts",
                FieldType::Int,
                Default::Int(4),
                POSITIVE,
                "number of tracts; warning: TAN projection requires at least 3",
            ),
            field(
                "decRange",
                "dec_range",
                FieldType::FloatPair,
                Default::FloatPair([-1.25, 1.25]),
                Check::Increasing(-90.0, 90.0),
                "range of declination (deg)",
            ),
        ],
        defaults: &[("projection", Default::Str("CEA"))],
        max_version: 0,
        default_version: 0,
        derived: &[],
    },
    KindSchema {
        name: "dodeca",
        class_name: "DodecaSkyMap",
        config_class: "DodecaSkyMapConfig",
        fields: &[field(
            "withTractsOnPoles",
            "with_tracts_on_poles",
            FieldType::Bool,
            Default::Bool(false),
            Check::None,
            "if True center a tract on each pole, else put a vertex on each pole",
        )],
        defaults: &[
            ("tractOverlap", Default::Float(3.5)),
            ("tractBuilder.legacy.patchBorder", Default::Int(250)),
            ("pixelScale", Default::Float(0.2)),
            (
                "tractBuilder.legacy.patchInnerDimensions",
                Default::IntPair([4000, 4000]),
            ),
            ("projection", Default::Str("STG")),
        ],
        max_version: 0,
        default_version: 0,
        derived: &[],
    },
    KindSchema {
        name: "healpix",
        class_name: "HealpixSkyMap",
        config_class: "HealpixSkyMapConfig",
        fields: &[
            field(
                "log2NSide",
                "log2_nside",
                FieldType::Int,
                Default::Int(0),
                Check::IntRange(0, MAX_LOG2_NSIDE),
                "Number of sides, expressed in powers of 2",
            ),
            field(
                "nest",
                "nest",
                FieldType::Bool,
                Default::Bool(false),
                Check::None,
                "Use NEST ordering instead of RING?",
            ),
        ],
        defaults: &[("rotation", Default::Float(45.0))],
        max_version: 0,
        default_version: 0,
        derived: &["nSide"],
    },
    KindSchema {
        name: "healpix_grid",
        class_name: "HealpixGridSkyMap",
        config_class: "HealpixGridSkyMapConfig",
        fields: &[field(
            "order",
            "order",
            FieldType::Int,
            Default::Required,
            Check::IntRange(0, super::pixel_grid::MAX_DEPTH),
            "HEALPix order (nside = 2**order); one tract per pixel, nested ids",
        )],
        defaults: PIXEL_GRID_DEFAULTS,
        max_version: 0,
        default_version: 0,
        derived: &[],
    },
    KindSchema {
        name: "htm_grid",
        class_name: "HtmGridSkyMap",
        config_class: "HtmGridSkyMapConfig",
        fields: &[field(
            "level",
            "level",
            FieldType::Int,
            Default::Required,
            Check::IntRange(0, super::pixel_grid::MAX_DEPTH),
            "HTM level; one tract per trixel, sphgeom's ids",
        )],
        defaults: PIXEL_GRID_DEFAULTS,
        max_version: 0,
        default_version: 0,
        derived: &[],
    },
    KindSchema {
        name: "bricks",
        class_name: "BrickSkyMap",
        config_class: "BrickSkyMapConfig",
        fields: &[
            field(
                "brickSize",
                "bricksize",
                FieldType::Float,
                Default::Float(0.25),
                Check::FloatRange {
                    lo: 0.0,
                    lo_open: true,
                    hi: 180.0,
                    hi_open: false,
                },
                "Height of a row of bricks (deg); must divide 180",
            ),
            field(
                "columnMultiple",
                "column_multiple",
                FieldType::Int,
                Default::Int(2),
                POSITIVE,
                "The bricks per row are rounded up to a multiple of this (2: even)",
            ),
            field(
                "naming",
                "naming",
                FieldType::Str,
                Default::Str("legacysurvey"),
                Check::OneOf(&["legacysurvey", "id"]),
                "Tile names: RRRRpDDD (legacysurvey) or the id as text",
            ),
            field(
                "firstId",
                "first_id",
                FieldType::Int,
                Default::Int(1),
                NON_NEGATIVE,
                "Id of the south-cap tile (BRICKID starts at 1)",
            ),
            field(
                "tractDimensions",
                "tract_dimensions",
                FieldType::IntPair,
                Default::IntPair([0, 0]),
                NON_NEGATIVE,
                "Coadd size in pixels, centred on the brick; 0: 4.8% wider than a row \
                 (3600 x 3600 for 0.25 deg bricks at 0.262 arcsec/px, as the Legacy Surveys)",
            ),
        ],
        defaults: &[
            ("projection", Default::Str("TAN")),
            ("pixelScale", Default::Float(0.262)),
            ("tractOverlap", Default::Float(0.0)),
            (
                "tractBuilder.legacy.patchInnerDimensions",
                Default::IntPair([3600, 3600]),
            ),
            ("tractBuilder.legacy.patchBorder", Default::Int(0)),
        ],
        max_version: 0,
        default_version: 0,
        derived: &[],
    },
    KindSchema {
        name: "headers",
        class_name: "HeadersSkyMap",
        config_class: "HeadersSkyMapConfig",
        fields: &[
            field(
                "tracts",
                "tracts",
                FieldType::Tables,
                Default::Tables,
                Check::None,
                "One table per image: name, file, hdu, naxis and its FITS WCS (see \
                 skymaps.from_headers); tract ids are list positions",
            ),
            field(
                "patchGrid",
                "patch_grid",
                FieldType::IntPair,
                Default::IntPair([1, 1]),
                POSITIVE,
                "Patches per image along x and y; must divide every image's size",
            ),
        ],
        defaults: &[
            ("projection", Default::Str("TAN")),
            ("tractOverlap", Default::Float(0.0)),
            ("tractBuilder.legacy.patchBorder", Default::Int(0)),
        ],
        max_version: MAX_HEADERS_VERSION,
        default_version: 1,
        derived: &[],
    },
];

/// The largest `version` of a `headers` skymap (each grown collection is the next
/// version; see `skymaps.from_headers`).
pub const MAX_HEADERS_VERSION: i64 = 1_000_000;

/// `setDefaults` of the HEALPix and HTM tract grids: TAN tracts of 0.2 arcsec pixels
/// overlapping by one arcminute.
const PIXEL_GRID_DEFAULTS: &[(&str, Default)] = &[
    ("projection", Default::Str("TAN")),
    ("pixelScale", Default::Float(0.2)),
    ("tractOverlap", Default::Float(1.0 / 60.0)),
];

/// The kind registered as `name`.
///
/// # Errors
/// [`Error::InvalidConfig`] naming the registered kinds.
pub fn kind(name: &str) -> Result<&'static KindSchema> {
    KINDS.iter().find(|k| k.name == name).ok_or_else(|| {
        Error::config(format!(
            "unknown skymap class {name:?}; choose one of {}",
            KINDS.iter().map(|k| k.name).collect::<Vec<_>>().join(", ")
        ))
    })
}

/// The tract builder registered as `name`.
///
/// # Errors
/// [`Error::InvalidConfig`] naming the registered builders.
pub fn builder(name: &str) -> Result<&'static BuilderSchema> {
    BUILDERS.iter().find(|b| b.name == name).ok_or_else(|| {
        Error::config(format!(
            "unknown tractBuilder {name:?}; choose one of {}",
            BUILDERS
                .iter()
                .map(|b| b.name)
                .collect::<Vec<_>>()
                .join(", ")
        ))
    })
}

impl KindSchema {
    /// The common fields and then this kind's own, with this kind's defaults applied.
    pub fn all_fields(&self) -> Vec<Field> {
        COMMON_FIELDS
            .iter()
            .map(|f| self.with_default(f, f.name))
            .chain(self.fields.iter().copied())
            .collect()
    }
    /// A builder's fields with this kind's defaults applied.
    pub fn builder_fields(&self, b: &BuilderSchema) -> Vec<Field> {
        b.fields
            .iter()
            .map(|f| self.with_default(f, &format!("tractBuilder.{}.{}", b.name, f.name)))
            .collect()
    }
    fn with_default(&self, f: &Field, path: &str) -> Field {
        match self.defaults.iter().find(|(p, _)| *p == path) {
            Some((_, d)) => Field { default: *d, ..*f },
            None => *f,
        }
    }
    /// The field of this kind (common or own) called `name`.
    pub fn field(&self, name: &str) -> Option<Field> {
        self.all_fields().into_iter().find(|f| f.name == name)
    }
    /// Checks a constructor version.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for a version this kind does not have.
    pub fn check_version(&self, v: &ConfigValue) -> Result<i64> {
        match v {
            ConfigValue::Int(i) if (0..=self.max_version).contains(i) => Ok(*i),
            _ if self.max_version > 9 => Err(Error::config(format!(
                "version {v} is not valid for the {:?} skymap; allowed: 0 to {}",
                self.name, self.max_version
            ))),
            _ => Err(Error::config(format!(
                "version {v} is not valid for the {:?} skymap; allowed: {}",
                self.name,
                (0..=self.max_version)
                    .map(|i| i.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
        }
    }
}

fn fmt_bound(x: f64) -> String {
    format!("{x}")
}

impl Field {
    /// Checks one value of this field: set, of the right type and within range.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] whose message starts with the field name.
    ///
    /// # Examples
    /// ```
    /// use skymaps::tessellation::schema::{kind, ConfigValue};
    /// let f = kind("healpix").unwrap().field("log2NSide").unwrap();
    /// assert!(f.check(&ConfigValue::Int(6)).is_ok());
    /// let e = f.check(&ConfigValue::Int(7)).unwrap_err().to_string();
    /// assert_eq!(e, "log2NSide must be in [0, 6], got 7");
    /// ```
    pub fn check(&self, v: &ConfigValue) -> Result<()> {
        let name = self.name;
        if *v == ConfigValue::Null {
            return Err(Error::config(format!(
                "{name} is required but not set ({})",
                self.doc
            )));
        }
        let wrong = || Error::config(format!("{name} expects {}, got {v}", self.ty.name()));
        match self.ty {
            FieldType::Int => match v {
                ConfigValue::Int(i) => self.check_int(*i, name),
                _ => Err(wrong()),
            },
            FieldType::Float => match v.as_f64() {
                Some(x) => self.check_float(x, name),
                None => Err(wrong()),
            },
            FieldType::Bool => match v {
                ConfigValue::Bool(_) => Ok(()),
                _ => Err(wrong()),
            },
            FieldType::Str => match v {
                ConfigValue::Str(s) => self.check_str(s),
                _ => Err(wrong()),
            },
            FieldType::Tables => match v.as_list() {
                Some(items) if items.iter().all(|t| matches!(t, ConfigValue::Map(_))) => Ok(()),
                _ => Err(wrong()),
            },
            FieldType::FloatList | FieldType::FloatPair | FieldType::IntPair => {
                let items = v.as_list().ok_or_else(wrong)?;
                if let Some(n) = self.ty.length() {
                    if items.len() != n {
                        return Err(Error::config(format!(
                            "{name} must have {n} entries, got {}: {v}",
                            items.len()
                        )));
                    }
                }
                let entries = format!("{name} entries");
                for (i, item) in items.iter().enumerate() {
                    let bad_item = || {
                        Error::config(format!(
                            "{name}[{i}] expects {}, got {item}",
                            if self.ty == FieldType::IntPair {
                                "int"
                            } else {
                                "float"
                            }
                        ))
                    };
                    if self.ty == FieldType::IntPair {
                        match item {
                            ConfigValue::Int(x) => self.check_int(*x, &entries)?,
                            _ => return Err(bad_item()),
                        }
                    } else {
                        let x = item.as_f64().ok_or_else(bad_item)?;
                        self.check_float(x, &entries)?;
                    }
                }
                if let Check::Increasing(lo, hi) = self.check {
                    let x: Vec<f64> = items.iter().filter_map(ConfigValue::as_f64).collect();
                    if !(lo <= x[0] && x[0] < x[1] && x[1] <= hi) {
                        return Err(Error::config(format!(
                            "{name} must be [low, high] with {lo} <= low < high <= {hi}, got {v}"
                        )));
                    }
                }
                Ok(())
            }
        }
    }

    fn check_int(&self, i: i64, what: &str) -> Result<()> {
        match self.check {
            Check::IntRange(lo, hi) if !(lo..=hi).contains(&i) => {
                Err(Error::config(if hi == I32_MAX {
                    format!("{what} must be >= {lo} (and fit a 32-bit int), got {i}")
                } else {
                    format!("{what} must be in [{lo}, {hi}], got {i}")
                }))
            }
            _ => Ok(()),
        }
    }

    fn check_float(&self, x: f64, what: &str) -> Result<()> {
        if !x.is_finite() {
            return Err(Error::config(format!("{what} must be finite, got {x}")));
        }
        if let Check::FloatRange {
            lo,
            lo_open,
            hi,
            hi_open,
        } = self.check
        {
            let above = if lo_open { x > lo } else { x >= lo };
            let below = if hi_open { x < hi } else { x <= hi };
            if !(above && below) {
                let msg = if hi.is_infinite() {
                    format!(
                        "{what} must be {} {}, got {x}",
                        if lo_open { ">" } else { ">=" },
                        fmt_bound(lo)
                    )
                } else {
                    format!(
                        "{what} must be in {}{}, {}{}, got {x}",
                        if lo_open { "(" } else { "[" },
                        fmt_bound(lo),
                        fmt_bound(hi),
                        if hi_open { ")" } else { "]" }
                    )
                };
                return Err(Error::config(msg));
            }
        }
        Ok(())
    }

    fn check_str(&self, s: &str) -> Result<()> {
        let allowed: &[&str] = match self.check {
            Check::Projection => &PROJECTIONS,
            Check::OneOf(options) => options,
            _ => return Ok(()),
        };
        if !allowed.contains(&s) {
            return Err(Error::config(format!(
                "{} must be one of {}, got {s:?}",
                self.name,
                allowed
                    .iter()
                    .map(|p| format!("{p:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        Ok(())
    }
}

/// The schema as JSON, for the Python config readers and constructors.
pub fn schema_json() -> serde_json::Value {
    use serde_json::json;
    let field_json = |f: &Field| {
        json!({
            "name": f.name, "arg": f.arg, "type": f.ty.name(), "length": f.ty.length(),
            "required": f.default == Default::Required,
            "default": to_json(&f.default.value()), "doc": f.doc,
        })
    };
    let kinds: serde_json::Map<String, serde_json::Value> = KINDS
        .iter()
        .map(|k| {
            let builders: serde_json::Map<String, serde_json::Value> = BUILDERS
                .iter()
                .map(|b| {
                    let fields: Vec<_> = k.builder_fields(b).iter().map(field_json).collect();
                    (b.name.to_owned(), json!(fields))
                })
                .collect();
            (
                k.name.to_owned(),
                json!({
                    "class_name": k.class_name, "config_class": k.config_class,
                    "fields": k.all_fields().iter().map(field_json).collect::<Vec<_>>(),
                    "own_fields": k.fields.iter().map(|f| f.name).collect::<Vec<_>>(),
                    "builder_fields": builders,
                    "versions": (0..=k.max_version).collect::<Vec<_>>(),
                    "default_version": k.default_version, "derived": k.derived,
                }),
            )
        })
        .collect();
    let builders: serde_json::Map<String, serde_json::Value> = BUILDERS
        .iter()
        .map(|b| {
            (
                b.name.to_owned(),
                json!({"config_class": b.config_class,
                       "fields": b.fields.iter().map(field_json).collect::<Vec<_>>()}),
            )
        })
        .collect();
    json!({"kinds": kinds, "kind_names": KINDS.iter().map(|k| k.name).collect::<Vec<_>>(),
           "builders": builders, "builder_names": BUILDERS.iter().map(|b| b.name).collect::<Vec<_>>(),
           "default_builder": BUILDERS[0].name})
}

/// A config value as JSON (non-finite floats and `Other` as null: never in defaults).
pub fn to_json(v: &ConfigValue) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        ConfigValue::Null | ConfigValue::Other(_) => J::Null,
        ConfigValue::Bool(b) => J::Bool(*b),
        ConfigValue::Int(i) => J::from(*i),
        ConfigValue::Float(x) => serde_json::Number::from_f64(*x).map_or(J::Null, J::Number),
        ConfigValue::Str(s) => J::String(s.clone()),
        ConfigValue::List(l) => J::Array(l.iter().map(to_json).collect()),
        ConfigValue::Map(m) => J::Object(m.iter().map(|(k, v)| (k.clone(), to_json(v))).collect()),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn every_default_passes_its_own_check() {
        for k in &KINDS {
            for f in k.all_fields() {
                if f.default != Default::Required {
                    f.check(&f.default.value()).unwrap();
                }
            }
            for b in &BUILDERS {
                for f in k.builder_fields(b) {
                    f.check(&f.default.value()).unwrap();
                }
            }
        }
    }

    #[test]
    fn defaults_paths_name_real_fields() {
        for k in &KINDS {
            for (path, _) in k.defaults {
                let known = COMMON_FIELDS.iter().any(|f| f.name == *path)
                    || BUILDERS.iter().any(|b| {
                        b.fields
                            .iter()
                            .any(|f| *path == format!("tractBuilder.{}.{}", b.name, f.name))
                    });
                assert!(known, "{path}");
            }
        }
    }

    #[test]
    fn messages_name_the_field() {
        let k = kind("discrete").unwrap();
        let dec = k.field("decList").unwrap();
        let e = dec
            .check(&ConfigValue::List(vec![ConfigValue::Float(91.0)]))
            .unwrap_err()
            .to_string();
        assert_eq!(e, "decList entries must be in [-90, 90], got 91");
        let ps = k.field("pixelScale").unwrap();
        assert_eq!(
            ps.check(&ConfigValue::Float(f64::NAN))
                .unwrap_err()
                .to_string(),
            "pixelScale must be finite, got NaN"
        );
        assert_eq!(
            ps.check(&ConfigValue::Str("x".into()))
                .unwrap_err()
                .to_string(),
            "pixelScale expects float, got \"x\""
        );
        assert!(kind("hexes").unwrap_err().to_string().contains("rings"));
    }
}
