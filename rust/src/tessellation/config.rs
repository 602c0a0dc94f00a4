//! The resolved skymap configuration: `lsst.skymap`'s config fields, validated.
//!
//! The Python layer (and the config-file readers) hand over a *resolved* config as
//! JSON with `lsst.skymap`'s field names and units (degrees, arcseconds):
//!
//! ```json
//! {"skymap_class": "rings", "version": 1, "projection": "TAN", "pixelScale": 0.168,
//!  "tractOverlap": 0.016666666666666666, "rotation": 0.0,
//!  "tractBuilder": {"name": "legacy", "patchInnerDimensions": [4000, 4000], "patchBorder": 100},
//!  "numRings": 120, "raStart": 0.0}
//! ```
//!
//! Every key must be present; unknown keys are rejected so that a typo cannot silently
//! fall back to a default. [`SkyMapConfig::to_json`] gives the same dict back. The
//! fields, their types, defaults and checks are those of the [`schema`] table.

use super::packer::PackerConfig;
use super::schema::{self, ConfigValue};
use crate::projection::Projection;
use crate::{Error, Result};
use serde_json::{json, Value};

/// How a tract's pixel box is cut into patches (`lsst.skymap.tractBuilder`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TractBuilder {
    /// `LegacyTractBuilder`: patch outer boxes are clipped to the tract box.
    Legacy {
        patch_inner_dimensions: [i64; 2],
        patch_border: i64,
    },
    /// `CellTractBuilder`: patches made of square cells, outer boxes not clipped.
    Cells {
        cell_inner_dimensions: [i64; 2],
        cell_border: i64,
        num_cells_per_patch_inner: i64,
        num_cells_in_patch_border: i64,
    },
}

impl TractBuilder {
    /// Inner patch size in pixels.
    pub fn patch_inner_dimensions(&self) -> [i64; 2] {
        match *self {
            TractBuilder::Legacy {
                patch_inner_dimensions,
                ..
            } => patch_inner_dimensions,
            TractBuilder::Cells {
                cell_inner_dimensions: c,
                num_cells_per_patch_inner: n,
                ..
            } => [c[0] * n, c[1] * n],
        }
    }

    /// Border between a patch's inner and outer box, in pixels.
    pub fn patch_border(&self) -> i64 {
        match *self {
            TractBuilder::Legacy { patch_border, .. } => patch_border,
            TractBuilder::Cells {
                cell_inner_dimensions: c,
                cell_border,
                num_cells_in_patch_border,
                ..
            } => num_cells_in_patch_border * c[0] + cell_border,
        }
    }

    /// Whether patch outer boxes are clipped to the tract box (legacy builder only).
    pub fn clips_outer_to_tract(&self) -> bool {
        matches!(self, TractBuilder::Legacy { .. })
    }

    /// The builder's name in `tractBuilderRegistry`.
    pub fn name(&self) -> &'static str {
        match self {
            TractBuilder::Legacy { .. } => "legacy",
            TractBuilder::Cells { .. } => "cells",
        }
    }
}

/// The skymap classes and their own fields.
#[derive(Debug, Clone, PartialEq)]
pub enum SkyMapKind {
    /// `RingsSkyMap`: `numRings` Dec rings plus two polar caps.
    Rings { num_rings: i64, ra_start_deg: f64 },
    /// `DiscreteSkyMap`: one tract per (ra, dec, radius), degrees.
    Discrete {
        ra_deg: Vec<f64>,
        dec_deg: Vec<f64>,
        radius_deg: Vec<f64>,
    },
    /// `EquatSkyMap`: `numTracts` tracts along the equator within `decRange`.
    Equat {
        num_tracts: i64,
        dec_range_deg: [f64; 2],
    },
    /// `DodecaSkyMap`: 12 tracts on the faces of a dodecahedron.
    Dodeca { with_tracts_on_poles: bool },
    /// The deprecated `HealpixSkyMap`: one tract per HEALPix pixel.
    Healpix { log2_nside: i64, nest: bool },
    /// One tract per HEALPix pixel (nested ids, standard orientation).
    HealpixGrid { order: i64 },
    /// One tract per HTM trixel (sphgeom's ids).
    HtmGrid { level: i64 },
    /// An RA/Dec-box tiling such as the Legacy Surveys bricks (see
    /// [`super::box_tiling`]): one tract of `tract_dimensions` pixels per tile.
    /// The tiling is built (and so checked) when the config is parsed.
    Bricks {
        tiling: super::box_tiling::BoxTiling,
        tract_dimensions: [i64; 2],
    },
    /// One tract per survey image, with the image's own WCS and pixel box (see
    /// [`super::headers`]).
    Headers {
        tracts: Vec<super::headers::HeaderTract>,
        patch_grid: [i64; 2],
    },
}

