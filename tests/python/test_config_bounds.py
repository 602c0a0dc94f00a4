"""The bounds of the pex_config interpreter against hostile files (docs/config-security.md).

Each bound has a file that crosses it and must end in an ``InvalidConfigError`` naming
it, and a file just inside it that must still be accepted (the bound is where the docs
say). Then hypothesis generates files from the Python subset the interpreter knows
(and some constructs it refuses): every outcome is a resolved config or an
``InvalidConfigError``, nothing else.
"""

from __future__ import annotations

import os
import textwrap
import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skymaps import InvalidConfigError
from skymaps.config import pexconfig, resolve_file, resolve_text
from skymaps.config.source import MAX_SOURCE_BYTES

RINGS = "config.numRings = 3\n"


def refused(text: str, pattern: str) -> None:
    with pytest.raises(InvalidConfigError, match=pattern):
        resolve_text(RINGS + text, label="<t>")


def accepted(text: str) -> None:
    resolve_text(RINGS + text, label="<t>")


def test_integer_bits():
    assert pexconfig._MAX_INT_BITS == 1024
    accepted("x = 2**990 * 2**33\n")  # 1024 bits
    refused("x = 2**990 * 2**34\n", "integer with more than 1024 bits")
    refused(f"x = {'9' * 400}\nx = x * x * x\n", "more than 1024 bits")
    # Repeated squaring in a loop stops at the first oversized value.
    refused("x = 3\nfor i in range(100):\n    x = x * x\n", "more than 1024 bits")
    refused("x = 10**10**10\n", "power too large")
    refused("x = round(1, -10**18)\n", "digits out of range")


def test_string_and_sequence_lengths():
    n = pexconfig._MAX_SEQUENCE
    accepted(f"s = 'a' * 1\ns = '{'a' * (n // 2)}'\ns = s + s\n".replace("'a' * 1", "'a'"))
    refused(f"s = '{'a' * (n // 2)}'\ns = s + s + 'b'\n", "more than 100,000 items|too long")
    refused(f"x = '{'a' * (n + 1)}'\n", "string literal too long")
    refused("x = list(range(100000)) + [1]\n", "too long|more than 100,000")
    refused("x = [0]\nfor i in range(20):\n    x = x + x\n", "too long|more than 100,000")


def test_loop_iterations():
    accepted(f"for i in range({pexconfig._MAX_ITERATIONS}):\n    pass\n")
    refused(
        f"for i in range({pexconfig._MAX_ITERATIONS}):\n    pass\nfor j in [1]:\n    pass\n",
        "more than 100000 loop iterations",
    )
    refused("x = [[j for j in range(1000)] for i in range(1000)]\n", "loop iterations")


def test_shared_sublists_cannot_blow_up():
    # 2**60 items if walked naively: the step budget stops the check and the comparison.
    grow = "x = [1]\nfor i in range(60):\n    x = [x, x]\n"
    accepted(grow)  # building it is cheap
    refused(grow + "y = x == x\n", "evaluation steps")
    refused(grow + "config.raStart = x\n", "evaluation steps")
    refused(grow + "y = str(x)\n", "evaluation steps")


def test_nesting_depth():
    refused("x = 1\nfor i in range(1000):\n    x = [x]\nconfig.raStart = x\n", "evaluation steps")
    refused("x = " + "(" * 500 + "1" + ")" * 500 + "\n", "too deeply|cannot parse|invalid syntax")
    refused("x = " + "-" * 100_000 + "1\n", "too deeply|cannot parse")


def test_load_depth_and_fan_out(tmp_path):
    # A chain of 17 files: one more than the depth bound.
    for i in range(17):
        (tmp_path / f"f{i}.py").write_text(f"config.load('f{i + 1}.py')\n" if i < 16 else "")
    with pytest.raises(InvalidConfigError, match="nested more than 16 deep"):
        resolve_file(tmp_path / "f0.py", skymap_class="rings")
    # A diamond: each level loads the next one twice (2**10 reads if not bounded).
    for i in range(10):
        (tmp_path / f"d{i}.py").write_text(f"config.load('d{i + 1}.py')\n" * 2)
    (tmp_path / "d10.py").write_text(RINGS)
    with pytest.raises(InvalidConfigError, match="more than 64 config files"):
        resolve_file(tmp_path / "d0.py", skymap_class="rings")


def test_load_reads_only_regular_py_files(tmp_path):
    refused("config.load('/etc/passwd')\n", r"reads only \.py or \.pex files")
    refused("config.load('/dev/zero')\n", r"reads only \.py or \.pex files")
    refused("config.load('x\\x00.py')\n", "cannot resolve path|cannot read")
    fifo = tmp_path / "fifo.py"
    os.mkfifo(fifo)
    refused(f"config.load({str(fifo)!r})\n", "not a regular file")
    with pytest.raises(InvalidConfigError, match="not a regular file"):
        resolve_file(fifo)
    (tmp_path / "dir.py").mkdir()
    refused(f"config.load({str(tmp_path / 'dir.py')!r})\n", "not a regular file")
    big = tmp_path / "big.py"
    big.write_text("#" * (MAX_SOURCE_BYTES + 1))
    refused(f"config.load({str(big)!r})\n", "larger than")
    with pytest.raises(InvalidConfigError, match="larger than"):
        resolve_file(big)
    binary = tmp_path / "binary.py"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(InvalidConfigError, match="not UTF-8"):
        resolve_file(binary)


