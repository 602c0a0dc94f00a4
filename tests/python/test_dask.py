"""skymaps.dask on a LocalCluster of 2 worker processes: the same answers as the
single-process functions (2M rows for two skymap kinds, footprints as bags and frames),
rows without a position give <NA> and no partition is lost, the skymap is built once per
worker process and each worker's Rust pool has the worker's number of threads."""

from __future__ import annotations

import pickle
import sys

import numpy as np
import pytest

pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

import cloudpickle  # noqa: E402  (installed with distributed)
import dask.bag as db  # noqa: E402
import dask.dataframe as dd  # noqa: E402
import pandas as pd  # noqa: E402
import pyarrow as pa  # noqa: E402
import pyarrow.dataset as pads  # noqa: E402

import skymaps  # noqa: E402
from skymaps import InvalidCoordinateError, InvalidRegionError  # noqa: E402
from skymaps.coverage import coverage as single_coverage  # noqa: E402
from skymaps.coverage import coverage_from_vertices  # noqa: E402
from skymaps.dask import SkyMapSpec, assign, coverage  # noqa: E402

ROWS_PER_PART = 250_000
PARTS = 8  # 2M rows
KINDS = ("hsc_rings_v1", "legacysurvey_bricks")


@pytest.fixture(scope="module")
def client():
    # Workers import skymaps but not this test module: ship its functions by value.
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster, distributed.Client(cluster) as c:
        yield c
    cloudpickle.unregister_pickle_by_value(sys.modules[__name__])


def _positions(seed: int, n: int = ROWS_PER_PART) -> pd.DataFrame:
    """Uniform on the sphere, plus the places owners change: RA 0/360, poles, equator."""
    rng = np.random.default_rng(seed)
    ra = rng.uniform(0.0, 360.0, n)
    dec = np.rad2deg(np.arcsin(rng.uniform(-1.0, 1.0, n)))
    ra[:6] = [0.0, 360.0, 0.0, 180.0, 359.999999999, 0.0]
    dec[:6] = [0.0, 0.0, 90.0, -90.0, 89.9999, -45.0]
    return pd.DataFrame({"id": np.arange(n) + seed * n, "ra": ra, "dec": dec})


def _with_missing(seed: int) -> pd.DataFrame:
    """Partition 1 has scattered NaN positions, partition 2 none at all."""
    frame = _positions(seed, 1000)
    if seed == 1:
        frame.loc[::7, "ra"] = np.nan
        frame.loc[3::11, "dec"] = np.nan
    if seed == 2:
        frame["ra"] = np.nan
    return frame


@pytest.mark.parametrize("kind", KINDS)
def test_assign_matches_single_process(client, kind):
    sky = skymaps.preset(kind)
    catalogue = dd.from_map(_positions, list(range(PARTS)))
    out = assign(catalogue, sky).compute()
    assert len(out) == PARTS * ROWS_PER_PART
    expected = pd.concat([_positions(s) for s in range(PARTS)])
    np.testing.assert_array_equal(out["id"].to_numpy(), expected["id"].to_numpy())
    tract, patch = sky.find_tract_patch(expected["ra"].to_numpy(), expected["dec"].to_numpy())
    assert out["tract"].dtype == "Int64" and out["patch"].dtype == "Int64"
    assert not out["tract"].isna().any()
    np.testing.assert_array_equal(out["tract"].to_numpy(np.int64), tract)
    np.testing.assert_array_equal(out["patch"].to_numpy(np.int64), patch)


def test_assign_tract_level_and_pandas(client):
    sky = skymaps.preset("hsc_rings_v1")
    frame = _positions(5, 20_000)
    out = assign(dd.from_pandas(frame, npartitions=3), sky, level="tract").compute()
    assert list(out.columns) == ["id", "ra", "dec", "tract"]
    tract = sky.find_tract(frame.ra, frame.dec)
    np.testing.assert_array_equal(out["tract"].to_numpy(np.int64), tract)
    local = assign(frame, sky, level="tract")
    pd.testing.assert_frame_equal(local, out)


