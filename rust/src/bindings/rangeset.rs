//! `skymaps._core.RangeSet`: a frozen wrapper around [`crate::rangeset::RangeSet`].

use numpy::{IntoPyArray, PyArray1, PyArray2, PyArrayMethods};
use pyo3::exceptions::{PyOverflowError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::PyTuple;

use crate::rangeset::RangeSet as Core;

/// Refuse to materialise more pixels than this in `pixels()`.
const MAX_MATERIALISED: u128 = 1 << 32;

/// A set of uint64 values stored as sorted, disjoint half-open ranges ``[begin, end)``.
///
/// ``end == 0`` stands for ``2**64`` (as in ``lsst.sphgeom.RangeSet``).
#[pyclass(frozen, eq, hash, module = "skymaps._core", name = "RangeSet")]
#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) struct PyRangeSet {
    pub(crate) inner: Core,
}

impl From<Core> for PyRangeSet {
    fn from(inner: Core) -> Self {
        PyRangeSet { inner }
    }
}

fn to_u64_array<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let np = obj.py().import("numpy")?;
    let arr = np.call_method1("asarray", (obj,))?;
    if arr.getattr("size")?.extract::<usize>()? == 0 {
        return np.call_method1("ascontiguousarray", (arr, "uint64"));
    }
    let kind: String = arr.getattr("dtype")?.getattr("kind")?.extract()?;
    if kind != "u" && kind != "i" && !(kind == "O" || kind == "f") {
        return Err(PyTypeError::new_err(format!(
            "expected integers, got an array of dtype kind {kind:?}"
        )));
    }
    if kind == "i" || kind == "O" || kind == "f" {
        let neg: bool = arr
            .call_method1("__lt__", (0,))?
            .call_method0("any")?
            .extract()?;
        if neg {
            // Through the error chain: a negative pixel is a bad id (InvalidCoordinateError).
            return Err(crate::Error::coordinate("range bounds and pixels must be >= 0").into());
        }
    }
    if kind == "f" {
        return Err(PyTypeError::new_err(
            "expected integers, got floating-point values",
        ));
    }
    np.call_method1("ascontiguousarray", (arr, "uint64"))
}

/// sphgeom's `RangeSet(first, last)`: `[first, last)` modulo `2**64` (`first == last`
/// is every value, `first > last` wraps through `2**64`).
fn wrapping_range(first: u64, last: u64) -> Core {
    match first.cmp(&last) {
        std::cmp::Ordering::Less => Core::from_range(first, last),
        std::cmp::Ordering::Equal => Core::full(),
        // `end == 0` stands for 2**64.
        std::cmp::Ordering::Greater if last == 0 => Core::from_range(first, 0),
        std::cmp::Ordering::Greater => Core::from_range(first, 0).union(&Core::from_range(0, last)),
    }
}

#[pymethods]
impl PyRangeSet {
    /// ``RangeSet()`` (empty), ``RangeSet((begin, end))`` or ``RangeSet(ranges)`` with
    /// ``ranges`` an ``(N, 2)`` array-like of ``[begin, end)`` pairs; and as in
    /// ``lsst.sphgeom``, ``RangeSet(i)`` (the one integer) and ``RangeSet(first, last)``:
    /// ``[first, last)``, wrapping through ``2**64`` when ``first > last``, every value
    /// when ``first == last``.
    #[new]
    #[pyo3(signature = (ranges=None, last=None))]
    fn new(ranges: Option<&Bound<'_, PyAny>>, last: Option<u64>) -> PyResult<Self> {
        let Some(obj) = ranges else {
            if last.is_some() {
                return Err(
                    crate::Error::coordinate("RangeSet(first, last) needs both ends").into(),
                );
            }
            return Ok(Core::new().into());
        };
        if let Some(last) = last {
            let first: u64 = obj.extract().map_err(|_| {
                crate::Error::coordinate(
                    "RangeSet(first, last): both ends must be integers in [0, 2**64)",
                )
            })?;
            return Ok(wrapping_range(first, last).into());
        }
        if obj.is_instance_of::<pyo3::types::PyInt>() {
            let v: u64 = obj.extract().map_err(|_| {
                crate::Error::coordinate("a RangeSet value must be an integer in [0, 2**64)")
            })?;
            return Ok(Core::from_values(&[v]).into());
        }
        if let Ok(rs) = obj.cast::<PyRangeSet>() {
            return Ok(rs.get().clone());
        }
        let arr = to_u64_array(obj)?;
        let shape: Vec<usize> = arr.getattr("shape")?.extract()?;
        let flat: Vec<u64> = arr.call_method0("ravel")?.extract()?;
        let pairs: Vec<(u64, u64)> = match shape.as_slice() {
            [2] => vec![(flat[0], flat[1])],
            [_, 2] => flat.chunks_exact(2).map(|c| (c[0], c[1])).collect(),
            [0] => vec![],
            _ => {
                return Err(crate::Error::shape(format!(
                    "expected a (begin, end) pair or an (N, 2) array of ranges, got shape {shape:?}"
                ))
                .into())
            }
        };
        Ok(Core::from_ranges(&pairs)?.into())
    }

