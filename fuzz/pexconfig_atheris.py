"""Coverage-guided fuzzing of the pex_config interpreter (atheris, libFuzzer for Python).

    pip install atheris
    python fuzz/pexconfig_atheris.py -max_total_time=300 fuzz/corpus/pexconfig

Every input is read as config text; the only acceptable outcomes are a resolved
config or ``InvalidConfigError``. Anything else (another exception, a hang caught by
``-timeout``, a memory blow-up caught by ``-rss_limit_mb``) is a finding. Seeds: the
config files under tests/data/configs and python/skymaps/config/presets.
"""

from __future__ import annotations

import sys

import atheris

from skymaps.config import fields, pexconfig, resolve_text
from skymaps.errors import InvalidConfigError


def _instrument(module) -> None:
    """Coverage for the interpreter's own code only (instrumenting every import, numpy
    included, takes many minutes)."""
    for key, value in list(vars(module).items()):
        if callable(value) and getattr(value, "__module__", None) == module.__name__:
            if hasattr(value, "__code__"):  # a module-level function
                setattr(module, key, atheris.instrument_func(value))
        if isinstance(value, type) and value.__module__ == module.__name__:
            for name, member in vars(value).items():
                if callable(member) and hasattr(member, "__code__"):
                    setattr(value, name, atheris.instrument_func(member))


for _module in (pexconfig, fields):
    _instrument(_module)

CLASSES = (None, "rings", "discrete", "dodeca", "equat")


def one_input(data: bytes) -> None:
    provider = atheris.FuzzedDataProvider(data)
    skymap_class = CLASSES[provider.ConsumeIntInRange(0, len(CLASSES) - 1)]
    text = provider.ConsumeUnicodeNoSurrogates(provider.remaining_bytes())
    try:
        resolve_text(text, skymap_class=skymap_class, label="<fuzz>")
    except InvalidConfigError:
        pass


def main() -> None:
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
