"""Exports: the YAML file goes through daf_butler's own ``import_`` (the code behind
``butler import``) and must give the same repository rows as a registration; Parquet
reads back as the same columns."""

from __future__ import annotations

import pytest

pytest.importorskip("lsst.daf.butler")
pytest.importorskip("pyarrow")

from butler_support import refdata_records, sqlite_snapshot  # noqa: E402

from skymaps.butler import create_repo, export_parquet, export_yaml, register  # noqa: E402

pytestmark = pytest.mark.butler


def test_yaml_import_equals_registration(tmp_path):
    from lsst.daf.butler import Butler

    records = refdata_records("DC2")
    path = export_yaml(records, tmp_path / "dc2.yaml")
    create_repo(tmp_path / "imported")
    butler = Butler.from_config(str(tmp_path / "imported"), writeable=True)
    butler.import_(filename=str(path))
    register(tmp_path / "registered", records, "DC2", progress=False)
    assert sqlite_snapshot(tmp_path / "imported") == sqlite_snapshot(tmp_path / "registered")


def test_yaml_has_butler_export_header(tmp_path):
    import yaml

    records = refdata_records("hsc_rings_v1")
    path = export_yaml(records, tmp_path / "hsc.yaml")
    text = path.read_text()
    assert text.startswith("description: Butler Data Repository Export\nversion: 1.0.2\n")

    class Loader(yaml.SafeLoader):
        pass

    # Regions are tagged !<lsst.sphgeom.ConvexPolygon>; read them as plain mappings.
    Loader.add_multi_constructor(
        "lsst.sphgeom.", lambda loader, _, node: loader.construct_mapping(node)
    )
    doc = yaml.load(text, Loader=Loader)
    elements = [block["element"] for block in doc["data"]]
    assert elements == ["skymap", "tract", "patch"]
    assert doc["data"][0]["records"][0]["hash"] == records.hash


def test_parquet_roundtrip(tmp_path):
    import pyarrow.parquet as pq

    records = refdata_records("DC2")
    files = export_parquet(records, tmp_path / "pq")
    assert set(files) == {
        "skymap",
        "tract",
        "patch",
        "tract_skypix_overlap",
        "patch_skypix_overlap",
    }
    patch = pq.read_table(files["patch"])
    assert patch.column("skymap").to_pylist() == ["DC2"] * 49
    assert patch.drop_columns(["skymap"]).equals(records.patch)
    skymap = pq.read_table(files["skymap"]).to_pylist()
    assert skymap == [records.skymap_row]
