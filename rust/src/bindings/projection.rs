//! Python class `TractWcs`: vectorized pixel <-> sky through a tract WCS.

use super::{detach, f64_slice};
use crate::geometry::vector::{check_lonlat_arrays, lonlat_deg_to_rad_unchecked};
use crate::projection::{Projection, TractWcs};
use crate::Error;
use numpy::{IntoPyArray, PyArray1, PyReadonlyArray1};
use pyo3::prelude::*;

type F64Array<'py> = Bound<'py, PyArray1<f64>>;
/// (projection, crval in radians, crpix, cd): the exact parameters of a WCS.
type WcsState = (&'static str, (f64, f64), (f64, f64), [[f64; 2]; 2]);

/// A FITS celestial WCS (TAN/STG/CEA) with a CD matrix and 0-based pixels.
#[pyclass(frozen, name = "TractWcs", module = "skymaps._core")]
pub(crate) struct PyTractWcs {
    pub(crate) wcs: TractWcs,
}

#[pymethods]
impl PyTractWcs {
    #[new]
    fn new(
        projection: &str,
        crval_deg: (f64, f64),
        crpix: (f64, f64),
        cd: [[f64; 2]; 2],
    ) -> PyResult<Self> {
        let crval_rad = (crval_deg.0.to_radians(), crval_deg.1.to_radians());
        Self::from_radians(projection, crval_rad, crpix, cd)
    }

    /// The same WCS from its stored parameters (crval in radians): exact, for pickling.
    #[staticmethod]
    fn from_radians(
        projection: &str,
        crval_rad: (f64, f64),
        crpix: (f64, f64),
        cd: [[f64; 2]; 2],
    ) -> PyResult<Self> {
        let p = Projection::from_code(projection)?;
        let wcs = TractWcs::new(p, [crval_rad.0, crval_rad.1], [crpix.0, crpix.1], cd)?;
        Ok(PyTractWcs { wcs })
    }
    /// (projection, crval in radians, crpix, cd): what `from_radians` takes back.
    /// A survey image's WCS (distortion, ZPN terms, explicit poles) has no such state:
    /// its skymap config holds it.
    fn state(&self) -> PyResult<WcsState> {
        if !self.wcs.is_linear() {
            return Err(Error::config(
                "this WCS has SIP/TPV/ZPN terms (a headers skymap's tract): pickle the skymap, \
                 or get its header with skymaps.headers.tract_header",
            )
            .into());
        }
        let c = self.wcs.crval_rad();
        let p = self.wcs.crpix();
        Ok((
            self.wcs.projection().code(),
            (c[0], c[1]),
            (p[0], p[1]),
            self.wcs.cd(),
        ))
    }

    /// Whether the transform is the projection and CD matrix alone (no SIP/TPV
    /// distortion, no ZPN coefficients): what `state` and FITS headers of this class
    /// can represent.
    #[getter]
    fn is_linear(&self) -> bool {
        self.wcs.is_linear()
    }

    /// The same WCS with the pixel origin moved: pixel `p` becomes `p + (dx, dy)`.
    fn shifted(&self, dx: f64, dy: f64) -> Self {
        PyTractWcs {
            wcs: self.wcs.shifted([dx, dy]),
        }
    }

    #[getter]
    fn projection(&self) -> &'static str {
        self.wcs.projection().code()
    }
    #[getter]
    fn crval(&self) -> (f64, f64) {
        let c = self.wcs.crval_deg();
        (c[0], c[1])
    }
    #[getter]
    fn crpix(&self) -> (f64, f64) {
        let c = self.wcs.crpix();
        (c[0], c[1])
    }
    #[getter]
    fn cd(&self) -> [[f64; 2]; 2] {
        self.wcs.cd()
    }
    #[getter]
    fn lonpole(&self) -> f64 {
        self.wcs.lonpole_deg()
    }
    #[getter]
    fn latpole(&self) -> f64 {
        self.wcs.latpole_deg()
    }

    /// 0-based pixels -> (lon, lat) degrees; NaN outside the projection's domain.
    fn pixel_to_sky<'py>(
        &self,
        py: Python<'py>,
        x: PyReadonlyArray1<'py, f64>,
        y: PyReadonlyArray1<'py, f64>,
    ) -> PyResult<(F64Array<'py>, F64Array<'py>)> {
        let (xs, ys) = (f64_slice(&x), f64_slice(&y));
        let (lon, lat) = detach(py, xs.len(), || {
            same_len(&xs, &ys)?;
            let mut out = vec![[f64::NAN; 2]; xs.len()];
            crate::parallel::fill_indexed(&mut out, |i| {
                self.wcs
                    .pixel_to_sky_rad(xs[i], ys[i])
                    .map_or([f64::NAN; 2], |(a, b)| [a.to_degrees(), b.to_degrees()])
            });
            Ok(out.into_iter().map(|[a, b]| (a, b)).unzip())
        })?;
        Ok((from_vec(py, lon), from_vec(py, lat)))
    }

    /// (lon, lat) degrees -> 0-based pixels; NaN where the projection diverges.
    fn sky_to_pixel<'py>(
        &self,
        py: Python<'py>,
        lon: PyReadonlyArray1<'py, f64>,
        lat: PyReadonlyArray1<'py, f64>,
    ) -> PyResult<(F64Array<'py>, F64Array<'py>)> {
        let (lons, lats) = (f64_slice(&lon), f64_slice(&lat));
        let (x, y) = detach(py, lons.len(), || {
            check_lonlat_arrays(&lons, &lats)?;
            let mut out = vec![[f64::NAN; 2]; lons.len()];
            crate::parallel::fill_indexed(&mut out, |i| {
                let (a, b) = lonlat_deg_to_rad_unchecked(lons[i], lats[i]);
                self.wcs
                    .sky_to_pixel_rad(a, b)
                    .map_or([f64::NAN; 2], |(px, py)| [px, py])
            });
            Ok(out.into_iter().map(|[a, b]| (a, b)).unzip())
        })?;
        Ok((from_vec(py, x), from_vec(py, y)))
    }

    fn __repr__(&self) -> String {
        let c = self.wcs.crval_deg();
        let p = self.wcs.crpix();
        format!(
            "TractWcs(projection={:?}, crval=({}, {}), crpix=({}, {}))",
            self.wcs.projection().code(),
            c[0],
            c[1],
            p[0],
            p[1]
        )
    }
}

pub(crate) fn same_len(a: &[f64], b: &[f64]) -> crate::Result<()> {
    if a.len() != b.len() {
        return Err(Error::shape(format!(
            "arrays of lengths {} and {} do not match",
            a.len(),
            b.len()
        )));
    }
    Ok(())
}

pub(crate) fn from_vec<T: numpy::Element>(py: Python<'_>, v: Vec<T>) -> Bound<'_, PyArray1<T>> {
    v.into_pyarray(py)
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyTractWcs>()
}
