"""A skymap is built once and then stays in Rust: ``skymaps register`` on
``hsc_rings_v1`` (records, registration, the stored ``skyMap`` dataset) builds the
Rust skymap exactly once, counted by the core (``_core.skymap_builds``)."""

from __future__ import annotations

import pytest

pytest.importorskip("lsst.daf.butler")

from click.testing import CliRunner  # noqa: E402

import skymaps  # noqa: E402
from skymaps import _core  # noqa: E402
from skymaps.cli import main  # noqa: E402

pytestmark = pytest.mark.butler

TINY = {
    "name": "tiny",
    "skyMap.name": "discrete",
    "skyMap['discrete'].raList": [10.0, 359.8],
    "skyMap['discrete'].decList": [-5.0, 0.1],
    "skyMap['discrete'].radiusList": [0.3, 0.2],
}


def test_cli_register_hsc_builds_the_skymap_once(tmp_path):
    before = _core.skymap_builds()
    result = CliRunner().invoke(
        main,
        ["register", str(tmp_path / "repo"), "--preset", "hsc_rings_v1", "--dry-run",
         "--no-progress"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert "e29fe9f1008e359f36a3677e7d69cc439376d1e6" in result.output
    assert _core.skymap_builds() - before == 1


def test_api_register_uses_the_built_skymap(tmp_path):
    from skymaps.butler import dimension_records, register
    name, sky = skymaps.load_config(None, TINY)
    before = _core.skymap_builds()
    records = dimension_records(sky, name)
    result = register(tmp_path / "repo", sky, name, records=records, progress=False)
    assert result.status == "registered"
    assert records.tract_max == len(sky) and records.hash == sky.hash
    assert _core.skymap_builds() == before
    with pytest.raises(TypeError, match="skymaps.SkyMap"):
        register(tmp_path / "repo", sky.config, "tiny_dict", progress=False)
