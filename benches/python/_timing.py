"""Timing helpers shared by the benchmark scripts (run as ``python benches/python/X.py``,
so this folder is on ``sys.path``).

Besides printing its own table, every script reports each timing through
:func:`record`; ``python benches/run.py`` runs them all in one process and prints one
comparison table from :data:`RESULTS`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass


def best_of(fn: Callable[[], object], repeat: int) -> float:
    """The fastest of ``repeat`` runs of ``fn``, in seconds (the least disturbed by other
    work on the machine)."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


@dataclass(frozen=True)
class Result:
    """One timing: ``items`` units of ``task`` done by ``library`` in ``seconds``."""

    bench: str
    task: str
    library: str
    seconds: float
    items: float

    @property
    def rate(self) -> float:
        return self.items / self.seconds if self.seconds > 0 else float("inf")


#: Every timing recorded in this process, in order.
RESULTS: list[Result] = []
#: The benchmark being run (set by benches/run.py; the script name otherwise).
current_bench = ""


def record(task: str, library: str, seconds: float, items: float) -> None:
    """Report a timing. Rows of the same ``task`` compare by throughput (items per
    second); ``library`` is ``"skymaps"`` for ours, the peer's name otherwise."""
    RESULTS.append(Result(current_bench, task, library, float(seconds), float(items)))
