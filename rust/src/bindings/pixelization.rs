//! `skymaps._core.Htm` and `skymaps._core.Healpix`: point lookup, pixel geometry,
//! scheme conversion, envelopes and interiors. Broadcasting happens in
//! `python/skymaps/pixelization.py`; here everything is 1-D.

use numpy::{IntoPyArray, PyArray1, PyArray2, PyArrayMethods, PyReadonlyArray1};
use pyo3::prelude::*;

use super::geometry::PyRegion;
use super::rangeset::PyRangeSet;
use crate::bindings::{detach, f64_slice, u64_slice, with_lonlat};
use crate::geometry::{UnitVector3d, Vector3d};
use crate::pixelization::healpix::cover::CoverShape;
use crate::pixelization::{Healpix, Htm};

fn rows<'py>(py: Python<'py>, flat: Vec<f64>, width: usize) -> PyResult<Bound<'py, PyArray2<f64>>> {
    let n = flat.len() / width;
    flat.into_pyarray(py).reshape([n, width])
}

/// (lon, lat) radian pairs as an (n, 2) array of degrees.
fn lonlat_rows_deg<'py>(py: Python<'py>, v: &[(f64, f64)]) -> PyResult<Bound<'py, PyArray2<f64>>> {
    let flat = v
        .iter()
        .flat_map(|&(l, b)| [l.to_degrees(), b.to_degrees()])
        .collect();
    rows(py, flat, 2)
}

/// Point lookup over 1-D lon/lat degree arrays: `index_many_deg` of either scheme,
/// with the GIL released for large inputs.
fn index_deg<'py, T>(
    py: Python<'py>,
    lon: PyReadonlyArray1<'py, f64>,
    lat: PyReadonlyArray1<'py, f64>,
    index_many_deg: impl FnOnce(&[f64], &[f64]) -> crate::Result<Vec<T>> + Send,
) -> PyResult<Bound<'py, PyArray1<T>>>
where
    T: numpy::Element + Send,
{
    Ok(with_lonlat(py, &lon, &lat, index_many_deg)?.into_pyarray(py))
}

/// HTM pixelization at one level (ids as in ``lsst.sphgeom.HtmPixelization``).
#[pyclass(frozen, eq, hash, module = "skymaps._core", name = "Htm")]
#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) struct PyHtm {
    pub(crate) inner: Htm,
}

