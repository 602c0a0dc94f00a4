//! `skymaps._core` functions for butler records (see `crate::records`).

use numpy::{IntoPyArray, PyArray1, PyReadonlyArray1};
use pyo3::prelude::*;

use crate::records::BinaryColumn;

fn column_to_py<'py>(
    py: Python<'py>,
    c: BinaryColumn,
) -> (Bound<'py, PyArray1<u8>>, Bound<'py, PyArray1<i64>>) {
    (c.data.into_pyarray(py), c.offsets.into_pyarray(py))
}

/// Base64 text of each value of an Arrow-layout binary column (parallel).
#[pyfunction]
fn base64_column<'py>(
    py: Python<'py>,
    data: PyReadonlyArray1<'py, u8>,
    offsets: PyReadonlyArray1<'py, i64>,
) -> PyResult<(Bound<'py, PyArray1<u8>>, Bound<'py, PyArray1<i64>>)> {
    let column = BinaryColumn::from_arrow(data.as_slice()?, offsets.as_slice()?)?;
    let n = column.len();
    let text = super::detach(py, n, move || Ok(column.to_base64()))?;
    Ok(column_to_py(py, text))
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(base64_column, m)?)?;
    Ok(())
}
