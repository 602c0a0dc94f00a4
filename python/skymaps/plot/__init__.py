"""Pictures of skymaps: an all-sky view and zoomed views, as PNG/PDF or an HTML page.

Needs the ``plot`` extra (``pip install 'skymaps[plot]'``: matplotlib; astropy for the
zoomed views). Two entry points build a :class:`Scene`:

* :func:`allsky`: a Mollweide map of the whole sky (east left, centred on
  ``center_lon``), tracts outlined;
* :func:`zoom`: one tract in its own WCS (or a TAN projection centred on it), or the
  sky around a point, with neighbouring tracts, patches (and cells), labelled.

Add footprints (``add_region``), MOCs (``add_moc``, a ``mocpy.MOC``) and points
(``add_points``), then ``savefig("out.png")``, ``figure()`` (a matplotlib ``Figure``) or
``to_html("out.html")`` (one self-contained page to pan, zoom and hover for ids).

Outlines are the exact regions: great-circle edges sampled every ``step_deg``, boxes
along their parallels, cut where they cross the all-sky map's seam (so nothing is
smeared across the map at RA 0 when the map is centred on RA 180) and closed through
the pole for regions around a pole.

Examples
--------
>>> import skymaps
>>> from skymaps import plot
>>> sky = skymaps.preset("hsc_rings_v1")
>>> scene = plot.zoom(sky, tract=9813)
>>> sorted({s.layer for s in scene.shapes})
['patch', 'tract']
>>> sum(s.layer == "patch" and s.role == "inner" for s in scene.shapes)
81
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._projections import Mollweide, WcsView, tan_wcs
from ._scene import Label, Scene, Shape

__all__ = ["allsky", "zoom", "Scene", "Shape", "Label", "Mollweide", "WcsView", "tan_wcs"]


def allsky(
    skymap: Any = None,
    *,
    center_lon: float = 180.0,
    regions: tuple[str, ...] = ("inner",),
    tracts: Any = None,
    labels: bool | None = None,
    step_deg: float = 1.0,
    title: str | None = None,
    hover: bool = False,
) -> Scene:
    """A Mollweide view of the whole sky, with the tracts of ``skymap`` outlined.

    Parameters
    ----------
    skymap : skymaps.SkyMap, optional
        Outline its tracts (all, or ``tracts``); without one, an empty sky to draw
        footprints, MOCs and points on.
    center_lon : float
        RA at the centre of the map (degrees); the seam is opposite it.
    regions : tuple of {"inner", "outer"}
        Which tract regions to outline.
    labels : bool, optional
        Tract ids at their centres (default: when at most 300 tracts are drawn).
    step_deg : float
        Longest straight piece of a drawn edge, degrees.
    hover : bool
        Keep each tract's area too, for :meth:`Scene.to_html` to hover on (the page
        then finds the tract under the pointer anywhere inside it, not only on edges).
    """
    scene = Scene(Mollweide(center_lon), step_deg, title or "", hover=hover)
    if skymap is not None:
        if title is None:
            scene.title = f"{type(skymap).__name__}: {len(skymap)} tracts"
        scene.add_tracts(skymap, tracts, regions, labels)
    return scene


def _corner_radius(center: tuple[float, float], lon: Any, lat: Any) -> float:
    from ._projections import _separation_deg

    return float(np.max(_separation_deg(*center, np.asarray(lon), np.asarray(lat))))


def zoom(
    skymap: Any,
    tract: int | None = None,
    *,
    center: tuple[float, float] | None = None,
    radius: float | None = None,
    frame: str = "tract",
    regions: tuple[str, ...] = ("inner", "outer"),
    patches: bool = True,
    patch: int | None = None,
    cells: bool = False,
    labels: bool = True,
    title: str | None = None,
    hover: bool = False,
) -> Scene:
    """A zoomed view of one tract, or of the sky around ``center``.

    Parameters
    ----------
    skymap : skymaps.SkyMap
    tract : int, optional
        The tract to show. With ``frame="tract"`` the view is the tract's own WCS and
        pixel box (its patches are then exact rectangles); with ``frame="tan"`` a TAN
        projection centred on the tract.
    center, radius : (lon, lat) and float, degrees
        Without ``tract``: a TAN view of ``radius`` (default 2) around ``center``;
        patches are drawn for the tracts that own points of the view (labelled
        ``tract:patch`` when there are several).
    regions : tuple of {"inner", "outer"}
        Tract and patch regions to outline.
    patches : bool
        Outline (and label) the patches of the tract.
    patch : int, optional
        With ``cells=True``, the patch whose cells are drawn.
    hover : bool
        As for :func:`allsky`.
    """
    if frame not in ("tract", "tan"):
        raise ValueError(f"frame must be 'tract' or 'tan', got {frame!r}")
    if tract is None:
        if center is None:
            raise ValueError("zoom needs a tract or a center")
        from .._coords import lonlat_arrays

        flat = lonlat_arrays(*center)
        center = (float(flat.lon[0]), float(flat.lat[0]))
        view_radius = 2.0 if radius is None else float(radius)
        if not 0.0 < view_radius < 80.0:
            raise ValueError(f"radius must be in (0, 80) degrees, got {radius!r}")
        view = WcsView(tan_wcs(*center, view_radius), (-0.5, 1000.5, -0.5, 1000.5), center)
        owner = int(skymap.find_tract(*center))
        target = skymap[owner] if owner >= 0 else None
    else:
        target = skymap[int(tract)]
        center = target.center
        box = target.bbox
        corners = target.wcs.pixel_to_sky(
            np.array([box.x0 - 0.5, box.x1 + 0.5, box.x1 + 0.5, box.x0 - 0.5]),
            np.array([box.y0 - 0.5, box.y0 - 0.5, box.y1 + 0.5, box.y1 + 0.5]),
        )
        view_radius = _corner_radius(center, *corners) * 1.1
        if frame == "tract":
            margin = 0.06 * max(box.width, box.height)
            extent = (box.x0 - 0.5 - margin, box.x1 + 0.5 + margin,
                      box.y0 - 0.5 - margin, box.y1 + 0.5 + margin)
            view = WcsView(target.wcs.to_astropy(), extent, center)
        else:
            view = WcsView(tan_wcs(*center, view_radius), (-0.5, 1000.5, -0.5, 1000.5), center)
    scene = Scene(view, step_deg=view_radius / 60.0, hover=hover)
    nearby = _tracts_near(skymap, center, view_radius * 1.5)
    scene.add_tracts(skymap, nearby, regions, labels)
    if target is not None and patches:
        owners = [target] if tract is not None else _owners_in_view(skymap, view)
        for owner in owners:
            scene.add_patches(owner, regions=regions, labels=labels and len(owner) > 1,
                              qualified=len(owners) > 1)
        # Its id would sit on its middle patch's id; the title names it.
        if len(target) > 1 and tract is not None:
            scene.labels = [lb for lb in scene.labels if not (
                lb.layer == "tract" and lb.text == skymap.tract_name(target.id))]
    if cells and target is not None:
        cell_patch = target.patch(int(patch)) if patch is not None else target.patch(
            int(target.find_patch(*center)))
        scene.add_cells(cell_patch)
    name = type(skymap).__name__
    scene.title = title if title is not None else (
        f"{name}: tract {target.id}" if tract is not None
        else f"{name}: {view_radius:g} deg around ({center[0]:.4f}, {center[1]:.4f})")
    return scene


#: At most the patches of this many tracts are drawn in a view around a point.
MAX_PATCH_TRACTS = 9


def _owners_in_view(skymap: Any, view: WcsView) -> list[Any]:
    """The tracts owning points of the view (an 11 x 11 grid of probes), nearest the
    centre first."""
    x0, x1, y0, y1 = view.extent
    gx, gy = np.meshgrid(np.linspace(x0, x1, 11), np.linspace(y0, y1, 11))
    order = np.argsort(np.hypot(gx - (x0 + x1) / 2, gy - (y0 + y1) / 2).ravel(), kind="stable")
    lon, lat = view.wcs.wcs_pix2world(gx.ravel()[order], gy.ravel()[order], 0)
    ids = skymap.find_tract(lon, lat)
    seen = list(dict.fromkeys(int(i) for i in ids if i >= 0))
    return [skymap[i] for i in seen[:MAX_PATCH_TRACTS]]


#: At most this many neighbouring tracts are drawn in a zoomed view.
MAX_ZOOM_TRACTS = 500


def _tracts_near(skymap: Any, center: tuple[float, float], radius: float) -> np.ndarray:
    """Ids of the tracts whose outer region overlaps a circle around ``center``."""
    from ..coverage import overlapping
    from ..geometry import Circle

    table = overlapping(skymap, Circle(*center, min(radius, 179.0)), "tract")
    ids = np.unique(np.asarray(table.column("tract").to_numpy(), dtype=np.int64))
    if len(ids) > MAX_ZOOM_TRACTS:  # keep the nearest
        from ._projections import _separation_deg

        lon, lat = skymap.tract_centers()
        sel = ids - int(skymap.tract_ids()[0])
        ids = ids[np.argsort(_separation_deg(*center, lon[sel], lat[sel]))[:MAX_ZOOM_TRACTS]]
    return np.sort(ids)
