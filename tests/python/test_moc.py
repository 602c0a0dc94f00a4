"""skymaps.moc against mocpy and astropy (IVOA MOC 2.0)."""

from __future__ import annotations

import numpy as np
import pytest

import skymaps
from skymaps import RangeSet, moc

mocpy = pytest.importorskip("mocpy")


def _random_ranges(rng, depth, n):
    npix = 12 * 4**depth
    pix = np.unique(rng.integers(0, npix, n))
    # add some complete parent cells so that the MOC has several orders
    parents = rng.integers(0, npix // 16, 5)
    pix = np.union1d(pix, (parents[:, None] * 16 + np.arange(16)).ravel())
    return RangeSet.from_pixels(pix)


@pytest.mark.parametrize("depth", [0, 3, 8, 15, 29])
def test_ascii_and_mocpy_agree(depth):
    rng = np.random.default_rng(depth)
    r = _random_ranges(rng, depth, 300) if depth else RangeSet([(0, 5), (7, 8)])
    text = moc.to_ascii(r, depth)
    m_ours = moc.to_mocpy(r, depth)
    m_ref = mocpy.MOC.from_string(text, format="ascii")
    assert m_ours == m_ref
    # The same cells as mocpy writes them (mocpy may omit the trailing "depth/").
    ref_text = m_ref.to_string(format="ascii")
    assert moc.from_ascii(ref_text, depth=depth) == r
    assert moc.from_ascii(text) == r
    assert moc.from_mocpy(m_ref, depth) == r


def test_uniq_matches_mocpy():
    r = _random_ranges(np.random.default_rng(1), 6, 500)
    ours = np.sort(moc.to_uniq(r, 6).astype(np.int64))
    ref = np.sort(moc.to_mocpy(r, 6).to_uniq_hpx() if hasattr(mocpy.MOC, "to_uniq_hpx")
                  else mocpy.MOC.from_string(moc.to_ascii(r, 6), format="ascii").uniq_hpx)
    assert (ours == np.sort(ref)).all()
    assert moc.from_uniq(ours, 6) == r


def test_fits_roundtrip_and_mocpy_reads_it(tmp_path):
    r = _random_ranges(np.random.default_rng(2), 9, 800)
    path = tmp_path / "m.fits"
    moc.to_fits(r, 9, path)
    assert moc.from_fits(path) == r
    ref = mocpy.MOC.from_fits(path)
    assert moc.from_mocpy(ref, 9) == r
    # and the other way: mocpy writes, we read
    p2 = tmp_path / "m2.fits"
    ref.save(p2, format="fits")
    assert moc.from_fits(p2, depth=9) == r


def test_deeper_cells_widen_and_bad_input():
    # depth-3 cell 5 seen at depth 2 widens to its parent 1
    assert moc.from_ascii("3/5", depth=2) == RangeSet([(1, 2)])
    with pytest.raises(skymaps.DecodeError):
        moc.from_ascii("2/5-3")
    with pytest.raises(ValueError):
        moc.from_ascii("nonsense")
    with pytest.raises(ValueError):
        moc.from_ascii("0/12")
    with pytest.raises(skymaps.IdError):
        moc.to_ascii(RangeSet([(0, 100)]), 1)  # only 48 pixels at depth 1
    with pytest.raises(ValueError):
        moc.to_ascii(RangeSet([(0, 1)]), 30)
    with pytest.raises(ValueError):
        moc.from_uniq([3], 2)
