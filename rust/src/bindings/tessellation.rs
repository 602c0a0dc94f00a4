//! Python classes `SkyMapCore` and `TractCore` (wrapped by `python/skymaps/skymap.py`)
//! and the point lookups.

use super::arrays::i64_slice;
use super::config::to_config_value;
use super::geometry::PyRegion;
use super::projection::{from_vec, PyTractWcs};
use super::{detach, with_lonlat};
use crate::geometry::{Region, UnitVector3d};
use crate::lookup;
use crate::tessellation::box_tiling::BoxTiling;
use crate::tessellation::packer::{PackerConfig, PackerLayout};
use crate::tessellation::{PixelBox, SkyMap, SkyMapConfig, Tract};
use numpy::{PyArray1, PyArrayMethods, PyReadonlyArray1, PyReadwriteArray1};
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use std::sync::Arc;

type I64Array<'py> = Bound<'py, PyArray1<i64>>;
type F64Array<'py> = Bound<'py, PyArray1<f64>>;
type BoxTuple = (i64, i64, i64, i64);
type PackerTuple = (Vec<(String, i64)>, i64, i64, i64, u32);

fn box_tuple(b: &PixelBox) -> BoxTuple {
    (b.min[0], b.min[1], b.dims[0], b.dims[1])
}

fn flat_vectors(vs: &[UnitVector3d]) -> Vec<f64> {
    vs.iter().flat_map(|v| v.to_array()).collect()
}

fn split2(v: Vec<i64>) -> (Vec<i64>, Vec<i64>) {
    v.chunks_exact(2).map(|c| (c[0], c[1])).unzip()
}

/// A skymap built from a resolved config (JSON text).
#[pyclass(frozen, name = "SkyMapCore", module = "skymaps._core")]
pub(crate) struct PySkyMap {
    pub(crate) inner: Arc<SkyMap>,
}

impl PySkyMap {
    fn tiling(&self) -> crate::Result<&BoxTiling> {
        self.inner.box_tiling().ok_or_else(|| {
            crate::Error::config(format!(
                "a {} has no tile names (only box tilings such as bricks have them)",
                self.inner.config().kind.class_name()
            ))
        })
    }
}

#[pymethods]
impl PySkyMap {
    /// Builds a skymap from a resolved config dict (checked with the config schema).
    #[staticmethod]
    fn from_config(py: Python<'_>, config: &Bound<'_, PyAny>) -> PyResult<Self> {
        let value = to_config_value(config)?;
        let sky = detach(py, usize::MAX, || {
            SkyMap::new(SkyMapConfig::from_config_value(&value)?)
        })?;
        Ok(PySkyMap {
            inner: Arc::new(sky),
        })
    }

