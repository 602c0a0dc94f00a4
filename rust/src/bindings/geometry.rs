//! Python bindings for `crate::geometry`: one frozen class, `_Region`, wrapping the
//! core [`Region`] enum, plus constructors and batch kernels. The Python module
//! `skymaps.geometry` puts the user-facing classes (`ConvexPolygon`, `Circle`, `Box`,
//! ...) on top; everything here takes and returns degrees and flat float64 arrays.

use numpy::{IntoPyArray, PyArray1, PyArray2, PyArrayMethods, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use super::{detach, f64_slice};
use crate::geometry::angle::{deg_to_rad, latitude_of, longitude_of, rad_to_deg};
use crate::geometry::vector::{check_lonlat_arrays, check_lonlat_deg};
use crate::geometry::{
    overlaps_polygon_pairs_lonlat_deg, Circle, ConvexPolygon, LonLatBox, PreparedPolygon, Region,
    UnitVector3d,
};
use crate::parallel::{fill_indexed, try_map_indexed};
use crate::{Error, Result};

/// A sphgeom-compatible region (polygon, circle, box, union or intersection).
#[pyclass(frozen, module = "skymaps._core", name = "_Region")]
pub(crate) struct PyRegion {
    pub(crate) inner: Region,
}

fn wrap(inner: Region) -> PyRegion {
    PyRegion { inner }
}

/// Unit vectors for validated lon/lat degrees (in parallel for large inputs).
fn vectors_from_lonlat(lon: &[f64], lat: &[f64]) -> Result<Vec<UnitVector3d>> {
    check_lonlat_arrays(lon, lat)?;
    try_map_indexed(lon.len(), |i| UnitVector3d::from_lonlat_deg(lon[i], lat[i]))
}

fn vectors_from_xyz(xyz: &[f64]) -> Result<Vec<UnitVector3d>> {
    vectors_from_xyz_with(xyz, true)
}

/// `normalize = false` keeps unit vectors bit for bit (checked to be unit length).
fn vectors_from_xyz_with(xyz: &[f64], normalize: bool) -> Result<Vec<UnitVector3d>> {
    if xyz.len() % 3 != 0 {
        return Err(Error::shape(format!(
            "xyz must have 3 columns, got {} values",
            xyz.len()
        )));
    }
    (0..xyz.len() / 3)
        .map(|k| {
            let (x, y, z) = (xyz[3 * k], xyz[3 * k + 1], xyz[3 * k + 2]);
            if normalize {
                UnitVector3d::new(x, y, z)
            } else {
                UnitVector3d::from_unit_checked(x, y, z)
            }
        })
        .collect()
}

fn polygon(points: Vec<UnitVector3d>, hull: bool) -> Result<ConvexPolygon> {
    if hull {
        ConvexPolygon::convex_hull(&points)
    } else {
        ConvexPolygon::from_outline(points)
    }
}

/// Convex polygon from lon/lat degrees (convex hull, or a convex outline).
#[pyfunction]
fn _polygon_from_lonlat(
    py: Python<'_>,
    lon: PyReadonlyArray1<'_, f64>,
    lat: PyReadonlyArray1<'_, f64>,
    hull: bool,
) -> PyResult<PyRegion> {
    let (lon, lat) = (f64_slice(&lon), f64_slice(&lat));
    let n = lon.len();
    let p = detach(py, n, || polygon(vectors_from_lonlat(&lon, &lat)?, hull))?;
    Ok(wrap(Region::ConvexPolygon(p)))
}

/// Convex polygon from a flat (N*3) array of vectors (normalized like sphgeom).
#[pyfunction]
fn _polygon_from_xyz(
    py: Python<'_>,
    xyz: PyReadonlyArray1<'_, f64>,
    hull: bool,
    normalize: bool,
) -> PyResult<PyRegion> {
    let xyz = f64_slice(&xyz);
    let p = detach(py, xyz.len(), || {
        polygon(vectors_from_xyz_with(&xyz, normalize)?, hull)
    })?;
    Ok(wrap(Region::ConvexPolygon(p)))
}

/// Circle around (lon, lat) with an opening angle, all in degrees.
#[pyfunction]
fn _circle(lon: f64, lat: f64, radius: f64) -> PyResult<PyRegion> {
    let center = UnitVector3d::from_lonlat_deg(lon, lat)?;
    if !radius.is_finite() || !(0.0..=180.0).contains(&radius) {
        return Err(
            Error::region(format!("circle radius {radius} deg must be in [0, 180]")).into(),
        );
    }
    Ok(wrap(Region::Circle(Circle::new(
        center,
        deg_to_rad(radius),
    )?)))
}

/// Lon/lat box in degrees (wraps through 0 when lon_min > lon_max).
#[pyfunction]
fn _box(lon_min: f64, lon_max: f64, lat_min: f64, lat_max: f64) -> PyResult<PyRegion> {
    for (lon, lat) in [(lon_min, lat_min), (lon_max, lat_max)] {
        check_lonlat_deg(lon, lat)?;
    }
    let b = LonLatBox::new(
        deg_to_rad(lon_min),
        deg_to_rad(lon_max),
        deg_to_rad(lat_min),
        deg_to_rad(lat_max),
    )?;
    Ok(wrap(Region::LonLatBox(b)))
}

/// Union or intersection of regions.
#[pyfunction]
fn _compound(operands: Vec<PyRef<'_, PyRegion>>, union: bool) -> PyRegion {
    let ops: Vec<Region> = operands.iter().map(|r| r.inner.clone()).collect();
    wrap(if union {
        Region::union(ops)
    } else {
        Region::intersection(ops)
    })
}

#[pyfunction]
fn _decode(data: &[u8]) -> PyResult<PyRegion> {
    Ok(wrap(Region::decode(data)?))
}

#[pyfunction]
fn _decode_base64(text: &str) -> PyResult<PyRegion> {
    Ok(wrap(Region::decode_base64(text)?))
}

#[pyfunction]
fn _decode_hex(text: &str) -> PyResult<PyRegion> {
    Ok(wrap(Region::decode_hex(text)?))
}

/// Builds polygon pairs from (N, K) vertex arrays (flattened, degrees) and returns
/// their `overlaps` (polygon–polygon overlaps is always known).
#[pyfunction]
#[allow(clippy::too_many_arguments)]
fn _overlaps_many<'py>(
    py: Python<'py>,
    lon1: PyReadonlyArray1<'_, f64>,
    lat1: PyReadonlyArray1<'_, f64>,
    k1: usize,
    lon2: PyReadonlyArray1<'_, f64>,
    lat2: PyReadonlyArray1<'_, f64>,
    k2: usize,
) -> PyResult<Bound<'py, PyArray1<bool>>> {
    let (lon1, lat1, lon2, lat2) = (
        f64_slice(&lon1),
        f64_slice(&lat1),
        f64_slice(&lon2),
        f64_slice(&lat2),
    );
    let out = detach(py, lon1.len() + lon2.len(), || {
        overlaps_polygon_pairs_lonlat_deg(&lon1, &lat1, k1, &lon2, &lat2, k2)
    })?;
    Ok(out.into_pyarray(py))
}

