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
//! fall back to a default. [`SkyMapConfig::to_json`] gives the same dict back.

use crate::projection::Projection;
use crate::{Error, Result};
use serde_json::{json, Map, Value};

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
    Bricks {
        brick_size_deg: f64,
        column_multiple: i64,
        naming: super::box_tiling::TileNaming,
        first_id: i64,
        tract_dimensions: [i64; 2],
    },
}

impl SkyMapKind {
    /// The `lsst.skymap` class name (hashed into the skymap's SHA1).
    pub fn class_name(&self) -> &'static str {
        match self {
            SkyMapKind::Rings { .. } => "RingsSkyMap",
            SkyMapKind::Discrete { .. } => "DiscreteSkyMap",
            SkyMapKind::Equat { .. } => "EquatSkyMap",
            SkyMapKind::Dodeca { .. } => "DodecaSkyMap",
            SkyMapKind::Healpix { .. } => "HealpixSkyMap",
            SkyMapKind::Bricks { .. } => "BrickSkyMap",
            SkyMapKind::HealpixGrid { .. } => "HealpixGridSkyMap",
            SkyMapKind::HtmGrid { .. } => "HtmGridSkyMap",
        }
    }

    /// The short name used by the resolved config (`"rings"`, ...).
    pub fn short_name(&self) -> &'static str {
        match self {
            SkyMapKind::Rings { .. } => "rings",
            SkyMapKind::Discrete { .. } => "discrete",
            SkyMapKind::Equat { .. } => "equat",
            SkyMapKind::Dodeca { .. } => "dodeca",
            SkyMapKind::Healpix { .. } => "healpix",
            SkyMapKind::Bricks { .. } => "bricks",
            SkyMapKind::HealpixGrid { .. } => "healpix_grid",
            SkyMapKind::HtmGrid { .. } => "htm_grid",
        }
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
}

struct Fields<'a> {
    map: &'a Map<String, Value>,
    what: &'static str,
}

impl<'a> Fields<'a> {
    fn get(&self, key: &str) -> Result<&'a Value> {
        self.map
            .get(key)
            .ok_or_else(|| Error::config(format!("{}: missing key {key:?}", self.what)))
    }
    fn float(&self, key: &str) -> Result<f64> {
        let v = self.get(key)?;
        match v.as_f64() {
            Some(f) if f.is_finite() && !v.is_boolean() => Ok(f),
            _ => Err(Error::config(format!(
                "{}: {key:?} must be a finite number, got {v}",
                self.what
            ))),
        }
    }
    fn int(&self, key: &str) -> Result<i64> {
        let v = self.get(key)?;
        v.as_i64().ok_or_else(|| {
            Error::config(format!(
                "{}: {key:?} must be an integer, got {v}",
                self.what
            ))
        })
    }
    fn boolean(&self, key: &str) -> Result<bool> {
        let v = self.get(key)?;
        v.as_bool().ok_or_else(|| {
            Error::config(format!("{}: {key:?} must be a boolean, got {v}", self.what))
        })
    }
    fn string(&self, key: &str) -> Result<&'a str> {
        let v = self.get(key)?;
        v.as_str().ok_or_else(|| {
            Error::config(format!("{}: {key:?} must be a string, got {v}", self.what))
        })
    }
    fn list(&self, key: &str) -> Result<&'a Vec<Value>> {
        let v = self.get(key)?;
        v.as_array()
            .ok_or_else(|| Error::config(format!("{}: {key:?} must be a list, got {v}", self.what)))
    }
    fn float_list(&self, key: &str) -> Result<Vec<f64>> {
        self.list(key)?
            .iter()
            .map(|v| match v.as_f64() {
                Some(f) if f.is_finite() => Ok(f),
                _ => Err(Error::config(format!(
                    "{}: {key:?} must hold finite numbers, got {v}",
                    self.what
                ))),
            })
            .collect()
    }
    fn int_pair(&self, key: &str) -> Result<[i64; 2]> {
        let l = self.list(key)?;
        let vals: Option<Vec<i64>> = l.iter().map(|v| v.as_i64()).collect();
        match vals {
            Some(v) if v.len() == 2 => Ok([v[0], v[1]]),
            _ => Err(Error::config(format!(
                "{}: {key:?} must be a list of 2 integers, got {}",
                self.what,
                Value::Array(l.clone())
            ))),
        }
    }
    fn reject_unknown(&self, allowed: &[&str]) -> Result<()> {
        for k in self.map.keys() {
            if !allowed.contains(&k.as_str()) {
                return Err(Error::config(format!(
                    "{}: unknown key {k:?}; expected only {allowed:?}",
                    self.what
                )));
            }
        }
        Ok(())
    }
}

fn positive(key: &str, v: i64) -> Result<i64> {
    if v > 0 && v <= i64::from(i32::MAX) {
        Ok(v)
    } else {
        Err(Error::config(format!(
            "{key:?} must be > 0 (and fit a 32-bit int), got {v}"
        )))
    }
}

