"""The interactive page: one self-contained HTML file, opened in headless Chromium.

The page must need no network (no ``src``/``href``, no URL but the SVG namespace),
its script must run (it marks ``<body data-ready="1">`` and fills a status line from
the drawn elements), the screenshot must show a drawing, and the tract and patch ids
must be in the page for hovering.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import numpy as np
import pytest

pytest.importorskip("matplotlib")
from click.testing import CliRunner  # noqa: E402
from matplotlib.image import imread  # noqa: E402

import skymaps  # noqa: E402
from skymaps import plot  # noqa: E402
from skymaps.cli import main  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian package 'chromium' not installed (.ci/run installs it)"
)


def _chromium(*args: str) -> str:
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
           "--virtual-time-budget=5000", *args]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def _self_contained(page: str) -> None:
    assert not re.search(r"\b(src|href)\s*=", page)
    urls = set(re.findall(r"https?://[^\s\"'<>]+", page))
    assert urls <= {"http://www.w3.org/2000/svg"}


def test_page_ids_and_structure():
    sky = skymaps.preset("hsc_rings_v1")
    page = plot.zoom(sky, 9813, hover=True).to_html()
    _self_contained(page)
    ids = set(re.findall(r'data-id="([^"]+)"', page))
    tract = sky[9813]
    assert {f"tract 9813 patch {p.id} {p.index}" for p in tract} <= ids
    assert "tract 9813" in ids


@needs_chromium
def test_page_renders_in_chromium(tmp_path):
    page = tmp_path / "tract.html"
    result = CliRunner().invoke(
        main, ["plot", "--preset", "hsc_rings_v1", "--tract", "9813", "--html", str(page)])
    assert result.exit_code == 0, result.output
    _self_contained(page.read_text())
    shot = tmp_path / "shot.png"
    _chromium("--window-size=900,800", f"--screenshot={shot}", page.as_uri())
    img = imread(shot)[..., :3].mean(axis=2)
    assert img.shape == (800, 900)
    drawn = img < 0.95
    assert 0.02 < drawn.mean() < 0.6  # lines on a white page, not blank, not a blot
    # Lines across the whole drawing area, not one corner.
    rows, cols = np.nonzero(drawn[40:])
    assert np.ptp(rows) > 500 and np.ptp(cols) > 500
    dom = _chromium("--dump-dom", page.as_uri())
    assert 'data-ready="1"' in dom  # the script ran
    assert re.search(r"\b\d+ tracts, 81 patches\b", dom)
    assert 'data-id="tract 9813 patch 40 (4, 4)"' in dom
    assert ">40</text>" in dom and ">9812</text>" in dom  # a neighbour


#: Appended to a copy of the page: moves the pointer to the middle of the drawing and
#: turns the wheel there, then writes what the page did into <body> attributes.
_PROBE = """<script>
const svg = document.getElementById('map');
const r = svg.getBoundingClientRect();
const x = r.left + r.width / 2, y = r.top + r.height / 2;
document.elementFromPoint(x, y).dispatchEvent(new PointerEvent('pointermove',
    {bubbles: true, clientX: x, clientY: y}));
document.body.setAttribute('data-tip', document.getElementById('tip').textContent);
const before = svg.getAttribute('viewBox');
svg.dispatchEvent(new WheelEvent('wheel', {deltaY: -100, clientX: x, clientY: y,
    bubbles: true, cancelable: true}));
