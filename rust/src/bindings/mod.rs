//! The `skymaps._core` extension module: thin wrappers over the core.
//!
//! Rules for every file here:
//! * extract inputs while holding the GIL, then run the core inside [`detach`];
//! * the Python layer (`python/skymaps/_coords.py`) broadcasts and flattens arrays, so
//!   functions here take 1-D float64 arrays and return 1-D arrays (`into_pyarray`, no copy);
//! * errors go through `errors.rs` only; a panic here is a bug.

use pyo3::prelude::*;

mod arrays;
mod errors;

// [geometry]
mod geometry;

// [pixelization]
mod pixelization;
mod rangeset;

// [tessellation]
mod config;
mod projection;
mod tessellation;

// [lookup]
mod coverage;

// [records]
mod records;

pub(crate) use arrays::{f64_slice, u64_slice};

/// Release the GIL from this many items; below it the hand-off costs more than it saves.
const DETACH_MIN_ITEMS: usize = 1_000;

/// Runs `f` (a core computation over `n` items) with the GIL released when `n` is large,
/// in the pool sized by `set_num_threads` if one was set, converting the core error into
/// the matching Python exception.
///
/// Inputs borrowed from numpy must not be modified by another thread during the call.
pub(crate) fn detach<T, F>(py: Python<'_>, n: usize, f: F) -> PyResult<T>
where
    T: Send,
    F: FnOnce() -> crate::Result<T> + Send,
{
    let out = if n >= DETACH_MIN_ITEMS {
        py.detach(|| crate::parallel::install(f))
    } else {
        crate::parallel::install(f)
    };
    out.map_err(PyErr::from)
}

/// Runs `f` on 1-D lon/lat arrays (degrees) borrowed as slices, with the GIL
/// released for large inputs: the common first step of every point lookup.
pub(crate) fn with_lonlat<T, F>(
    py: Python<'_>,
    lon: &numpy::PyReadonlyArray1<'_, f64>,
    lat: &numpy::PyReadonlyArray1<'_, f64>,
    f: F,
) -> PyResult<T>
where
    T: Send,
    F: FnOnce(&[f64], &[f64]) -> crate::Result<T> + Send,
{
    let (lon, lat) = (f64_slice(lon), f64_slice(lat));
    detach(py, lon.len(), || f(&lon, &lat))
}

/// Switches multithreading on or off (called with `False` in a forked child).
#[pyfunction]
fn set_parallelism(enabled: bool) {
    crate::parallel::set_enabled(enabled);
}

/// Whether multithreading is on.
#[pyfunction]
fn get_parallelism() -> bool {
    crate::parallel::enabled()
}

/// Runs later computations on `n` threads of a pool of this library's own (1: serially).
#[pyfunction]
fn set_num_threads(n: usize) -> PyResult<()> {
    crate::parallel::set_num_threads(n).map_err(PyErr::from)
}

/// The number of threads a computation started now may use.
#[pyfunction]
fn get_num_threads() -> usize {
    crate::parallel::num_threads()
}

/// Loads numpy's C API now, while an error can still be raised as an exception.
///
/// rust-numpy fetches the API on first use and panics if that fails; fetching it runs
/// Python code, so a Ctrl-C pending at that moment (typically right after a long
/// computation with the GIL released) would turn into a `PanicException`. Done at
/// import, after handling pending signals, no later call can hit that path.
fn load_numpy_api(py: Python<'_>) -> PyResult<()> {
    py.check_signals()?;
    numpy::PyArray1::<f64>::zeros(py, 0, false);
    Ok(())
}

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    load_numpy_api(m.py())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(set_parallelism, m)?)?;
    m.add_function(wrap_pyfunction!(get_parallelism, m)?)?;
    m.add_function(wrap_pyfunction!(set_num_threads, m)?)?;
    m.add_function(wrap_pyfunction!(get_num_threads, m)?)?;
    // One `register(m)` per core module, in dependency order.
    // [geometry]
    geometry::register(m)?;

    // [pixelization]
    rangeset::register(m)?;
    pixelization::register(m)?;

    // [tessellation]
    projection::register(m)?;
    config::register(m)?;
    tessellation::register(m)?;

    // [lookup]
    coverage::register(m)?;

    // [records]
    records::register(m)?;

    Ok(())
}