impl SkyMapKind {
    /// This kind's entry in the [`schema`] registry.
    pub fn schema(&self) -> &'static schema::KindSchema {
        let name = match self {
            SkyMapKind::Rings { .. } => "rings",
            SkyMapKind::Discrete { .. } => "discrete",
            SkyMapKind::Equat { .. } => "equat",
            SkyMapKind::Dodeca { .. } => "dodeca",
            SkyMapKind::Healpix { .. } => "healpix",
            SkyMapKind::HealpixGrid { .. } => "healpix_grid",
            SkyMapKind::HtmGrid { .. } => "htm_grid",
            SkyMapKind::Bricks { .. } => "bricks",
            SkyMapKind::Headers { .. } => "headers",
        };
        schema::KINDS
            .iter()
            .find(|k| k.name == name)
            .unwrap_or(&schema::KINDS[0])
    }

    /// The `lsst.skymap` class name (hashed into the skymap's SHA1).
    pub fn class_name(&self) -> &'static str {
        self.schema().class_name
    }

    /// The short name used by the resolved config (`"rings"`, ...).
    pub fn short_name(&self) -> &'static str {
        self.schema().name
    }
}

/// A complete, validated skymap configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct SkyMapConfig {
    pub kind: SkyMapKind,
    /// Constructor `version` (rings: 1 default, 0 for the pre-DM-14809 numbering).
    pub version: i64,
    pub projection: Projection,
    /// Pixel scale in arcseconds per pixel.
    pub pixel_scale_arcsec: f64,
    /// Tract overlap in degrees.
    pub tract_overlap_deg: f64,
    /// WCS rotation in degrees.
    pub rotation_deg: f64,
    pub tract_builder: TractBuilder,
    /// How data IDs are packed into integers (the optional `packer` key; not hashed).
    pub packer: Option<PackerConfig>,
}

impl SkyMapConfig {
    /// Parses and validates a resolved config given as JSON text.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] naming the key for malformed JSON, a missing or unknown
    /// key, a wrong type or an out-of-range value.
    ///
    /// # Examples
    /// ```
    /// use skymaps::tessellation::SkyMapConfig;
    /// let c = SkyMapConfig::from_json(r#"{"skymap_class": "rings", "version": 1,
    ///   "projection": "TAN", "pixelScale": 0.2, "tractOverlap": 1.0, "rotation": 0.0,
    ///   "tractBuilder": {"name": "legacy", "patchInnerDimensions": [4000, 4000], "patchBorder": 100},
    ///   "numRings": 120, "raStart": 0.0}"#).unwrap();
    /// assert_eq!(c.kind.class_name(), "RingsSkyMap");
    /// assert!(SkyMapConfig::from_json(r#"{"skymap_class": "rings"}"#).is_err());
    /// ```
    pub fn from_json(text: &str) -> Result<Self> {
        let value: Value = serde_json::from_str(text)
            .map_err(|e| Error::config(format!("skymap config is not valid JSON: {e}")))?;
        Self::from_value(&value)
    }

    /// Parses and validates a resolved config given as a JSON value.
    ///
    /// # Errors
    /// As [`SkyMapConfig::from_json`].
    pub fn from_value(value: &Value) -> Result<Self> {
        Self::from_config_value(&ConfigValue::from(value))
    }

    /// Parses and validates a resolved config with the [`schema`] table: every field
    /// present, of its type and in its range, no unknown key, then the checks that
    /// involve several fields.
    ///
    /// # Errors
    /// As [`SkyMapConfig::from_json`]; [`ConfigProblem::key`] of
    /// [`SkyMapConfig::problem`] names the offending key.
    pub fn from_config_value(value: &ConfigValue) -> Result<Self> {
        Self::parse(value).map_err(|p| Error::config(p.message))
    }

    /// The first problem of a resolved config, with the key it is about (for the
    /// config readers, which point at the line that set that key).
    pub fn problem(value: &ConfigValue) -> Option<ConfigProblem> {
        Self::parse(value).err()
    }

