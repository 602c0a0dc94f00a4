//! The one place where core errors become Python exceptions.
//!
//! The classes live in `python/skymaps/errors.py` so that users can import and catch
//! them without the extension; every one of them is also a `ValueError`,
//! `LookupError` or `OSError`, as the ecosystem expects.

use pyo3::PyErr;

pyo3::import_exception!(skymaps.errors, SkymapsError);
pyo3::import_exception!(skymaps.errors, InvalidCoordinateError);
pyo3::import_exception!(skymaps.errors, InvalidRegionError);
pyo3::import_exception!(skymaps.errors, InvalidConfigError);
pyo3::import_exception!(skymaps.errors, ShapeMismatchError);
pyo3::import_exception!(skymaps.errors, DecodeError);
pyo3::import_exception!(skymaps.errors, IdError);
pyo3::import_exception!(skymaps.errors, SkymapsIOError);

impl From<crate::Error> for PyErr {
    fn from(e: crate::Error) -> PyErr {
        use crate::Error::*;
        let msg = e.to_string();
        match e {
            InvalidCoordinate(_) => InvalidCoordinateError::new_err(msg),
            InvalidRegion(_) => InvalidRegionError::new_err(msg),
            InvalidConfig(_) => InvalidConfigError::new_err(msg),
            ShapeMismatch(_) => ShapeMismatchError::new_err(msg),
            Decode(_) => DecodeError::new_err(msg),
            UnknownId(_) => IdError::new_err(msg),
            Io(_) => SkymapsIOError::new_err(msg),
            Interrupted(_) => pyo3::exceptions::PyKeyboardInterrupt::new_err(msg),
            Internal(_) => SkymapsError::new_err(msg),
        }
    }
}
