"""skymaps.RangeSet against Python sets (brute force) and lsst.sphgeom.RangeSet."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skymaps import RangeSet

lsst_sphgeom = pytest.importorskip("lsst.sphgeom")

small_sets = st.lists(st.integers(0, 200), max_size=60).map(set)


def rs(values: set[int]) -> RangeSet:
    return RangeSet.from_pixels(np.array(sorted(values), dtype=np.uint64))


@settings(max_examples=200, deadline=None)
@given(small_sets, small_sets)
def test_set_algebra_matches_python_sets(a, b):
    A, B = rs(a), rs(b)
    assert set((A | B).pixels().tolist()) == a | b
    assert set((A & B).pixels().tolist()) == a & b
    assert set((A - B).pixels().tolist()) == a - b
    assert set((A ^ B).pixels().tolist()) == a ^ b
    assert A.cardinality() == len(a)
    assert len(A) == A.num_ranges() == len(list(A))  # sphgeom: len counts ranges
    assert all(x in A for x in a)
    assert (201 in A) == (201 in a)
    assert (~~A) == A
    assert (A | ~A).is_full()


@settings(max_examples=100, deadline=None)
@given(small_sets, st.integers(1, 10))
def test_simplify_is_superset_with_few_ranges(a, n):
    A = rs(a)
    s = A.simplify(n)
    assert s.num_ranges() <= max(n, 0) or A.num_ranges() == 0
    assert s.issuperset(A)


@settings(max_examples=100, deadline=None)
@given(small_sets, st.integers(0, 8))
def test_coarsen_bits_matches_sphgeom_simplify(a, bits):
    A = rs(a)
    ref = lsst_sphgeom.RangeSet()
    for b, e in A:
        ref.insert(int(b), int(e))
    ref.simplify(bits)
    assert [tuple(r) for r in A.coarsen_bits(bits)] == [tuple(r) for r in ref]


def test_complement_matches_sphgeom():
    ref = lsst_sphgeom.RangeSet([(3, 7), (10, 20)])
    ours = RangeSet([(3, 7), (10, 20)])
    assert [tuple(r) for r in ~ours] == [tuple(r) for r in ref.complement()]
    full = RangeSet.full()
    assert full.cardinality() == 2**64
    assert len(full) == 1 and list(full) == [(0, 0)]  # sphgeom: end 0 means 2**64


def test_constructors_arrays_and_pickle():
    r = RangeSet(np.array([[5, 9], [0, 2], [8, 12]], dtype=np.uint64))
    assert r.ranges().tolist() == [[0, 2], [5, 12]]
    assert r.ranges().dtype == np.uint64
    assert r.pixels().tolist() == [0, 1, 5, 6, 7, 8, 9, 10, 11]
    assert list(r) == [(0, 2), (5, 12)]
    assert RangeSet((3, 4)) == RangeSet.from_pixels([3])
    assert RangeSet([]) == RangeSet()
    assert pickle.loads(pickle.dumps(r)) == r
    assert "RangeSet([(0, 2), (5, 12)])" == repr(r)
    assert not RangeSet()
    assert RangeSet([(0, 2)]).issubset(r)
    with pytest.raises(ValueError):
        RangeSet([(5, 3)])
    with pytest.raises(ValueError):
        RangeSet.from_pixels([-1])
    with pytest.raises(ValueError):
        RangeSet(np.zeros((2, 3), dtype=np.uint64))


def test_top_of_range():
    top = RangeSet.from_pixels([2**64 - 1])
    assert top.ranges().tolist() == [[2**64 - 1, 0]]
    assert (2**64 - 1) in top
    assert (~top).cardinality() == 2**64 - 1


def test_docstring_examples():
    import doctest

    import skymaps.moc
    import skymaps.pixelization

    for mod in (skymaps.pixelization, skymaps.moc):
        assert doctest.testmod(mod).failed == 0