    fn parse(value: &ConfigValue) -> std::result::Result<Self, ConfigProblem> {
        let ConfigValue::Map(map) = value else {
            return Err(ConfigProblem::new(
                "",
                format!("skymap config must be a dict, got {value}"),
            ));
        };
        let get = |key: &str| -> std::result::Result<&ConfigValue, ConfigProblem> {
            value.get(key).ok_or_else(|| {
                ConfigProblem::new(key, format!("skymap config: missing key {key:?}"))
            })
        };
        let class = match get("skymap_class")? {
            ConfigValue::Str(s) => s.as_str(),
            other => {
                return Err(ConfigProblem::new(
                    "skymap_class",
                    format!("skymap_class expects str, got {other}"),
                ))
            }
        };
        let kind =
            schema::kind(class).map_err(|e| ConfigProblem::new("skymap_class", e.to_string()))?;
        let fields = kind.all_fields();
        for (key, _) in map {
            let known = ["skymap_class", "version", "tractBuilder", "packer"]
                .contains(&key.as_str())
                || fields.iter().any(|f| f.name == key)
                || kind.derived.contains(&key.as_str());
            if !known {
                let mut expected: Vec<&str> =
                    vec!["skymap_class", "version", "tractBuilder", "packer"];
                expected.extend(fields.iter().map(|f| f.name));
                expected.extend(kind.derived.iter());
                return Err(ConfigProblem::new(
                    key,
                    format!("skymap config: unknown key {key:?}; expected only {expected:?}"),
                ));
            }
        }
        for f in &fields {
            f.check(get(f.name)?)
                .map_err(|e| ConfigProblem::new(f.name, e.to_string()))?;
        }
        let version = kind
            .check_version(get("version")?)
            .map_err(|e| ConfigProblem::new("version", e.to_string()))?;
        let tract_builder = parse_builder(kind, get("tractBuilder")?)?;
        let f = Typed(value);
        let kind = match kind.name {
            "rings" => SkyMapKind::Rings {
                num_rings: f.int("numRings"),
                ra_start_deg: f.float("raStart"),
            },
            "discrete" => {
                let ra_deg = f.floats("raList");
                let dec_deg = f.floats("decList");
                let radius_deg = f.floats("radiusList");
                check_discrete_lengths(&ra_deg, &dec_deg, &radius_deg)?;
                SkyMapKind::Discrete {
                    ra_deg,
                    dec_deg,
                    radius_deg,
                }
            }
            "equat" => {
                let r = f.floats("decRange");
                SkyMapKind::Equat {
                    num_tracts: f.int("numTracts"),
                    dec_range_deg: [r[0], r[1]],
                }
            }
            "dodeca" => SkyMapKind::Dodeca {
                with_tracts_on_poles: f.boolean("withTractsOnPoles"),
            },
            "healpix_grid" => SkyMapKind::HealpixGrid {
                order: f.int("order"),
            },
            "htm_grid" => SkyMapKind::HtmGrid {
                level: f.int("level"),
            },
            "bricks" => bricks_kind(&f)?,
            "headers" => {
                let tracts = value.get("tracts").unwrap_or(&ConfigValue::Null);
                let tracts = super::headers::parse_tracts(tracts)
                    .map_err(|e| ConfigProblem::new("tracts", e.to_string()))?;
                let grid = f.ints("patchGrid");
                let patch_grid = [grid[0], grid[1]];
                super::headers::check_patch_grid(&tracts, patch_grid)
                    .map_err(|e| ConfigProblem::new("patchGrid", e.to_string()))?;
                if !tract_builder.clips_outer_to_tract() {
                    return Err(ConfigProblem::new(
                        "tractBuilder",
                        "a headers skymap uses the legacy tract builder (its patchBorder)".into(),
                    ));
                }
                SkyMapKind::Headers { tracts, patch_grid }
            }
            _ => {
                let log2_nside = f.int("log2NSide");
                if let Some(v) = value.get("nSide") {
                    if *v != ConfigValue::Int(1 << log2_nside) {
                        return Err(ConfigProblem::new(
                            "nSide",
                            format!(
                                "nSide {v} disagrees with log2NSide {log2_nside} (2**log2NSide)"
                            ),
                        ));
                    }
                }
                SkyMapKind::Healpix {
                    log2_nside,
                    nest: f.boolean("nest"),
                }
            }
        };
        let packer = match value.get("packer") {
            None | Some(ConfigValue::Null) => None,
            Some(v) => Some(
                PackerConfig::parse(v).map_err(|e| ConfigProblem::new("packer", e.to_string()))?,
            ),
        };
        let projection = Projection::from_code(&f.string("projection"))
            .map_err(|e| ConfigProblem::new("projection", e.to_string()))?;
        Ok(SkyMapConfig {
            kind,
            version,
            projection,
            pixel_scale_arcsec: f.float("pixelScale"),
            tract_overlap_deg: f.float("tractOverlap"),
            rotation_deg: f.float("rotation"),
            tract_builder,
            packer,
        })
    }

