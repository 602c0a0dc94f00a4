"""Repository paths that are not, and cannot become, a butler repository.

Each gives one line naming the path and the problem: ``RepositoryError`` (an
``OSError`` and a ``SkymapsError``) from Python, ``Error: ...`` and a non-zero exit from
the CLI, never a daf_butler traceback; and nothing is written. The oracles are the file
system itself (the kernel refuses ``/proc`` and ``/sys``) and daf_butler (a path it
accepts is accepted).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytest.importorskip("lsst.daf.butler")

from click.testing import CliRunner  # noqa: E402

import skymaps  # noqa: E402
from skymaps.butler import register  # noqa: E402
from skymaps.cli import main  # noqa: E402
from skymaps.errors import RepositoryError  # noqa: E402

pytestmark = pytest.mark.butler

SKY = skymaps.DiscreteSkyMap(ra_list=[10.0], dec_list=[-5.0], radius_list=[0.3])


def _bad_paths(tmp: Path) -> dict[str, tuple[Path, str]]:
    a_file = tmp / "notes.txt"
    a_file.write_text("not a repository\n")
    not_repo = tmp / "photos"
    not_repo.mkdir()
    (not_repo / "img.fits").write_bytes(b"\0")
    return {
        "regular file": (a_file, "is a file, not a butler repository"),
        "under a file": (a_file / "repo", "is not a directory"),
        "non-empty directory": (not_repo, "non-empty directory that is not a butler"),
        "/proc (kernel refuses mkdir)": (Path("/proc/skymaps_repo"), "cannot create"),
        "/proc/self (not a repository)": (Path("/proc/self"), "not a butler repository"),
        "/sys (unwritable)": (Path("/sys/kernel/skymaps_repo"), "cannot create"),
        "dot in a new name": (tmp / "repo.v2", "choose a name without a dot"),
    }


@pytest.fixture
def bad_paths(tmp_path):
    return _bad_paths(tmp_path)


KINDS = [
    "regular file",
    "under a file",
    "non-empty directory",
    "/proc (kernel refuses mkdir)",
    "/proc/self (not a repository)",
    "/sys (unwritable)",
    "dot in a new name",
]


def _listing(path: Path) -> list[str] | None:
    try:
        return sorted(os.listdir(path)) if path.is_dir() else None
    except OSError:
        return None


@pytest.mark.parametrize("kind", KINDS)
def test_python_raises_repository_error(bad_paths, kind):
    path, words = bad_paths[kind]
    if kind.startswith("/sys") and not Path("/sys/kernel").is_dir():
        pytest.skip("no /sys/kernel here")
    before = _listing(path)
    with pytest.raises(RepositoryError, match=words) as info:
        register(str(path), SKY, "one", progress=False)
    message = str(info.value)
    assert str(path) in message and "\n" not in message
    assert isinstance(info.value, OSError) and isinstance(info.value, skymaps.SkymapsError)
    assert _listing(path) == before  # nothing written
    if words == "cannot create":
        return  # only trying to create tells (a dry run does not try)
    # A dry run says the same, without writing either.
    with pytest.raises(RepositoryError, match=words):
        register(str(path), SKY, "one", dry_run=True, progress=False)


@pytest.mark.parametrize("kind", KINDS)
def test_cli_prints_one_line(bad_paths, kind):
    path, words = bad_paths[kind]
    if kind.startswith("/sys") and not Path("/sys/kernel").is_dir():
        pytest.skip("no /sys/kernel here")
    result = CliRunner().invoke(
        main, ["register", str(path), "--preset", "DC2", "--no-progress"], catch_exceptions=False
    )
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and str(path) in errors[0] and words in errors[0], result.output
    assert "Traceback" not in result.output


def test_empty_directory_and_config_file_are_accepted(tmp_path):
    from lsst.daf.butler import Butler

    empty = tmp_path / "empty"
    empty.mkdir()
    assert register(str(empty), SKY, "one", progress=False).status == "registered"
    # The repository's butler.yaml is a valid REPO too, as for daf_butler.
    again = register(str(empty / "butler.yaml"), SKY, "one", progress=False)
    assert again.status == "unchanged"
    assert [r.name for r in Butler.from_config(str(empty)).registry.queryDimensionRecords(
        "skymap")] == ["one"]


def test_failed_first_registration_removes_the_new_repository(tmp_path):
    """A registration refused after the new repository was created leaves no repository."""
    repo = tmp_path / "new"
    with pytest.raises(ValueError, match="name"):
        register(str(repo), SKY, "x" * 65, progress=False)  # too long a skymap name
    assert not repo.exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ValueError, match="name"):
        register(str(empty), SKY, "x" * 65, progress=False)
    assert empty.is_dir() and not any(empty.iterdir())
