"""benches/run.py: it runs every benchmark script, and its table's ratios are right.

(The benchmarks themselves are not run here: ``python benches/run.py --quick`` is the
smoke run; timings have no place in the test suite.)
"""

from __future__ import annotations

import runpy
import sys

from conftest import REPO

BENCH_DIR = REPO / "benches" / "python"


def _runner():
    return runpy.run_path(str(REPO / "benches" / "run.py"))


def test_every_bench_script_is_run():
    scripts = {p.stem.removeprefix("bench_") for p in BENCH_DIR.glob("bench_*.py")}
    assert set(_runner()["BENCHES"]) == scripts


def test_every_bench_script_records_its_timings():
    for path in BENCH_DIR.glob("bench_*.py"):
        text = path.read_text()
        assert "record(" in text and "from _timing import" in text, path.name


def test_table_ratios():
    sys.path.insert(0, str(BENCH_DIR))
    try:
        from _timing import Result
    finally:
        sys.path.remove(str(BENCH_DIR))
    results = [
        Result("b", "lookup", "skymaps", 1.0, 3_000_000),  # 3 M/s
        Result("b", "lookup", "peer", 2.0, 1_500_000),  # 0.75 M/s: skymaps 4x
        Result("b", "build", "skymaps", 0.5, 10),
    ]
    lines = _runner()["table"](results).splitlines()
    peer = next(line for line in lines if " peer " in line)
    assert peer.split()[-1] == "4.00x"
    assert "3.00 M/s" in next(line for line in lines if "lookup" in line and "skymaps" in line)
    assert len(lines) == 4
