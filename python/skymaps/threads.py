"""How many threads skymaps' Rust computations use.

Lookups over large arrays, coverage and record building run on a thread pool in Rust
with the GIL released. By default that is rayon's global pool: one thread per core
(``RAYON_NUM_THREADS`` overrides it for the whole process; ``SKYMAPS_PARALLELISM=false``
switches threads off). Where several processes share a machine, each should use only
its share, or together they start far more threads than cores: a dask worker with
``nthreads=2`` calls ``set_num_threads(2)`` (:mod:`skymaps.dask` does it for you).
While a call runs, the calling Python thread waits, so Python threads that call
skymaps at the same time share the one pool rather than adding threads.

Examples
--------
>>> import skymaps
>>> skymaps.set_num_threads(2)
>>> skymaps.get_num_threads()
2

``set_num_threads(1)`` makes every computation serial.
"""

from __future__ import annotations

from . import _core

__all__ = ["set_num_threads", "get_num_threads"]

# Whether this process chose a size (then skymaps.dask leaves it alone on a worker).
_CHOSEN = False


def set_num_threads(n: int) -> None:
    """Run later computations on ``n`` threads of a pool of skymaps' own (1: serially).

    Replaces any earlier pool; from 2 it also switches threads back on in a forked
    child (the new pool's threads exist there).

    Raises
    ------
    skymaps.InvalidConfigError
        ``n`` < 1.
    """
    if int(n) < 1:
        from .errors import InvalidConfigError

        raise InvalidConfigError(f"number of threads must be at least 1, got {n}")
    global _CHOSEN
    _CHOSEN = True
    _set(int(n))


def _set(n: int) -> None:
    _core.set_num_threads(n)


def _chosen() -> bool:
    return _CHOSEN


def get_num_threads() -> int:
    """The number of threads a computation started now may use."""
    return int(_core.get_num_threads())