    /// The resolved config as a JSON value (the inverse of [`SkyMapConfig::from_value`]).
    pub fn to_value(&self) -> Value {
        let builder = match self.tract_builder {
            TractBuilder::Legacy {
                patch_inner_dimensions,
                patch_border,
            } => json!({"name": "legacy", "patchInnerDimensions": patch_inner_dimensions,
                        "patchBorder": patch_border}),
            TractBuilder::Cells {
                cell_inner_dimensions,
                cell_border,
                num_cells_per_patch_inner,
                num_cells_in_patch_border,
            } => json!({"name": "cells", "cellInnerDimensions": cell_inner_dimensions,
                        "cellBorder": cell_border,
                        "numCellsPerPatchInner": num_cells_per_patch_inner,
                        "numCellsInPatchBorder": num_cells_in_patch_border}),
        };
        let mut v = json!({
            "skymap_class": self.kind.short_name(),
            "version": self.version,
            "projection": self.projection.code(),
            "pixelScale": self.pixel_scale_arcsec,
            "tractOverlap": self.tract_overlap_deg,
            "rotation": self.rotation_deg,
            "tractBuilder": builder,
        });
        let extra = match &self.kind {
            SkyMapKind::Rings {
                num_rings,
                ra_start_deg,
            } => json!({"numRings": num_rings, "raStart": ra_start_deg}),
            SkyMapKind::Discrete {
                ra_deg,
                dec_deg,
                radius_deg,
            } => json!({"raList": ra_deg, "decList": dec_deg, "radiusList": radius_deg}),
            SkyMapKind::Equat {
                num_tracts,
                dec_range_deg,
            } => json!({"numTracts": num_tracts, "decRange": dec_range_deg}),
            SkyMapKind::Dodeca {
                with_tracts_on_poles,
            } => json!({"withTractsOnPoles": with_tracts_on_poles}),
            SkyMapKind::Healpix { log2_nside, nest } => {
                json!({"log2NSide": log2_nside, "nSide": 1i64 << log2_nside, "nest": nest})
            }
            SkyMapKind::HealpixGrid { order } => json!({"order": order}),
            SkyMapKind::HtmGrid { level } => json!({"level": level}),
            SkyMapKind::Bricks {
                tiling: t,
                tract_dimensions,
            } => json!({"brickSize": t.height_deg(), "columnMultiple": t.column_multiple(),
                        "naming": t.naming().name(), "firstId": t.first_id(),
                        "tractDimensions": tract_dimensions}),
            SkyMapKind::Headers { tracts, patch_grid } => json!({
                "tracts": tracts.iter().map(|t| t.to_value()).collect::<Vec<_>>(),
                "patchGrid": patch_grid}),
        };
        if let (Some(dst), Some(src)) = (v.as_object_mut(), extra.as_object()) {
            for (k, val) in src {
                dst.insert(k.clone(), val.clone());
            }
            if let Some(packer) = &self.packer {
                dst.insert("packer".into(), packer.to_value());
            }
        }
        v
    }

    /// The resolved config as JSON text.
    pub fn to_json(&self) -> String {
        self.to_value().to_string()
    }
}

