//! Dimension packers: `{tract, patch[, band]}` data IDs as one integer, the way
//! `lsst.skymap`'s `SkyMapDimensionPacker` packs them.
//!
//! With `n_tracts` (the skymap record's `tract_max`), `n_patches`
//! (`patch_nx_max * patch_ny_max`) and `n_bands` slots for bands,
//!
//! ```text
//! id = patch + n_patches * tract                      (no band: n_bands = 0)
//! id = patch + n_patches * (tract + n_tracts * band)  (band = its index in the table)
//! max_bits = bit_length(n_tracts * n_patches * max(n_bands, 1) - 1)
//! ```
//!
//! so an id without a band equals the id of the same tract and patch with band index 0
//! (`lsst.skymap` keeps index 0 for `None`). Pipelines (`lsst.meas.base.IdGenerator`)
//! put the packed id above a per-catalog counter of `63 - max_bits` bits.
//!
//! The band table is data: the built-in table gives `lsst.skymap`'s integers
//! (`SUPPORTED_FILTERS`: `None`, then `u g r i z y U B G V R I Z Y J H K`, the HSC
//! narrow bands, the DECam narrow bands); a [`PackerConfig`] stored in the skymap
//! config appends a survey's own bands (`extraBands`) without renumbering the others,
//! or replaces the table (`bands`, as `SkyMapDimensionPackerConfig.bands` does). The
//! packer config is not part of the skymap hash (`lsst.skymap` does not hash it
//! either), so the LSST presets keep their registered hashes.

use super::schema::ConfigValue;
use super::SkyMap;
use crate::{Error, Result};
use serde_json::{json, Value};

/// `lsst.skymap`'s built-in bands; band `BUILTIN_BANDS[i]` has index `i + 1` (index 0
/// is `lsst.skymap`'s `None` slot, counted in the default `n_bands`).
pub const BUILTIN_BANDS: [&str; 27] = [
    "u", "g", "r", "i", "z", "y", "U", "B", "G", "V", "R", "I", "Z", "Y", "J", "H", "K", "N387",
    "N515", "N656", "N816", "N921", "N1010", "N419", "N540", "N708", "N964",
];

/// The stored packer choice of a skymap (the optional `packer` key of its config).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PackerConfig {
    /// A table replacing the built-in one (band name -> index), in its given order.
    pub bands: Option<Vec<(String, i64)>>,
    /// Bands appended after the table's largest index, in order.
    pub extra_bands: Vec<String>,
    /// Band slots to reserve; `None` for the table's size, 0 for no band at all.
    pub n_bands: Option<i64>,
}

const KEYS: [&str; 3] = ["bands", "extraBands", "nBands"];

fn bad(message: String) -> Error {
    Error::config(format!("packer: {message}"))
}

fn band_name(v: &ConfigValue, what: &str) -> Result<String> {
    match v {
        ConfigValue::Str(s) if !s.trim().is_empty() && s.trim() == s => Ok(s.clone()),
        other => Err(bad(format!(
            "{what} must be a non-empty band name without surrounding spaces, got {other}"
        ))),
    }
}

impl PackerConfig {
    /// Parses the `packer` value of a skymap config:
    /// `{"extraBands": [...], "bands": {name: index}, "nBands": int | None}`, every key
    /// optional.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] naming the key: unknown keys, wrong types, negative or
    /// repeated indices, repeated names, an extra band already in the table, or a table
    /// whose ids would not fit in 63 bits.
    ///
    /// # Examples
    /// ```
    /// use skymaps::tessellation::packer::PackerConfig;
    /// use skymaps::tessellation::schema::ConfigValue;
    /// let v = ConfigValue::from(&serde_json::json!({"extraBands": ["N395"]}));
    /// let c = PackerConfig::parse(&v).unwrap();
    /// assert_eq!(c.band_table().unwrap().last().unwrap(), &("N395".to_string(), 28));
    /// ```
    pub fn parse(value: &ConfigValue) -> Result<Self> {
        let ConfigValue::Map(map) = value else {
            return Err(bad(format!(
                "expects a dict with keys {KEYS:?}, got {value}"
            )));
        };
        let mut out = PackerConfig::default();
        for (key, v) in map {
            match (key.as_str(), v) {
                ("bands", ConfigValue::Null) | ("nBands", ConfigValue::Null) => {}
                ("bands", ConfigValue::Map(m)) => {
                    let mut table = Vec::with_capacity(m.len());
                    for (name, index) in m {
                        let name = band_name(&ConfigValue::Str(name.clone()), "a bands key")?;
                        match index {
                            ConfigValue::Int(i) if *i >= 0 => table.push((name, *i)),
                            other => {
                                return Err(bad(format!(
                                    "bands[{name:?}] must be an int >= 0, got {other}"
                                )))
                            }
                        }
                    }
                    out.bands = Some(table);
                }
                ("extraBands", ConfigValue::List(items)) => {
                    out.extra_bands = items
                        .iter()
                        .map(|b| band_name(b, "an extraBands entry"))
                        .collect::<Result<_>>()?;
                }
                ("nBands", ConfigValue::Int(n)) if *n >= 0 => out.n_bands = Some(*n),
                ("bands", other) => {
                    return Err(bad(format!(
                        "bands must be a dict of band name -> index, got {other}"
                    )))
                }
                ("extraBands", other) => {
                    return Err(bad(format!(
                        "extraBands must be a list of band names, got {other}"
                    )))
                }
                ("nBands", other) => {
                    return Err(bad(format!(
                        "nBands must be an int >= 0 or None, got {other}"
                    )))
                }
                (other, _) => {
                    return Err(bad(format!(
                        "unknown key {other:?}; expected only {KEYS:?}"
                    )))
                }
            }
        }
        out.band_table()?;
        Ok(out)
    }

