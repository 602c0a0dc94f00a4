"""Notebook views: readable ``repr`` and ``_repr_html_`` for SkyMap, Tract and Patch,
checked against the lsst.skymap skymap record (hash, counts) and the library."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from conftest import load_refdata_json

import skymaps


class _Cells(HTMLParser):
    """The (header, value) rows of an HTML table, checking that tags balance."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.rows: dict[str, str] = {}
        self._th = self._td = None

    def handle_starttag(self, tag, attrs):
        self.stack.append(tag)
        if tag == "th":
            self._th = ""
        if tag == "td":
            self._td = ""

    def handle_endtag(self, tag):
        assert self.stack.pop() == tag
        if tag == "td":
            self.rows[self._th] = self._td
            self._th = self._td = None

    def handle_data(self, data):
        if self._td is not None:
            self._td += data
        elif self._th is not None:
            self._th += data


def _table(html: str) -> dict[str, str]:
    parser = _Cells()
    parser.feed(html)
    parser.close()
    assert parser.stack == []
    return parser.rows


@pytest.fixture(scope="module")
def sky():
    return skymaps.preset("hsc_rings_v1")


def test_skymap_repr_and_html(sky):
    record = next(s for s in load_refdata_json("skymap_dimension_records.json")["skymaps"]
                  if s["name"] == "hsc_rings_v1")
    text = repr(sky)
    assert text.startswith("RingsSkyMap(rings, 18938 tracts, TAN 0.168\"/px, hash=")
    assert record["hash_hex"][:12] in text
    rows = _table(sky._repr_html_())
    assert rows["hash"] == record["hash_hex"]
    assert rows["tracts"] == str(record["tract_max"])
    assert rows["patch grid (max)"] == f"{record['patch_nx_max']} x {record['patch_ny_max']}"
    assert rows["pixel scale (arcsec)"] == "0.168"


def test_tract_and_patch_repr_and_html(sky):
    tract = sky[9813]
    assert repr(tract) == "Tract(id=9813, center=(150.247934, 2.231405), patches=9x9)"
    rows = _table(tract._repr_html_())
    assert rows["tract"] == "9813" and rows["patches"] == "9 x 9"
    assert rows["wcs projection"] == "TAN"
    assert rows["bbox (x0, y0, w, h)"] == "[0, 0, 36000, 36000]"
    patch = tract[72]
    assert repr(patch) == "Patch(tract=9813, index=(0, 8), id=72, outer_bbox=(0, 31900, 4100x4100))"
    rows = _table(patch._repr_html_())
    assert rows["patch"] == "72" and rows["index"] == "[0, 8]"
    assert rows["outer bbox (x0, y0, w, h)"] == str(list(patch.outer_bbox))


def test_cells_and_bricks_html():
    rows = _table(skymaps.preset("lsst_cells_v1")._repr_html_())
    assert rows["cells per patch"].startswith("22 x 22")
    bricks = skymaps.preset("legacysurvey_bricks")
    rows = _table(bricks._repr_html_())
    assert rows["tracts"] == "662174" and rows["kind"] == "bricks"
    tract = bricks[int(bricks.find_tract(10.0, 5.0))]
    assert _table(tract._repr_html_())["name"] == tract.name