/// The bricks kind from checked fields: the tiling must be buildable (a brick size
/// dividing 180 deg), and a tract size of 0 means the Legacy Surveys' proportion, a
/// coadd 4.8% wider than a row (3600 px for 0.25 deg bricks at 0.262 arcsec/px).
fn bricks_kind(f: &Typed<'_>) -> std::result::Result<SkyMapKind, ConfigProblem> {
    use super::box_tiling::{BoxTiling, TileNaming};
    let brick_size_deg = f.float("brickSize");
    let column_multiple = f.int("columnMultiple");
    let naming = TileNaming::parse(&f.string("naming"))
        .map_err(|e| ConfigProblem::new("naming", e.to_string()))?;
    let first_id = f.int("firstId");
    let tiling = BoxTiling::new(brick_size_deg, column_multiple as u32, naming, first_id)
        .map_err(|e| ConfigProblem::new("brickSize", e.to_string()))?;
    let mut tract_dimensions = f.ints("tractDimensions");
    let pixel_scale = f.float("pixelScale");
    const COADD_MARGIN: f64 = 3600.0 * 0.262 / 3600.0 / 0.25;
    let auto_side = (COADD_MARGIN * brick_size_deg * 3600.0 / pixel_scale).round();
    for d in &mut tract_dimensions {
        if *d == 0 {
            if auto_side.is_nan() || auto_side > (1u64 << 30) as f64 {
                return Err(ConfigProblem::new(
                    "pixelScale",
                    format!(
                        "pixelScale {pixel_scale} arcsec makes {brick_size_deg}-deg bricks \
                         {auto_side} pixels wide (tractDimensions 0 = automatic); at most 2**30"
                    ),
                ));
            }
            *d = (auto_side as i64).max(1);
        }
    }
    if tract_dimensions.iter().any(|&d| d > 1 << 30) {
        return Err(ConfigProblem::new(
            "tractDimensions",
            format!("tractDimensions {tract_dimensions:?} are too large (at most 2**30 pixels)"),
        ));
    }
    Ok(SkyMapKind::Bricks {
        tiling,
        tract_dimensions,
    })
}

/// A problem found in a resolved config: the key it is about and the full message.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigProblem {
    /// The key (`"decList"`, `"tractBuilder.patchBorder"`; empty for the whole config).
    pub key: String,
    pub message: String,
}

impl ConfigProblem {
    fn new(key: &str, message: String) -> Self {
        ConfigProblem {
            key: key.to_owned(),
            message,
        }
    }
}

/// Getters for values the schema has already checked (so they cannot fail).
struct Typed<'a>(&'a ConfigValue);

impl Typed<'_> {
    fn int(&self, key: &str) -> i64 {
        match self.0.get(key) {
            Some(ConfigValue::Int(i)) => *i,
            _ => 0,
        }
    }
    fn float(&self, key: &str) -> f64 {
        match self.0.get(key) {
            Some(ConfigValue::Int(i)) => *i as f64,
            Some(ConfigValue::Float(x)) => *x,
            _ => 0.0,
        }
    }
    fn boolean(&self, key: &str) -> bool {
        matches!(self.0.get(key), Some(ConfigValue::Bool(true)))
    }
    fn string(&self, key: &str) -> String {
        match self.0.get(key) {
            Some(ConfigValue::Str(s)) => s.clone(),
            _ => String::new(),
        }
    }
    fn floats(&self, key: &str) -> Vec<f64> {
        match self.0.get(key) {
            Some(ConfigValue::List(v)) => v.iter().map(|x| Typed(x).as_float()).collect(),
            _ => Vec::new(),
        }
    }
    fn ints(&self, key: &str) -> [i64; 2] {
        match self.0.get(key) {
            Some(ConfigValue::List(v)) if v.len() == 2 => {
                let i = |x: &ConfigValue| if let ConfigValue::Int(i) = x { *i } else { 0 };
                [i(&v[0]), i(&v[1])]
            }
            _ => [0, 0],
        }
    }
    fn as_float(&self) -> f64 {
        match self.0 {
            ConfigValue::Int(i) => *i as f64,
            ConfigValue::Float(x) => *x,
            _ => 0.0,
        }
    }
}

/// A discrete skymap needs one (ra, dec, radius) per tract, and at least one tract. The
/// key blamed is the list whose length differs from the others.
fn check_discrete_lengths(
    ra: &[f64],
    dec: &[f64],
    radius: &[f64],
) -> std::result::Result<(), ConfigProblem> {
    let lens = [ra.len(), dec.len(), radius.len()];
    let names = ["raList", "decList", "radiusList"];
    if lens[0] == lens[1] && lens[1] == lens[2] {
        if lens[0] == 0 {
            return Err(ConfigProblem::new(
                "raList",
                "discrete skymap needs at least one tract: raList, decList and radiusList are empty"
                    .to_owned(),
            ));
        }
        return Ok(());
    }
    let odd = if lens[1] == lens[2] {
        0
    } else if lens[0] == lens[2] {
        1
    } else {
        2
    };
    Err(ConfigProblem::new(
        names[odd],
        format!(
            "discrete skymap lists must have equal lengths: raList has {}, decList has {}, radiusList has {}",
            lens[0], lens[1], lens[2]
        ),
    ))
}