    /// The band table (name, index) in order: the base table (built-in or `bands`),
    /// then the extra bands numbered from one past its largest index.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for a repeated name or index.
    pub fn band_table(&self) -> Result<Vec<(String, i64)>> {
        let mut table: Vec<(String, i64)> = match &self.bands {
            Some(t) => t.clone(),
            None => BUILTIN_BANDS
                .iter()
                .zip(1..)
                .map(|(b, i)| (b.to_string(), i))
                .collect(),
        };
        // The built-in table's index 0 is lsst.skymap's None slot.
        let next = table.iter().map(|(_, i)| i + 1).max().unwrap_or(0);
        table.extend(self.extra_bands.iter().cloned().zip(next..));
        for (k, (name, index)) in table.iter().enumerate() {
            if let Some((_, first)) = table[..k].iter().find(|(n, _)| n == name) {
                return Err(bad(format!(
                    "band {name:?} is already in the band table (index {first}); \
                     extraBands adds only new bands"
                )));
            }
            if let Some((other, _)) = table[..k].iter().find(|(_, i)| i == index) {
                return Err(bad(format!(
                    "bands {other:?} and {name:?} share index {index}; each band needs its own"
                )));
            }
        }
        Ok(table)
    }

    /// Band slots: `nBands`, else the table's size (with the built-in table's `None`
    /// slot, as `lsst.skymap` counts it).
    ///
    /// # Errors
    /// As [`PackerConfig::band_table`].
    pub fn n_bands(&self) -> Result<i64> {
        if let Some(n) = self.n_bands {
            return Ok(n);
        }
        let none_slot = i64::from(self.bands.is_none());
        Ok(self.band_table()?.len() as i64 + none_slot)
    }

    /// The config value (keys only where set), the inverse of [`PackerConfig::parse`].
    pub fn to_value(&self) -> Value {
        let mut v = json!({});
        if let Some(obj) = v.as_object_mut() {
            if let Some(t) = &self.bands {
                let m: serde_json::Map<String, Value> =
                    t.iter().map(|(n, i)| (n.clone(), json!(i))).collect();
                obj.insert("bands".into(), Value::Object(m));
            }
            if !self.extra_bands.is_empty() {
                obj.insert("extraBands".into(), json!(self.extra_bands));
            }
            if let Some(n) = self.n_bands {
                obj.insert("nBands".into(), json!(n));
            }
        }
        v
    }
}

/// The layout of packed ids for one skymap and one packer config.
#[derive(Debug, Clone, PartialEq)]
pub struct PackerLayout {
    /// (band name, index), in table order.
    pub bands: Vec<(String, i64)>,
    /// Band slots (0: ids carry no band).
    pub n_bands: i64,
    /// One past the largest tract id (`tract_max`).
    pub n_tracts: i64,
    /// Patches per tract (`patch_nx_max * patch_ny_max`).
    pub n_patches: i64,
}

impl PackerLayout {
    /// The layout for `n_tracts` and `n_patches` under `config`.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] for a bad table or when the largest id would not fit in
    /// 63 bits (a signed 64-bit column).
    ///
    /// # Examples
    /// ```
    /// use skymaps::tessellation::packer::{PackerConfig, PackerLayout};
    /// // lsst.skymap's own test: tract_max 5, a 3x3 patch grid.
    /// let layout = PackerLayout::new(&PackerConfig::default(), 5, 9).unwrap();
    /// assert_eq!((layout.n_bands, layout.max_bits()), (28, 11));
    /// ```
    pub fn new(config: &PackerConfig, n_tracts: u64, n_patches: u64) -> Result<Self> {
        let bands = config.band_table()?;
        let n_bands = config.n_bands()?;
        let as_i64 = |n: u64, what: &str| {
            i64::try_from(n).map_err(|_| bad(format!("{what} {n} does not fit in 63 bits")))
        };
        let layout = PackerLayout {
            bands,
            n_bands,
            n_tracts: as_i64(n_tracts, "n_tracts")?,
            n_patches: as_i64(n_patches, "n_patches")?,
        };
        if layout.id_count().is_none() {
            return Err(bad(format!(
                "{n_tracts} tracts x {n_patches} patches x {} bands do not fit in 63 bits",
                n_bands.max(1)
            )));
        }
        Ok(layout)
    }

