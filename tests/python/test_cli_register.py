"""``skymaps register`` and ``butler register-skymaps`` against real repositories.

Oracles: the butler's own query system (records, spatial joins) and lsst.sphgeom
(brute-force overlap of a region with every registered patch).
"""

from __future__ import annotations

import pytest

pytest.importorskip("lsst.daf.butler")

from butler_support import sqlite_snapshot  # noqa: E402
from click.testing import CliRunner  # noqa: E402
from conftest import tiny_discrete  # noqa: E402

from skymaps.cli import main  # noqa: E402

pytestmark = pytest.mark.butler

@pytest.fixture
def tiny_config(tmp_path):
    path = tmp_path / "tiny.py"
    path.write_text(tiny_discrete())
    return str(path)


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.output


def test_dry_run_creates_nothing(tmp_path, tiny_config):
    repo = tmp_path / "repo"
    code, out = run("register", repo, "-C", tiny_config, "--dry-run")
    assert code == 0, out
    assert "dry run: would register skymap 'tiny_discrete'" in out
    assert "2 tract" in out and "patch" in out and "hash " in out
    assert not repo.exists()


def test_register_rerun_conflict(tmp_path, tiny_config):
    from lsst.daf.butler import Butler

    repo = tmp_path / "repo"
    code, out = run("register", repo, "-C", tiny_config, "--no-progress")
    assert code == 0, out
    assert "registered skymap 'tiny_discrete'" in out
    before = sqlite_snapshot(repo)
    assert len(before["tract"]) == 2 and len(before["skymap"]) == 1

    code, out = run("register", repo, "-C", tiny_config)
    assert code == 0 and "already registered; nothing written" in out
    assert sqlite_snapshot(repo) == before

    # Same name, another definition: refused, non-zero exit, repository unchanged.
    code, out = run("register", repo, "-C", tiny_config, "-c", 'skyMap["discrete"].pixelScale=0.25')
    assert code != 0
    assert "different skymap is already registered as 'tiny_discrete'" in out
    assert sqlite_snapshot(repo) == before

    # Same definition, another name: refused too.
    code, out = run("register", repo, "-C", tiny_config, "--name", "tiny_again")
    assert code != 0 and "already registered under the name 'tiny_discrete'" in out
    assert sqlite_snapshot(repo) == before

    butler = Butler.from_config(str(repo))
    assert len(list(butler.registry.queryDimensionRecords("patch", skymap="tiny_discrete"))) == len(
        before["patch"]
    )


def test_spatial_join_matches_sphgeom(tmp_path, tiny_config):
    import lsst.sphgeom as sg
    from lsst.daf.butler import Butler

    repo = tmp_path / "repo"
    assert run("register", repo, "-C", tiny_config, "--no-progress")[0] == 0
    butler = Butler.from_config(str(repo))
    patches = list(butler.registry.queryDimensionRecords("patch", skymap="tiny_discrete"))
    # Circles inside one tract, across its edge and across RA = 0.
    for lon, lat, radius in [(10.05, -5.02, 0.05), (10.3, -5.3, 0.1), (0.02, 0.1, 0.08)]:
        circle = sg.Circle(
            sg.UnitVector3d(sg.LonLat.fromDegrees(lon, lat)), sg.Angle.fromDegrees(radius)
        )
        with butler.query() as query:
            found = {
                (d["tract"], d["patch"])
                for d in query.data_ids(["patch"]).where(
                    "patch.region OVERLAPS(r)", bind={"r": circle}, skymap="tiny_discrete"
                )
            }
        expected = {(p.tract, p.id) for p in patches if not p.region.relate(circle) & sg.DISJOINT}
        assert found == expected and found


def test_missing_source_is_usage_error(tmp_path):
    code, out = run("register", tmp_path / "repo")
    assert code != 0 and "--preset" in out
    code, out = run("register", tmp_path / "repo", "--preset", "no_such_skymap", "--dry-run")
    assert code != 0 and "unknown preset" in out


def test_butler_subcommand(tmp_path, tiny_config):
    from lsst.daf.butler.cli.butler import cli as butler_cli

    runner = CliRunner()
    help_text = runner.invoke(butler_cli, ["--help"]).output
    assert "register-skymaps" in help_text
    result = runner.invoke(
        butler_cli, ["register-skymaps", str(tmp_path / "repo"), "-C", tiny_config]
    )
    assert result.exit_code == 0, result.output
    assert "registered skymap 'tiny_discrete'" in result.output
    assert len(sqlite_snapshot(tmp_path / "repo")["tract"]) == 2


def test_skymap_dataset_is_json_and_rebuilds(tmp_path, tiny_config):
    import json
    import subprocess
    import sys

    from lsst.daf.butler import Butler

    import skymaps
    from skymaps.config import resolve_file

    repo = tmp_path / "repo"
    assert run("register", repo, "-C", tiny_config, "--no-progress")[0] == 0
    butler = Butler.from_config(str(repo), collections="skymaps")
    uri = butler.getURI("skyMap", skymap="tiny_discrete")
    document = json.loads(uri.read())  # JSON, not a pickle
    assert document["name"] == "tiny_discrete" and document["format"] == "skymaps.skymap"
    expected = skymaps.SkyMap.from_config(resolve_file(tiny_config).config)
    assert document["hash"] == expected.hash.hex()
    sky = butler.get("skyMap", skymap="tiny_discrete")
    assert isinstance(sky, skymaps.SkyMap) and sky.hash == expected.hash
    # A fresh process that never imports skymaps.butler reads it through the repo config.
    code = (
        "from lsst.daf.butler import Butler; import sys; "
        f"b = Butler.from_config({str(repo)!r}, collections='skymaps'); "
        "import skymaps; s = b.get('skyMap', skymap='tiny_discrete'); "
        "print(isinstance(s, skymaps.SkyMap), s.hash.hex())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", expected.hash.hex()]


def test_tampered_dataset_is_refused(tmp_path, tiny_config):
    import json

    from lsst.daf.butler import Butler

    from skymaps.butler.formatter import skymap_from_document
    from skymaps.errors import DecodeError

    repo = tmp_path / "repo"
    assert run("register", repo, "-C", tiny_config, "--no-progress")[0] == 0
    butler = Butler.from_config(str(repo), collections="skymaps")
    document = json.loads(butler.getURI("skyMap", skymap="tiny_discrete").read())
    assert skymap_from_document(document).hash.hex() == document["hash"]
    document["config"]["pixelScale"] = 0.3
    with pytest.raises(DecodeError, match="rebuilds a skymap with hash"):
        skymap_from_document(document)
    with pytest.raises(DecodeError, match="not a skymaps skyMap document"):
        skymap_from_document({"format": "pickle"})
