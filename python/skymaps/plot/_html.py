"""Render a :class:`~._scene.Scene` as one self-contained HTML page.

The page holds the drawing as inline SVG (plane coordinates, y flipped) and a short
inline script: drag to pan, wheel (or the +/- buttons) to zoom about the pointer,
hover to see the id of the tract, patch or cell under the pointer. Nothing is fetched,
so the file opens offline and can be mailed or attached to a ticket. Every hovered
element carries its id as ``data-id`` and a ``<title>``, so the ids are in the page's
text too.
"""

from __future__ import annotations

import html
import math

import numpy as np

from ._graticule import graticule
from ._scene import Scene

__all__ = ["render_html"]

_STROKE = {
    ("tract", "inner"): "stroke:#1f77b4;stroke-width:1.2",
    ("tract", "outer"): "stroke:#1f77b4;stroke-width:0.8;stroke-dasharray:4 3;opacity:.6",
    ("patch", "inner"): "stroke:#ff7f0e;stroke-width:0.8",
    ("patch", "outer"): "stroke:#ff7f0e;stroke-width:0.6;stroke-dasharray:1 2;opacity:.7",
    ("cell", "inner"): "stroke:#777;stroke-width:0.5",
    ("cell", "outer"): "stroke:#999;stroke-width:0.5;stroke-dasharray:1 2",
    ("region", ""): "stroke:#d62728;stroke-width:1.5",
    ("grid", ""): "stroke:#ccc;stroke-width:0.6",
}
_FILL = {"region": "fill:#d62728;fill-opacity:.25", "moc": "fill:#2ca02c;fill-opacity:.35"}
#: Points drawn at most (a sample beyond that).
_MAX_POINTS = 20_000

_SCRIPT = r"""
(function () {
  const svg = document.getElementById('map');
  const tip = document.getElementById('tip');
  const home = svg.getAttribute('viewBox').split(' ').map(Number);
  let box = home.slice();
  function apply() { svg.setAttribute('viewBox', box.join(' ')); }
  function toSvg(ev) {
    const p = svg.createSVGPoint(); p.x = ev.clientX; p.y = ev.clientY;
    return p.matrixTransform(svg.getScreenCTM().inverse());
  }
  function zoomAt(factor, cx, cy) {
    box = [cx - (cx - box[0]) * factor, cy - (cy - box[1]) * factor,
           box[2] * factor, box[3] * factor];
    apply();
  }
  svg.addEventListener('wheel', function (ev) {
    ev.preventDefault();
    const p = toSvg(ev);
    zoomAt(ev.deltaY < 0 ? 1 / 1.25 : 1.25, p.x, p.y);
  }, {passive: false});
  let drag = null;
  svg.addEventListener('pointerdown', function (ev) {
    drag = {x: ev.clientX, y: ev.clientY, box: box.slice()};
    svg.setPointerCapture(ev.pointerId);
  });
  svg.addEventListener('pointerup', function () { drag = null; });
  svg.addEventListener('pointermove', function (ev) {
    if (drag) {
      const scale = box[2] / svg.clientWidth;
      box[0] = drag.box[0] - (ev.clientX - drag.x) * scale;
      box[1] = drag.box[1] - (ev.clientY - drag.y) * scale;
      apply();
      return;
    }
    const el = ev.target.closest('[data-id]');
    if (el) {
      tip.textContent = el.getAttribute('data-id');
      tip.style.left = (ev.pageX + 12) + 'px';
      tip.style.top = (ev.pageY + 12) + 'px';
      tip.style.display = 'block';
    } else {
      tip.style.display = 'none';
    }
  });
  svg.addEventListener('pointerleave', function () { tip.style.display = 'none'; });
  document.getElementById('zin').onclick = function () {
    zoomAt(1 / 1.5, box[0] + box[2] / 2, box[1] + box[3] / 2); };
  document.getElementById('zout').onclick = function () {
    zoomAt(1.5, box[0] + box[2] / 2, box[1] + box[3] / 2); };
  document.getElementById('reset').onclick = function () { box = home.slice(); apply(); };
  const count = function (sel) { return svg.querySelectorAll(sel).length; };
  const parts = [];
  for (const [layer, name] of [['tract', 'tracts'], ['patch', 'patches'], ['cell', 'cells']]) {
    const n = count('g.' + layer + '.hover [data-id]');
    if (n) parts.push(n + ' ' + name);
  }
  document.getElementById('status').textContent = parts.join(', ') +
    ' (drag to pan, wheel to zoom, hover for ids)';
  document.body.setAttribute('data-ready', '1');
})();
"""

_STYLE = """
body { margin: 0; font: 13px sans-serif; }
#bar { padding: 4px 8px; background: #f4f4f4; border-bottom: 1px solid #ddd; }
#bar button { margin-left: 4px; }
#map { display: block; width: 100vw; height: calc(100vh - 32px); background: #fff;
       cursor: grab; touch-action: none; }
#map path, #map circle { vector-effect: non-scaling-stroke; }
#map .hover [data-id] { fill: transparent; pointer-events: all; }
#map .hover [data-id]:hover { fill: rgba(255, 200, 0, .35); }
#map path.line { fill: none; pointer-events: none; }
#map text { pointer-events: none; text-anchor: middle; dominant-baseline: middle; }
#tip { position: absolute; display: none; background: #ffe; border: 1px solid #aa8;
       padding: 2px 5px; pointer-events: none; }
"""


def _fmt(rings: list[np.ndarray], digits: int, close: bool) -> str:
    """SVG path data of polylines (y flipped: SVG's y grows downwards)."""
    out = []
    for ring in rings:
        if len(ring) < 2:
            continue
        pts = " ".join(f"{x:.{digits}f},{-y:.{digits}f}" for x, y in ring)
        out.append("M" + pts + (" Z" if close else ""))
    return " ".join(out)


