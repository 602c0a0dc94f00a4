//! See the crate docs for the role of this layer.
