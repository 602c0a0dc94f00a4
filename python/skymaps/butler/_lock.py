"""One registration at a time per registry database, across processes.

Two registrations started together both find their skymap missing and both start
writing: without a lock the second fails half-way inside daf_butler (a unique-key
error, or the run it is about to use removed by the first one's clean-up). So the
writing part of :func:`skymaps.butler.register` (re-check the name and hash, add the
run and dataset type, write the rows, commit) holds an exclusive lock on the registry:

* **SQLite**: ``flock`` on ``<database file>.skymaps-lock``, a file beside the
  database (created once, never removed; ``flock`` needs a local file system);
* **PostgreSQL**: a session advisory lock (``pg_advisory_lock``) keyed by the
  registry's schema, held on its own connection.

Both are released by the operating system or the server when the holder dies, even on
SIGKILL, so a crash never leaves a stale lock. Registrations by other tools
(``lsst.skymap``) do not take the lock; they are not protected against.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
from collections.abc import Callable, Iterator
from typing import Any

from ..errors import RegistrationError

__all__ = ["registration_lock"]

#: Suffix of the SQLite lock file, next to the database file.
SQLITE_LOCK_SUFFIX = ".skymaps-lock"


@contextlib.contextmanager
def registration_lock(db: Any, waiting: Callable[[], None]) -> Iterator[None]:
    """Holds the registry's registration lock for the block.

    Parameters
    ----------
    db : lsst.daf.butler.registry.interfaces.Database
        The registry database (``RegistryTables.db``).
    waiting : callable
        Called once if another registration holds the lock, before blocking on it.
    """
    dialect = db._engine.dialect.name
    if dialect == "sqlite":
        with _sqlite_lock(db._engine.url.database, waiting):
            yield
    elif dialect == "postgresql":
        with _postgres_lock(db._engine, getattr(db, "namespace", None), waiting):
            yield
    else:  # RegistryTables refuses other databases before this is reached
        raise RegistrationError(f"no registration lock for {dialect} registries")


@contextlib.contextmanager
def _sqlite_lock(database: str | None, waiting: Callable[[], None]) -> Iterator[None]:
    if not database or database == ":memory:":
        yield  # a private in-memory registry has no other writer
        return
    path = database + SQLITE_LOCK_SUFFIX
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as err:
        raise RegistrationError(
            f"cannot take the registration lock {path}: {err.strerror}. Nothing was written."
        ) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            waiting()
            fcntl.flock(fd, fcntl.LOCK_EX)  # Ctrl-C interrupts the wait (PEP 475)
        yield
    finally:
        os.close(fd)  # releases the lock


@contextlib.contextmanager
def _postgres_lock(
    engine: Any, namespace: str | None, waiting: Callable[[], None]
) -> Iterator[None]:
    import sqlalchemy

    key = _advisory_key(f"{engine.url.database}/{namespace or 'public'}")
    with engine.connect() as connection:
        got = connection.execute(
            sqlalchemy.text("SELECT pg_try_advisory_lock(:k)"), {"k": key}
        ).scalar_one()
        if not got:
            waiting()
            connection.execute(sqlalchemy.text("SELECT pg_advisory_lock(:k)"), {"k": key})
        connection.commit()  # no transaction left open on the lock's connection
        try:
            yield
        finally:
            connection.execute(sqlalchemy.text("SELECT pg_advisory_unlock(:k)"), {"k": key})
            connection.commit()


def _advisory_key(text: str) -> int:
    """A signed 64-bit advisory-lock key for ``text`` (stable across processes)."""
    digest = hashlib.sha1(b"skymaps-register:" + text.encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)
