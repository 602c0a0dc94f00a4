"""Bulk writes into a butler registry's own tables, inside the butler's transaction.

The public path (``Registry.insertDimensionData``) turns every record into a Python
object, encodes its region, expands its HTM envelope pixel by pixel into dicts and
inserts them through SQLAlchemy. Here the rows already exist as columns (computed in
Rust), so they go to the database driver directly: multi-row ``INSERT`` statements on
SQLite (a few thousand rows per statement, so the per-row work stays in C; about half
the CPU time of ``executemany`` over tuples), ``COPY`` on PostgreSQL, on the very
connection (and transaction) the butler is using, a range of tracts at a time and in
primary-key order. The values
written are the ones the public path writes (base64 text of the sphgeom encoding, the
same overlap rows); ``tests/python/test_butler_register.py``
(``test_fast_path_tables_identical_to_public_path``) compares both row for row.

Only the table objects, the connection and the datastore's formatter factory come from
daf_butler internals; they are looked up in this module only (:class:`RegistryTables`,
:func:`register_formatter`) so a daf_butler change breaks loudly here rather than
silently elsewhere.

Where the time goes (``benches/python/bench_register.py``, ``hsc_rings_v1``, 5.2 M rows,
a 1.2 GB database): most of it is SQLite's own B-tree work, which one core does and no
order of rows avoids. ``patch_skypix_overlap`` (3.3 M rows) alone costs SQLite about
11 s of CPU here (``INSERT ... SELECT`` of rows already in SQLite, one index at a time):
1.9 s for the table and its primary key, 2.3-2.6 s for each of the four foreign-key
indexes (prefixes of the primary key, so written in order, but each a B-tree descent per
row), 5.1 s for the one index in pixel order (written all over). Building the indexes
after the load costs more, not less (``CREATE INDEX`` sorts), even with SQLite's sorter
threads; a bigger page cache than :data:`SQLITE_LOAD_CACHE` changes nothing; rows sorted
by pixel within a range of tracts cost twice as much. Turning the journal and ``fsync``
off would save about a second but give up the durability of the commit. So the load
keeps the schema and SQLite's defaults, and hides everything else (computing the
records, base64, building the parameter lists) behind SQLite's work on another thread
(:mod:`skymaps._prefetch`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
from collections.abc import Iterator, Sequence
from typing import Any

import pyarrow as pa

from ..errors import RegistrationError

__all__ = [
    "CHUNK_ROWS",
    "PreparedLoad",
    "RegistryTables",
    "prepare_load",
    "write_load",
    "sqlite_bulk_load",
    "sqlite_foreign_keys_off",
]

#: Rows handed to the driver per call (progress granularity), and patch rows per chunk
#: of tracts a registration streams (:func:`skymaps.butler._producer.tract_chunks`).
CHUNK_ROWS = 100_000
#: SQLite's limit on parameters per statement (3.32+), and rows per INSERT statement.
SQLITE_MAX_PARAMS = 32_766
SQLITE_ROWS_PER_STATEMENT = 2_000
#: SQLite page cache during a load, in KiB (negative: SQLite's unit for a size). Rows
#: arrive in primary-key order, so most B-trees only grow at their right edge; the one
#: index in pixel order (``*_skypix_overlap_idx_skypix_*``) is written all over and is
#: what must stay cached. 200 MB loads ``hsc_rings_v1`` with the same CPU time as 1 GB
#: (pages beyond it are written to the database file during the transaction).
SQLITE_LOAD_CACHE = -200_000


def register_formatter(butler: Any, storage_class: str, formatter: str) -> None:
    """Tells ``butler``'s datastore (a daf_butler internal) which formatter reads
    ``storage_class``; a butler without one (remote, or None) is left alone."""
    datastore = getattr(butler, "_datastore", None)
    formatters = getattr(datastore, "formatterFactory", None)
    if formatters is not None:
        formatters.registerFormatter(storage_class, formatter, overwrite=True)


class RegistryTables:
    """The SQL tables and connection of a direct (SQL-backed) butler's registry."""

    def __init__(self, butler: Any) -> None:
        try:
            registry = butler._registry
            self.db = registry._db
            manager = registry._managers.dimensions
            self.tables = {name: manager._tables[name] for name in ("skymap", "tract", "patch")}
            self.overlap_tables = {
                name: manager._overlap_tables[name][1] for name in ("tract", "patch")
            }
            self.summary_tables = {
                name: manager._overlap_tables[name][0] for name in ("tract", "patch")
            }
        except (AttributeError, KeyError) as err:  # remote butler or a changed daf_butler
            raise RegistrationError(
                "fast registration needs a direct (SQL) butler with the default dimension "
                f"universe's skymap/tract/patch tables; could not find them ({err!r})"
            ) from err
        self.dialect = self.db._engine.dialect.name
        if self.dialect not in ("sqlite", "postgresql"):
            raise RegistrationError(
                f"fast registration supports SQLite and PostgreSQL registries, not {self.dialect}"
            )

    @contextlib.contextmanager
    def connection(self) -> Iterator[Any]:
        """The SQLAlchemy connection of the current butler transaction (must be open)."""
        if not self.db.isInTransaction():
            raise RegistrationError("internal: bulk insert outside a butler transaction")
        with self.db._transaction() as (_, connection):
            yield connection

    def count(self, table_key: str, skymap: str) -> int:
        """Rows of ``skymap`` in ``tract``/``patch``/``tract_overlap``/``patch_overlap``."""
        import sqlalchemy

        table = self._table(table_key)
        sql = sqlalchemy.select(sqlalchemy.func.count()).where(table.columns.skymap == skymap)
        with self.db.query(sql) as result:
            return int(result.scalar_one())

    def _table(self, key: str) -> Any:
        if key.endswith("_overlap"):
            return self.overlap_tables[key.removesuffix("_overlap")]
        return self.tables[key]

    def table_rows(self, key: str, skymap: str) -> list[tuple]:
        """Every row of ``skymap`` in a table exactly as stored (regions as base64 text), sorted."""
        import sqlalchemy

        table = self._table(key)
        with self.db._transaction() as (_, connection):
            name = connection.dialect.identifier_preparer.format_table(table)
            result = connection.execute(
                sqlalchemy.text(f"SELECT * FROM {name} WHERE skymap = :skymap"), {"skymap": skymap}
            )
            return sorted(tuple(r) for r in result)


