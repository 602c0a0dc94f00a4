"""Render a :class:`~._scene.Scene` with matplotlib.

The all-sky view is a plain equal-aspect axes holding Mollweide plane coordinates,
framed and clipped by the ellipse, with its own graticule (so RA increases to the
left and any centre works); a zoomed view is an astropy ``WCSAxes`` in the view's
WCS, whose grid and tick labels are astropy's. Shapes are grouped into one
``LineCollection``/``PolyCollection`` per layer and role, so drawing 19,000 tracts
costs a few artists.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._graticule import graticule
from ._scene import Scene

__all__ = ["render", "STYLES"]

#: Line style per (layer, role).
STYLES: dict[tuple[str, str], dict[str, Any]] = {
    ("tract", "inner"): {"colors": "tab:blue", "linewidths": 0.8},
    ("tract", "outer"): {"colors": "tab:blue", "linewidths": 0.5, "linestyles": "--",
                         "alpha": 0.6},
    ("patch", "inner"): {"colors": "tab:orange", "linewidths": 0.6},
    ("patch", "outer"): {"colors": "tab:orange", "linewidths": 0.4, "linestyles": ":",
                         "alpha": 0.7},
    ("cell", "inner"): {"colors": "0.45", "linewidths": 0.3},
    ("cell", "outer"): {"colors": "0.6", "linewidths": 0.3, "linestyles": ":"},
    ("region", ""): {"colors": "tab:red", "linewidths": 1.2},
    ("grid", ""): {"colors": "0.75", "linewidths": 0.5},
}
_FILLS = {"region": ("tab:red", 0.25), "moc": ("tab:green", 0.35)}
_TEXT: dict[str, dict[str, Any]] = {
    "tract": {"fontsize": 9, "color": "navy", "weight": "bold",
              "bbox": {"facecolor": "white", "edgecolor": "none", "alpha": 0.7, "pad": 1}},
    "patch": {"fontsize": 6, "color": "saddlebrown"},
    "region": {"fontsize": 8, "color": "darkred"},
}
#: Above this many lines in one group, lines get thinner (an all-sky mesh of tracts).
_DENSE = 2000


def render(scene: Scene, figsize: tuple[float, float] | None = None) -> Any:
    """A matplotlib ``Figure`` of the scene."""
    from matplotlib.figure import Figure

    allsky = scene.projection.kind == "allsky"
    fig = Figure(figsize=figsize or ((12, 6.6) if allsky else (8, 8)))
    if allsky:
        ax = fig.add_subplot()
        clip = _allsky_frame(ax, scene.projection)
    else:
        ax = fig.add_subplot(projection=scene.projection.wcs)
        _wcs_frame(ax, scene.projection)
        clip = None
    _draw(ax, scene, clip)
    title = scene.title + ("\n" + "; ".join(scene.notes) if scene.notes else "")
    if title:
        ax.set_title(title, fontsize=10)
    return fig


def _allsky_frame(ax: Any, projection: Any) -> Any:
    from matplotlib.collections import LineCollection
    from matplotlib.patches import Polygon

    x0, x1, y0, y1 = projection.extent
    ax.set_xlim(x0 * 1.02, x1 * 1.02)
    ax.set_ylim(y0 * 1.04, y1 * 1.04)
    ax.set_aspect("equal")
    ax.axis("off")
    frame = Polygon(projection.boundary(), closed=True, fill=False, edgecolor="0.3", lw=1.0)
    ax.add_patch(frame)
    grid = graticule(projection)
    lc = LineCollection([ln for g in grid for ln in g.lines], zorder=0,
                        **STYLES[("grid", "")])
    ax.add_collection(lc)
    lc.set_clip_path(frame)
    for g in grid:
        if g.label_xy is not None:
            ra = g.coord == "ra"
            ax.text(*g.label_xy, g.label, fontsize=7, color="0.4", ha="center" if ra else "right",
                    va="bottom" if ra else "center")
    return frame


def _wcs_frame(ax: Any, projection: Any) -> None:
    x0, x1, y0, y1 = projection.extent
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.coords.grid(True, color="0.8", lw=0.5)
    ax.coords[0].set_axislabel("RA")
    ax.coords[1].set_axislabel("Dec")
    ax.coords[0].set_format_unit("deg", decimal=True)
    ax.coords[1].set_format_unit("deg", decimal=True)


def _draw(ax: Any, scene: Scene, clip: Any) -> None:
    from matplotlib.collections import LineCollection, PolyCollection

    def add(artist: Any) -> None:
        ax.add_collection(artist)
        if clip is not None:
            artist.set_clip_path(clip)

    for layer in ("moc", "region"):
        for shape in (s for s in scene.shapes if s.layer == layer and s.fills):
            color, alpha = _FILLS[layer]
            add(PolyCollection(shape.fills, facecolors=shape.color or color, alpha=alpha,
                               edgecolors="none", zorder=1))
    groups: dict[tuple[str, str], list[np.ndarray]] = {}
    for shape in scene.shapes:
        if shape.lines and shape.layer != "region":
            groups.setdefault((shape.layer, shape.role), []).extend(shape.lines)
    order = ("cell", "patch", "tract")
    for key in sorted(groups, key=lambda k: (order.index(k[0]), k[1] == "inner")):
        style = dict(STYLES[key])
        if len(groups[key]) > _DENSE:
            style["linewidths"] = style["linewidths"] * 0.25
        add(LineCollection(groups[key], zorder=2 + order.index(key[0]), **style))
    for shape in scene.shapes:
        if shape.layer == "region" and shape.lines:
            style = dict(STYLES[("region", "")])
            if shape.color:
                style["colors"] = shape.color
            add(LineCollection(shape.lines, zorder=6, **style))
        if shape.points is not None and len(shape.points):
            pts = shape.points
            small = shape.role == "tract"
            artist = ax.scatter(pts[:, 0], pts[:, 1], s=0.5 if small else 4,
                                c=shape.color or ("tab:blue" if small else "black"), zorder=7,
                                linewidths=0)
            if clip is not None:
                artist.set_clip_path(clip)
    labels = scene.labels
    if clip is None:  # a zoomed view: text outside the frame would be drawn in the margin
        inside = scene.projection.contains_xy(np.array([[lb.x, lb.y] for lb in labels]))
        labels = [lb for lb, ok in zip(labels, inside, strict=True) if ok]
    crowded = sum(lb.layer == "tract" for lb in labels) > 30
    for label in labels:
        style = dict(_TEXT.get(label.layer, _TEXT["region"]))
        if crowded and label.layer == "tract":
            style["fontsize"] = 6
        text = ax.text(label.x, label.y, label.text, ha="center", va="center", zorder=8,
                       clip_on=True, **style)
        if clip is not None:
            text.set_clip_path(clip)
