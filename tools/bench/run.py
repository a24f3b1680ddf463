"""Run every benchmark area and assemble docs/benchmarks.md (what `make bench` runs).

    .venv/bin/python tools/bench/run.py                  every area, then assemble
    .venv/bin/python tools/bench/run.py --only conversion_speed.py
    .venv/bin/python tools/bench/run.py --assemble-only  rebuild the file from the fragments

Each area script runs in its own process (so that one area's CPU pinning or imports do not
leak into another) and writes docs/benchmarks/<fragment>.md; the areas and the order of the
fragments are listed in tools/bench/benchlib.py (AREA_SCRIPTS, FRAGMENT_ORDER).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib


def run_areas(scripts: Sequence[str]) -> list[tuple[str, str, str]]:
    """Run the area scripts one after another; (script, status, seconds) for each."""
    results: list[tuple[str, str, str]] = []
    for script in scripts:
        print(f"== {script}", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, str(benchlib.BENCH_DIR / script)], cwd=benchlib.ROOT, check=False
        )
        elapsed = time.perf_counter() - t0
        status = "ok" if proc.returncode == 0 else f"failed (exit {proc.returncode})"
        print(f"== {script}: {status} in {elapsed:.0f} s", file=sys.stderr, flush=True)
        results.append((script, status, f"{elapsed:.0f}"))
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--only",
        action="append",
        choices=benchlib.AREA_SCRIPTS,
        help="run only this area script (repeatable); the other fragments are kept as they are",
    )
    parser.add_argument(
        "--assemble-only", action="store_true", help="run nothing, rebuild docs/benchmarks.md"
    )
    args = parser.parse_args(argv)
    if not args.assemble_only:
        benchlib.require_shared()
    scripts = [] if args.assemble_only else (args.only or list(benchlib.AREA_SCRIPTS))
    runtimes = run_areas(scripts)
    names = benchlib.assemble(runtimes=runtimes)
    print(
        f"wrote {benchlib.OUTPUT.relative_to(benchlib.ROOT)} from {len(names)} fragment(s): "
        + ", ".join(names),
        file=sys.stderr,
    )
    failed = [script for script, status, _ in runtimes if status != "ok"]
    if failed:
        print(
            "failed: " + ", ".join(failed) + " (their fragments, if any, are from an earlier run)",
            file=sys.stderr,
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