@contextlib.contextmanager
def sqlite_foreign_keys_off(tables: RegistryTables) -> Iterator[None]:
    """On SQLite, pins one connection and switches its foreign-key checks off around
    the butler transaction opened inside this block.

    Every bulk-loaded row references rows written in the same transaction (the skymap,
    its tracts and patches, the overlap summary rows), so checking each of millions of
    rows against its parents would only repeat what the construction guarantees; on
    SQLite those checks cost more than the inserts themselves. SQLite ignores this
    pragma inside a transaction, hence the pinned session. Other databases: no-op.
    """
    if tables.dialect != "sqlite" or tables.db.isInTransaction():
        yield
        return
    with tables.db._session() as connection:
        raw = connection.connection.driver_connection
        raw.execute("PRAGMA foreign_keys = OFF")
        try:
            yield
        finally:
            raw.execute("PRAGMA foreign_keys = ON")


@contextlib.contextmanager
def sqlite_bulk_load(tables: RegistryTables) -> Iterator[None]:
    """On SQLite, a bigger page cache for the loads inside the open butler transaction,
    put back as it was afterwards. Other databases: no-op."""
    if tables.dialect != "sqlite":
        yield
        return
    with tables.connection() as connection:  # the transaction's one connection
        raw = connection.connection.driver_connection
    (before,) = raw.execute("PRAGMA cache_size").fetchone()
    raw.execute(f"PRAGMA cache_size = {SQLITE_LOAD_CACHE}")
    try:
        yield
    finally:
        raw.execute(f"PRAGMA cache_size = {int(before)}")


@dataclasses.dataclass(frozen=True)
class PreparedLoad:
    """Rows of one table in the form its database driver takes, ready to write.

    Built by :func:`prepare_load` without touching the database (so on another thread
    while the database writes the previous load), written by :func:`write_load`.
    """

    #: ``tract``, ``patch``, ``tract_overlap`` or ``patch_overlap``.
    key: str
    #: Rows it holds.
    rows: int
    #: SQLite: ``(INSERT statement, parameters)`` pairs; PostgreSQL: ``(COPY statement,
    #: CSV bytes)`` pairs.
    statements: list[tuple[str, Any]]


