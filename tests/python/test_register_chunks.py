"""A registration streams its records a range of tracts at a time
(``skymaps.butler._producer.tract_chunks`` of records already computed, and
``record_chunks``, which computes each range as it is needed): the chunks, put back
together, must be the whole skymap's records exactly (the oracle), each chunk made of
whole tracts in order.
"""

from __future__ import annotations

import pytest

pytest.importorskip("pyarrow")

import pyarrow as pa  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import skymaps  # noqa: E402
from skymaps.butler import dimension_records  # noqa: E402
from skymaps.butler._producer import record_chunks, tract_chunks  # noqa: E402

SIX = {
    "name": "six",
    "skyMap.name": "discrete",
    "skyMap['discrete'].raList": [0.2, 40.0, 80.0, 120.0, 200.0, 359.8],
    "skyMap['discrete'].decList": [-5.0, 20.0, -89.0, 60.0, 0.0, 89.5],
    "skyMap['discrete'].radiusList": [0.3, 0.6, 0.4, 0.2, 0.5, 0.3],
}


@pytest.fixture(scope="module")
def sky():
    return skymaps.load_config(None, SIX)


@pytest.fixture(scope="module")
def records(sky):
    name, skymap = sky
    return dimension_records(skymap, name)


TABLES = ("tract", "patch", "tract_overlap", "patch_overlap")


@settings(max_examples=20, deadline=None)
@given(patch_rows=st.integers(min_value=0, max_value=2_000), computed=st.booleans())
def test_chunks_rebuild_the_records_from_whole_tracts(sky, records, patch_rows, computed):
    name, skymap = sky
    if computed:
        chunks = list(record_chunks(skymap, name, patch_rows))
    else:
        chunks = list(tract_chunks(records, patch_rows))
    for table in TABLES:
        joined = pa.concat_tables([getattr(c, table) for c in chunks])
        assert joined.equals(getattr(records, table)), table
    seen = set()
    for chunk in chunks:
        assert chunk.skymap_row == records.skymap_row
        ids = set(chunk.tract.column("id").to_pylist())
        assert ids and not ids & seen  # whole tracts, each in one chunk
        seen |= ids
        for table in TABLES[1:]:
            assert set(getattr(chunk, table).column("tract").to_pylist()) <= ids, table
    # Chunks end at the first tract past each multiple of patch_rows patch rows.
    per_tract = records.patch.group_by("tract").aggregate([("id", "count")])
    largest = max(per_tract.column("id_count").to_pylist())
    for chunk in chunks:
        assert chunk.patch.num_rows <= max(patch_rows, 1) + largest


def test_no_tracts_is_one_empty_chunk(records):
    empty = records.__class__(
        name="none", hash=records.hash, tract_max=0, patch_nx_max=0, patch_ny_max=0,
        tract=records.tract.slice(0, 0), patch=records.patch.slice(0, 0),
        tract_overlap=records.tract_overlap.slice(0, 0),
        patch_overlap=records.patch_overlap.slice(0, 0),
    )
    (chunk,) = tract_chunks(empty, 10)
    assert chunk.counts() == empty.counts()


def test_computed_chunks_of_a_large_skymap_are_its_records():
    # 18,938 tracts in several ranges: the ranges' records are the whole computation's.
    from skymaps import SkyMap
    from skymaps.config import preset_config

    config = preset_config("hsc_rings_v1")
    config["pixelScale"] = 1.6
    name, sky = "coarse_rings", SkyMap.from_config(config)
    whole = dimension_records(sky, name)
    chunks = list(record_chunks(sky, name, 3_000))
    assert len(chunks) > 3
    for table in TABLES:
        joined = pa.concat_tables([getattr(c, table) for c in chunks])
        assert joined.equals(getattr(whole, table)), table
