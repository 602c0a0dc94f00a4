//! Skymaps made of other surveys' coadds: one tract per image, with the image's own
//! WCS and pixel box (the `headers` kind).
//!
//! Each entry of the config's `tracts` list is one image: its name (unique), the file
//! and HDU it came from (metadata), `naxis` (pixel box `[0, naxis1) x [0, naxis2)`) and
//! its celestial WCS written out ([`FitsWcsParams`]: `ctype`, `crval`, `crpix` (FITS,
//! 1-based), `cd`, optional `lonpole`/`latpole`, `pv` as `[i, m, value]` triples, and
//! `sip` with `a_order`, `a`, `b_order`, `b` and optional `ap_order`, `ap`, `bp_order`,
//! `bp` as `[p, q, value]` triples). Tract ids are list positions, so a grown
//! collection keeps its old ids by appending (see the Python `from_headers`).
//!
//! * Patches: `patchGrid = [nx, ny]` cuts every image into `nx * ny` equal patches
//!   (default one patch per tract); each image's size must be a multiple of the grid,
//!   so that the tract's pixels are the image's pixels (no padding, no shift). The
//!   legacy builder's `patchBorder` is the patches' border; its
//!   `patchInnerDimensions` is not used.
//! * Regions: the outer region is the image footprint of [`super::footprint`] (holds
//!   every pixel corner); the inner region is the same polygon: each coadd is
//!   responsible for all of its own pixels.
//! * Owner: images overlap. The owner of a point is, among the tracts whose inner
//!   region holds it, the one whose centre (the sky position of the image centre) is
//!   nearest; equal distances go to the lower id. No tract owns a point outside every
//!   image. Candidates come from a HEALPix index ([`HeadersIndex`]), never a scan.

use super::bbox::PixelBox;
use super::config::TractBuilder;
use super::footprint::bounded_hull;
use super::schema::ConfigValue;
use super::tract::Tract;
use crate::geometry::{LonLat, UnitVector3d, Vector3d};
use crate::parallel::try_map_indexed;
use crate::pixelization::healpix::{cover::CoverShape, Healpix};
use crate::projection::fits::{FitsWcsParams, SipParams, SipTerms};
use crate::{Error, Result};
use serde_json::{json, Value};

/// The largest image side, in pixels.
const MAX_NAXIS: i64 = 1 << 18;

/// One image of a `headers` skymap.
#[derive(Debug, Clone, PartialEq)]
pub struct HeaderTract {
    pub name: String,
    pub file: String,
    pub hdu: i64,
    pub naxis: [i64; 2],
    pub wcs: FitsWcsParams,
}

/// Reads typed values from one `tracts` entry, with messages naming the entry.
struct Entry<'a> {
    value: &'a ConfigValue,
    label: String,
}