    /// The resolved config as JSON text.
    fn config_json(&self) -> String {
        self.inner.config().to_json()
    }
    /// The registry name of the skymap kind (`"rings"`, ...).
    #[getter]
    fn kind(&self) -> &'static str {
        self.inner.config().kind.short_name()
    }
    #[getter]
    fn class_name(&self) -> &'static str {
        self.inner.config().kind.class_name()
    }
    /// The 20-byte SHA1 lsst.skymap computes for this config.
    #[getter]
    fn hash<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.inner.hash())
    }
    fn __len__(&self) -> usize {
        self.inner.num_tracts()
    }
    #[getter]
    fn tract_max(&self) -> u64 {
        self.inner.tract_max()
    }
    #[getter]
    fn patch_nx_max(&self) -> u64 {
        self.inner.patch_nx_max()
    }
    #[getter]
    fn patch_ny_max(&self) -> u64 {
        self.inner.patch_ny_max()
    }

    /// The packed-id layout under a packer config dict (None: the stored one):
    /// `(bands as [(name, index)], n_bands, n_tracts, n_patches, max_bits)`.
    #[pyo3(signature = (config=None))]
    fn packer_layout(&self, config: Option<&Bound<'_, PyAny>>) -> PyResult<PackerTuple> {
        let config = config
            .map(|c| PackerConfig::parse(&to_config_value(c)?).map_err(PyErr::from))
            .transpose()?;
        let layout = PackerLayout::for_skymap(&self.inner, config.as_ref())?;
        let max_bits = layout.max_bits();
        Ok((
            layout.bands,
            layout.n_bands,
            layout.n_tracts,
            layout.n_patches,
            max_bits,
        ))
    }

    /// The tract with this id.
    fn tract(&self, id: i64) -> PyResult<PyTract> {
        self.inner.tract(id)?;
        Ok(PyTract {
            sky: Arc::clone(&self.inner),
            index: self.inner.tract_index(id).unwrap_or_default(),
        })
    }

    /// Id of the first tract (0; 1 for Legacy Surveys bricks).
    #[getter]
    fn first_tract_id(&self) -> i64 {
        self.inner.first_tract_id()
    }

    /// Tile names of `ids` as UCS-4 code points (`width` per name) and the width.
    fn tile_names<'py>(
        &self,
        py: Python<'py>,
        ids: PyReadonlyArray1<'py, i64>,
    ) -> PyResult<(Bound<'py, PyArray1<u32>>, usize)> {
        let ids = i64_slice(&ids);
        let tiling = self.tiling()?;
        let width = tiling.name_width();
        // A numpy array (on huge pages, as numpy allocates large arrays), filled in
        // place: 32 bytes a name make this output the cost of the call.
        let codes = PyArray1::<u32>::zeros(py, ids.len() * width, false);
        {
            let mut out = codes.readwrite();
            let out = out.as_slice_mut()?;
            detach(py, ids.len(), || tiling.write_names(&ids, out))?;
        }
        Ok((codes, width))
    }

    /// Tile ids of names given as fixed-width ASCII bytes (`width` bytes each).
    fn tile_ids<'py>(
        &self,
        py: Python<'py>,
        names: &[u8],
        width: usize,
    ) -> PyResult<I64Array<'py>> {
        let tiling = self.tiling()?;
        let names = names.to_vec();
        let ids = detach(py, names.len() / width.max(1), || {
            tiling.ids_of_names(&names, width)
        })?;
        Ok(from_vec(py, ids))
    }

    /// Table columns of tiles: (row, col, q, ra, dec, ra1, ra2, dec1, dec2, area).
    #[allow(clippy::type_complexity)]
    fn tile_columns<'py>(
        &self,
        py: Python<'py>,
        ids: PyReadonlyArray1<'py, i64>,
    ) -> PyResult<(
        I64Array<'py>,
        I64Array<'py>,
        I64Array<'py>,
        [F64Array<'py>; 7],
    )> {
        let ids = ids.as_array().to_vec();
        let tiling = self.tiling()?;
        let c = detach(py, ids.len(), || tiling.columns_of(&ids))?;
        Ok((
            from_vec(py, c.row),
            from_vec(py, c.col),
            from_vec(py, c.q),
            [c.ra, c.dec, c.ra1, c.ra2, c.dec1, c.dec2, c.area].map(|v| from_vec(py, v)),
        ))
    }

    /// Tract centres (lon, lat) in degrees, in id order.
    fn tract_centers<'py>(&self, py: Python<'py>) -> (F64Array<'py>, F64Array<'py>) {
        let (lon, lat): (Vec<f64>, Vec<f64>) = self
            .inner
            .tracts()
            .iter()
            .map(|t| (t.center().lon_deg(), t.center().lat_deg()))
            .unzip();
        (from_vec(py, lon), from_vec(py, lat))
    }

    /// Owning tract id per point (-1: none).
    fn find_tract<'py>(
        &self,
        py: Python<'py>,
        lon: PyReadonlyArray1<'py, f64>,
        lat: PyReadonlyArray1<'py, f64>,
    ) -> PyResult<I64Array<'py>> {
        let out = with_lonlat(py, &lon, &lat, |a, b| lookup::find_tract(&self.inner, a, b))?;
        Ok(from_vec(py, out))
    }

    /// Owning (tract, patch) per point.
    fn find_tract_patch<'py>(
        &self,
        py: Python<'py>,
        lon: PyReadonlyArray1<'py, f64>,
        lat: PyReadonlyArray1<'py, f64>,
    ) -> PyResult<(I64Array<'py>, I64Array<'py>)> {
        let (t, p) = with_lonlat(py, &lon, &lat, |a, b| {
            lookup::find_tract_patch_split(&self.inner, a, b)
        })?;
        Ok((from_vec(py, t), from_vec(py, p)))
    }

    /// `find_tract_patch` written into `tracts` and `patches` (int64, one per point;
    /// for `skymaps._chunks`, which fills one pair of arrays slice by slice).
    #[pyo3(name = "_find_tract_patch_into")]
    fn find_tract_patch_into<'py>(
        &self,
        py: Python<'py>,
        lon: PyReadonlyArray1<'py, f64>,
        lat: PyReadonlyArray1<'py, f64>,
        mut tracts: PyReadwriteArray1<'py, i64>,
        mut patches: PyReadwriteArray1<'py, i64>,
    ) -> PyResult<()> {
        let tracts = tracts.as_slice_mut()?;
        let patches = patches.as_slice_mut()?;
        with_lonlat(py, &lon, &lat, |a, b| {
            lookup::find_tract_patch_into(&self.inner, a, b, tracts, patches)
        })
    }

    /// (point index, tract id) pairs: every tract whose outer region holds the point.
    fn find_all_tracts<'py>(
        &self,
        py: Python<'py>,
        lon: PyReadonlyArray1<'py, f64>,
        lat: PyReadonlyArray1<'py, f64>,
    ) -> PyResult<(Bound<'py, PyArray1<u64>>, I64Array<'py>)> {
        let (i, t) = with_lonlat(py, &lon, &lat, |a, b| {
            lookup::find_all_tracts(&self.inner, a, b)
        })?;
        Ok((from_vec(py, i), from_vec(py, t)))
    }

    /// Benchmarks only (not in the stub): builds every outer polygon, returns the count.
    #[pyo3(name = "_build_outer_polygons")]
    fn build_outer_polygons(&self, py: Python<'_>) -> PyResult<u64> {
        let sky = &self.inner;
        detach(py, usize::MAX, || sky.build_outer_polygons())
    }

    /// Benchmarks only (not in the stub): outer-polygon vertices of the given tracts and
    /// their patches, flat `(n_polygons, 4, 3)`, and each tract's patch count.
    #[pyo3(name = "_outer_polygon_vertices")]
    fn outer_polygon_vertices<'py>(
        &self,
        py: Python<'py>,
        tract_ids: Vec<i64>,
    ) -> PyResult<(F64Array<'py>, I64Array<'py>)> {
        let sky = &self.inner;
        let (verts, counts) = detach(py, usize::MAX, || sky.outer_polygon_vertices(&tract_ids))?;
        Ok((from_vec(py, verts), from_vec(py, counts)))
    }
}

