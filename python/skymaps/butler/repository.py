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
:func:`opened_repository` builds it in a staging directory and renames it onto the
path only when the registration succeeds, so a failed, interrupted or killed first
registration leaves the path as it was, and two processes creating the same
repository at once end with one complete repository (the second registers into it).
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import RepositoryError, SkymapsError
from . import formatter

__all__ = ["NewRepositoryTaken", "create_repo", "open_butler", "opened_repository"]

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


class NewRepositoryTaken(SkymapsError):
    """Another process created the same new repository first (internal: the
    registration then runs again against that repository)."""


@contextlib.contextmanager
def opened_repository(butler_or_repo: Any, *, create: bool = True) -> Iterator[tuple[Any, bool]]:
    """:func:`open_butler`, where a new local repository appears only complete.

    A new repository is created and filled in a hidden staging directory beside the
    path (``.skymaps-new-<name>-<pid>-<token>/repo``) and renamed onto the path when the
    block succeeds; the rename is atomic, so other processes see no repository or a
    complete one. If the block fails (any exception, ``KeyboardInterrupt`` included)
    the staging directory is deleted and the path is untouched. If another process
    published a repository at the path first, :class:`NewRepositoryTaken` is raised
    (and the staging directory deleted). A staging directory left by a killed process
    is deleted by the next creation at the same path.
    """
    local = None
    if isinstance(butler_or_repo, (str, os.PathLike)):
        local = _local_path(str(butler_or_repo))
    if not (create and local is not None and _is_new_root(local)):
        yield open_butler(butler_or_repo, create=create)
        return
    _check_new_root(local)
    staging = _new_staging_dir(local)
    try:
        butler, _ = open_butler(str(staging / "repo"), create=True)
        yield butler, True
        _close(butler)
        _publish(staging / "repo", local)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


#: Starts a staging directory's name: ``.skymaps-new-<name>-<pid>-<token>``.
_STAGING_PREFIX = ".skymaps-new-"


def _new_staging_dir(path: Path) -> Path:
    """A fresh staging directory beside ``path``; removes those of dead processes."""
    parent = path.absolute().parent
    prefix = f"{_STAGING_PREFIX}{path.name}-"
    try:
        parent.mkdir(parents=True, exist_ok=True)
        for old in parent.glob(prefix + "*"):
            pid = old.name.removeprefix(prefix).split("-")[0]
            if pid.isdigit() and not _alive(int(pid)):
                shutil.rmtree(old, ignore_errors=True)
        return Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-", dir=parent))
    except OSError as err:
        raise RepositoryError(
            f"{path}: cannot create a butler repository here: {_reason(err)}"
        ) from None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _close(butler: Any) -> None:
    """Closes the registry's database connections before the directory moves."""
    close = getattr(butler, "close", None)
    if callable(close):
        close()


def _publish(staging: Path, path: Path) -> None:
    """Renames the complete repository onto ``path`` (missing, or an empty directory)."""
    try:
        os.rename(staging, path)
    except OSError as err:
        if err.errno in (errno.ENOTEMPTY, errno.EEXIST, errno.ENOTDIR):
            raise NewRepositoryTaken(f"{path}: created by another process meanwhile") from None
        raise RepositoryError(
            f"{path}: cannot create a butler repository here: {_reason(err)}"
        ) from None


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


def _reason(err: BaseException) -> str:
    """The first line of an error, with the OS reason when there is one."""
    if isinstance(err, OSError) and err.strerror:
        where = f" ({err.filename})" if err.filename else ""
        return f"{err.strerror}{where}"
    text = str(err).strip().splitlines()
    return text[0] if text else type(err).__name__