#[pymethods]
impl PyHtm {
    #[new]
    fn new(level: i64) -> PyResult<Self> {
        Ok(PyHtm {
            inner: Htm::new(level)?,
        })
    }
    #[getter]
    fn level(&self) -> u8 {
        self.inner.level()
    }
    fn num_pixels(&self) -> u64 {
        self.inner.num_pixels()
    }
    fn universe(&self) -> PyRangeSet {
        self.inner.universe().into()
    }
    /// Trixel ids (uint64) of points given in degrees (1-D arrays of equal length).
    fn index<'py>(
        &self,
        py: Python<'py>,
        lon: PyReadonlyArray1<'py, f64>,
        lat: PyReadonlyArray1<'py, f64>,
    ) -> PyResult<Bound<'py, PyArray1<u64>>> {
        let h = self.inner;
        index_deg(py, lon, lat, |lon, lat| h.index_many_deg(lon, lat))
    }
    /// The trixel's 3 vertices as a (3, 3) array of unit vectors (counter-clockwise).
    fn pixel_vertices<'py>(&self, py: Python<'py>, id: u64) -> PyResult<Bound<'py, PyArray2<f64>>> {
        let v = self.inner.pixel_vertices(id)?;
        rows(py, v.iter().flat_map(|p| [p.x, p.y, p.z]).collect(), 3)
    }
    /// Trixels intersecting the region (sphgeom's envelope; ``max_ranges`` 0: no limit).
    #[pyo3(signature = (region, max_ranges=0))]
    fn envelope(
        &self,
        py: Python<'_>,
        region: &PyRegion,
        max_ranges: usize,
    ) -> PyResult<PyRangeSet> {
        let (h, r) = (self.inner, &region.inner);
        Ok(detach(py, usize::MAX, || Ok(h.envelope(r, max_ranges)))?.into())
    }
    /// Trixels inside the region (sphgeom's interior).
    #[pyo3(signature = (region, max_ranges=0))]
    fn interior(
        &self,
        py: Python<'_>,
        region: &PyRegion,
        max_ranges: usize,
    ) -> PyResult<PyRangeSet> {
        let (h, r) = (self.inner, &region.inner);
        Ok(detach(py, usize::MAX, || Ok(h.interior(r, max_ranges)))?.into())
    }
    /// Envelopes of many regions in parallel: one uint64 array of trixel ids per region.
    #[pyo3(signature = (regions, max_ranges=0))]
    fn envelope_pixels_many<'py>(
        &self,
        py: Python<'py>,
        regions: Vec<PyRef<'py, PyRegion>>,
        max_ranges: usize,
    ) -> PyResult<Vec<Bound<'py, PyArray1<u64>>>> {
        let rs: Vec<crate::geometry::Region> = regions.iter().map(|r| r.inner.clone()).collect();
        let h = self.inner;
        let out = detach(py, usize::MAX, || {
            Ok(h.envelope_pixels_many(&rs, max_ranges))
        })?;
        Ok(out.into_iter().map(|v| v.into_pyarray(py)).collect())
    }
    /// The trixel as a ConvexPolygon region (vertices bit-identical to sphgeom's
    /// ``HtmPixelization.triangle``).
    fn pixel(&self, id: u64) -> PyResult<PyRegion> {
        let v = self.inner.pixel_vertices(id)?;
        let verts = v
            .iter()
            .map(|p| UnitVector3d::from_normalized(p.x, p.y, p.z))
            .collect();
        let poly = crate::geometry::ConvexPolygon::from_vertices(verts)?;
        Ok(PyRegion {
            inner: crate::geometry::Region::ConvexPolygon(poly),
        })
    }
    /// The level of an HTM id, or -1 if it is not a valid id.
    #[staticmethod]
    fn level_of(id: u64) -> i64 {
        Htm::level_of(id).map_or(-1, i64::from)
    }
    #[staticmethod]
    fn to_string(id: u64) -> PyResult<String> {
        Ok(Htm::to_string(id)?)
    }
    #[staticmethod]
    fn from_string(name: &str) -> PyResult<u64> {
        Ok(Htm::from_string(name)?)
    }
    fn __repr__(&self) -> String {
        format!("Htm({})", self.inner.level())
    }
    fn __reduce__(&self, py: Python<'_>) -> (Py<PyAny>, (u8,)) {
        (
            py.get_type::<PyHtm>().into_any().unbind(),
            (self.inner.level(),),
        )
    }
}

/// HEALPix pixelization at one order (healpy-identical point lookup).
#[pyclass(frozen, eq, hash, module = "skymaps._core", name = "Healpix")]
#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) struct PyHealpix {
    pub(crate) inner: Healpix,
}

