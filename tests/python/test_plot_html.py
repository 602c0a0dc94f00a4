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
