"""Readings speed: tongwen and its peers (pypinyin, g2pM) on one core, side by side in one run.

    .venv/bin/python tools/bench/readings_speed.py [--runs 3]     (part of `make bench`)

Input: the plain sentences of ../shared/data/cpp/dev.sent (markers removed), annotated one call
per sentence (the realistic call pattern) and as ONE string (the sentences joined by newlines).
Rate: Han characters per second. Start-up (import + first call) is measured apart, in fresh
subprocesses. The process is pinned to one CPU and native thread pools to one thread before any
system is imported. Writes docs/benchmarks/readings-speed.md.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib
from readings_accuracy import MARKER, PEER_DISTS, count_han

FRAGMENT = "readings-speed"
SCRIPT = "readings_speed.py"
REFERENCE_PEER = "pypinyin"
STARTUP_TEXT = "然而，他红了20年以后，他竟退出了大家的视线。"


@dataclass(frozen=True)
class SpeedSystem:
    name: str
    how: str  # the timed call, as shown in the fragment
    setup: str  # Python source: imports and builds ``annotate`` (used in-process and for start-up)


SYSTEMS: tuple[SpeedSystem, ...] = (
    SpeedSystem(
        "tongwen",
        '`tongwen.pinyin(text, tone="numbers")`',
        "import tongwen\n\ndef annotate(text):\n    return tongwen.pinyin(text, tone='numbers')\n",
    ),
    SpeedSystem(
        "tongwen tokens",
        '`Annotator(tone="numbers").tokens(text)` (reading, source, candidates and confidence '
        "per character: what `annotate` renders; annotator built once)",
        "import tongwen\n\n_annotator = tongwen.Annotator(tone='numbers')\n\n"
        "def annotate(text):\n    return _annotator.tokens(text)\n",
    ),
    SpeedSystem(
        "pypinyin",
        "`pypinyin.pinyin(text)` (defaults)",
        "from pypinyin import pinyin as annotate\n",
    ),
    SpeedSystem(
        "g2pM",
        "`G2pM()(text, tone=True, char_split=True)` (model built once)",
        "from g2pM import G2pM\n\n"
        "_model = G2pM()\n\n"
        "def annotate(text):\n"
        "    return _model(text, tone=True, char_split=True)\n",
    ),
)

# Run in a fresh interpreter: import + build (setup) and the first call, timed apart.
STARTUP_PROBE = """\
import json, sys, time
t0 = time.perf_counter()
exec(compile(sys.argv[1], "<setup>", "exec"))
t1 = time.perf_counter()
annotate(sys.argv[2])
t2 = time.perf_counter()
print(json.dumps([t1 - t0, t2 - t1]))
"""


# Run in a fresh interpreter: set up, annotate the first N sentences one by one and then joined
# in one string, and report the peak resident memory in MB: VmHWM, which exec starts afresh
# (ru_maxrss keeps the forking parent's peak).
MEMORY_PROBE = """\
import json, sys
exec(compile(sys.argv[1], "<setup>", "exec"))
lines = open(sys.argv[2], encoding="utf-8").read().replace("\u2581", "").splitlines()
lines = lines[: int(sys.argv[3])]
for line in lines:
    annotate(line)
