"""Ctrl-C while the ``skymaps`` command is still loading.

Importing skymaps (numpy, the compiled core, astropy for some commands) takes a second,
several on a busy machine, before click can turn Ctrl-C into ``Aborted!``. In that
window Python would print a KeyboardInterrupt traceback. Nothing has been read or
written yet, so when the process is the ``skymaps`` command, Ctrl-C then just prints
``Aborted!`` and exits with status 130 (128 + SIGINT, as the command does later);
:mod:`skymaps.cli` puts Python's own handler back once it is loaded.
"""

from __future__ import annotations

import os
import signal
import sys
import threading

__all__ = ["quiet_interrupt_while_loading", "restore_interrupt"]


def _abort(signum: int, frame: object) -> None:
    sys.stderr.write("Aborted!\n")
    sys.stderr.flush()
    os._exit(130)


def quiet_interrupt_while_loading() -> None:
    """Install the quiet handler, only in the ``skymaps`` command's main thread and only
    over Python's default handler (a host program's own handler is left alone)."""
    if not sys.argv or os.path.basename(sys.argv[0]) != "skymaps":
        return
    if threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _abort)


def restore_interrupt() -> None:
    """Python's KeyboardInterrupt again (click and ``register`` handle it from here)."""
    if signal.getsignal(signal.SIGINT) is _abort:
        signal.signal(signal.SIGINT, signal.default_int_handler)


quiet_interrupt_while_loading()