def test_toml_reader_shares_the_file_bounds(tmp_path):
    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)
    with pytest.raises(InvalidConfigError, match="not a regular file"):
        resolve_file(fifo)


def test_fifo_is_refused_without_waiting(tmp_path):
    # Reading a FIFO in a thread: it must return (refused) with no writer ever coming.
    fifo = tmp_path / "pipe.py"
    os.mkfifo(fifo)
    outcome = []
    thread = threading.Thread(target=lambda: outcome.append(_refusal(fifo)), daemon=True)
    thread.start()
    thread.join(timeout=60)
    assert outcome == ["not a regular file"]


def _refusal(path) -> str:
    try:
        resolve_file(path)
    except InvalidConfigError as err:
        return "not a regular file" if "not a regular file" in str(err) else str(err)
    return "accepted"


# ---------------------------------------------------------------- generated files

NAMES = st.sampled_from(["x", "y", "i", "config", "math", "os", "range", "__file__", "open"])
FIELDS = st.sampled_from(
    ["numRings", "raStart", "pixelScale", "patchInnerDimensions", "projection", "name", "zz"]
)
ATOMS = st.one_of(
    st.integers(-(2**70), 2**70).map(str),
    st.floats(allow_nan=False).map(repr),
    st.text(max_size=8).map(repr),
    st.sampled_from(["True", "None", "math.pi", "__file__", "[]", "()", "'TAN'"]),
    NAMES,
    FIELDS.map(lambda f: f"config.{f}"),
)
OPS = st.sampled_from(["+", "-", "*", "/", "//", "%", "**", "==", "<", " and ", " or ", " in "])


def _expressions():
    return st.recursive(
        ATOMS,
        lambda inner: st.one_of(
            st.tuples(inner, OPS, inner).map(lambda t: f"({t[0]}{t[1]}{t[2]})"),
            st.lists(inner, max_size=4).map(lambda xs: "[" + ", ".join(xs) + "]"),
            st.tuples(
                st.sampled_from(["abs", "len", "min", "max", "round", "int", "str", "range",
                                 "list", "sum", "math.sqrt", "math.floor", "os.path.join",
                                 "getPackageDir", "config.load", "type", "eval"]),
                st.lists(inner, max_size=3),
            ).map(lambda t: f"{t[0]}({', '.join(t[1])})"),
            st.tuples(inner, inner).map(lambda t: f"[i for i in {t[0]} if {t[1]}]"),
            st.tuples(inner, inner).map(lambda t: f"{t[0]}[{t[1]}]"),
            st.tuples(inner, inner, inner).map(lambda t: f"({t[0]} if {t[1]} else {t[2]})"),
            inner.map(lambda e: f"-{e}"),
            inner.map(lambda e: f"not {e}"),
        ),
        max_leaves=12,
    )


def _block(statements: list[str]) -> str:
    return "".join(textwrap.indent(s.rstrip("\n"), "    ") + "\n" for s in statements)


def _statements():
    expr = _expressions()
    simple = st.one_of(
        st.tuples(FIELDS, expr).map(lambda t: f"config.{t[0]} = {t[1]}"),
        st.tuples(NAMES, expr).map(lambda t: f"{t[0]} = {t[1]}"),
        st.tuples(FIELDS, expr).map(lambda t: f"config.skyMap['rings'].{t[0]} = {t[1]}"),
        st.sampled_from([
            "import os", "pass", "config.skyMap.name = 'rings'",
            "assert type(config) == lsst.skymap.ringsSkyMap.RingsSkyMapConfig",
            "x = x + 1", "del x", "while x: pass", "x += 1", "lambda: 0", "x = 1;",
        ]),
        expr,
    )
    return st.recursive(
        simple,
        lambda inner: st.one_of(
            st.tuples(expr, st.lists(inner, min_size=1, max_size=3)).map(
                lambda t: f"for x in {t[0]}:\n" + _block(t[1])
            ),
            st.tuples(expr, st.lists(inner, min_size=1, max_size=3)).map(
                lambda t: f"if {t[0]}:\n" + _block(t[1])
            ),
        ),
        max_leaves=8,
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_statements(), max_size=8), st.sampled_from([None, "rings", "discrete"]))
def test_generated_files_resolve_or_raise_invalid_config(statements, skymap_class):
    text = "".join(s.rstrip("\n") + "\n" for s in statements)
    try:
        resolve_text(text, skymap_class=skymap_class, label="<gen>")
    except InvalidConfigError:
        pass
