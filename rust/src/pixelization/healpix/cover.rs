//! Exact HEALPix envelopes and interiors (see the parent module).
