//! The one error type of the core.
//!
//! Each variant is a *kind* of failure; the message names the bad value and what was
//! expected. `bindings::errors` maps every kind to its own Python exception class.

/// Every fallible core function returns this.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Kinds of failure. The `String` payload is a complete, human-readable message.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// NaN/inf, latitude outside [-90, 90], a pixel level out of range, ...
    #[error("{0}")]
    InvalidCoordinate(String),
    /// Degenerate, non-convex, too few vertices, antipodal points, ...
    #[error("{0}")]
    InvalidRegion(String),
    /// A configuration key, value or type that is not accepted.
    #[error("{0}")]
    InvalidConfig(String),
    /// Input arrays whose shapes do not broadcast.
    #[error("{0}")]
    ShapeMismatch(String),
    /// Bytes that are not a valid encoding.
    #[error("{0}")]
    Decode(String),
    /// A tract, patch or pixel id that does not exist.
    #[error("{0}")]
    UnknownId(String),
    /// File-system errors.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// The caller asked to stop (Ctrl-C seen between chunks of a long computation).
    #[error("interrupted: {0}")]
    Interrupted(String),
    /// Should never happen: a bug in skymaps.
    #[error("internal error (please report): {0}")]
    Internal(String),
}

impl Error {
    /// Short constructors keep call sites on one line.
    pub fn coordinate(msg: impl Into<String>) -> Self {
        Error::InvalidCoordinate(msg.into())
    }
    pub fn region(msg: impl Into<String>) -> Self {
        Error::InvalidRegion(msg.into())
    }
    pub fn config(msg: impl Into<String>) -> Self {
        Error::InvalidConfig(msg.into())
    }
    pub fn decode(msg: impl Into<String>) -> Self {
        Error::Decode(msg.into())
    }
    pub fn unknown_id(msg: impl Into<String>) -> Self {
        Error::UnknownId(msg.into())
    }
    pub fn shape(msg: impl Into<String>) -> Self {
        Error::ShapeMismatch(msg.into())
    }
}
