"""Exceptions raised by skymaps.

Every error is a :class:`SkymapsError`; each also derives from the builtin that the
ecosystem expects (``ValueError`` for bad input, ``LookupError`` for unknown ids,
``OSError`` for files), so ``except ValueError`` keeps working.
"""

from __future__ import annotations

__all__ = [
    "SkymapsError",
    "InvalidCoordinateError",
    "InvalidRegionError",
    "InvalidConfigError",
    "ShapeMismatchError",
    "DecodeError",
    "IdError",
    "SkymapsIOError",
    "RegistrationError",
    "RepositoryError",
]


class SkymapsError(Exception):
    """Base class of every skymaps error (a bare one means a bug in skymaps)."""


class InvalidCoordinateError(SkymapsError, ValueError):
    """NaN or infinite coordinates, a latitude outside [-90, 90], a bad level or id."""


class InvalidRegionError(SkymapsError, ValueError):
    """A degenerate, non-convex or otherwise unusable region."""


class InvalidConfigError(SkymapsError, ValueError):
    """A skymap configuration with an unknown key, a wrong type or a missing value."""


class ShapeMismatchError(SkymapsError, ValueError):
    """Input arrays whose shapes cannot be broadcast together."""


class DecodeError(SkymapsError, ValueError):
    """Bytes (or base64/hex text) that are not a valid region encoding."""


class IdError(SkymapsError, LookupError):
    """A tract, patch, cell or pixel id that does not exist."""


class SkymapsIOError(SkymapsError, OSError):
    """A file could not be read or written."""


class RegistrationError(SkymapsError):
    """A butler registration that was refused (conflict) or failed; nothing was written."""


class RepositoryError(SkymapsIOError):
    """A butler repository path that cannot be opened or created (a file, a directory
    that is not a repository, a read-only or unwritable place); nothing was written."""