def test_missing_positions_give_na_and_keep_every_partition(client):
    sky = skymaps.preset("hsc_rings_v1")
    catalogue = dd.from_map(_with_missing, [0, 1, 2, 3])
    result = assign(catalogue, sky)
    assert result.npartitions == 4
    assert result.map_partitions(len).compute().tolist() == [1000] * 4
    out = result.compute()
    frame = pd.concat([_with_missing(s) for s in range(4)])
    missing = (frame["ra"].isna() | frame["dec"].isna()).to_numpy()
    assert missing[1000:2000].sum() > 100 and missing[2000:3000].all()
    np.testing.assert_array_equal(out["tract"].isna().to_numpy(), missing)
    np.testing.assert_array_equal(out["patch"].isna().to_numpy(), missing)
    tract, patch = sky.find_tract_patch(frame["ra"][~missing], frame["dec"][~missing])
    np.testing.assert_array_equal(out["tract"][~missing].to_numpy(np.int64), tract)
    np.testing.assert_array_equal(out["patch"][~missing].to_numpy(np.int64), patch)


def test_nullable_float_columns_read_pd_na_as_missing():
    sky = skymaps.preset("hsc_rings_v1")
    frame = pd.DataFrame(
        {"ra": pd.array([150.1, None, 10.0], dtype="Float64"), "dec": [2.1, 2.1, None]}
    )
    out = assign(frame, sky)
    assert out["tract"].isna().tolist() == [False, True, True]
    assert out["tract"][0] == sky.find_tract(150.1, 2.1)


@pytest.mark.parametrize("bad", [(10.0, 95.0), (np.inf, 0.0), (-np.inf, 3.0)])
def test_impossible_position_raises_naming_the_row(client, bad):
    sky = skymaps.preset("hsc_rings_v1")
    frame = _positions(9, 500)
    frame.loc[321, ["ra", "dec"]] = bad
    with pytest.raises(InvalidCoordinateError, match="row 321"):
        assign(dd.from_pandas(frame, npartitions=2), sky).compute()


def test_cell_level_points_lie_in_their_cell(client):
    sky = skymaps.preset("lsst_cells_v1")
    frame = _positions(11, 30_000)
    frame = frame[np.abs(frame["dec"]) < 80].reset_index(drop=True)
    out = assign(dd.from_pandas(frame, npartitions=2), sky, level="cell").compute()
    tract, patch = sky.find_tract_patch(frame.ra, frame.dec)
    np.testing.assert_array_equal(out["tract"].to_numpy(np.int64), tract)
    np.testing.assert_array_equal(out["patch"].to_numpy(np.int64), patch)
    cells = out["cell"].to_numpy(np.int64)
    assert (cells >= 0).all()
    # Oracle: the cell's inner polygon (pixel boxes through the tract WCS) holds the point.
    for i in np.random.default_rng(0).choice(len(frame), 200, replace=False):
        cell = sky[int(tract[i])].patch(int(patch[i])).cell(int(cells[i]))
        assert cell.inner_polygon.contains(frame.ra[i], frame.dec[i]), i


def test_cell_level_needs_cells():
    with pytest.raises(skymaps.InvalidConfigError, match="cells"):
        assign(_positions(0, 10), skymaps.preset("hsc_rings_v1"), level="cell")
    with pytest.raises(ValueError, match="already has"):
        assign(_positions(0, 10).assign(tract=1), skymaps.preset("hsc_rings_v1"))


def test_skymap_built_once_per_worker_and_pool_sized(client):
    sky = skymaps.RingsSkyMap(9, ra_start=3.0)  # a skymap no earlier test used
    before = client.run(skymaps._core.skymap_builds)
    catalogue = dd.from_map(_positions, list(range(12)), n=5000)
    assign(catalogue, sky).compute()
    assign(catalogue, sky, level="tract").compute()
    grown = {w: n - before[w] for w, n in client.run(skymaps._core.skymap_builds).items()}
    assert sorted(grown.values()) == [1, 1], grown
    assert set(client.run(skymaps.get_num_threads).values()) == {1}
    assert len(pickle.dumps(SkyMapSpec.of(sky))) < 1024