/// One tract of a `SkyMapCore`.
#[pyclass(frozen, name = "TractCore", module = "skymaps._core")]
pub(crate) struct PyTract {
    sky: Arc<SkyMap>,
    index: usize,
}

impl PyTract {
    fn t(&self) -> &Tract {
        &self.sky.tracts()[self.index]
    }
}

#[pymethods]
impl PyTract {
    #[getter]
    fn id(&self) -> u64 {
        self.t().id()
    }
    /// Nominal centre (lon, lat) in degrees.
    #[getter]
    fn center(&self) -> (f64, f64) {
        let c = self.t().center();
        (c.lon_deg(), c.lat_deg())
    }
    /// (x0, y0, width, height) of the pixel box.
    #[getter]
    fn bbox(&self) -> BoxTuple {
        box_tuple(&self.t().bbox())
    }
    #[getter]
    fn num_patches(&self) -> (i64, i64) {
        let n = self.t().num_patches();
        (n[0], n[1])
    }
    #[getter]
    fn patch_inner_dimensions(&self) -> (i64, i64) {
        let d = self.t().builder().patch_inner_dimensions();
        (d[0], d[1])
    }
    #[getter]
    fn patch_border(&self) -> i64 {
        self.t().builder().patch_border()
    }
    #[getter]
    fn wcs(&self) -> PyTractWcs {
        PyTractWcs {
            wcs: self.t().wcs().clone(),
        }
    }

