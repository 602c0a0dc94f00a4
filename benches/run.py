"""Run every benchmark in benches/python against its peers, in one process, and print
one comparison table.

    python benches/run.py            # full size (minutes; run on an idle machine)
    python benches/run.py --quick    # seconds-long smoke versions
    python benches/run.py --only bricks,skymap -v

Each benchmark checks that skymaps and the peers give the same answers before timing
them, and prints its own detailed table (shown with ``-v``). Every timing is recorded
(``_timing.record``) and summarised here: per task, skymaps' throughput, each peer's,
and the ratio (peer time per item / skymaps time per item, so > 1 means skymaps is
faster). Peers that are not installed are skipped; a benchmark that fails is reported
and makes the exit status 1.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent / "python"
BENCHES = (
    "bricks", "coverage", "skymap", "register", "records_packers", "pixelization", "geometry"
)


def _run_one(name: str, quick: bool, verbose: bool) -> tuple[str, float, str | None]:
    import _timing

    _timing.current_bench = name
    module = importlib.import_module(f"bench_{name}")
    argv = sys.argv
    sys.argv = [f"bench_{name}.py"] + (["--quick"] if quick else [])
    out = io.StringIO()
    start = time.perf_counter()
    error = None
    try:
        with contextlib.redirect_stdout(sys.stdout if verbose else out):
            module.main()
    except Exception:  # report it, run the others
        error = traceback.format_exc()
    except SystemExit as exit_:  # argparse or an explicit exit
        if exit_.code not in (0, None):
            error = f"exited with {exit_.code}"
    finally:
        sys.argv = argv
    return out.getvalue(), time.perf_counter() - start, error


def _rate(rate: float) -> str:
    for unit, scale in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if rate >= scale:
            return f"{rate / scale:7.2f} {unit}/s"
    return f"{rate:7.2f}  /s"


def table(results) -> str:
    """The comparison table of recorded results."""
    lines = [f"{'benchmark':<16} {'task':<46} {'library':<38} {'throughput':>12} {'skymaps x':>10}"]
    seen: dict[tuple[str, str], list] = {}
    for r in results:
        seen.setdefault((r.bench, r.task), []).append(r)
    for (bench, task), rows in seen.items():
        ours = next((r for r in rows if r.library == "skymaps"), None)
        for r in sorted(rows, key=lambda r: r.library != "skymaps"):
            ratio = ""
            if ours is not None and r is not ours:
                ratio = f"{ours.rate / r.rate:9.2f}x"
            lines.append(f"{bench:<16} {task[:46]:<46} {r.library[:38]:<38} "
                         f"{_rate(r.rate):>12} {ratio:>10}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="seconds-long smoke versions")
    ap.add_argument("--only", help=f"comma-separated subset of {','.join(BENCHES)}")
    ap.add_argument("-v", "--verbose", action="store_true", help="show each bench's own output")
    args = ap.parse_args(argv)
    chosen = BENCHES if not args.only else tuple(args.only.split(","))
    unknown = set(chosen) - set(BENCHES)
    if unknown:
        ap.error(f"unknown benchmarks {sorted(unknown)}; choose from {', '.join(BENCHES)}")
    sys.path.insert(0, str(HERE))
    import _timing

    import skymaps

    print(f"skymaps {skymaps.__version__}, parallel={skymaps._core.get_parallelism()}, "
          f"{'quick' if args.quick else 'full'} run", flush=True)
    failed = []
    for name in chosen:
        print(f"running bench_{name} ...", end=" ", flush=True)
        output, seconds, error = _run_one(name, args.quick, args.verbose)
        print(f"{seconds:.1f} s" + (" FAILED" if error else ""), flush=True)
        if error:
            failed.append(name)
            print(output + error, file=sys.stderr)
    print()
    print(table(_timing.RESULTS))
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