#[pymethods]
impl PyHealpix {
    #[new]
    #[pyo3(signature = (order, nested=true))]
    fn new(order: i64, nested: bool) -> PyResult<Self> {
        Ok(PyHealpix {
            inner: Healpix::new(order, nested)?,
        })
    }
    #[getter]
    fn order(&self) -> u8 {
        self.inner.order()
    }
    #[getter]
    fn nested(&self) -> bool {
        self.inner.is_nested()
    }
    #[getter]
    fn nside(&self) -> u64 {
        self.inner.nside()
    }
    #[getter]
    fn npix(&self) -> u64 {
        self.inner.npix()
    }
    fn universe(&self) -> PyRangeSet {
        self.inner.universe().into()
    }
    /// Pixel ids (int64, like healpy) of points given in degrees.
    fn index<'py>(
        &self,
        py: Python<'py>,
        lon: PyReadonlyArray1<'py, f64>,
        lat: PyReadonlyArray1<'py, f64>,
    ) -> PyResult<Bound<'py, PyArray1<i64>>> {
        let h = self.inner;
        index_deg(py, lon, lat, |lon, lat| h.index_many_deg(lon, lat))
    }
    /// Nested ids -> ring ids (uint64 in, int64 out).
    fn nest_to_ring<'py>(
        &self,
        py: Python<'py>,
        ids: PyReadonlyArray1<'py, u64>,
    ) -> PyResult<Bound<'py, PyArray1<i64>>> {
        self.convert_ids(py, ids, Healpix::nest_to_ring)
    }
    /// Ring ids -> nested ids (uint64 in, int64 out).
    fn ring_to_nest<'py>(
        &self,
        py: Python<'py>,
        ids: PyReadonlyArray1<'py, u64>,
    ) -> PyResult<Bound<'py, PyArray1<i64>>> {
        self.convert_ids(py, ids, Healpix::ring_to_nest)
    }
    /// The 4 vertices (S, E, N, W) as a (4, 2) array of (lon, lat) degrees.
    fn pixel_vertices<'py>(&self, py: Python<'py>, id: u64) -> PyResult<Bound<'py, PyArray2<f64>>> {
        lonlat_rows_deg(py, &self.inner.pixel_vertices(id)?)
    }
    /// ``4 * step`` points along the curved boundary as a (4 step, 2) array of degrees.
    #[pyo3(signature = (id, step=1))]
    fn pixel_boundary<'py>(
        &self,
        py: Python<'py>,
        id: u64,
        step: u32,
    ) -> PyResult<Bound<'py, PyArray2<f64>>> {
        lonlat_rows_deg(py, &self.inner.pixel_boundary(id, step)?)
    }
    /// Exactly the pixels that intersect the region, or with ``sphgeom_compatible``
    /// the dilated superset ``lsst.sphgeom.HealpixPixelization.envelope`` returns.
    #[pyo3(signature = (region, sphgeom_compatible=false))]
    fn envelope(
        &self,
        py: Python<'_>,
        region: &PyRegion,
        sphgeom_compatible: bool,
    ) -> PyResult<PyRangeSet> {
        let (h, r) = (self.inner, &region.inner);
        Ok(detach(py, usize::MAX, || {
            if sphgeom_compatible {
                h.envelope_sphgeom(r)
            } else {
                h.envelope(r)
            }
        })?
        .into())
    }
    /// Exactly the pixels entirely inside the region.
    fn interior(&self, py: Python<'_>, region: &PyRegion) -> PyResult<PyRangeSet> {
        let (h, r) = (self.inner, &region.inner);
        Ok(detach(py, usize::MAX, || h.interior(r))?.into())
    }
    /// Exact cover of a convex polygon given as a flat array of CCW unit vectors
    /// (x0, y0, z0, x1, ...): the envelope, or the interior if ``interior``.
    fn cover_polygon(
        &self,
        py: Python<'_>,
        xyz: PyReadonlyArray1<'_, f64>,
        interior: bool,
    ) -> PyResult<PyRangeSet> {
        let xyz = f64_slice(&xyz);
        let verts: Vec<Vector3d> = xyz
            .chunks_exact(3)
            .map(|c| Vector3d::new(c[0], c[1], c[2]))
            .collect();
        let shape = CoverShape::polygon(&verts)?;
        self.cover(py, &shape, interior)
    }
    /// Exact cover of a circle (degrees).
    fn cover_circle(
        &self,
        py: Python<'_>,
        lon: f64,
        lat: f64,
        radius: f64,
        interior: bool,
    ) -> PyResult<PyRangeSet> {
        let c = UnitVector3d::from_lonlat_deg(lon, lat)?;
        if !radius.is_finite() {
            return Err(
                crate::Error::region(format!("circle radius {radius} must be finite")).into(),
            );
        }
        let shape = CoverShape::circle(*c.as_vector(), radius.to_radians())?;
        self.cover(py, &shape, interior)
    }
    /// Exact cover of a lon/lat box (degrees; lon from ``lon_min`` eastward to
    /// ``lon_max``, wrapping through 0 when ``lon_max < lon_min``).
    fn cover_box(
        &self,
        py: Python<'_>,
        lon_min: f64,
        lon_max: f64,
        lat_min: f64,
        lat_max: f64,
        interior: bool,
    ) -> PyResult<PyRangeSet> {
        if lat_min < -90.0 || lat_max > 90.0 {
            return Err(crate::Error::region(format!(
                "box latitudes [{lat_min}, {lat_max}] must lie in [-90, 90]"
            ))
            .into());
        }
        let full = lon_max - lon_min >= 360.0;
        let shape = CoverShape::lonlat_box(
            lon_min.to_radians(),
            lon_max.to_radians(),
            full,
            lat_min.to_radians(),
            lat_max.to_radians(),
        )?;
        self.cover(py, &shape, interior)
    }
    fn __repr__(&self) -> String {
        format!(
            "Healpix({}, nested={})",
            self.inner.order(),
            if self.inner.is_nested() {
                "True"
            } else {
                "False"
            }
        )
    }
    fn __reduce__(&self, py: Python<'_>) -> (Py<PyAny>, (u8, bool)) {
        (
            py.get_type::<PyHealpix>().into_any().unbind(),
            (self.inner.order(), self.inner.is_nested()),
        )
    }
}