def _squares(seed: int, n: int) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Footprints of 0.1-1.5 deg with 4-6 vertices, some across RA 0 and near the poles."""
    rng = np.random.default_rng(seed)
    lons, lats = [], []
    for i in range(n):
        k = 4 + i % 3
        size = rng.uniform(0.1, 1.5)
        lon0 = 359.7 if i % 17 == 0 else rng.uniform(0.0, 360.0)
        lat0 = 88.5 if i % 23 == 0 else rng.uniform(-70.0, 70.0)
        angle = np.linspace(0.0, 2 * np.pi, k, endpoint=False)
        lons.append((lon0 + size * np.cos(angle) / np.cos(np.deg2rad(lat0))) % 360.0)
        lats.append(lat0 + 0.5 * size * np.sin(angle))
    return lons, lats


LIST = pd.ArrowDtype(pa.list_(pa.float64()))


@pytest.mark.parametrize("kind", KINDS)
def test_coverage_frame_of_vertices_matches_single_process(client, kind):
    sky = skymaps.preset(kind)
    lons, lats = _squares(1, 600)
    frame = pd.DataFrame({"lon": pd.Series(lons, dtype=LIST), "lat": pd.Series(lats, dtype=LIST)})
    out = coverage(dd.from_pandas(frame, npartitions=5), sky, level="patch", fraction=True)
    assert out.npartitions == 5
    expected = coverage_from_vertices(sky, lons, lats, level="patch", fraction=True, pandas=True)
    assert len(expected) > 600
    pd.testing.assert_frame_equal(out.compute().reset_index(drop=True), expected)


def test_coverage_bag_of_regions_matches_single_process(client):
    sky = skymaps.preset("hsc_rings_v1")
    lons, lats = _squares(2, 300)
    regions = [skymaps.ConvexPolygon.from_lonlat(a, b) for a, b in zip(lons, lats, strict=True)]
    regions += [skymaps.Circle(10.0, -5.0, 0.7), skymaps.Box(359.5, 0.5, 1.0, 2.0)]
    bag = db.from_sequence(regions, npartitions=4)
    out = coverage(bag, sky, level="patch").compute().reset_index(drop=True)
    pd.testing.assert_frame_equal(out, single_coverage(sky, regions, level="patch", pandas=True))


def test_coverage_frame_of_encoded_regions_with_ids(client):
    sky = skymaps.preset("legacysurvey_bricks")
    lons, lats = _squares(3, 200)
    polygons = map(skymaps.ConvexPolygon.from_lonlat, lons, lats)
    encoded = [p.encode() for p in polygons]
    visits = np.arange(200, dtype=np.int64) * 10 + 7
    binary = pd.ArrowDtype(pa.binary())
    frame = pd.DataFrame({"visit": visits, "region": pd.Series(encoded, dtype=binary)})
    out = coverage(dd.from_pandas(frame, npartitions=3), sky, region="region", id="visit")
    out = out.compute().reset_index(drop=True)
    expected = single_coverage(sky, [skymaps.Region.decode(e) for e in encoded], pandas=True)
    expected["footprint_id"] = visits[expected["footprint_id"]]
    pd.testing.assert_frame_equal(out, expected)


def test_coverage_bad_footprint_raises_naming_its_id(client):
    sky = skymaps.preset("hsc_rings_v1")
    lons, lats = _squares(4, 40)
    lats[33] = lats[33].copy()
    lats[33][1] = np.nan
    frame = pd.DataFrame({"lon": pd.Series(lons, dtype=LIST), "lat": pd.Series(lats, dtype=LIST)})
    with pytest.raises(InvalidCoordinateError, match="footprint id 33"):
        coverage(dd.from_pandas(frame, npartitions=3), sky).compute()
    points = [(lon, lat) for lon, lat in zip(lons, lats, strict=True)]
    points[12] = (np.array([1.0, 1.0, 1.0]), np.array([2.0, 2.0, 2.0]))  # zero area
    points[33] = (lons[32], lats[32])
    with pytest.raises(InvalidRegionError, match="footprint id 12"):
        coverage(db.from_sequence(points, npartitions=4), sky).compute()


def _near_cosmos(seed: int) -> pd.DataFrame:
    """_with_missing squeezed into 10 x 10 deg around COSMOS: a few dozen tracts."""
    frame = _with_missing(seed)
    return frame.assign(ra=145.0 + frame["ra"] / 36.0, dec=frame["dec"] / 18.0)


def test_parquet_partitioned_by_tract(client, tmp_path):
    sky = skymaps.preset("hsc_rings_v1")
    catalogue = dd.from_map(_near_cosmos, [0, 1, 3])
    assign(catalogue, sky).to_parquet(tmp_path / "out", partition_on=["tract"])
    # As docs/dask.md reads it: the tract type given (no position: the default partition).
    hive = pads.partitioning(pa.schema([("tract", pa.int64())]), flavor="hive")
    back = pd.read_parquet(tmp_path / "out", partitioning=hive).sort_values("id")
    frame = pd.concat([_near_cosmos(s) for s in [0, 1, 3]])
    assert len(back) == len(frame)
    assert (tmp_path / "out" / "tract=__HIVE_DEFAULT_PARTITION__").is_dir()
    missing = (back["ra"].isna() | back["dec"].isna()).to_numpy()
    np.testing.assert_array_equal(back["tract"].isna().to_numpy(), missing)
    good = back[~missing]
    np.testing.assert_array_equal(
        good["tract"].astype(np.int64).to_numpy(), sky.find_tract(good.ra, good.dec)
    )
    for name in (tmp_path / "out").iterdir():  # one directory per tract
        tract = name.name.removeprefix("tract=")
        if tract != "__HIVE_DEFAULT_PARTITION__":
            part = pd.read_parquet(name)
            assert (sky.find_tract(part.ra, part.dec) == int(tract)).all()


def test_lsdb_catalogue(client):
    lsdb = pytest.importorskip("lsdb")
    sky = skymaps.preset("hsc_rings_v1")
    frame = _positions(21, 40_000).rename(columns={"ra": "RA", "dec": "DEC"})
    catalog = lsdb.from_dataframe(
        frame, ra_column="RA", dec_column="DEC", highest_order=1, margin_threshold=None
    )
    out = assign(catalog, sky)
    assert type(out).__name__ == "Catalog"  # still HATS-partitioned
    got = out.compute().sort_values("id")
    assert len(got) == len(frame)
    tract, patch = sky.find_tract_patch(frame.RA, frame.DEC)
    np.testing.assert_array_equal(got["tract"].to_numpy(np.int64), tract)
    np.testing.assert_array_equal(got["patch"].to_numpy(np.int64), patch)


def test_docs_example_runs(client, tmp_path, monkeypatch):
    """docs/dask.md's example on this module's cluster (at a tenth of its size)."""
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "dask.md").read_text()
    example, read_back = re.findall(r"```python\n(.*?)```", text, re.S)[:2]
    cluster_line = (
        "with LocalCluster(n_workers=2, threads_per_worker=1) as cluster, Client(cluster):"
    )
    assert 'if __name__ == "__main__":' in example and cluster_line in example
    example = (
        example.replace('if __name__ == "__main__":', "if True:")
        .replace(cluster_line, "if True:  # the test's cluster")
        .replace("range(20)", "range(2)")
        .replace("n=1_000_000", "n=20_000")
    )
    monkeypatch.chdir(tmp_path)
    scope: dict = {"__name__": "docs_dask_example"}
    exec(compile(example, "docs/dask.md", "exec"), scope)
    exec(compile(read_back, "docs/dask.md", "exec"), scope)
    assert len(scope["objects"]) == 40_000 and scope["counts"].sum() == 40_000
    assert len(pd.read_parquet(tmp_path / "visit_patches")) >= 10_000


def test_lsdb_catalogue_of_footprints(client):
    lsdb = pytest.importorskip("lsdb")
    sky = skymaps.preset("hsc_rings_v1")
    lons, lats = _squares(5, 300)
    visits = np.arange(300, dtype=np.int64) * 3 + 1
    frame = pd.DataFrame(
        {
            "visit": visits,
            "ra": [lon[0] for lon in lons],
            "dec": [lat[0] for lat in lats],
            "lon": pd.Series(lons, dtype=LIST),
            "lat": pd.Series(lats, dtype=LIST),
        }
    )
    catalog = lsdb.from_dataframe(frame, highest_order=1, margin_threshold=None)
    out = coverage(catalog, sky, level="patch", id="visit").compute()
    expected = coverage_from_vertices(sky, lons, lats, level="patch", pandas=True)
    expected["footprint_id"] = visits[expected["footprint_id"]]
    # HATS partitions follow the sky, not the ids: compare in id order.
    out = out.sort_values(["footprint_id", "tract", "patch"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(out, expected)