def _grid_svg(projection: object, digits: int, size: float, clip: str) -> str:
    """The labelled RA/Dec grid: one path per line, carrying its coordinate and value
    (``data-ra``/``data-dec``), then its label."""
    paths, labels = [], []
    for line in graticule(projection):
        paths.append(f'<path class="line" data-{line.coord}="{line.value:g}" '
                     f'd="{_fmt(line.lines, digits, False)}"/>')
        if line.label_xy is not None:
            x, y = line.label_xy
            labels.append(f'<text class="grid-label" data-{line.coord}="{line.value:g}" '
                          f'x="{x:.{digits}f}" y="{-y:.{digits}f}" '
                          f'style="font-size:{size:.{digits + 1}f}px;fill:#888">'
                          f"{html.escape(line.label)}</text>")
    return (f'<g class="grid" style="{_STROKE[("grid", "")]}"{clip}>' + "".join(paths)
            + "</g>" + "".join(labels))


def render_html(scene: Scene) -> str:
    """The page of a scene (see the module docstring)."""
    projection = scene.projection
    x0, x1, y0, y1 = projection.extent
    width, height = x1 - x0, y1 - y0
    digits = max(0, 4 - int(math.floor(math.log10(max(width, height)))))
    parts: list[str] = []
    clip = ""
    if projection.kind == "allsky":
        frame = _fmt([projection.boundary()], digits, True)
        parts.append(f'<clipPath id="sky"><path d="{frame}"/></clipPath>')
        parts.append(f'<path class="line" d="{frame}" style="stroke:#555;stroke-width:1"/>')
        clip = ' clip-path="url(#sky)"'
    parts.append(_grid_svg(projection, digits, max(width, height) / 80, clip))
    for layer in ("moc", "region"):
        for shape in scene.shapes:
            if shape.layer == layer and shape.fills:
                style = _FILL[layer] + (f";fill:{shape.color}" if shape.color else "")
                parts.append(
                    f'<path d="{_fmt(shape.fills, digits, True)}" style="{style}"{clip}>'
                    f"<title>{html.escape(shape.label)}</title></path>"
                )
    for layer in ("tract", "patch", "cell"):
        for role in ("outer", "inner"):
            shapes = [s for s in scene.shapes if s.layer == layer and s.role == role]
            if not shapes:
                continue
            lines = [ln for s in shapes for ln in s.lines]
            parts.append(f'<g class="{layer} {role}"{clip}><path class="line" '
                         f'd="{_fmt(lines, digits, False)}" style="{_STROKE[(layer, role)]}"/>'
                         "</g>")
    # Hover targets on top, finest layer last so it wins: cells over patches over tracts.
    for layer in ("tract", "patch", "cell"):
        shapes = [s for s in scene.shapes if s.layer == layer and s.role == "inner"]
        if not shapes:
            continue
        items = []
        for shape in shapes:
            label = html.escape(shape.label)
            rings = shape.fills if shape.fills else shape.lines
            d = _fmt(rings, digits, bool(shape.fills))
            items.append(f'<path data-id="{label}" d="{d}"><title>{label}</title></path>')
        parts.append(f'<g class="{layer} hover"{clip}>' + "".join(items) + "</g>")
    for shape in scene.shapes:
        if shape.layer == "region" and shape.lines:
            parts.append(f'<path class="line" d="{_fmt(shape.lines, digits, False)}" '
                         f'style="{_STROKE[("region", "")]}"/>')
        if shape.points is not None and len(shape.points):
            pts = shape.points[np.isfinite(shape.points).all(axis=1)]
            if len(pts) > _MAX_POINTS:
                pts = pts[np.linspace(0, len(pts) - 1, _MAX_POINTS).astype(np.int64)]
            r = max(width, height) / (1500 if shape.role == "tract" else 600)
            color = shape.color or ("#1f77b4" if shape.role == "tract" else "#000")
            circles = "".join(
                f'<circle cx="{x:.{digits}f}" cy="{-y:.{digits}f}" r="{r:.{digits + 1}f}"/>'
                for x, y in pts
            )
            parts.append(f'<g style="fill:{color}"{clip}>{circles}</g>')
    sizes = {"tract": max(width, height) / 45, "patch": max(width, height) / 90}
    for label in scene.labels:
        size = sizes.get(label.layer, max(width, height) / 70)
        color = {"tract": "#14307a", "patch": "#8b4513"}.get(label.layer, "#8b0000")
        weight = "bold" if label.layer == "tract" else "normal"
        parts.append(
            f'<text x="{label.x:.{digits}f}" y="{-label.y:.{digits}f}" '
            f'style="font-size:{size:.{digits + 1}f}px;fill:{color};font-weight:{weight}">'
            f"{html.escape(label.text)}</text>"
        )
    pad = 0.02 * max(width, height)
    view_box = f"{x0 - pad:.{digits}f} {-y1 - pad:.{digits}f} " \
               f"{width + 2 * pad:.{digits}f} {height + 2 * pad:.{digits}f}"
    title = html.escape(scene.title or "skymap")
    notes = html.escape("; ".join(scene.notes))
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{title}</title><style>{_STYLE}</style></head>\n<body>"
        f'<div id="bar"><b>{title}</b> <span id="status"></span> {notes}'
        '<button id="zin">+</button><button id="zout">&minus;</button>'
        '<button id="reset">reset</button></div>\n'
        f'<svg id="map" xmlns="http://www.w3.org/2000/svg" viewBox="{view_box}" '
        f'preserveAspectRatio="xMidYMid meet">\n' + "\n".join(parts) + "\n</svg>"
        f'<div id="tip"></div>\n<script>{_SCRIPT}</script>\n</body></html>\n'
    )