fn non_negative(key: &str, v: i64) -> Result<i64> {
    if (0..=i64::from(i32::MAX)).contains(&v) {
        Ok(v)
    } else {
        Err(Error::config(format!(
            "{key:?} must be >= 0 (and fit a 32-bit int), got {v}"
        )))
    }
}

const COMMON_KEYS: [&str; 7] = [
    "skymap_class",
    "version",
    "projection",
    "pixelScale",
    "tractOverlap",
    "rotation",
    "tractBuilder",
];

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
        let map = value
            .as_object()
            .ok_or_else(|| Error::config(format!("skymap config must be a dict, got {value}")))?;
        let f = Fields {
            map,
            what: "skymap config",
        };
        let class = f.string("skymap_class")?;
        let (kind, extra): (SkyMapKind, &[&str]) = match class {
            "rings" => {
                let num_rings = positive("numRings", f.int("numRings")?)?;
                if num_rings > 100_000 {
                    return Err(Error::config(format!(
                        "\"numRings\" = {num_rings} is unreasonably large (at most 100000)"
                    )));
                }
                let ra_start_deg = f.float("raStart")?;
                if !(0.0..360.0).contains(&ra_start_deg) {
                    return Err(Error::config(format!(
                        "\"raStart\" must be in [0, 360) degrees, got {ra_start_deg}"
                    )));
                }
                (
                    SkyMapKind::Rings {
                        num_rings,
                        ra_start_deg,
                    },
                    &["numRings", "raStart"],
                )
            }
            "discrete" => {
                let ra_deg = f.float_list("raList")?;
                let dec_deg = f.float_list("decList")?;
                let radius_deg = f.float_list("radiusList")?;
                if ra_deg.len() != radius_deg.len() || dec_deg.len() != radius_deg.len() {
                    return Err(Error::config(format!(
                        "\"raList\", \"decList\" and \"radiusList\" must have equal lengths, got {}, {} and {}",
                        ra_deg.len(),
                        dec_deg.len(),
                        radius_deg.len()
                    )));
                }
                if let Some(d) = dec_deg.iter().find(|d| !(-90.0..=90.0).contains(*d)) {
                    return Err(Error::config(format!(
                        "\"decList\" values must be in [-90, 90] degrees, got {d}"
                    )));
                }
                if let Some(r) = radius_deg.iter().find(|r| !(**r > 0.0 && **r < 90.0)) {
                    return Err(Error::config(format!(
                        "\"radiusList\" values must be in (0, 90) degrees, got {r}"
                    )));
                }
                (
                    SkyMapKind::Discrete {
                        ra_deg,
                        dec_deg,
                        radius_deg,
                    },
                    &["raList", "decList", "radiusList"],
                )
            }
            "equat" => {
                let num_tracts = positive("numTracts", f.int("numTracts")?)?;
                let r = f.float_list("decRange")?;
                if r.len() != 2 || r[0] >= r[1] || r[0] < -90.0 || r[1] > 90.0 {
                    return Err(Error::config(format!(
                        "\"decRange\" must be 2 increasing declinations in [-90, 90], got {r:?}"
                    )));
                }
                (
                    SkyMapKind::Equat {
                        num_tracts,
                        dec_range_deg: [r[0], r[1]],
                    },
                    &["numTracts", "decRange"],
                )
            }
            "dodeca" => (
                SkyMapKind::Dodeca {
                    with_tracts_on_poles: f.boolean("withTractsOnPoles")?,
                },
                &["withTractsOnPoles"],
            ),
            "healpix" => {
                let log2_nside = f.int("log2NSide")?;
                // Tracts are built eagerly: 12 * 4^6 = 49152 at most.
                if !(0..=6).contains(&log2_nside) {
                    return Err(Error::config(format!(
                        "\"log2NSide\" must be in [0, 6], got {log2_nside}"
                    )));
                }
                if let Some(v) = map.get("nSide") {
                    if v.as_i64() != Some(1 << log2_nside) {
                        return Err(Error::config(format!(
                            "\"nSide\" = {v} disagrees with \"log2NSide\" = {log2_nside}"
                        )));
                    }
                }
                let nest = match map.get("nest") {
                    None => false,
                    Some(_) => f.boolean("nest")?,
                };
                (
                    SkyMapKind::Healpix { log2_nside, nest },
                    &["log2NSide", "nSide", "nest"],
                )
            }
            "healpix_grid" => {
                let order = f.int("order")?;
                super::pixel_grid::PixelGrid::healpix(order)?;
                (SkyMapKind::HealpixGrid { order }, &["order"])
            }
            "htm_grid" => {
                let level = f.int("level")?;
                super::pixel_grid::PixelGrid::htm(level)?;
                (SkyMapKind::HtmGrid { level }, &["level"])
            }
            "bricks" => {
                let brick_size_deg = f.float("brickSize")?;
                let column_multiple = positive("columnMultiple", f.int("columnMultiple")?)?;
                let naming = super::box_tiling::TileNaming::parse(f.string("naming")?)?;
                let first_id = non_negative("firstId", f.int("firstId")?)?;
                let d = f.int_pair("tractDimensions")?;
                let tract_dimensions = [
                    positive("tractDimensions", d[0])?,
                    positive("tractDimensions", d[1])?,
                ];
                (
                    SkyMapKind::Bricks {
                        brick_size_deg,
                        column_multiple,
                        naming,
                        first_id,
                        tract_dimensions,
                    },
                    &[
                        "brickSize",
                        "columnMultiple",
                        "naming",
                        "firstId",
                        "tractDimensions",
                    ],
                )
            }
            other => {
                return Err(Error::config(format!(
                    "\"skymap_class\" {other:?} is not one of \"rings\", \"discrete\", \"equat\", \"dodeca\", \"healpix\", \"healpix_grid\", \"htm_grid\", \"bricks\""
                )))
            }
        };
        let allowed: Vec<&str> = COMMON_KEYS.iter().chain(extra.iter()).copied().collect();
        f.reject_unknown(&allowed)?;

        let version = f.int("version")?;
        let max_version = if matches!(kind, SkyMapKind::Rings { .. }) {
            1
        } else {
            0
        };
        if !(0..=max_version).contains(&version) {
            return Err(Error::config(format!(
                "\"version\" must be in [0, {max_version}] for {class}, got {version}"
            )));
        }
        let projection = Projection::from_code(f.string("projection")?)?;
        let pixel_scale_arcsec = f.float("pixelScale")?;
        if pixel_scale_arcsec <= 0.0 {
            return Err(Error::config(format!(
                "\"pixelScale\" must be > 0 arcsec, got {pixel_scale_arcsec}"
            )));
        }
        let tract_overlap_deg = f.float("tractOverlap")?;
        if !(0.0..90.0).contains(&tract_overlap_deg) {
            return Err(Error::config(format!(
                "\"tractOverlap\" must be in [0, 90) degrees, got {tract_overlap_deg}"
            )));
        }
        let rotation_deg = f.float("rotation")?;
        let tract_builder = parse_builder(f.get("tractBuilder")?)?;
        let config = SkyMapConfig {
            kind,
            version,
            projection,
            pixel_scale_arcsec,
            tract_overlap_deg,
            rotation_deg,
            tract_builder,
        };
        Ok(config)
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
                brick_size_deg,
                column_multiple,
                naming,
                first_id,
                tract_dimensions,
            } => json!({"brickSize": brick_size_deg, "columnMultiple": column_multiple,
                        "naming": naming.name(), "firstId": first_id,
                        "tractDimensions": tract_dimensions}),
        };
        if let (Some(dst), Some(src)) = (v.as_object_mut(), extra.as_object()) {
            for (k, val) in src {
                dst.insert(k.clone(), val.clone());
            }
        }
        v
    }

    /// The resolved config as JSON text.
    pub fn to_json(&self) -> String {
        self.to_value().to_string()
    }
}

