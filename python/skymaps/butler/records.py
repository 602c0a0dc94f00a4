"""Butler dimension records of a skymap, in columns.

A Rubin data butler (``lsst.daf.butler``, default dimension universe) describes a skymap
with three dimension elements:

* ``skymap``: ``name``, ``hash`` (20-byte SHA1 of the definition), ``tract_max``,
  ``patch_nx_max``, ``patch_ny_max``;
* ``tract``: ``id`` and ``region``, the tract's *outer* polygon;
* ``patch``: ``id`` (``cell_y * nx + cell_x``), ``cell_x``, ``cell_y`` and ``region``, the
  patch's *outer* polygon.

For every region the registry also keeps the pixels of its level-7 HTM envelope (the
"common skypix") in ``tract_skypix_overlap`` / ``patch_skypix_overlap``; spatial queries
join through those rows. :class:`SkymapRecords` holds all of it as Arrow tables,
regions as ``lsst.sphgeom`` encodings (bytes), so that millions of patches never become
Python objects unless asked for (:meth:`SkymapRecords.butler_records`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from ..errors import InvalidConfigError, RegistrationError

if TYPE_CHECKING:
    from lsst.daf.butler import DimensionRecord, DimensionUniverse

__all__ = ["COMMON_SKYPIX_LEVEL", "COMMON_SKYPIX_SYSTEM", "SkymapRecords", "dimension_records"]

#: The butler's common skypix system and level (``skypix.common: htm7`` in dimensions.yaml).
COMMON_SKYPIX_SYSTEM = "htm"
COMMON_SKYPIX_LEVEL = 7

TRACT_SCHEMA = pa.schema([("id", pa.int64()), ("region", pa.binary())])
PATCH_SCHEMA = pa.schema(
    [
        ("tract", pa.int64()),
        ("id", pa.int64()),
        ("cell_x", pa.int64()),
        ("cell_y", pa.int64()),
        ("region", pa.binary()),
    ]
)
TRACT_OVERLAP_SCHEMA = pa.schema([("tract", pa.int64()), ("skypix_index", pa.int64())])
PATCH_OVERLAP_SCHEMA = pa.schema(
    [("tract", pa.int64()), ("patch", pa.int64()), ("skypix_index", pa.int64())]
)


@dataclasses.dataclass(frozen=True)
class SkymapRecords:
    """Every row a butler keeps for one registered skymap.

    Attributes
    ----------
    name : str
        The skymap's name in the repository (the ``skymap`` data ID value).
    hash : bytes
        The 20-byte SHA1 of the skymap definition (``lsst.skymap`` ``getSha1()``).
    tract_max, patch_nx_max, patch_ny_max : int
        Number of tracts (ids run ``0 .. tract_max - 1``); largest patch grid.
    tract : pyarrow.Table
        ``id`` (int64), ``region`` (binary, sphgeom encoding), sorted by ``id``.
    patch : pyarrow.Table
        ``tract``, ``id``, ``cell_x``, ``cell_y`` (int64), ``region`` (binary), sorted by
        ``(tract, id)``.
    tract_overlap, patch_overlap : pyarrow.Table
        HTM level-7 envelope pixels of each region: ``tract``, [``patch``,]
        ``skypix_index``, sorted.
    """

    name: str
    hash: bytes
    tract_max: int
    patch_nx_max: int
    patch_ny_max: int
    tract: pa.Table
    patch: pa.Table
    tract_overlap: pa.Table
    patch_overlap: pa.Table

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not 0 < len(self.name) <= 64:
            raise InvalidConfigError(
                f"skymap name must be a string of 1 to 64 characters, got {self.name!r}"
            )
        if not isinstance(self.hash, bytes) or len(self.hash) != 20:
            raise InvalidConfigError(f"skymap hash must be 20 bytes (SHA1), got {self.hash!r}")
        for attr, schema in (
            ("tract", TRACT_SCHEMA),
            ("patch", PATCH_SCHEMA),
            ("tract_overlap", TRACT_OVERLAP_SCHEMA),
            ("patch_overlap", PATCH_OVERLAP_SCHEMA),
        ):
            table = getattr(self, attr)
            if not table.schema.equals(schema):
                raise RegistrationError(
                    f"{attr} table has schema {table.schema}, expected {schema}"
                )

    # -- summaries ---------------------------------------------------------------------

    @property
    def hash_hex(self) -> str:
        """The hash as 40 lowercase hex digits."""
        return self.hash.hex()

    @property
    def skymap_row(self) -> dict[str, Any]:
        """The ``skymap`` record as a plain dict (field names of the default universe)."""
        return {
            "name": self.name,
            "hash": self.hash,
            "tract_max": self.tract_max,
            "patch_nx_max": self.patch_nx_max,
            "patch_ny_max": self.patch_ny_max,
        }

    def counts(self) -> dict[str, int]:
        """Number of rows per table (``skymap``, ``tract``, ``patch`` and the overlaps)."""
        return {
            "skymap": 1,
            "tract": self.tract.num_rows,
            "patch": self.patch.num_rows,
            "tract_skypix_overlap": self.tract_overlap.num_rows,
            "patch_skypix_overlap": self.patch_overlap.num_rows,
        }

    # -- conversions -------------------------------------------------------------------

    def butler_records(
        self, universe: DimensionUniverse | None = None
    ) -> dict[str, list[DimensionRecord]]:
        """The records as ``lsst.daf.butler`` objects, regions as ``lsst.sphgeom`` regions.

        Parameters
        ----------
        universe : lsst.daf.butler.DimensionUniverse, optional
            Defaults to the default universe of the installed daf_butler.

        Returns
        -------
        dict
            ``{"skymap": [...], "tract": [...], "patch": [...]}``. One Python object per
            record: fine for a few thousand, slow for a full skymap.
        """
        from lsst.daf.butler import DimensionUniverse
        from lsst.sphgeom import Region

        universe = universe if universe is not None else DimensionUniverse()
        skymap_cls = universe["skymap"].RecordClass
        tract_cls = universe["tract"].RecordClass
        patch_cls = universe["patch"].RecordClass
        tract = self.tract.to_pydict()
        patch = self.patch.to_pydict()
        return {
            "skymap": [skymap_cls(**self.skymap_row)],
            "tract": [
                tract_cls(skymap=self.name, id=i, region=Region.decode(r))
                for i, r in zip(tract["id"], tract["region"], strict=True)
            ],
            "patch": [
                patch_cls(
                    skymap=self.name, tract=t, id=i, cell_x=x, cell_y=y, region=Region.decode(r)
                )
                for t, i, x, y, r in zip(
                    patch["tract"],
                    patch["id"],
                    patch["cell_x"],
                    patch["cell_y"],
                    patch["region"],
                    strict=True,
                )
            ],
        }

    def iter_tract_rows(self) -> Iterator[tuple[int, bytes]]:
        """``(id, region bytes)`` per tract, in id order."""
        cols = self.tract.to_pydict()
        return zip(cols["id"], cols["region"], strict=True)

    @classmethod
    def from_columns(
        cls,
        *,
        name: str,
        hash: bytes,
        tract_id: np.ndarray,
        tract_region: pa.Array,
        patch_tract: np.ndarray,
        patch_id: np.ndarray,
        patch_cell_x: np.ndarray,
        patch_cell_y: np.ndarray,
        patch_region: pa.Array,
        tract_overlap_tract: np.ndarray,
        tract_overlap_pixel: np.ndarray,
        patch_overlap_tract: np.ndarray,
        patch_overlap_patch: np.ndarray,
        patch_overlap_pixel: np.ndarray,
        tract_max: int | None = None,
    ) -> SkymapRecords:
        """Assembles the records from 1-D columns (ints as numpy, regions as Arrow binary)."""

        def i64(a: Any) -> pa.Array:
            return pa.array(np.ascontiguousarray(a, dtype=np.int64))

        def binary(a: Any) -> pa.Array:
            a = a if isinstance(a, pa.Array) else pa.array(list(a), type=pa.binary())
            return a.cast(pa.binary())

        tract = pa.Table.from_arrays([i64(tract_id), binary(tract_region)], schema=TRACT_SCHEMA)
        patch = pa.Table.from_arrays(
            [
                i64(patch_tract),
                i64(patch_id),
                i64(patch_cell_x),
                i64(patch_cell_y),
                binary(patch_region),
            ],
            schema=PATCH_SCHEMA,
        )
        tract_overlap = pa.Table.from_arrays(
            [i64(tract_overlap_tract), i64(tract_overlap_pixel)], schema=TRACT_OVERLAP_SCHEMA
        )
        patch_overlap = pa.Table.from_arrays(
            [i64(patch_overlap_tract), i64(patch_overlap_patch), i64(patch_overlap_pixel)],
            schema=PATCH_OVERLAP_SCHEMA,
        )
        nx = int(np.max(patch_cell_x)) + 1 if len(patch_cell_x) else 0
        ny = int(np.max(patch_cell_y)) + 1 if len(patch_cell_y) else 0
        if tract_max is None:
            tract_max = int(np.max(tract_id)) + 1 if len(tract_id) else 0
        return cls(
            name=name,
            hash=bytes(hash),
            tract_max=int(tract_max),
            patch_nx_max=nx,
            patch_ny_max=ny,
            tract=tract,
            patch=patch,
            tract_overlap=tract_overlap,
            patch_overlap=patch_overlap,
        )


def dimension_records(skymap: Any, name: str) -> SkymapRecords:
    """The butler dimension records of ``skymap`` registered as ``name``.

    Parameters
    ----------
    skymap : skymaps.SkyMap
        The skymap.
    name : str
        Its name in the repository (``skymap`` data ID value), 1 to 64 characters.

    Returns
    -------
    SkymapRecords
        Built in parallel in Rust: ids, cell indices, encoded outer polygons and the
        HTM level-7 envelope pixels of every tract and patch.
    """
    from ._producer import produce

    return produce(skymap, name)