document.body.setAttribute('data-zoomed', String(svg.getAttribute('viewBox') !== before));
</script></body>"""


@needs_chromium
def test_page_hover_and_zoom_in_chromium(tmp_path):
    sky = skymaps.preset("hsc_rings_v1")
    page = plot.zoom(sky, 9813, hover=True).to_html()
    probe = tmp_path / "probe.html"
    probe.write_text(page.replace("</body>", _PROBE))
    dom = _chromium("--window-size=900,800", "--dump-dom", probe.as_uri())
    # The middle of tract 9813's own frame is its middle patch, 40 = (4, 4).
    assert 'data-tip="tract 9813 patch 40 (4, 4)"' in dom
    assert 'data-zoomed="true"' in dom


@needs_chromium
def test_allsky_page_renders_in_chromium(tmp_path):
    page = tmp_path / "sky.html"
    result = CliRunner().invoke(main, [
        "plot", "--preset", "hsc_rings_v1", "-c", "skyMap['rings'].numRings=12",
        "--html", str(page)])
    assert result.exit_code == 0, result.output
    config = skymaps.config.preset_config("hsc_rings_v1") | {"numRings": 12}
    n_tracts = len(skymaps.SkyMap.from_config(config))
    shot = tmp_path / "shot.png"
    _chromium("--window-size=1000,560", f"--screenshot={shot}", page.as_uri())
    img = imread(shot)[..., :3].mean(axis=2)
    assert 0.02 < (img < 0.95).mean() < 0.7
    dom = _chromium("--dump-dom", page.as_uri())
    assert 'data-ready="1"' in dom
    assert 'data-id="tract 0"' in dom
    assert f"{n_tracts} tracts (drag" in dom


def _grid_paths(page: str, coord: str) -> dict[float, list[np.ndarray]]:
    """Plane polylines (y back up) of each grid line of the page, by its RA or Dec."""
    out = {}
    for value, d in re.findall(rf'<path class="line" data-{coord}="([^"]+)" d="([^"]*)"', page):
        pieces = [np.array(re.findall(r"(-?[\d.]+),(-?[\d.]+)", m), dtype=np.float64)
                  * [1.0, -1.0] for m in d.split("M") if m.strip()]
        out[float(value)] = pieces
    return out


def _grid_labels(page: str, coord: str) -> dict[float, tuple[np.ndarray, str]]:
    found = re.findall(rf'<text class="grid-label" data-{coord}="([^"]+)" x="([^"]+)" '
                       rf'y="([^"]+)"[^>]*>([^<]*)</text>', page)
    return {float(v): (np.array([float(x), -float(y)]), text) for v, x, y, text in found}


def _distance_to_polyline(p: np.ndarray, pieces: list[np.ndarray]) -> float:
    best = np.inf
    for line in pieces:
        a, b = line[:-1], line[1:]
        length2 = np.maximum(np.einsum("ij,ij->i", b - a, b - a), 1e-300)
        t = np.clip(np.einsum("ij,ij->i", p - a, b - a) / length2, 0, 1)
        best = min(best, float(np.min(np.linalg.norm(a + t[:, None] * (b - a) - p, axis=1))))
    return best


def _mollweide(lon, lat, center_lon=180.0):
    """Independent Mollweide (east left): theta by bisection of 2t + sin 2t = pi sin lat."""
    lo, hi = np.full(np.shape(lat), -np.pi / 2), np.full(np.shape(lat), np.pi / 2)
    target = np.pi * np.sin(np.radians(lat))
    for _ in range(60):
        mid = (lo + hi) / 2
        below = 2 * mid + np.sin(2 * mid) < target
        lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
    theta = (lo + hi) / 2
    rel = np.radians((np.asarray(lon) - center_lon + 180.0) % 360.0 - 180.0)
    return np.stack([-2 * np.sqrt(2) / np.pi * rel * np.cos(theta),
                     np.sqrt(2) * np.sin(theta)], -1)


def test_allsky_page_has_a_labelled_graticule_in_its_projection():
    page = plot.allsky(skymaps.preset("hsc_rings_v1")).to_html()
    decs, ras = _grid_paths(page, "dec"), _grid_paths(page, "ra")
    assert sorted(decs) == [-60, -30, 0, 30, 60] and sorted(ras) == list(range(0, 360, 30))
    # The equator is y = 0 across the whole ellipse.
    equator = np.concatenate(decs[0])
    assert np.abs(equator[:, 1]).max() < 1e-4
    assert equator[:, 0].min() < -2.8 and equator[:, 0].max() > 2.8
    # Points at Dec 0 and on the RA 90 meridian lie on the drawn lines (4 decimals).
    for lon in (10.0, 90.0, 250.0):
        assert _distance_to_polyline(_mollweide(lon, 0.0), decs[0]) < 1e-3
    for lat in (-75.0, -20.0, 45.0):
        assert _distance_to_polyline(_mollweide(90.0, lat), ras[90]) < 1e-3
    # Every drawn point of a parallel is at its latitude: y = sqrt2 sin theta.
    for lat, pieces in decs.items():
        assert np.abs(np.concatenate(pieces)[:, 1] - _mollweide(0.0, lat)[1]).max() < 1e-3
    labels = {**_grid_labels(page, "dec"), **_grid_labels(page, "ra")}
    assert labels[30][1] == "+30°" and labels[-60][1] == "-60°" and labels[120][1] == "120°"
    assert np.allclose(labels[120][0], _mollweide(120.0, 0.0), atol=1e-3)


@pytest.mark.parametrize("view", ["tract", "pole", "ra0"])
def test_zoom_page_graticule_is_placed_by_the_wcs(view):
    sky = skymaps.preset("hsc_rings_v1")
    scene = (plot.zoom(sky, 9813) if view == "tract" else
             plot.zoom(sky, center=(0.0, 89.5) if view == "pole" else (0.0, 0.0), radius=2))
    page = scene.to_html()
    wcs = scene.projection.wcs  # astropy evaluates it: the oracle for where lines go
    x0, x1, y0, y1 = scene.projection.extent
    pixel = np.hypot(*np.abs(wcs.pixel_scale_matrix).sum(axis=0))  # degrees per pixel
    for coord, index in (("dec", 1), ("ra", 0)):
        lines = _grid_paths(page, coord)
        labels = _grid_labels(page, coord)
        assert len(lines) >= 2 and set(labels) == set(lines)
        for value, pieces in lines.items():
            pts = np.concatenate(pieces)
            assert ((pts[:, 0] >= x0 - 1) & (pts[:, 0] <= x1 + 1)).all()
            world = np.array(wcs.wcs_pix2world(pts[:, 0], pts[:, 1], 0))[index]
            label = np.array(wcs.wcs_pix2world(*labels[value][0], 0))[index]
            err = (np.append(world, label) - value + 180.0) % 360.0 - 180.0
            if coord == "ra":  # near a pole RA changes fast across a pixel
                err = err * np.cos(np.radians(np.array(wcs.wcs_pix2world(
                    np.append(pts[:, 0], labels[value][0][0]),
                    np.append(pts[:, 1], labels[value][0][1]), 0))[1]))
            # Within a pixel (the page rounds plane coordinates to the view's size).
            assert np.abs(err).max() < pixel, (view, coord, value)
    if view == "ra0":  # one line at Dec 0, through the projected points at Dec 0
        ra = np.linspace(-1.5, 1.5, 7)
        x, y = wcs.wcs_world2pix(ra % 360.0, np.zeros(7), 0)
        line = _grid_paths(page, "dec")[0.0]
        for p in zip(x, y, strict=True):
            assert _distance_to_polyline(np.array(p), line) < 0.2