fn parse_builder(value: &Value) -> Result<TractBuilder> {
    let map = value
        .as_object()
        .ok_or_else(|| Error::config(format!("\"tractBuilder\" must be a dict, got {value}")))?;
    let f = Fields {
        map,
        what: "tractBuilder",
    };
    match f.string("name")? {
        "legacy" => {
            f.reject_unknown(&["name", "patchInnerDimensions", "patchBorder"])?;
            let d = f.int_pair("patchInnerDimensions")?;
            Ok(TractBuilder::Legacy {
                patch_inner_dimensions: [
                    positive("patchInnerDimensions", d[0])?,
                    positive("patchInnerDimensions", d[1])?,
                ],
                patch_border: non_negative("patchBorder", f.int("patchBorder")?)?,
            })
        }
        "cells" => {
            f.reject_unknown(&[
                "name",
                "cellInnerDimensions",
                "cellBorder",
                "numCellsPerPatchInner",
                "numCellsInPatchBorder",
            ])?;
            let d = f.int_pair("cellInnerDimensions")?;
            if d[0] != d[1] {
                return Err(Error::config(format!(
                    "\"cellInnerDimensions\" must be equal (square cells), got {d:?}"
                )));
            }
            Ok(TractBuilder::Cells {
                cell_inner_dimensions: [positive("cellInnerDimensions", d[0])?, d[1]],
                cell_border: non_negative("cellBorder", f.int("cellBorder")?)?,
                num_cells_per_patch_inner: positive(
                    "numCellsPerPatchInner",
                    f.int("numCellsPerPatchInner")?,
                )?,
                num_cells_in_patch_border: non_negative(
                    "numCellsInPatchBorder",
                    f.int("numCellsInPatchBorder")?,
                )?,
            })
        }
        other => Err(Error::config(format!(
            "\"tractBuilder\" name {other:?} is not \"legacy\" or \"cells\""
        ))),
    }
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
