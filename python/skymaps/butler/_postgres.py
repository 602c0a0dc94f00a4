"""PostgreSQL housekeeping around butler repositories, shared by the tests and the
benches: a short-lived connection to a server URL and dropping a repository's schema.

Each call opens its own engine and disposes of it, so no pooled connection outlives
the call (a leftover connection would block a later ``DROP SCHEMA``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["connect", "drop_schema"]


@contextmanager
def connect(url: str, *, transaction: bool = True) -> Iterator[Any]:
    """A SQLAlchemy connection to ``url``, committed on success when ``transaction``
    (rolled back on error); the engine is disposed of on exit."""
    import sqlalchemy

    engine = sqlalchemy.create_engine(url)
    try:
        with engine.begin() if transaction else engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


def drop_schema(url: str, namespace: str) -> None:
    """Drop the schema ``namespace`` (a repository's tables) and everything in it, if
    it exists."""
    import sqlalchemy

    with connect(url) as connection:
        quoted = connection.dialect.identifier_preparer.quote_identifier(namespace)
        connection.execute(sqlalchemy.text(f"DROP SCHEMA IF EXISTS {quoted} CASCADE"))
