//! Borrowing numpy arrays as slices.
//!
//! The Python layer hands over contiguous 1-D arrays; a strided view (possible when
//! the extension is called directly) is copied once rather than rejected.

use numpy::PyReadonlyArray1;
use std::borrow::Cow;

/// The array's data as a slice, copying only when it is not contiguous.
pub(crate) fn f64_slice<'a>(a: &'a PyReadonlyArray1<'_, f64>) -> Cow<'a, [f64]> {
    match a.as_slice() {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => Cow::Owned(a.as_array().iter().copied().collect()),
    }
}

/// Same for pixel ids.
pub(crate) fn u64_slice<'a>(a: &'a PyReadonlyArray1<'_, u64>) -> Cow<'a, [u64]> {
    match a.as_slice() {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => Cow::Owned(a.as_array().iter().copied().collect()),
    }
}
