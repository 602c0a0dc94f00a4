//! `skymaps._core` functions for butler records (see `crate::records`).

use numpy::{IntoPyArray, PyArray1, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

use super::tessellation::PySkyMap;
use crate::records::{tract_range_rows_checked, BinaryColumn};
use crate::tessellation::SkyMap;

/// A binary column as numpy arrays: (uint8 data, int64 offsets), Arrow's layout.
type ArrowBinary<'py> = (Bound<'py, PyArray1<u8>>, Bound<'py, PyArray1<i64>>);

fn column_to_py<'py>(py: Python<'py>, c: BinaryColumn) -> ArrowBinary<'py> {
    (c.data.into_pyarray(py), c.offsets.into_pyarray(py))
}

/// All butler rows of an already-built skymap, or of the tracts at positions
/// `start..stop` of its tract list (tract order; the whole list by default).
///
/// Returns a dict: `hash` (bytes), `tract_max`, `patch_nx_max`, `patch_ny_max` (int),
/// int64 arrays `tract_id`, `patch_tract`, `patch_id`, `patch_cell_x`, `patch_cell_y`,
/// `tract_overlap_tract`, `tract_overlap_pixel`, `patch_overlap_tract`,
/// `patch_overlap_patch`, `patch_overlap_pixel`, and `tract_region` / `patch_region` as
/// `(uint8 data, int64 offsets)` pairs (Arrow binary layout).
///
/// `parallel=False` computes them on the calling thread only (a registration does, on
/// its background thread, so that the database's thread keeps a core to itself).
#[pyfunction]
#[pyo3(signature = (skymap, start = 0, stop = None, parallel = true))]
fn skymap_records<'py>(
    py: Python<'py>,
    skymap: &Bound<'py, PySkyMap>,
    start: usize,
    stop: Option<usize>,
    parallel: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let sky: &SkyMap = &skymap.get().inner;
    let range = start..stop.unwrap_or(sky.tracts().len());
    // Ctrl-C: between chunks of tracts, re-attach briefly and let Python run its signal
    // handlers; the exception they raise (KeyboardInterrupt) ends the computation and is
    // raised as it is.
    let mut raised: Option<PyErr> = None;
    let computed = py.detach(|| {
        let rows = || {
            tract_range_rows_checked(sky, range, || {
                Python::attach(|py| py.check_signals()).map_err(|err| {
                    raised = Some(err);
                    crate::Error::Interrupted("computing the skymap records".into())
                })
            })
        };
        if parallel {
            rows()
        } else {
            crate::parallel::sequential(rows)
        }
    });
    let rows = match computed {
        Ok(rows) => rows,
        Err(err) => return Err(raised.take().unwrap_or_else(|| err.into())),
    };
    py.check_signals()?;
    let out = PyDict::new(py);
    out.set_item("hash", PyBytes::new(py, &sky.hash()))?;
    out.set_item("tract_max", sky.tract_max())?;
    out.set_item("patch_nx_max", sky.patch_nx_max())?;
    out.set_item("patch_ny_max", sky.patch_ny_max())?;
    out.set_item("tract_id", rows.tract_id.into_pyarray(py))?;
    out.set_item("tract_region", column_to_py(py, rows.tract_region))?;
    out.set_item("patch_tract", rows.patch_tract.into_pyarray(py))?;
    out.set_item("patch_id", rows.patch_id.into_pyarray(py))?;
    out.set_item("patch_cell_x", rows.patch_cell_x.into_pyarray(py))?;
    out.set_item("patch_cell_y", rows.patch_cell_y.into_pyarray(py))?;
    out.set_item("patch_region", column_to_py(py, rows.patch_region))?;
    out.set_item(
        "tract_overlap_tract",
        rows.tract_overlap_tract.into_pyarray(py),
    )?;
    out.set_item(
        "tract_overlap_pixel",
        rows.tract_overlap_pixel.into_pyarray(py),
    )?;
    out.set_item(
        "patch_overlap_tract",
        rows.patch_overlap_tract.into_pyarray(py),
    )?;
    out.set_item(
        "patch_overlap_patch",
        rows.patch_overlap_patch.into_pyarray(py),
    )?;
    out.set_item(
        "patch_overlap_pixel",
        rows.patch_overlap_pixel.into_pyarray(py),
    )?;
    Ok(out)
}

/// Patches of each tract (`nx * ny`), in tract order: how a registration cuts a skymap
/// into ranges of tracts of about equal work before computing any row.
#[pyfunction]
fn tract_patch_counts<'py>(
    py: Python<'py>,
    skymap: &Bound<'py, PySkyMap>,
) -> Bound<'py, PyArray1<i64>> {
    let sky: &SkyMap = &skymap.get().inner;
    let counts: Vec<i64> = sky
        .tracts()
        .iter()
        .map(|t| t.patch_count() as i64)
        .collect();
    counts.into_pyarray(py)
}

/// Base64 text of each value of an Arrow-layout binary column (parallel).
#[pyfunction]
fn base64_column<'py>(
    py: Python<'py>,
    data: PyReadonlyArray1<'py, u8>,
    offsets: PyReadonlyArray1<'py, i64>,
) -> PyResult<ArrowBinary<'py>> {
    let column = BinaryColumn::from_arrow(data.as_slice()?, offsets.as_slice()?)?;
    let n = column.len();
    let text = super::detach(py, n, move || Ok(column.to_base64()))?;
    Ok(column_to_py(py, text))
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(skymap_records, m)?)?;
    m.add_function(wrap_pyfunction!(tract_patch_counts, m)?)?;
    m.add_function(wrap_pyfunction!(base64_column, m)?)?;
    Ok(())
}