#[pymethods]
impl PyRegion {
    /// "ConvexPolygon", "Circle", "Box", "UnionRegion" or "IntersectionRegion".
    #[getter]
    fn kind(&self) -> &'static str {
        self.inner.type_name()
    }

    fn encode<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.inner.encode())
    }

    fn to_base64(&self) -> String {
        self.inner.to_base64()
    }

    fn to_hex(&self) -> String {
        self.inner.to_hex()
    }

    /// Point containment for flat lon/lat arrays in degrees.
    fn contains_lonlat<'py>(
        &self,
        py: Python<'py>,
        lon: PyReadonlyArray1<'_, f64>,
        lat: PyReadonlyArray1<'_, f64>,
    ) -> PyResult<Bound<'py, PyArray1<bool>>> {
        let (lon, lat) = (f64_slice(&lon), f64_slice(&lat));
        let region = &self.inner;
        let out = detach(py, lon.len(), || {
            check_lonlat_arrays(&lon, &lat)?;
            let mut out = vec![false; lon.len()];
            if let Region::ConvexPolygon(p) = region {
                PreparedPolygon::new(p).contains_many_unchecked(&lon, &lat, &mut out);
            } else {
                fill_indexed(&mut out, |i| {
                    region.contains(&UnitVector3d::from_lonlat_deg_unchecked(lon[i], lat[i]))
                });
            }
            Ok(out)
        })?;
        Ok(out.into_pyarray(py))
    }

    /// Point containment for a flat (N*3) array of vectors.
    fn contains_xyz<'py>(
        &self,
        py: Python<'py>,
        xyz: PyReadonlyArray1<'_, f64>,
    ) -> PyResult<Bound<'py, PyArray1<bool>>> {
        let xyz = f64_slice(&xyz);
        let region = &self.inner;
        let out = detach(py, xyz.len() / 3, || {
            let vs = vectors_from_xyz(&xyz)?;
            let mut out = vec![false; vs.len()];
            fill_indexed(&mut out, |i| region.contains(&vs[i]));
            Ok(out)
        })?;
        Ok(out.into_pyarray(py))
    }

    /// Relationship bits (DISJOINT=1, CONTAINS=2, WITHIN=4) of self to other.
    fn relate(&self, other: &PyRegion) -> u8 {
        self.inner.relate(&other.inner).bits()
    }

    /// True, False, or None (unknown).
    fn overlaps(&self, other: &PyRegion) -> Option<bool> {
        self.inner.overlaps(&other.inner)
    }

    fn is_empty(&self) -> bool {
        self.inner.is_empty()
    }

    /// Area in steradians (None for compound regions).
    fn area(&self) -> Option<f64> {
        self.inner.area()
    }

    /// Polygon vertices as an (N, 3) array (empty for other kinds).
    fn vertices_xyz<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyArray2<f64>>> {
        let flat: Vec<f64> = match &self.inner {
            Region::ConvexPolygon(p) => p.vertices().iter().flat_map(|v| v.to_array()).collect(),
            _ => Vec::new(),
        };
        let n = flat.len() / 3;
        flat.into_pyarray(py).reshape([n, 3])
    }

    /// Polygon vertices as (lon, lat) arrays in degrees, lon in [0, 360).
    fn vertices_lonlat<'py>(
        &self,
        py: Python<'py>,
    ) -> (Bound<'py, PyArray1<f64>>, Bound<'py, PyArray1<f64>>) {
        let (mut lon, mut lat) = (Vec::new(), Vec::new());
        if let Region::ConvexPolygon(p) = &self.inner {
            for v in p.vertices() {
                lon.push(rad_to_deg(v.lon_rad()));
                lat.push(rad_to_deg(v.lat_rad()));
            }
        }
        (lon.into_pyarray(py), lat.into_pyarray(py))
    }

    /// Polygon centroid as (lon, lat) degrees.
    fn centroid(&self) -> Option<(f64, f64)> {
        match &self.inner {
            Region::ConvexPolygon(p) => {
                let c = p.centroid();
                Some((rad_to_deg(c.lon_rad()), rad_to_deg(c.lat_rad())))
            }
            _ => None,
        }
    }

    fn bounding_circle(&self) -> PyRegion {
        wrap(Region::Circle(self.inner.bounding_circle()))
    }

    fn bounding_box(&self) -> PyRegion {
        wrap(Region::LonLatBox(self.inner.bounding_box()))
    }

    /// Circle (center lon, center lat, radius) in degrees, plus squared chord length.
    fn circle_params(&self) -> Option<(f64, f64, f64, f64)> {
        match &self.inner {
            Region::Circle(c) => {
                let v = c.center().as_vector();
                Some((
                    rad_to_deg(longitude_of(v)),
                    rad_to_deg(latitude_of(v)),
                    rad_to_deg(c.opening_angle_rad()),
                    c.squared_chord_length(),
                ))
            }
            _ => None,
        }
    }

    /// Box (lon_min, lon_max, lat_min, lat_max) in degrees.
    fn box_params(&self) -> Option<(f64, f64, f64, f64)> {
        match &self.inner {
            Region::LonLatBox(b) => Some((
                rad_to_deg(b.lon().a),
                rad_to_deg(b.lon().b),
                rad_to_deg(b.lat().a),
                rad_to_deg(b.lat().b),
            )),
            _ => None,
        }
    }

    /// Operands of a union or intersection (empty list otherwise).
    fn operands(&self) -> Vec<PyRegion> {
        match &self.inner {
            Region::Union(ops) | Region::Intersection(ops) => {
                ops.iter().cloned().map(wrap).collect()
            }
            _ => Vec::new(),
        }
    }

    /// sphgeom-style equality.
    fn equals(&self, other: &PyRegion) -> bool {
        self.inner.equals(&other.inner)
    }
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyRegion>()?;
    m.add_function(wrap_pyfunction!(_polygon_from_lonlat, m)?)?;
    m.add_function(wrap_pyfunction!(_polygon_from_xyz, m)?)?;
    m.add_function(wrap_pyfunction!(_circle, m)?)?;
    m.add_function(wrap_pyfunction!(_box, m)?)?;
    m.add_function(wrap_pyfunction!(_compound, m)?)?;
    m.add_function(wrap_pyfunction!(_decode, m)?)?;
    m.add_function(wrap_pyfunction!(_decode_base64, m)?)?;
    m.add_function(wrap_pyfunction!(_decode_hex, m)?)?;
    m.add_function(wrap_pyfunction!(_overlaps_many, m)?)?;
    Ok(())
}