def prepare_load(
    tables: RegistryTables,
    key: str,
    columns: Sequence[str],
    data: pa.Table,
    constants: dict[str, Any],
) -> PreparedLoad:
    """The rows of ``data`` (plus constant columns) as statements for ``key``'s table.

    Parameters
    ----------
    tables : RegistryTables
        The registry (only its dialect and table names are used: no connection).
    key : str
        ``tract``, ``patch``, ``tract_overlap`` or ``patch_overlap``.
    columns : sequence of str
        The SQL columns, in order; each is a key of ``constants`` or a column of ``data``
        (ints, or strings already in the stored form, e.g. base64 regions).
    data : pyarrow.Table
        The varying columns.
    constants : dict
        Columns with one value for every row (``skymap``, ``skypix_system``, ...).
    """
    preparer = tables.db._engine.dialect.identifier_preparer
    qualified = preparer.format_table(tables._table(key))
    quoted = ", ".join(preparer.quote(c) for c in columns)
    if data.num_rows == 0:
        statements: list[tuple[str, Any]] = []
    elif tables.dialect == "sqlite":
        statements = list(_sqlite_statements(qualified, quoted, columns, data, constants))
    else:
        statements = list(_postgres_copies(qualified, quoted, columns, data, constants))
    return PreparedLoad(key, data.num_rows, statements)


def write_load(tables: RegistryTables, load: PreparedLoad) -> None:
    """Writes a :class:`PreparedLoad` in the open butler transaction."""
    if not load.statements:
        return
    with tables.connection() as connection:
        cursor = connection.connection.driver_connection.cursor()
        try:
            for sql, values in load.statements:
                if tables.dialect == "sqlite":
                    cursor.execute(sql, values)
                elif hasattr(cursor, "copy_expert"):  # psycopg2
                    cursor.copy_expert(sql, io.BytesIO(values))
                else:  # psycopg 3
                    with cursor.copy(sql) as copy:
                        copy.write(values)
        finally:
            cursor.close()


def _sqlite_statements(
    qualified: str,
    quoted: str,
    columns: Sequence[str],
    data: pa.Table,
    constants: dict[str, Any],
) -> Iterator[tuple[str, list[Any]]]:
    # Multi-row INSERTs with numbered parameters: constants are bound once per statement
    # (?1..?k) and each row adds only its varying values, so the per-row work stays in C.
    fixed = [c for c in columns if c in constants]
    varying = [c for c in columns if c not in constants]
    number = {c: i + 1 for i, c in enumerate(fixed)}
    m = len(varying)
    rows_per_statement = max(
        1, min(SQLITE_ROWS_PER_STATEMENT, (SQLITE_MAX_PARAMS - len(fixed)) // m)
    )

    def statement(rows: int) -> str:
        tuples = []
        for r in range(rows):
            base = len(fixed) + r * m
            slots = [
                f"?{number[c]}" if c in number else f"?{base + varying.index(c) + 1}"
                for c in columns
            ]
            tuples.append("(" + ",".join(slots) + ")")
        return f"INSERT INTO {qualified} ({quoted}) VALUES " + ",".join(tuples)

    full = statement(rows_per_statement)
    head = [constants[c] for c in fixed]
    flat = _interleave([data.column(c) for c in varying])
    n = data.num_rows
    for first in range(0, n, rows_per_statement):
        rows = min(rows_per_statement, n - first)
        sql = full if rows == rows_per_statement else statement(rows)
        yield sql, head + flat[first * m : (first + rows) * m]


def _interleave(columns: list[Any]) -> list[Any]:
    """Row-major flat list of the values of equally long Arrow columns."""
    m = len(columns)
    n = len(columns[0])
    if all(pa.types.is_integer(c.type) for c in columns):
        import numpy as np

        return np.stack([c.to_numpy() for c in columns], axis=1).ravel().tolist()
    flat: list[Any] = [None] * (n * m)
    for j, column in enumerate(columns):
        flat[j::m] = column.to_pylist()
    return flat


def _postgres_copies(
    qualified: str,
    quoted: str,
    columns: Sequence[str],
    data: pa.Table,
    constants: dict[str, Any],
) -> Iterator[tuple[str, bytes]]:
    copy_sql = f"COPY {qualified} ({quoted}) FROM STDIN WITH (FORMAT csv)"
    for start in range(0, data.num_rows, CHUNK_ROWS):
        yield copy_sql, _csv_chunk(columns, data.slice(start, CHUNK_ROWS), constants)


def _csv_chunk(columns: Sequence[str], chunk: pa.Table, constants: dict[str, Any]) -> bytes:
    import pyarrow.csv as pacsv

    n = chunk.num_rows
    arrays = [pa.repeat(constants[c], n) if c in constants else chunk.column(c) for c in columns]
    table = pa.Table.from_arrays(arrays, names=list(columns))
    buffer = io.BytesIO()
    pacsv.write_csv(
        table,
        buffer,
        write_options=pacsv.WriteOptions(include_header=False, quoting_style="needed"),
    )
    return buffer.getvalue()