    /// Vertices (flat, n x 3) of the sky polygon of a pixel box given as
    /// (x0, y0, width, height), optionally moved `inset` pixels inward.
    #[pyo3(signature = (bbox, inset=0.0))]
    fn box_polygon_vertices<'py>(
        &self,
        py: Python<'py>,
        bbox: BoxTuple,
        inset: f64,
    ) -> PyResult<F64Array<'py>> {
        let b = PixelBox::new([bbox.0, bbox.1], [bbox.2, bbox.3]);
        let v = self.t().polygon_vertices(&b, inset)?;
        Ok(from_vec(py, flat_vectors(&v)))
    }

    /// The sky polygon of a pixel box given as (x0, y0, width, height): the core's own
    /// polygon, so its encoding is the one butler records get.
    fn box_polygon(&self, bbox: BoxTuple) -> PyResult<PyRegion> {
        let b = PixelBox::new([bbox.0, bbox.1], [bbox.2, bbox.3]);
        let polygon = self.t().polygon(&b, 0.0)?;
        Ok(PyRegion {
            inner: Region::ConvexPolygon(polygon),
        })
    }

    /// The inner region as a region: a lon/lat box (rings) or a convex polygon.
    fn inner_region(&self) -> PyResult<PyRegion> {
        Ok(PyRegion {
            inner: self.t().inner_region().to_region()?,
        })
    }

    /// The outer region (the butler's tract region): a convex polygon, or a lon/lat box
    /// for a tract wider than a hemisphere.
    fn outer_region(&self) -> PyRegion {
        PyRegion {
            inner: self.t().outer_region().clone(),
        }
    }

    /// The vertex list (`TractInfo.vertex_list`) as flat (lon, lat) degrees.
    fn vertex_list<'py>(&self, py: Python<'py>) -> F64Array<'py> {
        let flat: Vec<f64> = self
            .t()
            .vertices()
            .iter()
            .flat_map(|v| [v.lon_deg(), v.lat_deg()])
            .collect();
        from_vec(py, flat)
    }

    /// Patch info for grid index (x, y): (id, inner bbox, outer bbox, (ncx, ncy)).
    fn patch(&self, x: i64, y: i64) -> PyResult<(i64, BoxTuple, BoxTuple, (i64, i64))> {
        let p = self.t().patch([x, y])?;
        Ok((
            p.id,
            box_tuple(&p.inner_bbox),
            box_tuple(&p.outer_bbox),
            (p.num_cells[0], p.num_cells[1]),
        ))
    }

    /// Grid index (x, y) of patch id `id`.
    fn patch_index(&self, id: i64) -> PyResult<(i64, i64)> {
        let p = self.t().patch_by_id(id)?;
        Ok((p.index[0], p.index[1]))
    }

    /// Grid index (cx, cy) of cell id `id` of patch (x, y).
    fn cell_index(&self, x: i64, y: i64, id: i64) -> PyResult<(i64, i64)> {
        let c = self.t().patch([x, y])?.cell_by_id(id)?;
        Ok((c.index[0], c.index[1]))
    }

    /// Cell info for cell (cx, cy) of patch (x, y): (id, inner bbox, outer bbox).
    fn cell(&self, x: i64, y: i64, cx: i64, cy: i64) -> PyResult<(i64, BoxTuple, BoxTuple)> {
        let c = self.t().patch([x, y])?.cell([cx, cy])?;
        Ok((c.id, box_tuple(&c.inner_bbox), box_tuple(&c.outer_bbox)))
    }

    /// Patch id per point, or -1 outside the tract (`findPatch`).
    fn find_patch<'py>(
        &self,
        py: Python<'py>,
        lon: PyReadonlyArray1<'py, f64>,
        lat: PyReadonlyArray1<'py, f64>,
    ) -> PyResult<I64Array<'py>> {
        let out = with_lonlat(py, &lon, &lat, |a, b| lookup::find_patch(self.t(), a, b))?;
        Ok(from_vec(py, out))
    }

    /// (patch id, cell id) per point, -1 where none.
    fn find_patch_cell<'py>(
        &self,
        py: Python<'py>,
        lon: PyReadonlyArray1<'py, f64>,
        lat: PyReadonlyArray1<'py, f64>,
    ) -> PyResult<(I64Array<'py>, I64Array<'py>)> {
        let out = with_lonlat(py, &lon, &lat, |a, b| {
            lookup::find_patch_cell(self.t(), a, b)
        })?;
        let (p, c) = split2(out);
        Ok((from_vec(py, p), from_vec(py, c)))
    }

    /// Whether the inner (`outer=False`) or outer region contains each point.
    #[pyo3(signature = (lon, lat, outer=false))]
    fn contains<'py>(
        &self,
        py: Python<'py>,
        lon: PyReadonlyArray1<'py, f64>,
        lat: PyReadonlyArray1<'py, f64>,
        outer: bool,
    ) -> PyResult<Bound<'py, PyArray1<bool>>> {
        let out = with_lonlat(py, &lon, &lat, |a, b| {
            lookup::tract_contains(self.t(), a, b, outer)
        })?;
        Ok(from_vec(py, out))
    }
}

/// How many skymaps the core has built in this process (see `SkyMap::new`).
#[pyfunction]
fn skymap_builds() -> u64 {
    crate::tessellation::skymap::builds()
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(skymap_builds, m)?)?;
    m.add_class::<PySkyMap>()?;
    m.add_class::<PyTract>()
}