impl Entry<'_> {
    fn fail(&self, key: &str, what: &str) -> Error {
        Error::config(format!("{}: {key} {what}", self.label))
    }
    fn get(&self, key: &str) -> Result<&ConfigValue> {
        self.value
            .get(key)
            .ok_or_else(|| self.fail(key, "is missing"))
    }
    fn float_of(&self, key: &str, v: &ConfigValue) -> Result<f64> {
        match *v {
            ConfigValue::Int(i) => Ok(i as f64),
            ConfigValue::Float(x) if x.is_finite() => Ok(x),
            _ => Err(self.fail(key, &format!("expects finite numbers, got {v}"))),
        }
    }
    fn int_of(&self, key: &str, v: &ConfigValue) -> Result<i64> {
        match *v {
            ConfigValue::Int(i) => Ok(i),
            _ => Err(self.fail(key, &format!("expects integers, got {v}"))),
        }
    }
    fn list<'v>(
        &self,
        key: &str,
        v: &'v ConfigValue,
        n: Option<usize>,
    ) -> Result<&'v [ConfigValue]> {
        match v {
            ConfigValue::List(items) if n.is_none_or(|n| items.len() == n) => Ok(items),
            _ => Err(self.fail(
                key,
                &match n {
                    Some(n) => format!("expects a list of {n}, got {v}"),
                    None => format!("expects a list, got {v}"),
                },
            )),
        }
    }
    fn string(&self, key: &str) -> Result<String> {
        match self.get(key)? {
            ConfigValue::Str(s) => Ok(s.clone()),
            v => Err(self.fail(key, &format!("expects a str, got {v}"))),
        }
    }
    fn float_pair(&self, key: &str) -> Result<[f64; 2]> {
        let l = self.list(key, self.get(key)?, Some(2))?;
        Ok([self.float_of(key, &l[0])?, self.float_of(key, &l[1])?])
    }
    fn optional_float(&self, key: &str) -> Result<Option<f64>> {
        match self.value.get(key) {
            None | Some(ConfigValue::Null) => Ok(None),
            Some(v) => self.float_of(key, v).map(Some),
        }
    }
    /// `[[a, b, value], ...]` with integer `a`, `b`.
    fn triples(&self, key: &str, v: Option<&ConfigValue>) -> Result<Vec<(i64, i64, f64)>> {
        let Some(v) = v else { return Ok(Vec::new()) };
        self.list(key, v, None)?
            .iter()
            .map(|t| {
                let t = self.list(key, t, Some(3))?;
                Ok((
                    self.int_of(key, &t[0])?,
                    self.int_of(key, &t[1])?,
                    self.float_of(key, &t[2])?,
                ))
            })
            .collect()
    }
    fn sip_terms(&self, sip: &ConfigValue, name: &str) -> Result<Option<SipTerms>> {
        let order_key = format!("{name}_order");
        let Some(order) = sip.get(&order_key) else {
            return Ok(None);
        };
        let order = self.int_of(&format!("sip.{order_key}"), order)?;
        let key = format!("sip.{name}");
        let terms = self.triples(&key, sip.get(name))?;
        if order < 0 || terms.iter().any(|t| t.0 < 0 || t.1 < 0) {
            return Err(self.fail(&key, "has a negative order or exponent"));
        }
        Ok(Some(SipTerms {
            order: order as usize,
            terms: terms
                .into_iter()
                .map(|(p, q, v)| (p as usize, q as usize, v))
                .collect(),
        }))
    }
}

impl HeaderTract {
    /// Parses entry `index` of the `tracts` list.
    ///
    /// # Errors
    /// [`Error::InvalidConfig`] naming the entry (index and name) and the key.
    pub fn parse(index: usize, value: &ConfigValue) -> Result<HeaderTract> {
        let mut e = Entry {
            value,
            label: format!("tracts[{index}]"),
        };
        if !matches!(value, ConfigValue::Map(_)) {
            return Err(Error::config(format!(
                "{}: expects a table, got {value}",
                e.label
            )));
        }
        let name = e.string("name")?;
        e.label = format!("tracts[{index}] ({name:?})");
        const KEYS: [&str; 12] = [
            "name", "file", "hdu", "naxis", "ctype", "crval", "crpix", "cd", "lonpole", "latpole",
            "pv", "sip",
        ];
        if let ConfigValue::Map(m) = value {
            if let Some((k, _)) = m.iter().find(|(k, _)| !KEYS.contains(&k.as_str())) {
                return Err(e.fail(
                    &format!("{k:?}"),
                    &format!("is not a known key; expected {KEYS:?}"),
                ));
            }
        }
        let hdu = e.int_of("hdu", e.get("hdu")?)?;
        let naxis = e.list("naxis", e.get("naxis")?, Some(2))?;
        let naxis = [e.int_of("naxis", &naxis[0])?, e.int_of("naxis", &naxis[1])?];
        // The footprint projects every boundary pixel: 2^18 a side (a 5-arcsec all-sky
        // map; survey images are far smaller) keeps that to a million points, where 2^30
        // took minutes and tens of GB (found by the fits_header fuzzer).
        if naxis.iter().any(|&n| !(1..=MAX_NAXIS).contains(&n)) {
            return Err(e.fail("naxis", &format!("must be in [1, 2**18], got {naxis:?}")));
        }
        let ctype = e.list("ctype", e.get("ctype")?, Some(2))?;
        let ctype = [0, 1].map(|k| match &ctype[k] {
            ConfigValue::Str(s) => Ok(s.clone()),
            v => Err(e.fail("ctype", &format!("expects strings, got {v}"))),
        });
        let [c1, c2] = ctype;
        let cd_rows = e.list("cd", e.get("cd")?, Some(2))?;
        let mut cd = [[0.0; 2]; 2];
        for (row, item) in cd.iter_mut().zip(cd_rows) {
            let r = e.list("cd", item, Some(2))?;
            *row = [e.float_of("cd", &r[0])?, e.float_of("cd", &r[1])?];
        }
        let pv = e
            .triples("pv", value.get("pv"))?
            .into_iter()
            .map(|(i, m, v)| match (u32::try_from(i), u32::try_from(m)) {
                (Ok(i), Ok(m)) => Ok((i, m, v)),
                _ => Err(e.fail("pv", &format!("has a negative index PV{i}_{m}"))),
            })
            .collect::<Result<Vec<_>>>()?;
        let sip = match value.get("sip") {
            None | Some(ConfigValue::Null) => None,
            Some(s) => {
                let need = |name: &str| -> Result<SipTerms> {
                    e.sip_terms(s, name)?
                        .ok_or_else(|| e.fail(&format!("sip.{name}_order"), "is missing"))
                };
                Some(SipParams {
                    a: need("a")?,
                    b: need("b")?,
                    ap: e.sip_terms(s, "ap")?,
                    bp: e.sip_terms(s, "bp")?,
                })
            }
        };
        let wcs = FitsWcsParams {
            ctype: [c1?, c2?],
            crval_deg: e.float_pair("crval")?,
            crpix: e.float_pair("crpix")?,
            cd,
            lonpole_deg: e.optional_float("lonpole")?,
            latpole_deg: e.optional_float("latpole")?,
            pv,
            sip,
        };
        // Build once here so that a bad WCS is reported against its entry.
        wcs.build()
            .map_err(|err| e.fail("WCS", &format!("is not usable: {err}")))?;
        Ok(HeaderTract {
            name,
            file: e.string("file")?,
            hdu,
            naxis,
            wcs,
        })
    }

