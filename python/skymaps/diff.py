"""What differs between two skymaps: config fields, hash, and which tracts and patches
changed geometry (with the largest vertex shift).

Tract geometry is compared through the outer regions (the butler's regions): a tract
changed if its region's vertices moved (or their number changed), its patch grid
changed, or its WCS changed. Patch regions are the tract WCS applied to the patch pixel
boxes, so the patches of a tract whose WCS, pixel box and patch layout are unchanged are
unchanged; the patches of the other tracts are compared one by one (all of them, in
bulk, through the same Rust kernel that writes butler records).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np

from .vertices import outer_vertices, patch_vertices, vertex_shift_arcsec

__all__ = ["SkymapDiff", "diff_skymaps", "config_differences"]


@dataclasses.dataclass
class SkymapDiff:
    """The differences :func:`diff_skymaps` found."""

    config: list[tuple[str, Any, Any]]
    hash_a: str
    hash_b: str
    tracts_a: int
    tracts_b: int
    tracts_changed: np.ndarray
    tract_shift_arcsec: np.ndarray
    patches_compared: int
    patches_changed: int
    patches_only_a: int
    patches_only_b: int
    patch_max_shift_arcsec: float
    patch_worst: tuple[int, int] | None

    @property
    def same(self) -> bool:
        return self.hash_a == self.hash_b and not self.config

    def summary(self) -> str:
        lines = []
        if not self.config:
            lines.append("config: identical")
        for key, a, b in self.config:
            lines.append(f"config {key}: {a!r} -> {b!r}")
        lines.append(
            f"hash: {self.hash_a} -> {self.hash_b}" if self.hash_a != self.hash_b
            else f"hash: identical ({self.hash_a})"
        )
        lines.append(f"tracts: {self.tracts_a} -> {self.tracts_b}")
        n = len(self.tracts_changed)
        if n:
            worst = int(np.argmax(self.tract_shift_arcsec))
            lines.append(
                f"tracts changed (region, WCS or patch layout): {n} of "
                f"{min(self.tracts_a, self.tracts_b)} in both; "
                f"largest vertex shift {self.tract_shift_arcsec[worst]:.6g} arcsec "
                f"(tract {int(self.tracts_changed[worst])})"
            )
        else:
            lines.append("tracts changed: 0")
        line = f"patches changed: {self.patches_changed} of {self.patches_compared} in both"
        if self.patches_changed:
            t, p = self.patch_worst or (-1, -1)
            line += (f"; largest vertex shift {self.patch_max_shift_arcsec:.6g} arcsec "
                     f"(tract {t} patch {p})")
        lines.append(line)
        if self.patches_only_a or self.patches_only_b:
            lines.append(f"patches only in A: {self.patches_only_a}, only in B: "
                         f"{self.patches_only_b} (patch grids differ)")
        return "\n".join(lines)


def _flatten(d: Any, prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in d.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, name + "."))
        else:
            out[name] = value
    return out


def config_differences(a: dict[str, Any], b: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """(key, value in a, value in b) for every resolved config field that differs
    (nested keys joined with dots; a missing key is None)."""
    fa, fb = _flatten(a), _flatten(b)
    return [(k, fa.get(k), fb.get(k)) for k in sorted(set(fa) | set(fb)) if fa.get(k) != fb.get(k)]


def _tract_key(tract_core: Any) -> tuple[Any, ...]:
    return (
        tract_core.bbox,
        tract_core.num_patches,
        tract_core.patch_inner_dimensions,
        tract_core.patch_border,
        tract_core.wcs.state(),
    )


#: Above this many tracts to compare patch by patch, every patch comes in bulk (Rust).
_BULK_TRACTS = 50


def _patch_rows(skymap: Any, tracts: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """(keys (tract, patch id) as one int64, vertices) of the patches of ``tracts``."""
    if len(tracts) > _BULK_TRACTS:
        v = outer_vertices(skymap)
        keep = np.isin(v["patch_tract"], tracts)
        return v["patch_tract"][keep] * (1 << 32) + v["patch_id"][keep], v["patch_xyz"][keep]
    keys, verts = [], []
    for t in tracts:
        xyz = patch_vertices(skymap[t])
        keys.append(t * (1 << 32) + np.arange(len(xyz), dtype=np.int64))
        verts.append(xyz)
    if not keys:
        return np.zeros(0, np.int64), np.zeros((0, 4, 3))
    return np.concatenate(keys), np.concatenate(verts)


def _compare_patches(a: Any, b: Any, tracts: list[int]) -> dict[str, Any]:
    """Patches of ``tracts`` matched by (tract, patch id): how many are in both, only in
    A, only in B, changed, and the largest vertex shift (arcsec) among those in both."""
    ka, va = _patch_rows(a, tracts)
    kb, vb = _patch_rows(b, tracts)
    common, ia, ib = np.intersect1d(ka, kb, return_indices=True)
    if va.shape[1:] == vb.shape[1:]:
        shift = vertex_shift_arcsec(va[ia], vb[ib])
    else:
        shift = np.full(len(common), np.inf)
    out = {
        "in_both": len(common),
        "only_a": len(ka) - len(common),
        "only_b": len(kb) - len(common),
        "changed": int(np.count_nonzero(shift > 0)),
        "max_shift": 0.0,
        "worst": None,
    }
    if len(shift) and shift.max() > 0:
        k = int(np.argmax(shift))
        out["max_shift"] = float(shift[k])
        out["worst"] = (int(common[k] >> 32), int(common[k] & 0xFFFFFFFF))
    return out


def diff_skymaps(
    a: Any, b: Any, *, progress: Callable[[Any], Any] | None = None
) -> SkymapDiff:
    """Compare two skymaps (see the module doc). Tracts are matched by id."""
    ca, cb = a._core, b._core
    ids = np.intersect1d(a.tract_ids(), b.tract_ids())
    changed, shifts, redo = [], [], []
    iterable = progress(ids) if progress else ids
    poly_a, poly_b, poly_ids = [], [], []
    unchanged = 0  # patches of tracts whose WCS, box and layout are the same
    for t in iterable:
        ta, tb = ca.tract(int(t)), cb.tract(int(t))
        ra, rb = ta.outer_region(), tb.outer_region()
        same_key = _tract_key(ta) == _tract_key(tb)
        if not same_key:
            redo.append(int(t))
        else:
            unchanged += int(np.prod(ta.num_patches))
        if ra.kind == rb.kind == "ConvexPolygon":
            va, vb = ra.vertices_xyz(), rb.vertices_xyz()
            if va.shape == vb.shape:
                poly_a.append(va)
                poly_b.append(vb)
                poly_ids.append((int(t), same_key))
                continue
        elif ra.encode() == rb.encode():  # boxes: the same bytes or a change
            if not same_key:
                changed.append(int(t))
                shifts.append(0.0)
            continue
        changed.append(int(t))
        shifts.append(np.inf)
    if poly_ids:
        moved = vertex_shift_arcsec(np.stack(poly_a), np.stack(poly_b))
        for (t, same_key), shift in zip(poly_ids, moved, strict=True):
            if shift > 0 or not same_key:
                changed.append(t)
                shifts.append(float(shift))
    order = np.argsort(changed, kind="stable")
    changed = [changed[i] for i in order]
    shifts = [shifts[i] for i in order]
    patches = _compare_patches(a, b, redo)
    return SkymapDiff(
        config=config_differences(a.config, b.config),
        hash_a=a.hash.hex(),
        hash_b=b.hash.hex(),
        tracts_a=len(a),
        tracts_b=len(b),
        tracts_changed=np.asarray(changed, dtype=np.int64),
        tract_shift_arcsec=np.asarray(shifts, dtype=np.float64),
        patches_compared=patches["in_both"] + unchanged,
        patches_changed=patches["changed"],
        patches_only_a=patches["only_a"],
        patches_only_b=patches["only_b"],
        patch_max_shift_arcsec=patches["max_shift"],
        patch_worst=patches["worst"],
    )
