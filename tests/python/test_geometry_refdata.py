"""Every region in tests/data/refdata decodes and re-encodes byte for byte, and its
vertices, centroid, bounding circle, relations and probe containment agree with the
values lsst.sphgeom recorded there."""

from __future__ import annotations

import base64

import numpy as np
import pytest
from conftest import load_refdata_json

from skymaps.geometry import ConvexPolygon, Region


def _records():
    d = load_refdata_json("skymap_dimension_records.json")
    return d["tracts"] + d["patches"]


@pytest.mark.parametrize(
    "rec", _records(), ids=lambda r: f"{r['skymap']}-{r['tract']}-{r.get('patch')}"
)
def test_skymap_records(rec):
    hexstr = rec["region_encoded_hex"]
    region = Region.decode_hex(hexstr)
    assert isinstance(region, ConvexPolygon)
    assert region.to_hex() == hexstr.lower()
    raw = bytes.fromhex(hexstr)
    assert region.encode() == raw
    # The base64 form the SQL registries store.
    b64 = base64.b64encode(raw).decode()
    assert region.to_base64() == b64
    assert Region.decode_base64(b64).encode() == raw
    xyz = np.array([v["xyz"] for v in rec["vertices"]])
    np.testing.assert_array_equal(region.vertices(), xyz)
    lon, lat = region.lonlat()
    np.testing.assert_allclose(lon, [v["ra_deg"] for v in rec["vertices"]], rtol=0, atol=1e-12)
    np.testing.assert_allclose(lat, [v["dec_deg"] for v in rec["vertices"]], rtol=0, atol=1e-12)
    c_lon, c_lat = region.centroid()
    assert (
        abs(c_lon - rec["centroid_ra_deg"]) < 1e-12 and abs(c_lat - rec["centroid_dec_deg"]) < 1e-12
    )
    assert region.bounding_circle().radius == pytest.approx(
        np.degrees(rec["bounding_circle_opening_angle_rad"]), abs=1e-13
    )
    # Rebuilding from the stored vertices (the hull of its own vertices) is itself.
    assert ConvexPolygon.from_vectors(xyz, normalize=False).encode() == raw
    assert ConvexPolygon.from_vectors(xyz, normalize=False, hull=False).encode() == raw


def test_hsc_observation_regions_and_relations():
    d = load_refdata_json("hsc_rc2_observation_regions.json")
    skymap = {k: Region.decode_hex(v) for k, v in d["skymap_regions_encoded_hex"].items()}
    for k, v in d["skymap_regions_encoded_hex"].items():
        assert skymap[k].to_hex() == v.lower()
    n = 0
    for row in d["visits"] + d["visit_detector_regions"]:
        region = Region.decode_hex(row["region_encoded_hex"])
        assert region.to_hex() == row["region_encoded_hex"].lower()
        if "vertices_radec" in row:
            lon, lat = region.lonlat()
            np.testing.assert_allclose(
                np.c_[lon, lat], np.array(row["vertices_radec"]), rtol=0, atol=1e-11
            )
        for name, rel in row["sphgeom_vs_skymap"].items():
            assert int(region.relate(skymap[name])) == rel["relate_bits"], (name, row)
            assert region.overlaps(skymap[name]) == rel["overlaps"]
            n += 1
    assert n >= 4 * 600


def test_golden_polygons():
    d = load_refdata_json("golden_polygons.json")
    kinds = set()
    n_in = n_out = 0
    for poly in d["polygons"]:
        kinds.add(poly["kind"])
        region = Region.decode_hex(poly["sphgeom_encoded_hex"])
        assert region.to_hex() == poly["sphgeom_encoded_hex"].lower()
        np.testing.assert_array_equal(region.vertices(), np.array(poly["vertices_xyz"]))
        # Same hull from the generating lon/lat as sphgeom built.
        ra, dec = np.array(poly["vertices_radec"]).T
        if poly["convex_hull_same_vertices"]:
            hull = ConvexPolygon.from_vectors(np.array(poly["vertices_xyz"]), normalize=False)
            assert hull.encode() == region.encode()
        probes = poly["probe_points"]
        lon = np.array([p["ra"] for p in probes])
        lat = np.array([p["dec"] for p in probes])
        xyz = np.array([p["xyz"] for p in probes])
        expected = np.array([p["sphgeom_contains"] for p in probes])
        np.testing.assert_array_equal(region.contains_xyz(xyz), expected)
        n_in += int(expected.sum())
        n_out += int((~expected).sum())
        # lon/lat probes agree except possibly within 1e-12 deg of an edge.
        ours = region.contains(lon, lat)
        assert (ours != expected).sum() <= 1
    assert len(kinds) > 1
    assert n_in > 100 and n_out > 100
