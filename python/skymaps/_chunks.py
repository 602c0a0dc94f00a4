"""Long point lookups in chunks: Ctrl-C honoured quickly, memory bounded.

A lookup over 10^8 points is one Rust call of tens of seconds with the GIL released;
Python runs signal handlers only between bytecodes, so Ctrl-C would wait for the end,
and the core's per-call temporaries scale with the whole input. :func:`chunked` calls
the core on slices of :data:`CHUNK_POINTS` points (each still parallel and
GIL-free), writing into output arrays allocated once (:func:`chunked_into`: the core
writes straight into them, no copy); between slices Python handles
pending signals, so ``KeyboardInterrupt`` is raised within one slice's time (tens of
milliseconds) and the partly filled outputs are dropped: nothing half-written is ever
returned. Extra memory beyond the outputs is one slice's temporaries.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["CHUNK_POINTS", "chunked", "chunked_into", "chunked_pairs"]

#: Points per core call (about 20-100 ms of work); smaller inputs take one call.
CHUNK_POINTS = 1 << 20


def chunked(
    lookup: Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, ...]],
    lon: np.ndarray,
    lat: np.ndarray,
) -> tuple[np.ndarray, ...]:
    """``lookup(lon, lat)`` (one output value per point, any number of outputs) run
    slice by slice; the same arrays one call would return."""
    n = len(lon)
    if n <= CHUNK_POINTS:
        return lookup(lon, lat)
    outputs: tuple[np.ndarray, ...] = ()
    for start in range(0, n, CHUNK_POINTS):
        stop = min(start + CHUNK_POINTS, n)
        parts = lookup(lon[start:stop], lat[start:stop])
        if not outputs:
            outputs = tuple(np.empty(n, dtype=p.dtype) for p in parts)
        for out, part in zip(outputs, parts, strict=True):
            out[start:stop] = part
    return outputs


def chunked_pairs(
    lookup: Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]],
    lon: np.ndarray,
    lat: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """``lookup(lon, lat) -> (point_index, value)`` pairs (any number per point, sorted
    by point) run slice by slice like :func:`chunked`; the same pairs one call would
    return, point indices int64 and counted over the whole input. Slices are an eighth
    of :data:`CHUNK_POINTS`: such lookups (every tract holding a point) cost about ten
    times a one-owner lookup per point."""
    n, step = len(lon), max(1, CHUNK_POINTS // 8)
    if n <= step:
        idx, values = lookup(lon, lat)
        return idx.astype(np.int64), values
    indices, values = [], []
    for start in range(0, n, step):
        stop = min(start + step, n)
        idx, vals = lookup(lon[start:stop], lat[start:stop])
        indices.append(idx.astype(np.int64) + start)
        values.append(vals)
    return np.concatenate(indices), np.concatenate(values)


def chunked_into(
    lookup_into: Callable[..., None],
    lon: np.ndarray,
    lat: np.ndarray,
    dtypes: tuple[type, ...],
) -> tuple[np.ndarray, ...]:
    """Outputs of ``dtypes`` (one value per point), filled slice by slice by
    ``lookup_into(lon, lat, *outputs)`` writing into views of them: no per-slice
    allocation or copy."""
    n = len(lon)
    outputs = tuple(np.empty(n, dtype=d) for d in dtypes)
    for start in range(0, max(n, 1), CHUNK_POINTS):
        stop = min(start + CHUNK_POINTS, n)
        lookup_into(lon[start:stop], lat[start:stop], *(o[start:stop] for o in outputs))
    return outputs
