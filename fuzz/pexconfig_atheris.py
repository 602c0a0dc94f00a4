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

with atheris.instrument_imports():
    from skymaps.config import resolve_text
    from skymaps.errors import InvalidConfigError

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
