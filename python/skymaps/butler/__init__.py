"""Rubin data butler integration (needs the ``butler`` extra: lsst-daf-butler, pyarrow).

* :func:`dimension_records`: the ``skymap``/``tract``/``patch`` records of a skymap
  (columnar, :class:`SkymapRecords`; ``.butler_records()`` for daf_butler objects).
* :func:`register`: fast, all-or-nothing registration into a repository.
* :func:`export_yaml` / :func:`export_parquet`: the records as a ``butler import`` file
  or Parquet tables.
* :class:`~skymaps.butler.formatter.SkymapFormatter`: the ``skyMap`` dataset as JSON.
"""

from __future__ import annotations

from .export import export_parquet, export_yaml
from .formatter import STORAGE_CLASS, SkymapFormatter, ensure_storage_class
from .records import SkymapRecords, dimension_records
from .register import DATASET_TYPE, RUN, RegistrationResult, create_repo, open_butler, register

ensure_storage_class()

__all__ = [
    "DATASET_TYPE",
    "RUN",
    "STORAGE_CLASS",
    "RegistrationResult",
    "SkymapFormatter",
    "SkymapRecords",
    "create_repo",
    "dimension_records",
    "ensure_storage_class",
    "export_parquet",
    "export_yaml",
    "open_butler",
    "register",
]
