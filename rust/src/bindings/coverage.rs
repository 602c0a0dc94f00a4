//! Python class `CoverageIndex` (wrapped by `python/skymaps/coverage.py`): a skymap
//! with its candidate-tract index, answering coverage queries for one region or many.

use super::geometry::PyRegion;
use super::projection::from_vec;
use super::tessellation::PySkyMap;
use super::{detach, f64_slice, u64_slice};
use crate::geometry::Region;
use crate::lookup::coverage::{
    overlapping, overlapping_batch, overlapping_prepared, polygons_from_ragged, CoverageTable,
    Level, Prepared, TractIndex,
};
use crate::tessellation::SkyMap;
use numpy::{PyArray1, PyReadonlyArray1};
use pyo3::prelude::*;
use std::sync::Arc;

type Columns<'py> = (
    Bound<'py, PyArray1<i64>>,
    Bound<'py, PyArray1<i64>>,
    Bound<'py, PyArray1<i64>>,
    Bound<'py, PyArray1<i64>>,
    Bound<'py, PyArray1<i8>>,
    Bound<'py, PyArray1<f64>>,
    Bound<'py, PyArray1<f64>>,
);

fn columns(py: Python<'_>, t: CoverageTable) -> Columns<'_> {
    (
        from_vec(py, t.footprint),
        from_vec(py, t.tract),
        from_vec(py, t.patch),
        from_vec(py, t.cell),
        from_vec(py, t.relation),
        from_vec(py, t.region_fraction),
        from_vec(py, t.target_fraction),
    )
}

/// A skymap and its candidate-tract index.
#[pyclass(frozen, name = "CoverageIndex", module = "skymaps._core")]
pub(crate) struct PyCoverageIndex {
    sky: Arc<SkyMap>,
    index: TractIndex,
}

#[pymethods]
impl PyCoverageIndex {
    #[new]
    fn new(py: Python<'_>, skymap: &PySkyMap) -> PyResult<Self> {
        let sky = Arc::clone(&skymap.inner);
        let index = detach(py, usize::MAX, || Ok(TractIndex::new(&sky)))?;
        Ok(PyCoverageIndex { sky, index })
    }

    /// Coverage of one region: columns (footprint, tract, patch, cell, relation,
    /// region_fraction, target_fraction), footprint all 0.
    fn overlapping<'py>(
        &self,
        py: Python<'py>,
        region: &PyRegion,
        level: &str,
        fractions: bool,
    ) -> PyResult<Columns<'py>> {
        let level = Level::from_name(level)?;
        let region = region.inner.clone();
        let table = detach(py, usize::MAX, || {
            let prepared = Prepared::new(&region)?;
            let hits = overlapping(&self.sky, &self.index, &prepared, level, fractions)?;
            let mut t = CoverageTable::default();
            for h in &hits {
                t.push(0, h);
            }
            Ok(t)
        })?;
        Ok(columns(py, table))
    }

    /// Coverage of many regions, in parallel.
    fn overlapping_regions<'py>(
        &self,
        py: Python<'py>,
        regions: Vec<PyRef<'py, PyRegion>>,
        level: &str,
        fractions: bool,
    ) -> PyResult<Columns<'py>> {
        let level = Level::from_name(level)?;
        let regions: Vec<Region> = regions.iter().map(|r| r.inner.clone()).collect();
        let table = detach(py, usize::MAX, || {
            overlapping_batch(&self.sky, &self.index, &regions, level, fractions)
        })?;
        Ok(columns(py, table))
    }

    /// Coverage of convex hulls of ragged vertex arrays (degrees): footprint `i` has
    /// vertices `offsets[i]..offsets[i + 1]`.
    fn overlapping_ragged<'py>(
        &self,
        py: Python<'py>,
        lon: PyReadonlyArray1<'py, f64>,
        lat: PyReadonlyArray1<'py, f64>,
        offsets: PyReadonlyArray1<'py, u64>,
        level: &str,
        fractions: bool,
    ) -> PyResult<Columns<'py>> {
        let level = Level::from_name(level)?;
        let (lon, lat, offsets) = (f64_slice(&lon), f64_slice(&lat), u64_slice(&offsets));
        let table = detach(py, usize::MAX, || {
            let regions = polygons_from_ragged(&lon, &lat, &offsets)?;
            overlapping_prepared(&self.sky, &self.index, &regions, level, fractions)
        })?;
        Ok(columns(py, table))
    }
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyCoverageIndex>()
}