impl PyHealpix {
    /// Maps ids through a nested/ring conversion of this order (uint64 in, int64 out).
    fn convert_ids<'py>(
        &self,
        py: Python<'py>,
        ids: PyReadonlyArray1<'py, u64>,
        convert: fn(&Healpix, u64) -> crate::Result<u64>,
    ) -> PyResult<Bound<'py, PyArray1<i64>>> {
        let ids = u64_slice(&ids);
        let h = Healpix::new(self.inner.order() as i64, true)?;
        let out = detach(py, ids.len(), || {
            crate::parallel::try_map_indexed(ids.len(), |i| convert(&h, ids[i]).map(|x| x as i64))
        })?;
        Ok(out.into_pyarray(py))
    }
    fn cover(&self, py: Python<'_>, shape: &CoverShape, interior: bool) -> PyResult<PyRangeSet> {
        let h = self.inner;
        let out = detach(py, usize::MAX, || {
            Ok(if interior {
                h.interior_shape(shape)
            } else {
                h.envelope_shape(shape)
            })
        })?;
        Ok(out.into())
    }
}

/// MOC cells of nested ranges at ``depth`` as NUNIQ codes (uint64, sorted).
#[pyfunction]
fn moc_to_uniq<'py>(
    py: Python<'py>,
    ranges: &PyRangeSet,
    depth: i64,
) -> PyResult<Bound<'py, PyArray1<u64>>> {
    Ok(crate::pixelization::moc::to_uniq(&ranges.inner, depth)?.into_pyarray(py))
}

/// The nested pixels at ``depth`` covered by NUNIQ-coded cells.
#[pyfunction]
fn moc_from_uniq(uniq: PyReadonlyArray1<'_, u64>, depth: i64) -> PyResult<PyRangeSet> {
    Ok(crate::pixelization::moc::from_uniq(&u64_slice(&uniq), depth)?.into())
}

/// IVOA MOC 2.0 ASCII of nested ranges at ``depth``.
#[pyfunction]
fn moc_to_ascii(ranges: &PyRangeSet, depth: i64) -> PyResult<String> {
    Ok(crate::pixelization::moc::to_ascii(&ranges.inner, depth)?)
}

/// Parses MOC ASCII; returns (ranges at depth, depth).
#[pyfunction]
#[pyo3(signature = (text, depth=None))]
fn moc_from_ascii(text: &str, depth: Option<i64>) -> PyResult<(PyRangeSet, u8)> {
    let (r, d) = crate::pixelization::moc::from_ascii(text, depth)?;
    Ok((r.into(), d))
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyHtm>()?;
    m.add_class::<PyHealpix>()?;
    m.add_function(wrap_pyfunction!(moc_to_uniq, m)?)?;
    m.add_function(wrap_pyfunction!(moc_from_uniq, m)?)?;
    m.add_function(wrap_pyfunction!(moc_to_ascii, m)?)?;
    m.add_function(wrap_pyfunction!(moc_from_ascii, m)?)?;
    Ok(())
}
