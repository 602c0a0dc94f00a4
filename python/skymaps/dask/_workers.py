"""What a dask task needs on its worker: the skymap, rebuilt once per process, and a
thread pool sized to the worker.

A skymap travels in the task graph as a :class:`SkyMapSpec` (its config and hash, a few
hundred bytes) rather than as its tracts; each worker process builds it on first use
and keeps it in :data:`_BUILT`, so later tasks (and later graphs) with the same skymap
pay nothing. The first task a ``distributed`` worker runs also sizes skymaps' Rust
thread pool to the worker's ``nthreads``, unless the process chose a size itself
(:func:`skymaps.set_num_threads`): several worker processes on one machine then use
one thread per core between them instead of one per core each.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from typing import Any

from .. import threads
from ..skymap import SkyMap

__all__ = ["SkyMapSpec", "skymap_of"]

#: Skymaps built in this process, by hash (a strong cache: a worker keeps its skymaps).
_BUILT: dict[bytes, SkyMap] = {}
_LOCK = threading.Lock()
_SIZED = False


@dataclass(frozen=True)
class SkyMapSpec:
    """A skymap as it ships to workers: its resolved config (JSON) and its hash."""

    config_json: str
    hash: bytes

    @classmethod
    def of(cls, skymap: SkyMap) -> SkyMapSpec:
        if not isinstance(skymap, SkyMap):
            raise TypeError(f"skymap must be a skymaps.SkyMap, got {type(skymap).__name__}")
        with _LOCK:  # the client process reuses the skymap it already has
            _BUILT.setdefault(skymap.hash, skymap)
        return cls(skymap._core.config_json(), skymap.hash)

    def __dask_tokenize__(self) -> Any:
        return ("skymaps.SkyMapSpec", self.hash)


def skymap_of(spec: SkyMapSpec) -> SkyMap:
    """The skymap of ``spec``, built at most once per process; sizes the thread pool of a
    dask worker on first use."""
    _size_threads_for_worker()
    sky = _BUILT.get(spec.hash)
    if sky is None:
        with _LOCK:
            sky = _BUILT.get(spec.hash)
            if sky is None:
                sky = SkyMap.from_config(json.loads(spec.config_json))
                if sky.hash != spec.hash:
                    from ..errors import InvalidConfigError

                    raise InvalidConfigError(
                        f"skymap rebuilt on a worker has hash {sky.hash.hex()}, not "
                        f"{spec.hash.hex()}: client and worker run different skymaps versions"
                    )
                _BUILT[spec.hash] = sky
    return sky


def _size_threads_for_worker() -> None:
    global _SIZED
    if _SIZED:
        return
    with _LOCK:
        if _SIZED:
            return
        _SIZED = True
        nthreads = _worker_nthreads()
        if nthreads is not None and not threads._chosen():
            threads._set(nthreads)


def _worker_nthreads() -> int | None:
    """The ``nthreads`` of the ``distributed`` worker running this task, else None."""
    try:
        from distributed import get_worker
    except ImportError:
        return None
    try:
        return int(get_worker().state.nthreads)
    except (ValueError, AttributeError):
        return None