    /// The entry as the config writes it.
    pub fn to_value(&self) -> Value {
        let w = &self.wcs;
        let mut v = json!({
            "name": self.name, "file": self.file, "hdu": self.hdu, "naxis": self.naxis,
            "ctype": w.ctype, "crval": w.crval_deg, "crpix": w.crpix, "cd": w.cd,
        });
        let Some(map) = v.as_object_mut() else {
            return v;
        };
        if let Some(l) = w.lonpole_deg {
            map.insert("lonpole".into(), json!(l));
        }
        if let Some(l) = w.latpole_deg {
            map.insert("latpole".into(), json!(l));
        }
        if !w.pv.is_empty() {
            let pv: Vec<Value> = w.pv.iter().map(|&(i, m, x)| json!([i, m, x])).collect();
            map.insert("pv".into(), Value::Array(pv));
        }
        if let Some(s) = &w.sip {
            let mut sip = serde_json::Map::new();
            let polys = [
                ("a", Some(&s.a)),
                ("b", Some(&s.b)),
                ("ap", s.ap.as_ref()),
                ("bp", s.bp.as_ref()),
            ];
            for (name, t) in polys {
                if let Some(t) = t {
                    sip.insert(format!("{name}_order"), json!(t.order));
                    let terms: Vec<Value> =
                        t.terms.iter().map(|&(p, q, x)| json!([p, q, x])).collect();
                    sip.insert(name.into(), Value::Array(terms));
                }
            }
            map.insert("sip".into(), Value::Object(sip));
        }
        v
    }
}

/// Parses the `tracts` list: every entry valid, names unique.
///
/// # Errors
/// As [`HeaderTract::parse`]; a repeated name names both entries.
pub fn parse_tracts(value: &ConfigValue) -> Result<Vec<HeaderTract>> {
    let ConfigValue::List(items) = value else {
        return Err(Error::config(format!(
            "tracts expects a list of tables, got {value}"
        )));
    };
    let tracts = items
        .iter()
        .enumerate()
        .map(|(i, v)| HeaderTract::parse(i, v))
        .collect::<Result<Vec<_>>>()?;
    let mut seen = std::collections::HashMap::new();
    for (i, t) in tracts.iter().enumerate() {
        if let Some(j) = seen.insert(t.name.as_str(), i) {
            return Err(Error::config(format!(
                "tracts[{j}] and tracts[{i}] have the same name {:?} ({} HDU {} and {} HDU {}); \
                 tract names must be unique",
                t.name, tracts[j].file, tracts[j].hdu, t.file, t.hdu
            )));
        }
    }
    Ok(tracts)
}

