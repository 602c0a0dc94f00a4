//! Borrowing numpy arrays as slices.
//!
//! The Python layer hands over contiguous 1-D arrays; a strided view (possible when
//! the extension is called directly) is copied once rather than rejected.

use numpy::PyReadonlyArray1;
use std::borrow::Cow;

/// The array's data as a slice, copying only when it is not contiguous.
pub(crate) fn f64_slice<'a>(a: &'a PyReadonlyArray1<'_, f64>) -> Cow<'a, [f64]> {
    contiguous(a)
}

/// Same for pixel ids.
pub(crate) fn u64_slice<'a>(a: &'a PyReadonlyArray1<'_, u64>) -> Cow<'a, [u64]> {
    contiguous(a)
}

/// Same for tract ids.
pub(crate) fn i64_slice<'a>(a: &'a PyReadonlyArray1<'_, i64>) -> Cow<'a, [i64]> {
    contiguous(a)
}

fn contiguous<'a, T: numpy::Element + Copy>(a: &'a PyReadonlyArray1<'_, T>) -> Cow<'a, [T]> {
    match a.as_slice() {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => Cow::Owned(a.as_array().iter().copied().collect()),
    }
}
