"""Ctrl-C while the ``skymaps`` command is still loading: ``Aborted!`` and status 130,
never a KeyboardInterrupt traceback (found by trying it on a busy machine, where the
imports take seconds). A library user's process keeps Python's own KeyboardInterrupt.

Oracles: the child process itself (exit status, stderr) and the signal module.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

LOADED_THEN_INTERRUPTED = """
import os, signal, sys, time
sys.argv[0] = {argv0!r}
import skymaps
assert "skymaps.cli" not in sys.modules
os.kill(os.getpid(), signal.SIGINT)
time.sleep(30)
"""


def _python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)


def test_interrupt_before_the_cli_is_loaded_is_one_line():
    done = _python(LOADED_THEN_INTERRUPTED.format(argv0="/usr/bin/skymaps"))
    assert done.returncode == 130, done.stderr
    assert done.stderr == "Aborted!\n"


def test_a_library_user_keeps_keyboard_interrupt():
    done = _python(LOADED_THEN_INTERRUPTED.format(argv0="my_pipeline.py"))
    assert done.returncode != 130 and "KeyboardInterrupt" in done.stderr


def test_the_loaded_cli_hands_ctrl_c_back_to_python():
    done = _python("import signal, sys\nsys.argv[0] = 'skymaps'\nimport skymaps\n"
                   "quiet = signal.getsignal(signal.SIGINT) is not signal.default_int_handler\n"
                   "import skymaps.cli\n"
                   "print(quiet, signal.getsignal(signal.SIGINT) is signal.default_int_handler)")
    assert done.stdout.split() == ["True", "True"], done.stderr


@pytest.mark.parametrize("delay", [0.3, 1.0, 2.0])
def test_the_command_interrupted_early_prints_no_traceback(delay):
    script = Path(sys.executable).with_name("skymaps")
    if not script.exists():
        pytest.skip("the skymaps console script is not installed next to this Python")
    proc = subprocess.Popen([str(script), "info", "--preset", "hsc_rings_v1", "--tract", "9813"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(delay)
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    if "init_import_site" in err:  # Python itself was still starting: not ours to handle
        pytest.skip("the interrupt landed in the interpreter's own start-up")
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert proc.returncode in (0, 1, 130), err  # done, or aborted (click / while loading)
    if proc.returncode:
        assert err.strip().endswith("Aborted!"), err