/// Checks that `patch_grid` divides every image.
///
/// # Errors
/// [`Error::InvalidConfig`] naming the first image it does not divide.
pub fn check_patch_grid(tracts: &[HeaderTract], patch_grid: [i64; 2]) -> Result<()> {
    for (i, t) in tracts.iter().enumerate() {
        if t.naxis[0] % patch_grid[0] != 0 || t.naxis[1] % patch_grid[1] != 0 {
            return Err(Error::config(format!(
                "patchGrid {patch_grid:?} does not divide tracts[{i}] ({:?}) of {:?} pixels; \
                 choose a grid that divides every image",
                t.name, t.naxis
            )));
        }
    }
    Ok(())
}

/// Builds every tract (in parallel).
///
/// # Errors
/// As [`FitsWcsParams::build`] and [`bounded_hull`].
pub(crate) fn build(
    tracts: &[HeaderTract],
    patch_grid: [i64; 2],
    builder: TractBuilder,
) -> Result<Vec<Tract>> {
    let border = builder.patch_border();
    try_map_indexed(tracts.len(), |i| {
        let t = &tracts[i];
        let wcs = t.wcs.build()?;
        let bbox = PixelBox::new([0, 0], t.naxis);
        let (cx, cy) = ((t.naxis[0] - 1) as f64 / 2.0, (t.naxis[1] - 1) as f64 / 2.0);
        let (lon_rad, lat_rad) = wcs.pixel_to_sky_rad(cx, cy).ok_or_else(|| {
            Error::config(format!(
                "tracts[{i}] ({:?}): the image centre has no sky position",
                t.name
            ))
        })?;
        let outer = bounded_hull(&wcs, i as u64, &bbox, 0.0)?;
        let inner = [t.naxis[0] / patch_grid[0], t.naxis[1] / patch_grid[1]];
        let builder = TractBuilder::Legacy {
            patch_inner_dimensions: inner,
            patch_border: border,
        };
        Ok(Tract::with_footprint(
            i as u64,
            LonLat { lon_rad, lat_rad },
            wcs,
            bbox,
            builder,
            outer,
        ))
    })
}

/// Finds the tracts whose footprints may hold a point: a HEALPix (nested) map from
/// each pixel to the tracts whose outer polygon touches it (the pixelization's exact
/// envelope), at the order whose pixels are a quarter to a half of the median tract's
/// radius (a few dozen pixels per tract; one or two candidates per point where
/// images do not overlap much), or coarser when the total would be too many entries.
#[derive(Debug, Clone)]
pub struct HeadersIndex {
    healpix: Healpix,
    /// Sorted pixel ids, and for pixel `k` the tracts `members[offsets[k]..offsets[k + 1]]`.
    pixels: Vec<u64>,
    offsets: Vec<u32>,
    members: Vec<u32>,
}

/// The deepest index order (pixels of 0.2 arcmin).
const MAX_INDEX_ORDER: i64 = 14;

/// About the most (pixel, tract) entries the index may hold (64 per tract when more):
/// a few very large images among many small ones must not get the small ones' fine
/// order, or the index lists every fine pixel of the large ones (a 60-degree image
/// beside two tiny ones: 10^9 entries, minutes and gigabytes; found by fuzzing the
/// headers).
const MAX_INDEX_ENTRIES: f64 = 1_048_576.0;