    /// The layout of `sky` under `config`, or under the config stored with the skymap
    /// (the built-in table when it stores none).
    ///
    /// # Errors
    /// As [`PackerLayout::new`].
    pub fn for_skymap(sky: &SkyMap, config: Option<&PackerConfig>) -> Result<Self> {
        let stored = sky.config().packer.clone().unwrap_or_default();
        let n_patches = sky.patch_nx_max() * sky.patch_ny_max();
        Self::new(config.unwrap_or(&stored), sky.tract_max(), n_patches)
    }

    /// Number of distinct ids, `n_tracts * n_patches * max(n_bands, 1)`, if it fits.
    pub fn id_count(&self) -> Option<i64> {
        self.n_tracts
            .checked_mul(self.n_patches)?
            .checked_mul(self.n_bands.max(1))
    }

    /// Bits of the largest id (`maxBits`).
    pub fn max_bits(&self) -> u32 {
        let count = self.id_count().unwrap_or(i64::MAX);
        64 - (count.max(1) - 1).leading_zeros()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn parse(v: Value) -> Result<PackerConfig> {
        PackerConfig::parse(&ConfigValue::from(&v))
    }

    #[test]
    fn builtin_indices_are_lsst_skymaps() {
        let t = PackerConfig::default().band_table().unwrap();
        let index = |b: &str| t.iter().find(|(n, _)| n == b).unwrap().1;
        assert_eq!(index("u"), 1);
        assert_eq!(index("g"), 2);
        assert_eq!(index("K"), 17);
        assert_eq!(index("N387"), 18);
        assert_eq!(index("N964"), 27);
        assert_eq!(PackerConfig::default().n_bands().unwrap(), 28);
    }

    #[test]
    fn extra_bands_append_and_round_trip() {
        let c = parse(json!({"extraBands": ["X1", "X2"], "nBands": 32})).unwrap();
        let t = c.band_table().unwrap();
        assert_eq!(t[..27], PackerConfig::default().band_table().unwrap()[..]);
        assert_eq!(t[27..], [("X1".to_string(), 28), ("X2".to_string(), 29)]);
        assert_eq!(parse(c.to_value()).unwrap(), c);
    }

    #[test]
    fn bad_configs_are_named() {
        for (v, needle) in [
            (json!({"extraBands": ["g"]}), "already"),
            (json!({"bands": {"r": 0, "g": 0}}), "share index"),
            (json!({"bands": {"r": -1}}), "int >= 0"),
            (json!({"nBands": -2}), "nBands"),
            (json!({"extraBands": [" x"]}), "spaces"),
            (json!({"colour": 1}), "unknown key"),
            (json!([1]), "dict"),
        ] {
            let err = parse(v).unwrap_err().to_string();
            assert!(err.contains(needle), "{err}");
        }
    }

    #[test]
    fn stored_in_the_config_but_not_hashed() {
        use crate::tessellation::{hash::skymap_sha1, SkyMapConfig};
        let mut v = json!({"skymap_class": "rings", "version": 1, "projection": "TAN",
            "pixelScale": 0.168, "tractOverlap": 1.0 / 60.0, "rotation": 0.0,
            "tractBuilder": {"name": "legacy", "patchInnerDimensions": [4000, 4000],
                             "patchBorder": 100},
            "numRings": 120, "raStart": 0.0});
        let plain = SkyMapConfig::from_value(&v).unwrap();
        assert!(plain.to_value().get("packer").is_none());
        v["packer"] = json!({"extraBands": ["N395"]});
        let with = SkyMapConfig::from_value(&v).unwrap();
        assert_eq!(with.to_value()["packer"], json!({"extraBands": ["N395"]}));
        assert_eq!(SkyMapConfig::from_value(&with.to_value()).unwrap(), with);
        assert_eq!(skymap_sha1(&with), skymap_sha1(&plain));
        v["packer"] = json!({"extraBands": ["g"]});
        let err = SkyMapConfig::from_value(&v).unwrap_err().to_string();
        assert!(err.contains("already in the band table"), "{err}");
    }

    #[test]
    fn layout_bits_and_overflow() {
        let c = parse(json!({"bands": {"r": 0, "g": 1}, "nBands": 3})).unwrap();
        assert_eq!(PackerLayout::new(&c, 5, 9).unwrap().max_bits(), 8);
        let none = parse(json!({"nBands": 0})).unwrap();
        assert_eq!(PackerLayout::new(&none, 5, 9).unwrap().max_bits(), 6);
        assert!(PackerLayout::new(&PackerConfig::default(), 1 << 40, 1 << 20).is_err());
    }
}
