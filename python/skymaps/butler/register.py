"""All-or-nothing, fast registration of a skymap into a Rubin data butler.

``register`` writes exactly what ``lsst.skymap``'s ``BaseSkyMap.register`` writes (the
``skymap``, ``tract`` and ``patch`` dimension records, the HTM level-7 overlap rows the
registry keeps for every region, the ``skyMap`` dataset in run ``skymaps``) but:

* **all or nothing**: the records and the ``skyMap`` dataset are one transaction. The
  ``skymaps`` run and the ``skyMap`` dataset type are registered just before it
  (daf_butler cannot register them inside a transaction) and removed again if the
  transaction fails or is interrupted (Ctrl-C). A new repository is built in a staging
  directory and renamed onto its path only on success (see
  :func:`~skymaps.butler.repository.opened_repository`). Only a hard kill (SIGKILL,
  power loss) in that window can leave the empty run and dataset type behind (or, for
  a new repository, a hidden staging directory, removed by the next creation):
  harmless, a re-run uses them. A failing database (disk full, read-only, lost
  connection) rolls the transaction back and ends in a one-line
  :class:`~skymaps.errors.RegistrationError`;
* **one writer at a time**: the writing part holds a per-registry lock
  (:mod:`skymaps.butler._lock`) and checks the name and hash again under it, so of
  two processes registering together exactly one writes; the other finds the skymap
  registered (a no-op) or a conflicting one (a ``RegistrationError``);
* **checked first**: the same name with the same hash is a no-op that says so; the same
  name with another hash, or the same hash under another name, is refused before anything
  is written;
* **fast**: the rows are computed in parallel in Rust and bulk-loaded into the
  registry's own tables (see :mod:`skymaps.butler._database`), streamed a range of
  tracts at a time so that only one chunk is ever converted to database rows (the
  1.5 M patches of ``hsc_rings_v1`` register in under 1 GB of peak memory).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterator
from typing import Any

from .._prefetch import prefetched
from ..errors import RegistrationError, SkymapsError
from . import formatter
from ._database import (
    CHUNK_ROWS,
    PreparedLoad,
    RegistryTables,
    prepare_load,
    sqlite_bulk_load,
    sqlite_foreign_keys_off,
    write_load,
)
from ._lock import registration_lock
from ._producer import base64_array, record_chunks, tract_chunks
from .records import (
    COMMON_SKYPIX_LEVEL,
    COMMON_SKYPIX_SYSTEM,
    SkymapRecords,
    dimension_records,
)
from .repository import NewRepositoryTaken, create_repo, open_butler, opened_repository

__all__ = ["DATASET_TYPE", "RUN", "RegistrationResult", "create_repo", "open_butler", "register"]

#: Where lsst.skymap puts the skymap dataset; we follow it.
RUN = "skymaps"
DATASET_TYPE = "skyMap"


@dataclasses.dataclass
class RegistrationResult:
    """What :func:`register` did (or, for a dry run, would do).

    Attributes
    ----------
    name, hash_hex : str
        The skymap's name and hash.
    status : str
        ``"registered"``, ``"unchanged"`` (already there, identical: nothing written) or
        ``"dry-run"``.
    counts : dict
        Rows per table (written, or that would be written).
    repo_created : bool
        Whether a new repository was (or would be) created.
    seconds : float
        Wall time of the whole call.
    """

    name: str
    hash_hex: str
    status: str
    counts: dict[str, int]
    repo_created: bool = False
    seconds: float = 0.0

    def summary(self) -> str:
        """A few human-readable lines."""
        counts = ", ".join(f"{v:,} {k}" for k, v in self.counts.items())
        if self.status == "unchanged":
            head = (
                f"skymap {self.name!r} (hash {self.hash_hex}) is already registered; "
                "nothing written"
            )
        elif self.status == "dry-run":
            created = " into a new SQLite repository" if self.repo_created else ""
            head = (
                f"dry run: would register skymap {self.name!r} (hash {self.hash_hex})"
                f"{created}: {counts}"
            )
        else:
            head = (
                f"registered skymap {self.name!r} (hash {self.hash_hex}): {counts} "
                f"in {self.seconds:.1f} s"
            )
        return head


def _skymap_hash(skymap: Any) -> bytes:
    """The SHA1 of a skymaps.SkyMap (no records needed)."""
    from ..skymap import SkyMap

    if not isinstance(skymap, SkyMap):
        raise TypeError(
            "register() takes a skymaps.SkyMap (see skymaps.load_config) or SkymapRecords, "
            f"got {type(skymap).__name__}"
        )
    return bytes(skymap.hash)


def _existing_skymaps(butler: Any) -> dict[str, bytes]:
    return {r.name: bytes(r.hash) for r in butler.registry.queryDimensionRecords("skymap")}


def _check_conflicts(existing: dict[str, bytes], name: str, hash_: bytes) -> bool:
    """True when ``name`` is already registered with this hash; raises on a conflict."""
    if name in existing:
        if existing[name] == hash_:
            return True
        raise RegistrationError(
            f"a different skymap is already registered as {name!r}: its hash is "
            f"{existing[name].hex()}, this definition's hash is {hash_.hex()}. Registered "
            "skymaps are never modified; choose another name. Nothing was written."
        )
    for other, other_hash in existing.items():
        if other_hash == hash_:
            raise RegistrationError(
                f"this skymap (hash {hash_.hex()}) is already registered under the name "
                f"{other!r}; refusing to register it again as {name!r}. Nothing was written."
            )
    return False


def _dataset_type_exists(butler: Any) -> bool:
    from lsst.daf.butler import MissingDatasetTypeError

    try:
        butler.get_dataset_type(DATASET_TYPE)
    except (MissingDatasetTypeError, KeyError):
        return False
    return True


def _run_exists(butler: Any) -> bool:
    from lsst.daf.butler import MissingCollectionError

    try:
        butler.registry.getCollectionType(RUN)
    except MissingCollectionError:
        return False
    return True


def _check_dataset_type(butler: Any) -> None:
    if not _dataset_type_exists(butler):
        return
    existing = butler.get_dataset_type(DATASET_TYPE)
    if existing.storageClass_name != formatter.STORAGE_CLASS:
        raise RegistrationError(
            f"dataset type {DATASET_TYPE!r} already exists with storage class "
            f"{existing.storageClass_name!r} (probably from lsst.skymap); skymaps stores its "
            f"own storage class {formatter.STORAGE_CLASS!r}. Register with "
            "store_skymap=False (CLI: --no-dataset) to write only the dimension records. "
            "Nothing was written."
        )


def _ensure_dataset_type(butler: Any) -> Any:
    from lsst.daf.butler import DatasetType

    dataset_type = DatasetType(
        DATASET_TYPE,
        dimensions=["skymap"],
        storageClass=formatter.STORAGE_CLASS,
        universe=butler.dimensions,
    )
    butler.registry.registerDatasetType(dataset_type)
    butler.collections.register(RUN)
    return dataset_type


class _Additions:
    """The run and dataset type a registration adds outside its transaction, removed
    again when the registration fails.

    What existed is recorded before anything is written, so an interrupt at any
    moment, even right after daf_butler registered one of them, undoes exactly the
    additions.
    """

    def __init__(self, butler: Any) -> None:
        self.butler = butler
        self.had_dataset_type = _dataset_type_exists(butler)
        self.had_run = _run_exists(butler)

    def undo(self) -> None:
        registry = self.butler.registry
        if not self.had_dataset_type and _dataset_type_exists(self.butler):
            registry.removeDatasetType(DATASET_TYPE)
        if not self.had_run and _run_exists(self.butler):
            registry.removeCollection(RUN)

    def undo_after_failure(self) -> str:
        """``undo`` when the database may itself be failing (read-only, full): an
        undo that fails too must not hide the first error; says what may remain."""
        try:
            self.undo()
        except Exception:
            return f" (the empty run {RUN!r} and dataset type {DATASET_TYPE!r} may remain)"
        return ""


def register(
    butler_or_repo: Any,
    skymap: Any,
    name: str,
    dry_run: bool = False,
    *,
    store_skymap: bool = True,
    records: SkymapRecords | None = None,
    progress: bool | Callable[[str, int, int], None] = True,
    echo: Callable[[str], None] | None = None,
) -> RegistrationResult:
    """Registers ``skymap`` as ``name`` into a butler repository, all or nothing.

    Parameters
    ----------
    butler_or_repo : lsst.daf.butler.Butler or str or os.PathLike
        A writeable butler, or a repository path/URI. A local path that does not exist
        (or an empty directory) becomes a new SQLite repository (not on a dry run); it
        appears at the path only once the registration has succeeded.
    skymap : skymaps.SkyMap or SkymapRecords
        The skymap, built once (e.g. by :func:`skymaps.load_config`), or records already
        computed with :func:`dimension_records` (then no ``skyMap`` dataset is stored).
    name : str
        The ``skymap`` data ID value, 1 to 64 characters.
    dry_run : bool
        Report counts, the hash and what would change; write nothing.
    store_skymap : bool
        Also store the ``skyMap`` dataset (run ``skymaps``) so that
        ``butler.get("skyMap", skymap=name)`` returns the skymap (needs a SkyMap).
    records : SkymapRecords, optional
        The records of ``skymap``, if already computed.
    progress : bool or callable
        Show a progress bar (tqdm) of the patches written, or call
        ``progress(table, patches_done, patches_total)`` after each batch of rows is
        written (``table`` names the table written) instead.
    echo : callable, optional
        Receives one-line messages (``print`` for the CLI); silent by default.

    Returns
    -------
    RegistrationResult

    Raises
    ------
    skymaps.RegistrationError
        The name or hash conflicts with a registered skymap (also when another process
        registered it while this one computed its records), the ``skyMap`` dataset type
        exists with another storage class, the repository is not SQL-backed, or the
        database failed while writing (disk full, read-only, lost connection). Nothing
        was written.
    skymaps.RepositoryError
        The path is not a repository and cannot become one (a file, a non-empty
        directory without ``butler.yaml``, an unwritable place). Nothing was written.
    KeyboardInterrupt
        On Ctrl-C, at any moment: the repository is left as it was (see the module
        documentation for the one exception, a hard kill).
    """
    start = time.perf_counter()
    say = echo if echo is not None else (lambda message: None)
    if records is None and isinstance(skymap, SkymapRecords):
        records = skymap
    if records is not None and records.name != name:
        records = dataclasses.replace(records, name=name)
    attempt = (butler_or_repo, skymap, name, dry_run, store_skymap, records, progress, say)
    try:
        return _register(*attempt)
    except NewRepositoryTaken:
        # Another process created the repository first: register into that one (usually
        # a no-op or a conflict).
        say(f"{butler_or_repo} was created by another process meanwhile; registering into it")
        result = _register(*attempt)
        result.seconds = time.perf_counter() - start
        return result


def _register(
    butler_or_repo: Any,
    skymap: Any,
    name: str,
    dry_run: bool,
    store_skymap: bool,
    records: SkymapRecords | None,
    progress: bool | Callable[[str, int, int], None],
    say: Callable[[str], None],
) -> RegistrationResult:
    """One attempt of :func:`register`."""
    start = time.perf_counter()
    with opened_repository(butler_or_repo, create=not dry_run) as (butler, created):
        # The hash is cheap; compare it with the repository before computing any record.
        hash_ = records.hash if records is not None else _skymap_hash(skymap)
        existing = {} if butler is None else _existing_skymaps(butler)
        if _check_conflicts(existing, name, hash_):
            return _unchanged(name, hash_, start)
        store_skymap = store_skymap and not isinstance(skymap, SkymapRecords)
        if store_skymap and butler is not None:
            _check_dataset_type(butler)
        if dry_run:
            if records is None:
                say(f"computing the records of {name!r} ...")
                records = dimension_records(skymap, name)
            return RegistrationResult(
                name, records.hash_hex, "dry-run", records.counts(), created,
                time.perf_counter() - start,
            )
        # Without records, they are computed a range of tracts at a time while the
        # previous range is written (see _RowSource).
        source = _RowSource(skymap, name, records)
        counts = _write_locked(butler, skymap if store_skymap else None, source, progress, say)
        if counts is None:
            return _unchanged(name, hash_, start)
    return RegistrationResult(
        name, hash_.hex(), "registered", counts, created, time.perf_counter() - start
    )


def _unchanged(name: str, hash_: bytes, start: float) -> RegistrationResult:
    zero = dict.fromkeys(
        ("skymap", "tract", "patch", "tract_skypix_overlap", "patch_skypix_overlap"), 0
    )
    return RegistrationResult(
        name, hash_.hex(), "unchanged", zero, False, time.perf_counter() - start
    )


class _RowSource:
    """The rows a registration writes: records already computed, or a skymap whose
    records are computed a range of tracts at a time as they are written."""

    def __init__(self, skymap: Any, name: str, records: SkymapRecords | None) -> None:
        self.records = records
        self.skymap = skymap
        if records is not None:
            self.skymap_row = records.skymap_row
            self.patches = records.patch.num_rows
        else:
            from .. import _core

            self.skymap_row = {
                "name": name,
                "hash": bytes(skymap.hash),
                "tract_max": skymap.tract_max,
                "patch_nx_max": skymap.patch_nx_max,
                "patch_ny_max": skymap.patch_ny_max,
            }
            self.patches = int(_core.tract_patch_counts(skymap._core).sum())
        self.name = name

    def chunks(self) -> Iterator[SkymapRecords]:
        """Consecutive ranges of whole tracts, in tract order (every table of a
        registry is keyed by tract first, so each B-tree grows at its right edge)."""
        if self.records is not None:
            return tract_chunks(self.records, CHUNK_ROWS)
        # One thread computes them (the database's writes are the slower part): all
        # cores for it would take a core's share from the database's thread.
        return record_chunks(self.skymap, self.name, CHUNK_ROWS, parallel=False)


def _write_locked(
    butler: Any,
    skymap: Any,
    source: _RowSource,
    progress: bool | Callable[[str, int, int], None],
    say: Callable[[str], None],
) -> dict[str, int] | None:
    """Writes under the registry's registration lock (:mod:`._lock`): the rows written
    per table, or None when another process registered the same skymap meanwhile
    (nothing written).

    The name and hash are checked again under the lock: the first check ran before
    the records were computed, and another registration may have committed since.
    """
    tables = RegistryTables(butler)
    with registration_lock(
        tables.db, waiting=lambda: say("waiting for another registration into this repository ...")
    ):
        butler.registry.refresh()  # drop cached skymaps, runs and dataset types
        if _check_conflicts(
            _existing_skymaps(butler), source.name, source.skymap_row["hash"]
        ):
            return None
        if skymap is not None:
            _check_dataset_type(butler)
        return _write(butler, tables, skymap, source, progress, say)


def _write(
    butler: Any,
    tables: RegistryTables,
    skymap: Any,
    source: _RowSource,
    progress: bool | Callable[[str, int, int], None],
    say: Callable[[str], None],
) -> dict[str, int]:
    """Every write of a registration (the rows written per table); on any failure the
    repository is as before.

    A database or file-system failure (disk full, read-only database, lost
    connection) becomes a :class:`RegistrationError` naming the reason.
    """
    additions = _Additions(butler)
    # The order of SkymapRecords.counts().
    counts = dict.fromkeys(
        ("tract", "patch", "tract_skypix_overlap", "patch_skypix_overlap"), 0
    )
    counts = {"skymap": 1, **counts}
    try:
        dataset_type = _ensure_dataset_type(butler) if skymap is not None else None
        bar = _progress_bar(progress, source.patches, source.name)
        doing = "writing" if source.records is not None else "computing and writing"
        say(f"{doing} the rows of {source.patches:,} patches of {source.name!r} in one "
            "transaction ...")
        try:
            with (
                sqlite_foreign_keys_off(tables),
                butler.transaction(),
                sqlite_bulk_load(tables),
            ):
                # The one skymap record goes through the public API: it also writes the
                # overlap summary rows that declare "htm7 overlaps are materialized".
                butler.registry.insertDimensionData("skymap", source.skymap_row)
                # A range of tracts at a time, each table's primary key growing in
                # order; the next range is computed and converted to the driver's form
                # on another thread while this one is written.
                prepared = (_prepared_loads(tables, chunk) for chunk in source.chunks())
                with prefetched(prepared, depth=1) as ready:
                    for loads in ready:
                        for load in loads:
                            write_load(tables, load)
                            counts[_TABLE_NAMES[load.key]] += load.rows
                            bar.advance(load.key, load.rows if load.key == "patch" else 0)
                if dataset_type is not None:
                    butler.put(skymap, dataset_type, {"skymap": source.name}, run=RUN)
        finally:
            bar.close()
    except Exception as err:
        left = additions.undo_after_failure()
        if isinstance(err, SkymapsError):
            raise
        raise RegistrationError(
            f"writing skymap {source.name!r} failed: {_first_line(err)}. Nothing was "
            f"written{left}."
        ) from err
    except BaseException:  # KeyboardInterrupt, SystemExit
        additions.undo_after_failure()
        raise
    return counts


#: Load keys of :func:`_table_loads` and the tables they fill.
_TABLE_NAMES = {
    "tract": "tract",
    "tract_overlap": "tract_skypix_overlap",
    "patch": "patch",
    "patch_overlap": "patch_skypix_overlap",
}


def _prepared_loads(tables: RegistryTables, chunk: SkymapRecords) -> list[PreparedLoad]:
    return [
        prepare_load(tables, key, columns, data, constants)
        for key, columns, data, constants in _table_loads(chunk)
    ]


def _first_line(err: BaseException) -> str:
    """The database's own reason, without SQLAlchemy's statement and parameters."""
    cause = getattr(err, "orig", None) or err
    lines = str(cause).strip().splitlines()
    return f"{type(cause).__name__}: {lines[0] if lines else ''}".rstrip(": ")


def _table_loads(records: SkymapRecords) -> list[tuple[str, list[str], Any, dict[str, Any]]]:
    import pyarrow as pa

    skypix = {"skypix_system": COMMON_SKYPIX_SYSTEM, "skypix_level": COMMON_SKYPIX_LEVEL}
    # SQL registries store regions as base64 text of the sphgeom encoding.
    tract = pa.table(
        {"id": records.tract.column("id"), "region": base64_array(records.tract.column("region"))}
    )
    patch = records.patch.drop_columns(["region"]).append_column(
        "region", base64_array(records.patch.column("region"))
    )
    return [
        ("tract", ["skymap", "id", "region"], tract, {"skymap": records.name}),
        (
            "tract_overlap",
            ["skypix_system", "skypix_level", "skymap", "tract", "skypix_index"],
            records.tract_overlap,
            {"skymap": records.name, **skypix},
        ),
        (
            "patch",
            ["skymap", "tract", "id", "cell_x", "cell_y", "region"],
            patch,
            {"skymap": records.name},
        ),
        (
            "patch_overlap",
            ["skypix_system", "skypix_level", "skymap", "tract", "patch", "skypix_index"],
            records.patch_overlap,
            {"skymap": records.name, **skypix},
        ),
    ]


class _Progress:
    """A tqdm bar over the patches written, or a user callback, or nothing."""

    def __init__(self, target: bool | Callable[[str, int, int], None], total: int, name: str):
        self.total = total
        self.done = 0
        self.callback = target if callable(target) else None
        self.bar = None
        if target is True:
            from tqdm.auto import tqdm

            self.bar = tqdm(
                total=total, unit=" patches", unit_scale=True, desc=f"register {name}"
            )

    def advance(self, table: str, patches: int) -> None:
        """After rows of ``table`` are written, of which ``patches`` patch rows."""
        self.done += patches
        if self.bar is not None and patches:
            self.bar.update(patches)
        if self.callback is not None:
            self.callback(table, self.done, self.total)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _progress_bar(target: Any, total: int, name: str) -> _Progress:
    return _Progress(target, total, name)