    /// The set of the given pixel values (any order, duplicates allowed).
    #[staticmethod]
    fn from_pixels(pixels: &Bound<'_, PyAny>) -> PyResult<Self> {
        let arr = to_u64_array(pixels)?;
        let arr = arr.call_method0("ravel")?;
        let arr = arr.cast::<PyArray1<u64>>()?.readonly();
        let s = crate::bindings::u64_slice(&arr);
        Ok(Core::from_values(&s).into())
    }

    /// All of ``[0, 2**64)``.
    #[staticmethod]
    fn full() -> Self {
        Core::full().into()
    }

    fn __or__(&self, o: &Self) -> Self {
        self.inner.union(&o.inner).into()
    }
    fn __and__(&self, o: &Self) -> Self {
        self.inner.intersection(&o.inner).into()
    }
    fn __sub__(&self, o: &Self) -> Self {
        self.inner.difference(&o.inner).into()
    }
    fn __xor__(&self, o: &Self) -> Self {
        self.inner.symmetric_difference(&o.inner).into()
    }
    fn __invert__(&self) -> Self {
        self.inner.complement().into()
    }
    fn union(&self, o: &Self) -> Self {
        self.__or__(o)
    }
    fn intersection(&self, o: &Self) -> Self {
        self.__and__(o)
    }
    fn difference(&self, o: &Self) -> Self {
        self.__sub__(o)
    }
    fn symmetric_difference(&self, o: &Self) -> Self {
        self.__xor__(o)
    }
    /// The complement over ``[0, 2**64)``.
    fn complement(&self) -> Self {
        self.__invert__()
    }
    fn issubset(&self, o: &Self) -> bool {
        o.inner.is_superset(&self.inner)
    }
    fn issuperset(&self, o: &Self) -> bool {
        self.inner.is_superset(&o.inner)
    }
    fn isdisjoint(&self, o: &Self) -> bool {
        self.inner.intersection(&o.inner).is_empty()
    }

    /// A superset with at most ``max_ranges`` ranges (the smallest gaps are filled).
    fn simplify(&self, max_ranges: usize) -> Self {
        self.inner.simplify(max_ranges).into()
    }

    /// sphgeom's ``simplify(n)``: expand every range to multiples of ``2**n``.
    fn coarsen_bits(&self, n: u32) -> Self {
        self.inner.coarsen_bits(n).into()
    }

    /// Every bound multiplied by ``factor`` (``4**k`` to go ``k`` levels deeper).
    fn scaled(&self, factor: u64) -> PyResult<Self> {
        Ok(self.inner.scaled(factor)?.into())
    }

    /// Number of values (an int; ``2**64`` for the full set).
    fn cardinality(&self) -> u128 {
        self.inner.cardinality()
    }

    /// The number of ranges, as ``lsst.sphgeom.RangeSet`` counts (iteration gives the
    /// ranges); the number of values is :meth:`cardinality`.
    fn __len__(&self) -> usize {
        self.inner.num_ranges()
    }

    fn num_ranges(&self) -> usize {
        self.inner.num_ranges()
    }
    fn is_empty(&self) -> bool {
        self.inner.is_empty()
    }
    fn is_full(&self) -> bool {
        self.inner.is_full()
    }
    fn __bool__(&self) -> bool {
        !self.inner.is_empty()
    }

    fn __contains__(&self, x: &Bound<'_, PyAny>) -> bool {
        x.extract::<u64>().is_ok_and(|v| self.inner.contains(v))
    }

    /// Iterates over ``(begin, end)`` pairs.
    fn __iter__(slf: PyRef<'_, Self>) -> PyResult<Bound<'_, PyAny>> {
        let py = slf.py();
        let list: Vec<(u64, u64)> = slf.inner.ranges().to_vec();
        list.into_pyobject(py)?.call_method0("__iter__")
    }

    /// The ranges as an ``(N, 2)`` uint64 array.
    fn ranges<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyArray2<u64>>> {
        let flat: Vec<u64> = self
            .inner
            .ranges()
            .iter()
            .flat_map(|&(b, e)| [b, e])
            .collect();
        let n = flat.len() / 2;
        flat.into_pyarray(py).reshape([n, 2])
    }

    /// Every value as a uint64 array (refused beyond 2**32 values).
    fn pixels<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyArray1<u64>>> {
        let n = self.inner.cardinality();
        if n > MAX_MATERIALISED {
            return Err(PyOverflowError::new_err(format!(
                "the set has {n} values; refusing to build an array of more than 2**32"
            )));
        }
        let v: Vec<u64> = self.inner.values().collect();
        Ok(v.into_pyarray(py))
    }

    fn __repr__(&self) -> String {
        const SHOWN: usize = 8;
        let r = self.inner.ranges();
        let mut parts: Vec<String> = r
            .iter()
            .take(SHOWN)
            .map(|(b, e)| format!("({b}, {e})"))
            .collect();
        if r.len() > SHOWN {
            parts.push(format!("... {} more", r.len() - SHOWN));
        }
        format!("RangeSet([{}])", parts.join(", "))
    }

    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyTuple>)> {
        let py = slf.py();
        let list: Vec<(u64, u64)> = slf.get().inner.ranges().to_vec();
        let args = PyTuple::new(py, [list.into_pyobject(py)?.into_any()])?;
        Ok((py.get_type::<PyRangeSet>().into_any(), args))
    }
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyRangeSet>()
}
