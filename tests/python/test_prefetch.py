"""``skymaps._prefetch.prefetched``: the next items of an iterator produced on a
background thread. The oracle is the plain iteration: the same items in the same
order, the same exception at the same item, and no thread left behind."""

from __future__ import annotations

import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skymaps._prefetch import prefetched


def _prefetch_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "skymaps-prefetch"]


@settings(max_examples=30, deadline=None)
@given(items=st.lists(st.integers()), depth=st.integers(min_value=1, max_value=4))
def test_same_items_in_order(items, depth):
    with prefetched(iter(items), depth=depth) as got:
        assert list(got) == items
    assert not _prefetch_threads()


def test_an_error_is_raised_at_its_item():
    def numbers():
        yield 1
        yield 2
        raise ZeroDivisionError("the third item")

    seen = []
    with pytest.raises(ZeroDivisionError, match="the third item"):
        with prefetched(numbers()) as got:
            for x in got:
                seen.append(x)
    assert seen == [1, 2]
    assert not _prefetch_threads()


def test_the_producer_works_ahead_of_the_consumer():
    # The second item is produced while the consumer still holds the first.
    produced_second = threading.Event()

    def numbers():
        yield 1
        produced_second.set()
        yield 2

    with prefetched(numbers()) as got:
        assert next(got) == 1
        assert produced_second.wait(timeout=30)
        assert next(got) == 2


@pytest.mark.parametrize("stop", [StopIteration, KeyboardInterrupt, RuntimeError])
def test_leaving_early_stops_and_closes_the_producer(stop):
    closed = threading.Event()

    def endless():
        try:
            n = 0
            while True:
                yield n
                n += 1
        finally:
            closed.set()

    class Leave(Exception):
        pass

    with pytest.raises((Leave, KeyboardInterrupt, RuntimeError)):
        with prefetched(endless(), depth=2) as got:
            assert next(got) == 0
            raise (Leave() if stop is StopIteration else stop())
    assert closed.is_set()
    assert not _prefetch_threads()


def test_depth_must_be_positive():
    with pytest.raises(ValueError, match="depth"):
        with prefetched([1], depth=0):
            pass
