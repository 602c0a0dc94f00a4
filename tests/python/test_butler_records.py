"""Records produced in Rust against independent oracles: the real registry rows of
DC2 tract 4431 (tests/data/refdata: all 49 patches and the HTM7 overlap rows an
LSST-stack registration wrote) and lsst.sphgeom's ``HtmPixelization(7).envelope``."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("pyarrow")
sg = pytest.importorskip("lsst.sphgeom")

from conftest import load_refdata_json  # noqa: E402

import skymaps  # noqa: E402
from skymaps.butler import dimension_records  # noqa: E402
from skymaps.config import resolve_file  # noqa: E402

pytestmark = pytest.mark.butler


def _xyz(encoded: bytes) -> np.ndarray:
    return np.array([[v.x(), v.y(), v.z()] for v in sg.Region.decode(encoded).getVertices()])


def _envelope(encoded: bytes) -> list[int]:
    ranges = sg.HtmPixelization(7).envelope(sg.Region.decode(encoded))
    return [p for begin, end in ranges for p in range(begin, end)]


@pytest.fixture(scope="module")
def dc2():
    return dimension_records(skymaps.preset("DC2"), "DC2")


def test_dc2_summary_matches_registry(dc2):
    want = next(
        s
        for s in load_refdata_json("skymap_dimension_records.json")["skymaps"]
        if s["name"] == "DC2"
    )
    assert dc2.hash_hex == want["hash_hex"]
    assert (dc2.tract_max, dc2.patch_nx_max, dc2.patch_ny_max) == (
        want["tract_max"],
        want["patch_nx_max"],
        want["patch_ny_max"],
    )
    assert dc2.tract.column("id").to_pylist() == list(range(18938))


def test_dc2_tract_4431_equals_registry_rows(dc2):
    import pyarrow.compute as pc

    data = load_refdata_json("skymap_dimension_records.json")
    patch = dc2.patch.filter(pc.equal(dc2.patch.column("tract"), 4431)).to_pydict()
    got = {
        i: (x, y, r)
        for i, x, y, r in zip(
            patch["id"], patch["cell_x"], patch["cell_y"], patch["region"], strict=True
        )
    }
    # Some patches come from two exports (identical records): one per id.
    want = {p["patch"]: p for p in data["patches"] if p["skymap"] == "DC2" and p["tract"] == 4431}
    assert len(want) == 49 and sorted(got) == sorted(want)
    for p in want.values():
        x, y, region = got[p["patch"]]
        assert (x, y) == (p["cell_x"], p["cell_y"])
        expected = bytes.fromhex(p["region_encoded_hex"])
        assert region[0] == expected[0] == 0x70 and len(region) == len(expected)
        np.testing.assert_allclose(_xyz(region), _xyz(expected), atol=1e-14, rtol=0)
    # The overlap rows: exactly the rows the real registry holds.
    real = {
        (o["element"], o["patch"], o["skypix_index"])
        for o in data["skypix_overlaps"]
        if o["skymap"] == "DC2" and o["tract"] == 4431
    }
    ov = dc2.patch_overlap.filter(pc.equal(dc2.patch_overlap.column("tract"), 4431)).to_pydict()
    ours = {("patch", p, pix) for p, pix in zip(ov["patch"], ov["skypix_index"], strict=True)}
    assert ours == {r for r in real if r[0] == "patch"}
    tov = dc2.tract_overlap.filter(pc.equal(dc2.tract_overlap.column("tract"), 4431))
    assert {("tract", None, pix) for pix in tov.column("skypix_index").to_pylist()} == {
        r for r in real if r[0] == "tract"
    }


def test_dc2_overlaps_equal_sphgeom_envelope(dc2):
    """Caps, RA = 0 tracts and a random sample of tracts and patches."""
    tract_region = dict(
        zip(dc2.tract.column("id").to_pylist(), dc2.tract.column("region").to_pylist(), strict=True)
    )
    by_tract: dict[int, list[int]] = {}
    for t, pix in zip(
        dc2.tract_overlap.column("tract").to_pylist(),
        dc2.tract_overlap.column("skypix_index").to_pylist(),
        strict=True,
    ):
        by_tract.setdefault(t, []).append(pix)
    rng = np.random.default_rng(7)
    for t in [0, 1, 2, 18937, 18936, 9468, *rng.integers(0, 18938, 40).tolist()]:
        assert by_tract[t] == _envelope(tract_region[t]), t
    n = dc2.patch.num_rows
    tracts = dc2.patch.column("tract").to_numpy()
    ids = dc2.patch.column("id").to_numpy()
    ov_t = dc2.patch_overlap.column("tract").to_numpy()
    ov_p = dc2.patch_overlap.column("patch").to_numpy()
    ov_pix = dc2.patch_overlap.column("skypix_index").to_numpy()
    for i in [0, n - 1, *rng.integers(0, n, 150).tolist()]:
        rows = ov_pix[(ov_t == tracts[i]) & (ov_p == ids[i])].tolist()
        assert rows == _envelope(dc2.patch.column("region")[int(i)].as_py()), (tracts[i], ids[i])


def test_records_of_skymap_object_and_config_agree(tmp_path):
    path = tmp_path / "tiny.py"
    path.write_text(
        'config.name = "t"\nconfig.skyMap.name = "discrete"\n'
        'config.skyMap["discrete"].raList = [359.9]\nconfig.skyMap["discrete"].decList = [-89.5]\n'
        'config.skyMap["discrete"].radiusList = [0.3]\n'
    )
    config = resolve_file(path).config
    a = dimension_records(skymaps.load_config(path)[1], "t")
    b = dimension_records(skymaps.SkyMap.from_config(config), "t")
    assert a.hash == skymaps.SkyMap.from_config(config).hash
    with pytest.raises(TypeError, match="expected a skymaps.SkyMap, got dict"):
        dimension_records(config, "t")
    for name in ("tract", "patch", "tract_overlap", "patch_overlap"):
        assert getattr(a, name).equals(getattr(b, name))
    # Near the south pole and across RA = 0: still sphgeom's envelope.
    for region, tract, patch in zip(
        a.patch.column("region").to_pylist(),
        a.patch.column("tract").to_pylist(),
        a.patch.column("id").to_pylist(),
        strict=True,
    ):
        rows = [
            pix
            for t, p, pix in zip(
                *(
                    a.patch_overlap.column(c).to_pylist()
                    for c in ("tract", "patch", "skypix_index")
                ),
                strict=True,
            )
            if (t, p) == (tract, patch)
        ]
        assert rows == _envelope(region)


def test_skymap_method_gives_registry_records():
    """``SkyMap.dimension_records`` (the issue's API) against a real registry's rows."""
    from skymaps import SkyMap
    from skymaps.config import resolve_text

    configs = load_refdata_json("skymap_configs.json")["skymaps"]
    want = next(s for s in configs if s["name"] == "deepCoadd_skyMap")  # discrete, HiTS
    sky = SkyMap.from_config(resolve_text(want["config_pex_text"]).config)
    rec = sky.dimension_records("deepCoadd_skyMap")
    assert rec.name == "deepCoadd_skyMap"
    assert rec.hash.hex() in want["registry_hash_hex"]
    stored = next(
        t
        for t in load_refdata_json("skymap_dimension_records.json")["tracts"]
        if t["skymap"] == "deepCoadd_skyMap"
    )
    ours = rec.tract.column("region").to_pylist()[0]
    np.testing.assert_allclose(
        _xyz(ours), _xyz(bytes.fromhex(stored["region_encoded_hex"])), atol=1e-13, rtol=0
    )
    pixels = sorted(rec.tract_overlap.column("skypix_index").to_pylist())
    stored_pixels = [p for b, e in stored["sphgeom_htm7_envelope_ranges"] for p in range(b, e)]
    assert pixels == stored_pixels
