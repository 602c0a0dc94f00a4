"""Reading a config file that someone else wrote, without trusting its path.

A config path can name a FIFO (opening it waits for a writer), a device or a
``/proc`` stream (reading never ends) or a huge file. :func:`read_source` opens
without blocking, accepts regular files only and reads at most
:data:`MAX_SOURCE_BYTES`, so every config reader (pex_config-style and TOML) fails
fast with an :class:`~skymaps.errors.InvalidConfigError` naming the path.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ..errors import InvalidConfigError

__all__ = ["MAX_SOURCE_BYTES", "read_source"]

#: Largest config file read (real ones are a few kB).
MAX_SOURCE_BYTES = 1 << 20


def read_source(path: Path) -> str:
    """The text of a config file: a regular file of at most ``MAX_SOURCE_BYTES``."""
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as err:
        raise InvalidConfigError(f"{path}: cannot read config file: {err.strerror}") from None
    except ValueError as err:  # a NUL byte in the path
        raise InvalidConfigError(f"{path!r}: cannot read config file: {err}") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            raise InvalidConfigError(f"{path}: cannot read config file: not a regular file")
        with os.fdopen(fd, "rb") as handle:
            data = handle.read(MAX_SOURCE_BYTES + 1)
    except OSError as err:
        raise InvalidConfigError(f"{path}: cannot read config file: {err.strerror}") from None
    if len(data) > MAX_SOURCE_BYTES:
        raise InvalidConfigError(
            f"{path}: config file larger than {MAX_SOURCE_BYTES:,} bytes; refusing to read it"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise InvalidConfigError(f"{path}: config file is not UTF-8 text: {err}") from None
