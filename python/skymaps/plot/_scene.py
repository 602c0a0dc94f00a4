"""A drawing of a skymap as plain data: projected outlines, fills, points and labels.

A :class:`Scene` is built from the sky (tracts, patches, cells, regions, MOCs, points)
through one projection (:mod:`._projections`); the matplotlib and HTML renderers only
turn its shapes into artists or SVG, so both draw the same geometry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ._sphere import polygon_ring, region_lines

__all__ = ["Shape", "Label", "Scene"]


@dataclass
class Shape:
    """One thing drawn: its layer (``tract``, ``patch``, ``cell``, ``region``, ``moc``,
    ``points``, ``grid``), role (``inner``/``outer`` for skymap pieces), hover text, and
    projected polylines / fill rings / points as (N, 2) arrays."""

    layer: str
    role: str = ""
    label: str = ""
    lines: list[np.ndarray] = field(default_factory=list)
    fills: list[np.ndarray] = field(default_factory=list)
    points: np.ndarray | None = None
    color: str | None = None


@dataclass
class Label:
    """Text at a projected point, in a layer (so renderers size it per layer)."""

    x: float
    y: float
    text: str
    layer: str


#: Tracts drawn as outlines up to this many in an all-sky view (then as centres).
MAX_OUTLINED_TRACTS = 25_000
#: Tracts labelled by default up to this many.
MAX_LABELLED_TRACTS = 300


class Scene:
    """Projected shapes and labels of one view; render with :meth:`figure`,
    :meth:`savefig` or :meth:`to_html`.

    Build one with :func:`skymaps.plot.allsky` or :func:`skymaps.plot.zoom`, then add
    footprints, MOCs and points with the ``add_*`` methods (each returns the scene).
    """

    def __init__(
        self, projection: Any, step_deg: float, title: str = "", hover: bool = False
    ) -> None:
        self.projection = projection
        #: Also keep filled areas of tracts and patches (what the HTML page hovers on).
        self.hover = hover
        self.step_deg = float(step_deg)
        self.title = title
        self.shapes: list[Shape] = []
        self.labels: list[Label] = []
        self.notes: list[str] = []

    # -- skymap pieces ---------------------------------------------------------------

    def add_tracts(
        self,
        skymap: Any,
        tract_ids: Any = None,
        regions: tuple[str, ...] = ("inner",),
        labels: bool | None = None,
    ) -> Scene:
        """Outline tracts (all, or ``tract_ids``): their ``inner`` region (the part each
        owns) and/or ``outer`` region (the pixel box, as registered in a butler)."""
        ids = skymap.tract_ids() if tract_ids is None else np.asarray(tract_ids, np.int64)
        if len(ids) > MAX_OUTLINED_TRACTS:
            lon, lat = skymap.tract_centers()
            first = int(skymap.tract_ids()[0]) if len(skymap) else 0
            sel = ids - first
            self.shapes.append(
                Shape("points", "tract", f"{len(ids)} tract centres",
                      points=self.projection.points(lon[sel], lat[sel]))
            )
            self.notes.append(f"{len(ids)} tracts: centres drawn instead of outlines")
            return self
        for tract_id in ids:
            tract = skymap[int(tract_id)]
            self._add_tract(skymap, tract, regions)
        if labels is None:
            labels = len(ids) <= MAX_LABELLED_TRACTS
        if labels:
            for tract_id in ids:
                lon, lat = skymap[int(tract_id)].center
                xy = self.projection.points(lon, lat).reshape(-1, 2)[0]
                if np.isfinite(xy).all():
                    self.labels.append(
                        Label(*xy, skymap.tract_name(int(tract_id)), "tract")
                    )
        return self

    def _add_tract(self, skymap: Any, tract: Any, regions: tuple[str, ...]) -> None:
        name = skymap.tract_name(tract.id)
        text = f"tract {name}" if name == str(tract.id) else f"tract {tract.id} ({name})"
        for role in regions:
            region = tract.inner_region if role == "inner" else tract.outer_region
            outline = region_lines(region, self.step_deg)
            hover = self.hover and role == "inner"
            self.shapes.append(Shape("tract", role, text, lines=self._project(outline),
                                     fills=self._rings(region, outline) if hover else []))

    def add_patches(
        self,
        tract: Any,
        patch_ids: Any = None,
        regions: tuple[str, ...] = ("inner",),
        labels: bool = True,
        qualified: bool = False,
    ) -> Scene:
        """Outline the patches of ``tract`` (all, or ``patch_ids``); labels are patch
        ids, or ``tract:patch`` if ``qualified``."""
        patches = list(tract) if patch_ids is None else [tract.patch(int(p)) for p in patch_ids]
        for patch in patches:
            text = f"tract {tract.id} patch {patch.id} {patch.index}"
            for role in regions:
                vertices = (
                    patch.inner_polygon_vertices if role == "inner"
                    else patch.outer_polygon_vertices
                )
                lon, lat = polygon_ring(vertices, self.step_deg)
                self.shapes.append(Shape(
                    "patch", role, text, lines=self.projection.lines(lon, lat),
                    fills=self.projection.rings(lon, lat) if self.hover and role == "inner"
                    else []))
            if labels:
                spot = self._label_spot(tract, patch.inner_bbox, qualified)
                if spot is not None:
                    text = f"{tract.id}:{patch.id}" if qualified else str(patch.id)
                    self.labels.append(Label(*spot, text, "patch"))
        return self

    def _label_spot(self, tract: Any, box: Any, owned_only: bool) -> np.ndarray | None:
        """Where to write a patch's id: its centre, or with several tracts' patches in
        view, the point nearest its centre that its tract owns (one label per place)."""
        fx = np.array([0.5, 0.2, 0.8, 0.5, 0.5, 0.2, 0.8, 0.2, 0.8])
        fy = np.array([0.5, 0.5, 0.5, 0.2, 0.8, 0.2, 0.2, 0.8, 0.8])
        lon, lat = tract.wcs.pixel_to_sky(box.x0 - 0.5 + fx * box.width,
                                          box.y0 - 0.5 + fy * box.height)
        ok = tract.inner_region.contains(lon, lat) if owned_only else np.ones(9, bool)
        if not ok.any():
            return None
        k = int(np.argmax(ok))
        xy = self.projection.points(lon[k], lat[k]).reshape(-1, 2)[0]
        return xy if np.isfinite(xy).all() else None

    def add_cells(self, patch: Any, regions: tuple[str, ...] = ("inner",)) -> Scene:
        """Outline the cells of ``patch`` (cells tract builder)."""
        for cell in patch:
            text = f"tract {patch.tract.id} patch {patch.id} cell {cell.id} {cell.index}"
            for role in regions:
                region = cell.inner_polygon if role == "inner" else cell.outer_polygon
                self.shapes.append(Shape("cell", role, text, lines=self._lines(region)))
        return self

    # -- overlays ----------------------------------------------------------------------

    def add_region(
        self, region: Any, label: str = "", fill: bool = True, color: str | None = None
    ) -> Scene:
        """A footprint: any skymaps region (or an ``lsst.sphgeom`` region), outlined
        and, if ``fill``, shaded."""
        from ..geometry import _as_region

        region = _as_region(region)
        fills = self._rings(region) if fill else []
        self.shapes.append(
            Shape("region", "", label, lines=self._lines(region), fills=fills, color=color)
        )
        return self

    def add_moc(
        self, moc: Any, label: str = "", max_cells: int = 20_000, color: str | None = None
    ) -> Scene:
        """A ``mocpy.MOC``, its HEALPix cells shaded (degraded to at most about
        ``max_cells`` cells, which can only enlarge it)."""
        from ..pixelization import Healpix

        depth = int(moc.max_order)
        coarse = moc
        while depth > 0 and coarse.uniq_hpx.size > max_cells:
            depth -= 1
            coarse = moc.degrade_to_order(depth)
        uniq = np.asarray(coarse.uniq_hpx, dtype=np.int64)
        orders = (np.floor(np.log2(uniq // 4) / 2)).astype(np.int64)
        fills: list[np.ndarray] = []
        for order in np.unique(orders):
            hp = Healpix(int(order))
            # Boundary points about step_deg apart (cell size ~ 58.6 / 2**order deg).
            step = max(1, int(np.ceil(58.6 / 2**order / self.step_deg / 4)))
            for ipix in uniq[orders == order] - 4 * 4 ** int(order):
                lonlat = np.asarray(hp.pixel_boundary(int(ipix), step))
                lon = np.append(lonlat[:, 0], lonlat[0, 0])
                lat = np.append(lonlat[:, 1], lonlat[0, 1])
                fills.extend(self.projection.rings(lon, lat))
        self.shapes.append(Shape("moc", "", label or f"MOC (order {depth})", fills=fills,
                                 color=color))
        return self

    def add_points(
        self, lon: Any, lat: Any = None, label: str = "", color: str | None = None
    ) -> Scene:
        """Points (degrees, or a ``SkyCoord``)."""
        from .._coords import lonlat_arrays

        flat = lonlat_arrays(lon, lat)
        self.shapes.append(
            Shape("points", "", label, points=self.projection.points(flat.lon, flat.lat),
                  color=color)
        )
        return self

    def add_label(self, lon: float, lat: float, text: str, layer: str = "region") -> Scene:
        """Text at a sky position."""
        xy = self.projection.points(lon, lat).reshape(-1, 2)[0]
        if np.isfinite(xy).all():
            self.labels.append(Label(*xy, text, layer))
        return self

    # -- geometry helpers ----------------------------------------------------------------

    def _lines(self, region: Any) -> list[np.ndarray]:
        return self._project(region_lines(region, self.step_deg))

    def _project(self, outline: list[Any]) -> list[np.ndarray]:
        out: list[np.ndarray] = []
        for lon, lat in outline:
            out.extend(self.projection.lines(lon, lat))
        return out

    def _rings(self, region: Any, outline: list[Any] | None = None) -> list[np.ndarray]:
        from ..geometry import Box

        if isinstance(region, Box) and region.lon_range[1] - region.lon_range[0] >= 360.0:
            lat_min, lat_max = region.lat_range
            if lat_min > -90.0 and lat_max < 90.0:
                return []  # a band all around the sky: no ring bounds it
        out: list[np.ndarray] = []
        if outline is None:
            outline = region_lines(region, self.step_deg)
        for lon, lat in outline:
            out.extend(self.projection.rings(lon, lat))
        return out

    # -- rendering ---------------------------------------------------------------------

    def figure(self, **kwargs: Any) -> Any:
        """A matplotlib ``Figure`` of the scene (needs the ``plot`` extra)."""
        from ._mpl import render

        return render(self, **kwargs)

    def savefig(self, path: Any, dpi: int = 120, **kwargs: Any) -> Any:
        """Render with matplotlib and save (PNG, PDF, SVG by suffix); returns the figure."""
        fig = self.figure(**kwargs)
        fig.savefig(path, dpi=dpi, bbox_inches="tight")
        return fig

    def to_html(self, path: Any = None) -> str:
        """One self-contained HTML page (inline SVG and script, nothing fetched) in which
        the view pans (drag) and zooms (wheel) and shows ids on hover; written to
        ``path`` if given. Returns the page."""
        from ._html import render_html

        page = render_html(self)
        if path is not None:
            with open(path, "w", encoding="utf-8") as f:
                f.write(page)
        return page
