"""Opening or creating the butler repository a registration writes to.

A user names a repository by a path. Before daf_butler sees it, the path is checked so
that each usual mistake ends in one line that names the path and the problem (a
:class:`~skymaps.errors.RepositoryError`), not in a daf_butler traceback:

* a regular file that is not a butler config (``.yaml``/``.json``);
* an existing, non-empty directory without ``butler.yaml`` (not a repository);
* a place where nothing can be written (``/proc``, a read-only or unwritable
  directory): creating the repository fails with the operating system's reason;
* a new directory name with a dot (``repo.v2``), which ``Butler.makeRepo`` cannot
  create (it takes ``.v2`` for the format of its config file).

A path that does not exist, or an empty directory, becomes a new SQLite repository.
:func:`opened_repository` removes that new repository again when the registration
fails or is interrupted, so a failed first registration leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import RepositoryError, SkymapsError
from . import formatter

__all__ = ["create_repo", "open_butler", "opened_repository"]

#: Config files daf_butler can open as a repository.
CONFIG_SUFFIXES = (".yaml", ".yml", ".json")


def create_repo(
    root: str | os.PathLike, db: str | None = None, namespace: str | None = None
) -> str:
    """Creates an empty butler repository whose config knows the ``skyMap`` storage class.

    Parameters
    ----------
    root : str or os.PathLike
        Repository root (datastore files and ``butler.yaml``).
    db : str, optional
        SQLAlchemy URL of the registry database (default: SQLite in ``root``), e.g.
        ``postgresql://user@host:5432/dbname``.
    namespace : str, optional
        Schema for the registry tables (PostgreSQL).

    Raises
    ------
    skymaps.RepositoryError
        The path cannot hold a new repository (see :func:`open_butler`).
    """
    from lsst.daf.butler import Butler, Config

    local = _local_path(str(root))
    if local is not None:
        _check_new_root(local)
    config = Config(formatter.repo_config())
    if db is not None:
        config["registry", "db"] = db
    if namespace is not None:
        config["registry", "namespace"] = namespace
    try:
        Butler.makeRepo(str(root), config=config)
    except Exception as err:  # OSError, or the registry database failing to start
        raise RepositoryError(
            f"{root}: cannot create a butler repository here: {_reason(err)}"
        ) from None
    return str(root)


def open_butler(
    butler_or_repo: Any, *, create: bool = True, writeable: bool = True
) -> tuple[Any, bool]:
    """A writeable butler for ``butler_or_repo`` (a Butler, a repo path/URI or config).

    A local path that does not exist, or an empty directory, becomes a new SQLite
    repository (when ``create``), with the ``skyMap`` storage class in its
    configuration. Returns ``(butler, created)``; ``(None, True)`` when the repository
    would be created but ``create`` is false (a dry run).

    Raises
    ------
    skymaps.RepositoryError
        The path is a file that is not a butler config, a non-empty directory that is
        not a repository, or a place where the repository cannot be created or opened;
        the message names the path and the problem.
    """
    from lsst.daf.butler import Butler

    if not isinstance(butler_or_repo, (str, os.PathLike)):
        formatter.ensure_storage_class(butler_or_repo)
        return butler_or_repo, False
    repo = str(butler_or_repo)
    created = False
    local = _local_path(repo)
    if local is not None and _is_new_root(local):
        if not create:
            _check_new_root(local)
            return None, True
        create_repo(repo)
        created = True
    elif local is not None:
        _check_existing(local)
    if local is not None and local.is_dir():
        repo = _as_directory(repo)
    try:
        butler = Butler.from_config(repo, writeable=writeable)
    except SkymapsError:
        raise
    except Exception as err:  # daf_butler raises many kinds; the user needs one line
        raise RepositoryError(
            f"{repo}: cannot open it as a butler repository: {_reason(err)}"
        ) from None
    formatter.ensure_storage_class(butler)
    return butler, created


@contextlib.contextmanager
def opened_repository(butler_or_repo: Any, *, create: bool = True) -> Iterator[tuple[Any, bool]]:
    """:func:`open_butler`, removing a repository it creates if the block fails.

    Any exception, ``KeyboardInterrupt`` included, raised while the repository is
    created or inside the block deletes what was created at a path that did not exist
    (or was an empty directory) before the call, then propagates.
    """
    local = None
    if isinstance(butler_or_repo, (str, os.PathLike)):
        local = _local_path(str(butler_or_repo))
    fresh = create and local is not None and _is_new_root(local)
    existed = fresh and local is not None and local.exists()
    try:
        yield open_butler(butler_or_repo, create=create)
    except BaseException:
        if fresh and local is not None:
            _remove_new_root(local, keep_dir=existed)
        raise


def _as_directory(repo: str) -> str:
    """A trailing slash: daf_butler takes ``repo.v2`` for a file named by its extension."""
    return repo if repo.endswith("/") else repo + "/"


def _local_path(repo: str) -> Path | None:
    if repo.startswith("file://"):
        return Path(repo.removeprefix("file://"))
    return None if "://" in repo else Path(repo)


def _is_new_root(path: Path) -> bool:
    """Nothing there yet: a missing path, or an empty directory."""
    if not path.exists():
        return True
    try:
        return path.is_dir() and not any(path.iterdir())
    except OSError:
        return False


def _check_new_root(path: Path) -> None:
    """Refuses before anything is written when the new repository cannot be made."""
    if path.suffix:
        raise RepositoryError(
            f"{path}: cannot create a butler repository here: daf_butler reads "
            f"{path.suffix!r} in a new repository's name as a file format; choose a name "
            "without a dot"
        )
    parent = path if path.exists() else _existing_parent(path)
    if not parent.is_dir():
        raise RepositoryError(
            f"{path}: cannot create a butler repository here: {parent} is not a directory"
        )
    if not os.access(parent, os.W_OK | os.X_OK):
        raise RepositoryError(
            f"{path}: cannot create a butler repository here: {parent} is not writable"
        )


def _check_existing(path: Path) -> None:
    if path.is_file():
        if path.suffix.lower() not in CONFIG_SUFFIXES:
            raise RepositoryError(
                f"{path}: is a file, not a butler repository (give the repository's "
                "directory, its butler.yaml, or a new path)"
            )
        return
    if path.is_dir() and not (path / "butler.yaml").exists():
        raise RepositoryError(
            f"{path}: is a non-empty directory that is not a butler repository (no "
            "butler.yaml); give an existing repository, an empty directory or a new path"
        )


def _existing_parent(path: Path) -> Path:
    parent = path.absolute().parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    return parent


def _remove_new_root(path: Path, *, keep_dir: bool) -> None:
    if not path.is_dir():
        return
    if not keep_dir:
        shutil.rmtree(path, ignore_errors=True)
        return
    for child in path.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)


def _reason(err: BaseException) -> str:
    """The first line of an error, with the OS reason when there is one."""
    if isinstance(err, OSError) and err.strerror:
        where = f" ({err.filename})" if err.filename else ""
        return f"{err.strerror}{where}"
    text = str(err).strip().splitlines()
    return text[0] if text else type(err).__name__