/// The index order: pixels a quarter to a half of the median radius, coarser if the
/// tracts' total area would need more than [`MAX_INDEX_ENTRIES`] pixels.
fn index_order(sorted_radii: &[f64]) -> i64 {
    let median = sorted_radii
        .get(sorted_radii.len() / 2)
        .copied()
        .unwrap_or(1.0);
    // HEALPix pixels of order k are about 1.02 / 2^k radians across.
    let fine = (1.02 / median.max(1e-9)).log2().floor() as i64 + 2;
    // A cap of radius r covers 2 pi (1 - cos r) sr; a pixel 4 pi / (12 4^k).
    let pixels_at_0: f64 = sorted_radii.iter().map(|r| 6.0 * (1.0 - r.cos())).sum();
    let budget = MAX_INDEX_ENTRIES.max(64.0 * sorted_radii.len() as f64);
    let affordable = (budget / pixels_at_0.max(1e-300)).log(4.0).floor();
    let affordable = if affordable.is_finite() {
        affordable.min(MAX_INDEX_ORDER as f64) as i64
    } else {
        MAX_INDEX_ORDER
    };
    fine.min(affordable).clamp(0, MAX_INDEX_ORDER)
}

impl HeadersIndex {
    /// The index of `tracts` (each tract's outer region is a convex polygon).
    ///
    /// # Errors
    /// [`Error::InvalidRegion`] for a degenerate polygon (a bug: footprints are valid).
    pub fn new(tracts: &[Tract]) -> Result<HeadersIndex> {
        let mut radii: Vec<f64> = tracts
            .iter()
            .filter_map(|t| {
                t.outer_polygon()
                    .map(|p| p.bounding_circle().opening_angle_rad())
            })
            .collect();
        radii.sort_by(f64::total_cmp);
        let healpix = Healpix::new(index_order(&radii), true)?;
        let mut pairs: Vec<(u64, u32)> = Vec::new();
        for (i, t) in tracts.iter().enumerate() {
            let Some(poly) = t.outer_polygon() else {
                continue;
            };
            let verts: Vec<Vector3d> = poly.vertices().iter().map(|v| *v.as_vector()).collect();
            let cover = healpix.envelope_shape(&CoverShape::polygon(&verts)?);
            pairs.extend(cover.values().map(|p| (p, i as u32)));
        }
        pairs.sort_unstable();
        let (mut pixels, mut offsets, mut members) = (Vec::new(), Vec::new(), Vec::new());
        for (p, t) in pairs {
            if pixels.last() != Some(&p) {
                pixels.push(p);
                offsets.push(members.len() as u32);
            }
            members.push(t);
        }
        offsets.push(members.len() as u32);
        Ok(HeadersIndex {
            healpix,
            pixels,
            offsets,
            members,
        })
    }

    /// The tracts (indices) whose footprint may hold `v`.
    #[inline]
    pub fn candidates(&self, v: &UnitVector3d) -> &[u32] {
        let p = self.healpix.index(v);
        match self.pixels.binary_search(&p) {
            Ok(k) => &self.members[self.offsets[k] as usize..self.offsets[k + 1] as usize],
            Err(_) => &[],
        }
    }

    /// The owner of `v` (module docs), as a tract index, or -1.
    pub fn owner(&self, tracts: &[Tract], v: &UnitVector3d) -> i64 {
        let mut best: Option<(f64, u32)> = None;
        for &i in self.candidates(v) {
            let t = &tracts[i as usize];
            if !t.inner_polygon_contains(v) {
                continue;
            }
            let d = t.center_vector().dot(v);
            // Larger dot = nearer; candidates are in increasing id order, so a tie
            // keeps the lower id.
            if best.is_none_or(|(bd, _)| d > bd) {
                best = Some((d, i));
            }
        }
        best.map_or(-1, |(_, i)| i64::from(i))
    }

