"""Repair speed: tongwen.clean on one core, as ratios to OpenCC's t2s on the same documents.

    .venv/bin/python tools/bench/repair_speed.py [--runs 3]     (part of `make bench`)

Inputs: documents of realistic size (500-1,500 characters, 1.5-4.5 KB of UTF-8 each), about
`--mb` MB of each kind, made from the held-out sources and settings of repair_accuracy.py:
clean simplified text, clean human-typed traditional text, polluted pages (traditional, with
and without garbles as they come), polluted pages a cleaner converted back to simplified, and
the polluted traditional pages without garbles and with them apart.
Every system is called once per document (the realistic call pattern of a corpus cleaner).
Rate: characters per second; the ratio to OpenCC's `t2s` on the same documents is what to
read. The process is pinned to one CPU and native thread pools to one thread before any
system is imported. Writes docs/benchmarks/repair-speed.md.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib
import repair_accuracy as ra

FRAGMENT = "repair-speed"
SCRIPT = "repair_speed.py"
REFERENCE = "OpenCC t2s"
DOC_CHARS = (500, 1500)
# Targets of issue 6, as multiples of OpenCC t2s, for tongwen.clean(to="keep").
TARGETS = {"clean_s": 3.0, "clean_t": 3.0, "polluted_t": 1.0, "polluted_s": 1.0}


@dataclass(frozen=True)
class Input:
    name: str
    title: str


INPUTS: tuple[Input, ...] = (
    Input("clean_s", "clean simplified"),
    Input("clean_t", "clean traditional (human-typed)"),
    Input("polluted_t", "polluted pages (traditional)"),
    Input("polluted_s", "polluted pages converted back to simplified"),
    Input("polluted_t_plain", "polluted pages (traditional) without garbles"),
    Input("polluted_t_garbled", "polluted pages (traditional) with garbles"),
)


@dataclass(frozen=True)
class SpeedSystem:
    name: str
    how: str
    fn: Callable[[str], object]


def make_inputs(shared: Path, mb: float) -> tuple[dict[str, list[str]], tuple[int, int]]:
    """About ``mb`` MB of documents of each input (held-out settings), and (pages with
    garbles, polluted pages) among the polluted ones."""
    import tongwen
    from tongwen.repair import generate as g

    split = replace(ra.SPLITS["heldout"], doc_chars=DOC_CHARS)
    maker = ra.Maker(split, shared)
    budget = int(mb * 1_000_000)
    docs: dict[str, list[str]] = {i.name: [] for i in INPUTS}
    size = dict.fromkeys(docs, 0)

    def add(name: str, doc: str) -> None:
        docs[name].append(doc)
        size[name] += len(doc.encode())

    garbled = 0
    k = 0
    while min(size.values()) < budget:
        rng = random.Random(f"speed:{k}")
        k += 1
        if size["clean_s"] < budget:
            add("clean_s", maker._s_text(rng, DOC_CHARS))
        if size["clean_t"] < budget:
            lines = rng.choice(maker.traditional)
            add("clean_t", ra.make_doc(rng, lines, rng.randint(*DOC_CHARS)))
        if min(size[n] for n in size if n.startswith("polluted")) < budget:
            original = maker._s_text(rng, DOC_CHARS)
            table = rng.choice(split.tables)
            site = g.random_site(rng, ra.log_uniform(rng, *split.site_sizes), table=table)
            page = g.pollute(original, site_chars=site, table=table)
            has_garbles = page != g.annotate_site(original, site_chars=site, table=table)
            if size["polluted_t"] < budget:  # pages as they come, garbles or not
                garbled += has_garbles
                add("polluted_t", page)
                add("polluted_s", tongwen.convert(page, to="s"))
            kind = "polluted_t_garbled" if has_garbles else "polluted_t_plain"
            if size[kind] < budget:
                add(kind, page)
    return docs, (garbled, len(docs["polluted_t"]))


def load_systems() -> tuple[list[SpeedSystem], dict[str, str]]:
    systems: list[SpeedSystem] = []
    missing: dict[str, str] = {}
    try:
        import opencc

        systems.append(SpeedSystem(REFERENCE, '`opencc.OpenCC("t2s").convert(doc)`',
                                   opencc.OpenCC("t2s").convert))
    except Exception as exc:  # an absent peer: report
        missing[REFERENCE] = f"{type(exc).__name__}: {exc}"
    try:
        import tongwen

        clean = tongwen.clean
        detect = tongwen.detect
        clean("團(tuán)", to="keep")

        def clean_keep(text: str) -> object:
            return clean(text, to="keep")

        def clean_s(text: str) -> object:
            return clean(text, to="s")

        systems += [
            SpeedSystem('tongwen clean to="keep"', '`tongwen.clean(doc, to="keep")`', clean_keep),
            SpeedSystem('tongwen clean to="s"', '`tongwen.clean(doc, to="s")`', clean_s),
            SpeedSystem("tongwen detect", "`tongwen.detect(doc)`", detect),
        ]
    except Exception as exc:  # the API is not there yet
        missing["tongwen"] = f"{type(exc).__name__}: {exc}"
    return systems, missing


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="timed rounds (best is kept)")
    parser.add_argument("--mb", type=float, default=2.0, help="MB of documents per input")
    parser.add_argument("--budget-s", type=float, default=20.0,
                        help="stop repeating one system/input once its runs add up to this")
    parser.add_argument("--no-write", action="store_true", help="print, do not write")
    args = parser.parse_args(argv)
    command = benchlib.command_line(SCRIPT, argv)

    meta = benchlib.run_metadata()  # before pinning: it reports the machine's CPUs
    cpu = benchlib.pin_to_one_core(benchlib.THREAD_VARS)
    shared = benchlib.require_shared()
    t_start = time.perf_counter()
    systems, missing = load_systems()
    benchlib.warn_missing(missing)
    if not any(s.name == REFERENCE for s in systems):
        raise SystemExit("OpenCC is needed: `make bench` installs the bench extra")
    docs, (garbled, polluted) = make_inputs(shared, args.mb)
    sizes = {name: (len(d), sum(map(len, d)), sum(len(x.encode()) for x in d))
             for name, d in docs.items()}
    print(f"pinned to CPU {cpu}; inputs: " + ", ".join(
        f"{n} {c:,} docs {b / 1e6:.1f} MB" for n, (c, _, b) in sizes.items()), file=sys.stderr)

    # Warm-up: every system over every input once (tables load, caches fill).
    for system in systems:
        for d in docs.values():
            for doc in d:
                system.fn(doc)
    times: dict[tuple[str, str], list[float]] = {}
    for r in range(args.runs):
        for system in benchlib.rotated(systems, r):
            for name, d in docs.items():
                done = times.setdefault((system.name, name), [])
                if benchlib.budget_spent(done, args.budget_s):
                    continue
                fn = system.fn
                with benchlib.timed(done):
                    for doc in d:
                        fn(doc)
        print(f"round {r + 1} done", file=sys.stderr)
    elapsed = time.perf_counter() - t_start
    text = render(meta=meta, command=command, cpu=cpu, systems=systems, missing=missing,
                  sizes=sizes, times=times, garbled=garbled, polluted=polluted,
                  runs=args.runs, budget_s=args.budget_s, elapsed=elapsed)
    benchlib.publish_fragment(FRAGMENT, text, args.no_write, elapsed)
    return 0


def render(
    *,
    meta: dict[str, str],
    command: str,
    cpu: int,
    systems: Sequence[SpeedSystem],
    missing: dict[str, str],
    sizes: dict[str, tuple[int, int, int]],
    times: dict[tuple[str, str], list[float]],
    garbled: int,
    polluted: int,
    runs: int,
    budget_s: float,
    elapsed: float,
) -> str:
    opencc_version = benchlib.versions(("opencc",))["opencc"]
    out = [
        *benchlib.fragment_head("Repair speed", meta, {"opencc": opencc_version}),
        benchlib.command_intro(command, elapsed)
        + f"One core: the process is pinned to CPU {cpu} and native thread pools to one "
        "thread before any system is imported. Inputs: documents of "
        f"{DOC_CHARS[0]:,}-{DOC_CHARS[1]:,} characters made from the held-out sources and "
        "settings of `repair_accuracy.py` (see Repair: detection and cleaning); "
        f"{benchlib.pct(garbled / polluted) if polluted else '—'} of the polluted pages "
        "have garbles. Each system is called once per document, after an untimed warm-up "
        "pass over everything. Rate = characters / seconds, best of "
        f"{benchlib.plural(runs, 'round')} (fewer where one system's runs on one input "
        f"exceeded {budget_s:.0f} s); the systems take turns in a rotated order. Read the "
        "ratios to OpenCC's `t2s` on the same documents, measured side by side in this run, "
        "not the absolute rates. Targets (issue 6), for `tongwen.clean(to=\"keep\")`: clean "
        "text ≥ 3×, polluted text ≥ 1×.",
        "",
        "Calls: " + "; ".join(f"{s.name}: {s.how}" for s in systems) + ".",
    ]
    out += benchlib.not_measured(missing)
    headers = ["input", "docs", "MB", "system", "chars/s", f"× {REFERENCE}", "target"]
    rows: list[list[object]] = []
    for inp in INPUTS:
        n_docs, n_chars, n_bytes = sizes[inp.name]
        ref_times = times.get((REFERENCE, inp.name))
        ref = n_chars / min(ref_times) if ref_times else None
        for system in systems:
            t = times.get((system.name, inp.name))
            if not t:
                continue
            rate = n_chars / min(t)
            target = ""
            if system.name == 'tongwen clean to="keep"' and ref and inp.name in TARGETS:
                want = TARGETS[inp.name]
                target = f"≥ {want:g}× " + ("✓" if rate / ref >= want else "✗")
            rows.append([inp.title, f"{n_docs:,}", f"{n_bytes / 1e6:.2f}", system.name,
                         f"{rate:,.0f}", benchlib.ratio(rate, ref), target])
    out += ["", benchlib.md_table(headers, rows, "lrrlrrl")]
    return "\n".join(out)


if __name__ == "__main__":
    raise SystemExit(main())