fn parse_builder(
    kind: &schema::KindSchema,
    value: &ConfigValue,
) -> std::result::Result<TractBuilder, ConfigProblem> {
    let problem =
        |key: &str, message: String| ConfigProblem::new(&format!("tractBuilder.{key}"), message);
    let ConfigValue::Map(map) = value else {
        return Err(ConfigProblem::new(
            "tractBuilder",
            format!("tractBuilder must be a dict, got {value}"),
        ));
    };
    let name = match value.get("name") {
        Some(ConfigValue::Str(s)) => s.as_str(),
        Some(other) => {
            return Err(problem(
                "name",
                format!("tractBuilder name expects str, got {other}"),
            ))
        }
        None => {
            return Err(problem(
                "name",
                "tractBuilder: missing key \"name\"".to_owned(),
            ))
        }
    };
    let b = schema::builder(name).map_err(|e| problem("name", e.to_string()))?;
    let fields = kind.builder_fields(b);
    for (key, _) in map {
        if key != "name" && !fields.iter().any(|f| f.name == key) {
            let mut expected = vec!["name"];
            expected.extend(fields.iter().map(|f| f.name));
            return Err(problem(
                key,
                format!("tractBuilder: unknown key {key:?}; expected only {expected:?}"),
            ));
        }
    }
    for f in &fields {
        let v = value
            .get(f.name)
            .ok_or_else(|| problem(f.name, format!("tractBuilder: missing key {:?}", f.name)))?;
        f.check(v).map_err(|e| problem(f.name, e.to_string()))?;
    }
    let t = Typed(value);
    Ok(match b.name {
        "legacy" => TractBuilder::Legacy {
            patch_inner_dimensions: t.ints("patchInnerDimensions"),
            patch_border: t.int("patchBorder"),
        },
        _ => {
            let d = t.ints("cellInnerDimensions");
            if d[0] != d[1] {
                return Err(problem(
                    "cellInnerDimensions",
                    format!("cellInnerDimensions must be equal (square cells), got {d:?}"),
                ));
            }
            TractBuilder::Cells {
                cell_inner_dimensions: d,
                cell_border: t.int("cellBorder"),
                num_cells_per_patch_inner: t.int("numCellsPerPatchInner"),
                num_cells_in_patch_border: t.int("numCellsInPatchBorder"),
            }
        }
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn rings() -> Value {
        json!({"skymap_class": "rings", "version": 1, "projection": "TAN", "pixelScale": 0.2,
               "tractOverlap": 1.0, "rotation": 0.0,
               "tractBuilder": {"name": "legacy", "patchInnerDimensions": [4000, 4000], "patchBorder": 100},
               "numRings": 120, "raStart": 0.0})
    }

    #[test]
    fn roundtrip() {
        let c = SkyMapConfig::from_value(&rings()).unwrap();
        assert_eq!(SkyMapConfig::from_value(&c.to_value()).unwrap(), c);
    }

    #[test]
    fn errors_name_the_key() {
        let mut v = rings();
        v["numRings"] = json!("many");
        let e = SkyMapConfig::from_value(&v).unwrap_err().to_string();
        assert!(e.contains("numRings"), "{e}");
        let mut v = rings();
        v.as_object_mut().unwrap().remove("pixelScale");
        assert!(SkyMapConfig::from_value(&v)
            .unwrap_err()
            .to_string()
            .contains("pixelScale"));
        let mut v = rings();
        v["numRingz"] = json!(3);
        assert!(SkyMapConfig::from_value(&v)
            .unwrap_err()
            .to_string()
            .contains("numRingz"));
        let mut v = rings();
        v["projection"] = json!("MOL");
        assert!(SkyMapConfig::from_value(&v).is_err());
    }

    #[test]
    fn floats_round_trip_exactly() {
        // Every bit matters: the values are hashed.
        for x in [
            97.85768186633811,
            0.016666666666666666,
            0.168,
            1e-300,
            359.99999999999994,
        ] {
            let mut v = rings();
            v["rotation"] = json!(x);
            let text = v.to_string();
            assert_eq!(SkyMapConfig::from_json(&text).unwrap().rotation_deg, x);
        }
    }

    #[test]
    fn discrete_lengths_must_match() {
        let v = json!({"skymap_class": "discrete", "version": 0, "projection": "STG",
               "pixelScale": 0.2, "tractOverlap": 0.0, "rotation": 0.0,
               "tractBuilder": {"name": "legacy", "patchInnerDimensions": [4000, 4000], "patchBorder": 100},
               "raList": [1.0, 2.0], "decList": [1.0], "radiusList": [1.0, 1.0]});
        let e = SkyMapConfig::from_value(&v).unwrap_err().to_string();
        assert!(e.contains("decList"), "{e}");
    }
}