    /// HEALPix order of the index.
    pub fn order(&self) -> u8 {
        self.healpix.order()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::tessellation::{SkyMap, SkyMapConfig};

    fn entry(name: &str, ra: f64, dec: f64) -> Value {
        json!({"name": name, "file": format!("{name}.fits"), "hdu": 0, "naxis": [60, 40],
               "ctype": ["RA---TAN", "DEC--TAN"], "crval": [ra, dec], "crpix": [30.5, 20.5],
               "cd": [[-0.01, 0.0], [0.0, 0.01]]})
    }

    fn config(tracts: Vec<Value>) -> Value {
        json!({"skymap_class": "headers", "version": 1, "projection": "TAN",
               "pixelScale": 0.333, "tractOverlap": 0.0, "rotation": 0.0,
               "tractBuilder": {"name": "legacy", "patchInnerDimensions": [4000, 4000],
                                "patchBorder": 0},
               "tracts": tracts, "patchGrid": [1, 1]})
    }

    #[test]
    fn owner_from_index_matches_a_scan() {
        let tracts = (0..30)
            .map(|i| {
                entry(
                    &format!("t{i}"),
                    (i as f64 * 0.37) % 3.0,
                    (i as f64 * 0.23) % 2.0,
                )
            })
            .collect();
        let sky = SkyMap::new(SkyMapConfig::from_value(&config(tracts)).unwrap()).unwrap();
        let crate::tessellation::skymap::Layout::Headers(index) = sky.layout() else {
            panic!("headers layout expected");
        };
        for k in 0..4000 {
            let (lon, lat) = (
                (k as f64 * 0.00091) % 3.6 - 0.3,
                (k as f64 * 0.00057) % 2.4 - 0.2,
            );
            let v = UnitVector3d::from_lonlat_deg(lon.rem_euclid(360.0), lat).unwrap();
            let scan = sky
                .tracts()
                .iter()
                .enumerate()
                .filter(|(_, t)| t.inner_polygon_contains(&v))
                .max_by(|a, b| {
                    let (da, db) = (a.1.center_vector().dot(&v), b.1.center_vector().dot(&v));
                    da.total_cmp(&db).then(b.0.cmp(&a.0))
                })
                .map_or(-1, |(i, _)| i as i64);
            assert_eq!(index.owner(sky.tracts(), &v), scan, "{lon} {lat}");
        }
    }

    #[test]
    fn a_huge_image_among_tiny_ones_keeps_the_index_small() {
        // 60 degrees (STG) beside two 0.0001-degree images: the median radius alone
        // would ask for order 14, where the big image covers ~10^9 pixels.
        let mut big = entry("big", 10.0, 0.0);
        big["ctype"] = json!(["RA---STG", "DEC--STG"]);
        big["naxis"] = json!([1000, 1000]);
        big["crpix"] = json!([500.5, 500.5]);
        big["cd"] = json!([[-0.06, 0.0], [0.0, 0.06]]);
        let mut tiny = [entry("t1", 50.0, 50.0), entry("t2", 60.0, 50.0)];
        for t in &mut tiny {
            t["cd"] = json!([[-1e-5, 0.0], [0.0, 1e-5]]);
        }
        let [t1, t2] = tiny;
        let sky =
            SkyMap::new(SkyMapConfig::from_value(&config(vec![big, t1, t2])).unwrap()).unwrap();
        let crate::tessellation::skymap::Layout::Headers(index) = sky.layout() else {
            panic!("headers layout expected");
        };
        assert!(index.members.len() as f64 <= 2.0 * MAX_INDEX_ENTRIES);
        for (lon, lat) in [(10.0, 0.0), (50.0, 50.0), (60.0, 50.0), (200.0, 0.0)] {
            let v = UnitVector3d::from_lonlat_deg(lon, lat).unwrap();
            let expected = match (lon, lat) {
                (50.0, 50.0) => 1,
                (60.0, 50.0) => 2,
                (10.0, 0.0) => 0,
                _ => -1,
            };
            assert_eq!(index.owner(sky.tracts(), &v), expected, "{lon} {lat}");
        }
    }

    #[test]
    fn a_huge_pixel_box_is_refused() {
        let mut e = entry("wide", 10.0, 0.0);
        e["naxis"] = json!([3_600_000, 40]);
        let err = SkyMapConfig::from_value(&config(vec![e]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("naxis must be in [1, 2**18]"), "{err}");
    }

    #[test]
    fn repeated_name_and_bad_grid_are_refused() {
        let e = SkyMapConfig::from_value(&config(vec![entry("a", 1.0, 0.0), entry("a", 2.0, 0.0)]))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("same name \"a\"") && e.contains("a.fits HDU 0"),
            "{e}"
        );
        let mut c = config(vec![entry("a", 1.0, 0.0)]);
        c["patchGrid"] = json!([7, 1]);
        assert!(SkyMapConfig::from_value(&c)
            .unwrap_err()
            .to_string()
            .contains("patchGrid"));
    }
}
