"""Producing the next items of an iterator on a background thread while the caller
works on the current one.

A registration alternates two kinds of work: computing and converting rows (Rust with
the GIL released, Arrow and numpy) and writing them (the database driver, which
releases the GIL while SQLite runs, or waits on the PostgreSQL server). Done one after
the other on one thread, each waits for the other; :func:`prefetched` runs the first
kind a few items ahead on a second thread, so on two or more cores the writing sets
the pace.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Iterable, Iterator
from typing import TypeVar

__all__ = ["prefetched"]

T = TypeVar("T")

#: How often a blocked producer looks whether the consumer has gone.
_POLL_SECONDS = 0.05
_END = object()


@contextlib.contextmanager
def prefetched(items: Iterable[T], depth: int = 2) -> Iterator[Iterator[T]]:
    """An iterator over ``items``, in order, whose next ``depth`` items are produced on
    a background thread while the caller handles the current one.

    An exception raised while producing an item is raised by the consumer when it
    reaches that item. Leaving the block (at the end, by an exception, or by Ctrl-C in
    the consumer) stops the producer after the item it is working on and waits for it:
    no thread outlives the block.

    >>> with prefetched(x * x for x in range(4)) as squares:
    ...     list(squares)
    [0, 1, 4, 9]
    """
    if depth < 1:
        raise ValueError(f"depth must be at least 1, got {depth}")
    handoff: queue.Queue[tuple[bool, object]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(entry: tuple[bool, object]) -> bool:
        while not stop.is_set():
            try:
                handoff.put(entry, timeout=_POLL_SECONDS)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        iterator = iter(items)
        try:
            for item in iterator:
                if not put((True, item)):
                    return
            put((True, _END))
        except BaseException as err:  # handed to the consumer, raised there
            put((False, err))
        finally:
            close = getattr(iterator, "close", None)
            if close is not None:
                close()

    def consume() -> Iterator[T]:
        while True:
            ok, item = handoff.get()
            if not ok:
                assert isinstance(item, BaseException)
                raise item
            if item is _END:
                return
            yield item  # type: ignore[misc]

    thread = threading.Thread(target=produce, name="skymaps-prefetch", daemon=True)
    thread.start()
    try:
        yield consume()
    finally:
        stop.set()
        thread.join()
