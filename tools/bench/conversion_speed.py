"""Conversion speed: tongwen and its peers on one core, side by side in one run.

    .venv/bin/python tools/bench/conversion_speed.py [--runs 3] [--size-mb 100]   (`make bench`)

Input: ../shared/data/text/bench_mixed_10k.txt repeated to at least --size-mb MB of UTF-8,
converted as ONE string per call; t2s converts OpenCC's s2t output of it. Also the 10k lines
one call per line. The process is pinned to one CPU and native thread pools to one thread
before any converter is imported. tongwen runs as it is (context model on for s2t, s2tw, s2hk)
and with ``context=False``. Writes docs/benchmarks/conversion-speed.md.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib
from conversion_accuracy import with_context_off

FRAGMENT = "conversion-speed"
SCRIPT = "conversion_speed.py"
WHOLE_SCHEMES = ("s2t", "s2tw", "s2hk", "t2s")
LINE_SCHEMES = ("s2t", "s2tw", "s2hk")
REFERENCE_PEER = "OpenCC"
SECOND_PEER = "zhconv-rs"
MB = 1_000_000


def build_input(base: str, target_bytes: int) -> tuple[str, int]:
    """``base`` (newline-terminated) repeated until it is at least ``target_bytes`` of UTF-8."""
    if not base.endswith("\n"):
        base += "\n"
    reps = max(1, math.ceil(target_bytes / len(base.encode("utf-8"))))
    return base * reps, reps


def differing_examples(a: str, b: str, limit: int = 20) -> list[tuple[int, str, str]]:
    """The first distinct differing lines of two outputs: (line number, a, b)."""
    seen: set[tuple[str, str]] = set()
    found: list[tuple[int, str, str]] = []
    for i, (x, y) in enumerate(zip(a.split("\n"), b.split("\n"), strict=False)):
        if x != y and (x, y) not in seen:
            seen.add((x, y))
            found.append((i + 1, x, y))
            if len(found) >= limit:
                break
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="timed rounds (best is kept)")
    parser.add_argument("--size-mb", type=float, default=100.0, help="input size, MB of UTF-8")
    parser.add_argument(
        "--budget-s",
        type=float,
        default=30.0,
        help="stop repeating one system/scheme once its timed runs add up to this",
    )
    args, command = benchlib.parse_area_args(parser, SCRIPT, argv)
    meta, cpu = benchlib.begin_pinned_run(benchlib.THREAD_VARS)
    shared = benchlib.require_shared()
    base = (shared / "data" / "text" / "bench_mixed_10k.txt").read_text(encoding="utf-8")
    systems, missing = benchlib.load_systems()
    benchlib.warn_missing(missing)
    systems = with_context_off(systems)
    names = [s.name for s in systems]
    if REFERENCE_PEER not in names:
        raise SystemExit(f"{REFERENCE_PEER} is needed: `make bench` installs the bench extra")
    by_name = {s.name: s for s in systems}
    raw_dir = benchlib.OUT_DIR / "speed"
    raw_dir.mkdir(parents=True, exist_ok=True)

    t_start = time.perf_counter()
    big, reps = build_input(base, int(args.size_mb * MB))
    warm, _ = build_input(base, MB)
    lines = base.rstrip("\n").split("\n")
    line_bytes = sum(len(line.encode("utf-8")) for line in lines)
    # t2s converts traditional text: OpenCC's s2t output of the same input (not timed).
    to_t = by_name[REFERENCE_PEER].converter("s2t")
    inputs = {"s2t": big, "s2tw": big, "s2hk": big, "t2s": to_t(big)}
    warm_inputs = {"s2t": warm, "s2tw": warm, "s2hk": warm, "t2s": to_t(warm)}
    input_mb = {k: len(v.encode("utf-8")) / MB for k, v in inputs.items()}
    print(
        f"pinned to CPU {cpu}; input {input_mb['s2t']:.1f} MB ({reps} copies of "
        f"{len(lines)} lines)",
        file=sys.stderr,
    )

    for system in list(systems):
        try:
            for scheme in WHOLE_SCHEMES:
                if system.supports(scheme):
                    system.converter(scheme)(warm_inputs[scheme])
        except Exception as exc:  # report a broken system, measure the others
            if system.name == REFERENCE_PEER:
                raise
            missing[system.name] = f"warm-up failed: {type(exc).__name__}: {exc}"
            systems.remove(system)

    whole: dict[tuple[str, str], list[float]] = {}
    per_line: dict[tuple[str, str], list[float]] = {}
    sanity: dict[tuple[str, str], tuple[bool, int, int]] = {}
    for r in range(args.runs):
        for scheme in WHOLE_SCHEMES:
            outputs: dict[str, str] = {}
            for system in benchlib.rotated(systems, r):
                if not system.supports(scheme):
                    continue
                done = whole.setdefault((scheme, system.name), [])
                if benchlib.budget_spent(done, args.budget_s):
                    continue
                convert = system.converter(scheme)
                with benchlib.timed(done):
                    out = convert(inputs[scheme])
                if r == 0:
                    outputs[system.name] = out
                del out
            if r == 0:
                ref = outputs[REFERENCE_PEER]
                for name, out in outputs.items():
                    n_diff = benchlib.count_differing_lines(out, ref)
                    sanity[(scheme, name)] = (out == ref, n_diff, out.count("\n") + 1)
                    if name != REFERENCE_PEER and n_diff:
                        examples = differing_examples(out, ref)
                        (raw_dir / f"{scheme}.{name}-vs-opencc.txt").write_text(
                            "".join(f"{i}\n  {name}: {x}\n  OpenCC: {y}\n" for i, x, y in examples),
                            encoding="utf-8",
                        )
                outputs.clear()
            print(f"round {r + 1}: {scheme} done", file=sys.stderr)
        for scheme in LINE_SCHEMES:
            for system in benchlib.rotated(systems, r):
                if not system.supports(scheme):
                    continue
                convert = system.converter(scheme)
                with benchlib.timed(per_line.setdefault((scheme, system.name), [])):
                    for line in lines:
                        convert(line)
    elapsed = time.perf_counter() - t_start

    text = render(
        meta=meta,
        command=command,
        cpu=cpu,
        systems=systems,
        missing=missing,
        input_mb=input_mb,
        reps=reps,
        n_lines=len(lines),
        line_mb=line_bytes / MB,
        whole=whole,
        per_line=per_line,
        sanity=sanity,
        runs=args.runs,
        budget_s=args.budget_s,
        elapsed=elapsed,
    )
    benchlib.publish_fragment(FRAGMENT, text, args.no_write, elapsed)
    return 0


def render(
    *,
    meta: dict[str, str],
    command: str,
    cpu: int,
    systems: Sequence[benchlib.System],
    missing: dict[str, str],
    input_mb: dict[str, float],
    reps: int,
    n_lines: int,
    line_mb: float,
    whole: dict[tuple[str, str], list[float]],
    per_line: dict[tuple[str, str], list[float]],
    sanity: dict[tuple[str, str], tuple[bool, int, int]],
    runs: int,
    budget_s: float,
    elapsed: float,
) -> str:
    out = [
        *benchlib.fragment_head("Conversion speed", meta),
        benchlib.command_intro(command, elapsed)
        + f"One core: the process is pinned to CPU {cpu} and "
        "`RAYON_NUM_THREADS`, `OMP_NUM_THREADS` are 1 before any converter is imported. Input: "
        f"`../shared/data/text/bench_mixed_10k.txt` ({n_lines:,} lines of mixed simplified "
        f"text) repeated {reps} times = {input_mb['s2t']:.1f} MB of UTF-8, held in memory as one "
        "`str` and converted in ONE call; t2s converts OpenCC's s2t output of it "
        f"({input_mb['t2s']:.1f} MB). Each converter is warmed up on ~1 MB first. MB/s = "
        "input MB (10^6 bytes of UTF-8) / seconds, best of "
        f"{benchlib.plural(runs, 'round')} (fewer where one system's runs exceeded "
        f"{budget_s:.0f} s in total); "
        "within a round the systems take turns in a rotated order. The machine is noisy: read "
        "the ratios (columns ×), measured side by side in this run, rather than absolute MB/s. "
        "`tongwen` is the default converter: the context model chooses at every one-to-many "
        "position no phrase decided (s2t, s2tw, s2hk; t2s has no model); `tongwen, context "
        "off` is `Converter(..., context=False)`, the tables alone.",
    ]
    out += benchlib.not_measured(missing)
    rows: list[list[object]] = []
    for scheme in WHOLE_SCHEMES:
        rates = {
            s.name: input_mb[scheme] / min(whole[(scheme, s.name)])
            for s in systems
            if whole.get((scheme, s.name))
        }
        for system in systems:
            times = whole.get((scheme, system.name))
            if not times:
                continue
            rate = rates[system.name]
            same, n_diff, n_out = sanity[(scheme, system.name)]
            rows.append(
                [
                    scheme,
                    system.name,
                    system.label(scheme),
                    f"{rate:.1f}",
                    benchlib.ratio(rate, rates.get(REFERENCE_PEER)),
                    benchlib.ratio(rate, rates.get(SECOND_PEER)),
                    f"{min(times):.2f}",
                    len(times),
                    "—" if system.name == REFERENCE_PEER else ("yes" if same else "no"),
                    "—" if system.name == REFERENCE_PEER else f"{n_diff:,} of {n_out:,}",
                ]
            )
    out += [
        "",
        "### One call per file",
        "",
        f"Command: `{command}`.",
        "",
        benchlib.md_table(
            [
                "scheme",
                "system",
                "as",
                "MB/s",
                "× OpenCC",
                "× zhconv-rs",
                "best s",
                "runs",
                "output = OpenCC",
                "lines ≠ OpenCC",
            ],
            rows,
            "lllrrrrrcr",
        ),
        "",
        f"`output = OpenCC` is a sanity column: the whole output compared with OpenCC's for the "
        f"same scheme (the input is the same {n_lines:,} lines {reps} times over, so differing "
        f"lines repeat {reps} times). zhconv-rs `zh-tw` also converts vocabulary (OpenCC "
        "`s2twp`'s job), so it is not expected to equal `s2tw`. First differing lines: "
        "`bench-out/speed/`.",
    ]
    rows = []
    for scheme in LINE_SCHEMES:
        rates = {
            s.name: line_mb / min(per_line[(scheme, s.name)])
            for s in systems
            if per_line.get((scheme, s.name))
        }
        for system in systems:
            times = per_line.get((scheme, system.name))
            if not times:
                continue
            rate = rates[system.name]
            rows.append(
                [
                    scheme,
                    system.name,
                    f"{n_lines / min(times):,.0f}",
                    f"{rate:.2f}",
                    benchlib.ratio(rate, rates.get(REFERENCE_PEER)),
                    benchlib.ratio(rate, rates.get(SECOND_PEER)),
                ]
            )
    out += [
        "",
        "### One call per line (short text)",
        "",
        f"The {n_lines:,} lines of `bench_mixed_10k.txt` ({line_mb:.2f} MB, "
        f"{1e6 * line_mb / n_lines:.0f} bytes a line on average), one call each, best of "
        f"{benchlib.plural(runs, 'round')}, same process and command: `{command}`.",
        "",
        benchlib.md_table(
            ["scheme", "system", "lines/s", "MB/s", "× OpenCC", "× zhconv-rs"], rows, "llrrrr"
        ),
    ]
    return "\n".join(out)


if __name__ == "__main__":
    sys.exit(main())