annotate("\\n".join(lines))
status = open("/proc/self/status", encoding="ascii").read()
print(json.dumps(int(status.split("VmHWM:")[1].split()[0]) / 1024))
"""


def peak_memory(system: SpeedSystem, path: Path, count: int) -> float:
    """The peak resident memory (MB) of a fresh interpreter that sets ``system`` up and
    annotates the first ``count`` sentences of ``path`` one by one, then joined."""
    proc = subprocess.run(
        [sys.executable, "-c", MEMORY_PROBE, system.setup, str(path), str(count)],
        capture_output=True, text=True, check=False, timeout=600,
    )
    if proc.returncode != 0:
        last = proc.stderr.strip().splitlines() or ["no message"]
        raise benchlib.BenchError(f"memory probe failed: {last[-1]}")
    return float(json.loads(proc.stdout.strip().splitlines()[-1]))


def build(system: SpeedSystem) -> Callable[[str], Any]:
    scope: dict[str, Any] = {}
    exec(compile(system.setup, f"<{system.name}>", "exec"), scope)
    fn: Callable[[str], Any] = scope["annotate"]
    return fn


def _one_string_differs(
    fn: Callable[[str], Any], sentences: Sequence[str], outs: Sequence[Sequence[Any]]
) -> int:
    """How many ``sentences`` read otherwise in the one string (all of them joined by line
    breaks, one call) than in their own call (``outs``)."""
    joined = fn("\n".join(sentences))
    differs, start = 0, 0
    for sentence, out in zip(sentences, outs, strict=True):
        differs += list(joined[start : start + len(sentence)]) != list(out)
        start += len(sentence) + 1
    return differs


def startup(system: SpeedSystem, runs: int) -> tuple[float, float, float]:
    """Best (setup, first call) of ``runs`` fresh interpreters, and the best whole-process
    wall time (interpreter start-up included)."""
    setups, firsts, walls = [], [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-c", STARTUP_PROBE, system.setup, STARTUP_TEXT],
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
        walls.append(time.perf_counter() - t0)
        if proc.returncode != 0:
            last = proc.stderr.strip().splitlines() or ["no message"]
            raise benchlib.BenchError(f"start-up probe failed: {last[-1]}")
        setup_s, first_s = json.loads(proc.stdout.strip().splitlines()[-1])
        setups.append(setup_s)
        firsts.append(first_s)
    return min(setups), min(firsts), min(walls)


def bare_interpreter(runs: int) -> float:
    walls = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True, timeout=60)
        walls.append(time.perf_counter() - t0)
    return min(walls)


def load_sentences(shared: Path) -> list[str]:
    path = shared / "data" / "cpp" / "dev.sent"
    return [
        line.rstrip("\n").replace(MARKER, "")
        for line in path.read_text(encoding="utf-8").splitlines(keepends=True)
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="timed rounds (best is kept)")
    parser.add_argument(
        "--budget-s",
        type=float,
        default=25.0,
        help="stop repeating one system/mode once its timed runs add up to this",
    )
    parser.add_argument(
        "--slow-s",
        type=float,
        default=8.0,
        help="a system whose warm-up pass over all the sentences took longer than this is timed "
        "on the first quarter of them only (0: never)",
    )
    parser.add_argument("--startup-runs", type=int, default=3, help="fresh processes per system")
    args, command = benchlib.parse_area_args(parser, SCRIPT, argv)
    meta, cpu = benchlib.begin_pinned_run(benchlib.THREAD_VARS)
    shared = benchlib.require_shared()
    peer_versions = benchlib.versions(PEER_DISTS)
    t_start = time.perf_counter()
    sentences = load_sentences(shared)
    whole_text = "\n".join(sentences)
    n_han = count_han(whole_text)
    n_chars = sum(len(s) for s in sentences)
    print(
        f"pinned to CPU {cpu}; {len(sentences):,} sentences, {n_han:,} Han characters",
        file=sys.stderr,
    )

    missing: dict[str, str] = {}
    one_string_differs: int | None = None
    fns: dict[str, Callable[[str], Any]] = {}
    warm_s: dict[str, float] = {}
    misaligned: dict[str, int] = {}
    for system in SYSTEMS:
        try:
            fn = build(system)
            # Warm-up: every sentence once, untimed for the table (its time picks subsets).
            t0 = time.perf_counter()
            outs = [fn(s) for s in sentences]
            warm_s[system.name] = time.perf_counter() - t0
        except Exception as exc:  # an absent peer or an unfinished engine: report, go on
            missing[system.name] = f"{type(exc).__name__}: {exc}".strip()
            print(f"warning: {system.name} not measured: {missing[system.name]}", file=sys.stderr)
            continue
        fns[system.name] = fn
        misaligned[system.name] = sum(
            len(o) != len(s) for o, s in zip(outs, sentences, strict=True)
        )
        if system.name == "tongwen":
            one_string_differs = _one_string_differs(fn, sentences, outs)
        del outs
        print(f"{system.name}: warm-up {warm_s[system.name]:.1f} s", file=sys.stderr)
    if REFERENCE_PEER not in fns:
        raise SystemExit(f"{REFERENCE_PEER} is needed: `make bench` installs the bench extra")
    systems = [s for s in SYSTEMS if s.name in fns]

    # Slow systems may run on a subset of the sentences (the first N).
    subset: dict[str, int] = {}
    for system in systems:
        if args.slow_s and warm_s[system.name] > args.slow_s:
            subset[system.name] = max(1, len(sentences) // 4)
    inputs = {name: sentences[: subset[name]] if name in subset else sentences for name in fns}
    han_of = {name: count_han("\n".join(inputs[name])) for name in fns}

    per_sentence: dict[str, list[float]] = {}
    whole: dict[str, list[float]] = {}
    for r in range(args.runs):
        for system in benchlib.rotated(systems, r):
            fn = fns[system.name]
            lines = inputs[system.name]
            done = per_sentence.setdefault(system.name, [])
            if not benchlib.budget_spent(done, args.budget_s):
                with benchlib.timed(done):
                    for s in lines:
                        fn(s)
            done = whole.setdefault(system.name, [])
            if not benchlib.budget_spent(done, args.budget_s):
                text = "\n".join(lines)
                with benchlib.timed(done):
                    fn(text)
        print(f"round {r + 1} done", file=sys.stderr)

    starts: dict[str, tuple[float, float, float]] = {}
    for system in systems:
        try:
            starts[system.name] = startup(system, args.startup_runs)
        except Exception as exc:
            missing[f"{system.name} start-up"] = f"{type(exc).__name__}: {exc}"
    bare = bare_interpreter(args.startup_runs)
    peaks: dict[str, float] = {}
    for system in systems:
        try:
            peaks[system.name] = peak_memory(system, shared / "data" / "cpp" / "dev.sent",
                                             len(inputs[system.name]))
        except Exception as exc:
            missing[f"{system.name} memory"] = f"{type(exc).__name__}: {exc}"
    elapsed = time.perf_counter() - t_start

    text = render(
        meta=meta,
        command=command,
        cpu=cpu,
        peer_versions=peer_versions,
        systems=systems,
        missing=missing,
        n_sentences=len(sentences),
        n_han=n_han,
        n_chars=n_chars,
        inputs={k: len(v) for k, v in inputs.items()},
        han_of=han_of,
        per_sentence=per_sentence,
        whole=whole,
        misaligned=misaligned,
        one_string_differs=one_string_differs,
        starts=starts,
        bare=bare,
        peaks=peaks,
        runs=args.runs,
        slow_s=args.slow_s,
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
    peer_versions: dict[str, str],
    systems: Sequence[SpeedSystem],
    missing: dict[str, str],
    n_sentences: int,
    n_han: int,
    n_chars: int,
    inputs: dict[str, int],
    han_of: dict[str, int],
    per_sentence: dict[str, list[float]],
    whole: dict[str, list[float]],
    misaligned: dict[str, int],
    one_string_differs: int | None,
    starts: dict[str, tuple[float, float, float]],
    bare: float,
    peaks: dict[str, float],
    runs: int,
    slow_s: float,
    budget_s: float,
    elapsed: float,
) -> str:
    out = [
        *benchlib.fragment_head("Readings speed", meta, peer_versions),
        benchlib.command_intro(command, elapsed)
        + f"One core: the process is pinned to CPU {cpu} and "
        "`OMP_NUM_THREADS`, `MKL_NUM_THREADS`, `OPENBLAS_NUM_THREADS` (and the like) are 1 "
        "before any system is imported. Input: the CPP dev sentences "
        f"(`../shared/data/cpp/dev.sent`, markers removed): {n_sentences:,} sentences, "
        f"{n_chars:,} characters, {n_han:,} of them Han, "
        f"{n_chars / max(1, n_sentences):.0f} characters a sentence on average. Each system "
        "annotates every sentence once to warm up, untimed. Rate = Han characters / seconds, "
        f"best of {benchlib.plural(runs, 'round')} (fewer where one system's runs exceeded "
        f"{budget_s:.0f} s in total); within a round the systems take turns in a rotated "
        "order. The machine is noisy: read the ratios to pypinyin, measured side by side in "
        "this run, rather than absolute rates.",
        "",
        "Calls: " + "; ".join(f"{s.name}: {s.how}" for s in systems) + ".",
    ]
    out += benchlib.not_measured(missing)
    partial = [s.name for s in systems if inputs[s.name] < n_sentences]
    if partial:
        out += [
            "",
            "Timed on a subset, the first quarter of the sentences, because one pass over all the "
            f"sentences took them over {slow_s:.0f} s in the warm-up (`--slow-s`): "
            + ", ".join(f"{name} ({inputs[name]:,} sentences)" for name in partial)
            + ".",
        ]

    def rates(times: dict[str, list[float]]) -> dict[str, float]:
        return {s.name: han_of[s.name] / min(times[s.name]) for s in systems if times.get(s.name)}

    ps, wh = rates(per_sentence), rates(whole)
    rows: list[list[object]] = []
    for system in systems:
        name = system.name
        if name not in ps:
            continue
        rows.append(
            [
                name,
                f"{ps[name]:,.0f}",
                benchlib.ratio(ps[name], ps.get(REFERENCE_PEER)),
                f"{inputs[name] / min(per_sentence[name]):,.0f}",
                f"{wh[name]:,.0f}" if name in wh else "—",
                benchlib.ratio(wh[name], wh.get(REFERENCE_PEER)) if name in wh else "—",
                len(per_sentence[name]),
            ]
        )
    out += [
        "",
        "### Throughput",
        "",
        "*Per sentence*: one call per sentence. *One string*: all the sentences joined by "
        "newlines, ONE call. Command: "
        f"`{command}`.",
        "",
        benchlib.md_table(
            [
                "system",
                "Han chars/s, per sentence",
                "× pypinyin",
                "sentences/s",
                "Han chars/s, one string",
                "× pypinyin",
                "runs",
            ],
            rows,
            "lrrrrrr",
        ),
    ]
    if "tongwen" in misaligned:
        n = misaligned["tongwen"]
        out += [
            "",
            "Sanity: `tongwen.pinyin` returns one entry per character "
            + (
                f"for all {n_sentences:,} sentences."
                if n == 0
                else f"except for {n:,} of {n_sentences:,} sentences."
            )
            + (
                ""
                if one_string_differs is None
                else " The one string reads every sentence as its own call does"
                + ("." if one_string_differs == 0
                   else f", except {one_string_differs:,} sentences.")
            )
            + " (pypinyin's default output groups non-Han runs into one item, so its length "
            "differs by design; g2pM with `char_split=True` gives one item per character.)",
        ]
    rows = []
    for system in systems:
        if system.name not in starts:
            continue
        setup_s, first_s, wall = starts[system.name]
        rows.append(
            [
                system.name,
                f"{setup_s * 1000:,.0f}",
                f"{first_s * 1000:,.1f}",
                f"{(setup_s + first_s) * 1000:,.0f}",
                f"{wall * 1000:,.0f}",
                f"{peaks[system.name]:,.0f}" if system.name in peaks else "—",
            ]
        )
    if rows:
        out += [
            "",
            "### Start-up",
            "",
            "A fresh interpreter per measurement (same pinning): *import* = importing the "
            "system and building what the timed call needs (g2pM: its model); *first call* = "
            f"annotating one 23-character sentence ({STARTUP_TEXT}) right after; *process* = "
            "the whole subprocess, interpreter start-up included (a bare `python -c pass` "
            f"takes {bare * 1000:,.0f} ms). Best of the runs in ms (`--startup-runs`). *Peak "
            "RSS* = the peak resident memory of another fresh interpreter that sets the system "
            "up, annotates the sentences it is timed on one by one and then all of them in one "
            "string (`VmHWM`). Command: "
            f"`{command}`.",
            "",
            benchlib.md_table(
                [
                    "system",
                    "import (ms)",
                    "first call (ms)",
                    "import + first call (ms)",
                    "process (ms)",
                    "peak RSS (MB)",
                ],
                rows,
                "lrrrrr",
            ),
        ]
    return "\n".join(out)


if __name__ == "__main__":
    sys.exit(main())
