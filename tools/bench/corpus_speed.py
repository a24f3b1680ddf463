"""Corpus runs: the `tongwen clean IN.jsonl -o OUTDIR` CLI, local and Ray engines, 1 and 2 workers.

    .venv/bin/python tools/bench/corpus_speed.py [--docs 100000]     (part of `make bench`)

Input: one JSON Lines file of `--docs` documents (`{"id": k, "text": ...}`, a few hundred
characters each), written to bench-out/corpus/: half of them polluted pages made by
tongwen.repair.generate (`pollute(text, site_chars=random_site(rng, size), ...)`, sites drawn from
a fixed pool, as a crawl holds many pages of each site), half clean text (simplified, or
human-typed traditional), from the held-out sources of repair_accuracy.py; every document is a
function of its number (fixed seeds). Each configuration is ONE run of the real CLI in a fresh
process, timed whole (wall clock: interpreter start-up, table loading, Ray start-up, writing and
fsyncing the outputs). Ray's start-up cannot be told apart from the CLI's output, but the runner
joins the cluster that RAY_ADDRESS names: the Ray rows are repeated against a local cluster this
script started beforehand (its start-up timed separately). Every run's outputs (the cleaned JSONL
and _stats.jsonl) must be byte-identical: their sha256 are compared. Writes
docs/benchmarks/repair-corpus.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib
import repair_accuracy as ra

FRAGMENT = "repair-corpus"
SCRIPT = "corpus_speed.py"
OUT = benchlib.OUT_DIR / "corpus"
DOC_CHARS = (200, 800)
# Polluted pages come from this many sites (each a site list, a table), drawn in turn.
SITES = 1000
STATS = "_stats.jsonl"

# Started by this script to hold a local Ray cluster: prints "<address> <seconds>" once Ray is
# up, then waits for its standard input to close and shuts Ray down.
RAY_HOLDER = """
import logging, sys, time
t0 = time.perf_counter()
import ray
ray.init(num_cpus=int(sys.argv[1]), include_dashboard=False, log_to_driver=False,
         logging_level=logging.WARNING)
print(ray.get_runtime_context().gcs_address, time.perf_counter() - t0, flush=True)
sys.stdin.read()
ray.shutdown()
"""


@dataclass(frozen=True)
class Config:
    engine: str
    workers: int
    prestarted: bool = False  # Ray: join a cluster started (and timed) beforehand

    @property
    def name(self) -> str:
        return f"{self.engine}-w{self.workers}" + ("-prestarted" if self.prestarted else "")

    @property
    def label(self) -> str:
        if self.engine == "local":
            return "local"
        return "ray, cluster started beforehand" if self.prestarted else "ray"


CONFIGS: tuple[Config, ...] = (
    Config("local", 1),
    Config("local", 2),
    Config("ray", 1),
    Config("ray", 2),
    Config("ray", 1, prestarted=True),
    Config("ray", 2, prestarted=True),
)


@dataclass
class Run:
    config: Config
    seconds: float
    hashes: dict[str, str]  # output file name -> sha256
    startup: float | None = None  # the pre-started cluster's start-up, seconds


# --------------------------------------------------------------------------------------------
# The corpus


def make_corpus(shared: Path, n_docs: int, path: Path) -> dict[str, int]:
    """Write ``n_docs`` JSON Lines documents to ``path``; return counts of what was made."""
    from tongwen.repair import generate as g

    split = replace(ra.SPLITS["heldout"], doc_chars=DOC_CHARS)
    maker = ra.Maker(split, shared)
    sites = []
    for j in range(SITES):
        rng = random.Random(f"corpus-site:{j}")
        table = rng.choice(split.tables)
        size = ra.log_uniform(rng, *split.site_sizes)
        sites.append((table, g.random_site(rng, size, table=table)))
    counts = {"polluted": 0, "clean_s": 0, "clean_t": 0, "chars": 0}
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", encoding="utf-8") as out:
        for k in range(n_docs):
            rng = random.Random(f"corpus:{k}")
            if k % 2 == 0:
                table, site = sites[rng.randrange(SITES)]
                text = g.pollute(maker._s_text(rng, DOC_CHARS), site_chars=site, table=table)
                kind = "polluted"
            elif rng.random() < 0.5:
                text, kind = maker._s_text(rng, DOC_CHARS), "clean_s"
            else:
                lines = rng.choice(maker.traditional)
                text, kind = ra.make_doc(rng, lines, rng.randint(*DOC_CHARS)), "clean_t"
            counts[kind] += 1
            counts["chars"] += len(text)
            out.write(json.dumps({"id": k, "text": text}, ensure_ascii=False) + "\n")
    os.replace(tmp, path)
    return counts


# --------------------------------------------------------------------------------------------
# Runs


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@contextmanager
def ray_cluster(cpus: int) -> Iterator[tuple[dict[str, str], float]]:
    """A local Ray cluster of ``cpus`` CPUs held by a child process: (the environment that
    joins it, its start-up in seconds). Token authentication stays on, with a fresh token."""
    auth = {"RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": secrets.token_hex(32)}
    holder = subprocess.Popen([sys.executable, "-c", RAY_HOLDER, str(cpus)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                              cwd=benchlib.ROOT, env={**os.environ, **auth})
    try:
        assert holder.stdout is not None
        line = holder.stdout.readline().split()
        if len(line) != 2:
            raise benchlib.BenchError("the Ray cluster did not start")
        yield {**auth, "RAY_ADDRESS": line[0]}, float(line[1])
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        try:
            holder.wait(timeout=120)
        except subprocess.TimeoutExpired:
            holder.kill()  # this script's own child, by its handle
            holder.wait()


def clean_run(config: Config, corpus: Path, env: Mapping[str, str] | None = None) -> Run:
    """One timed run of the CLI; the outputs are left in bench-out/corpus/out-<config>/."""
    outdir = OUT / f"out-{config.name}"
    if outdir.exists():
        shutil.rmtree(outdir)
    tongwen_cli = Path(sys.executable).parent / "tongwen"
    argv = [str(tongwen_cli), "clean", str(corpus.relative_to(benchlib.ROOT)),
            "-o", str(outdir.relative_to(benchlib.ROOT)), "--engine", config.engine,
            "--workers", str(config.workers), "--no-progress"]
    run_env = dict(os.environ)
    for var in ("RAY_ADDRESS", "RAY_AUTH_MODE", "RAY_AUTH_TOKEN"):
        run_env.pop(var, None)
    run_env.update(env or {})
    t0 = time.perf_counter()
    proc = subprocess.run(argv, cwd=benchlib.ROOT, env=run_env, capture_output=True, text=True,
                          check=False)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise benchlib.BenchError(f"{config.name}: exit {proc.returncode}: {proc.stderr[-2000:]}")
    names = sorted(p.name for p in outdir.iterdir())
    if names != sorted([corpus.name, STATS]):
        raise benchlib.BenchError(f"{config.name}: unexpected outputs {names}")
    hashes = {name: sha256(outdir / name) for name in (corpus.name, STATS)}
    print(f"{config.name}: {seconds:.1f} s", file=sys.stderr)
    return Run(config, seconds, hashes)


def run_all(corpus: Path, configs: Sequence[Config]) -> list[Run]:
    runs = []
    for config in configs:
        if not config.prestarted:
            runs.append(clean_run(config, corpus))
            continue
        with ray_cluster(config.workers) as (env, startup):
            run = clean_run(config, corpus, env)
        run.startup = startup
        runs.append(run)
    return runs


def stats_summary(path: Path) -> dict[str, int]:
    """Documents, changed ones, and ones detected as polluted, from a _stats.jsonl."""
    out = {"documents": 0, "changed": 0, "polluted": 0}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            out["documents"] += 1
            out["changed"] += bool(record["changed"])
            out["polluted"] += bool(record["detection"]["polluted"])
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=100_000, help="documents in the corpus")
    parser.add_argument("--no-prestarted", action="store_true",
                        help="skip the Ray runs against a cluster started beforehand")
    args, command = benchlib.parse_area_args(parser, SCRIPT, argv)

    meta = benchlib.run_metadata()
    shared = benchlib.require_shared()
    t_start = time.perf_counter()
    corpus = OUT / f"corpus-{args.docs}.jsonl"
    t0 = time.perf_counter()
    made = make_corpus(shared, args.docs, corpus)
    made_s = time.perf_counter() - t0
    size = corpus.stat().st_size
    print(f"corpus: {args.docs:,} documents, {size / 1e6:.1f} MB in {made_s:.0f} s",
          file=sys.stderr)
    configs = [c for c in CONFIGS if not (args.no_prestarted and c.prestarted)]
    runs = run_all(corpus, configs)
    first = OUT / f"out-{runs[0].config.name}"
    summary = stats_summary(first / STATS)
    identical = all(run.hashes == runs[0].hashes for run in runs)
    if identical:  # keep one copy of the outputs for inspection
        for run in runs[1:]:
            shutil.rmtree(OUT / f"out-{run.config.name}")
    elapsed = time.perf_counter() - t_start
    text = render(meta=meta, command=command, n_docs=args.docs, size=size, made=made,
                  made_s=made_s, runs=runs, summary=summary, identical=identical,
                  corpus=corpus, elapsed=elapsed)
    benchlib.publish_fragment(FRAGMENT, text, args.no_write, elapsed)
    return 0 if identical else 1


# --------------------------------------------------------------------------------------------
# The fragment


def render(
    *,
    meta: dict[str, str],
    command: str,
    n_docs: int,
    size: int,
    made: dict[str, int],
    made_s: float,
    runs: Sequence[Run],
    summary: dict[str, int],
    identical: bool,
    corpus: Path,
    elapsed: float,
) -> str:
    peers = benchlib.versions(("ray", "pyarrow"))
    rel = corpus.relative_to(benchlib.ROOT)
    out = [
        *benchlib.fragment_head("Repair: corpus runs (`tongwen clean -o`)", meta, peers),
        benchlib.command_intro(command, elapsed)
        + f"Input: `{rel}`, {n_docs:,} JSON Lines documents, {size / 1e6:.1f} MB "
        f"({made['chars'] / n_docs:,.0f} characters a document on average; made in "
        f"{made_s:.0f} s by `tongwen.repair.generate` from the held-out sources of "
        f"`repair_accuracy.py`, fixed seeds): {made['polluted']:,} polluted pages "
        f"(`pollute(text, site_chars=random_site(rng, size), table=...)`, the site lists "
        f"drawn from a pool of {SITES:,} sites), {made['clean_s']:,} clean simplified and "
        f"{made['clean_t']:,} clean human-typed traditional documents, of "
        f"{DOC_CHARS[0]}–{DOC_CHARS[1]} source characters. Cleaning changed "
        f"{summary['changed']:,} documents and detected {summary['polluted']:,} as polluted "
        "(from `_stats.jsonl`).",
        "",
        "Each row is ONE run of the real CLI, `.venv/bin/tongwen clean "
        f"{rel} -o OUTDIR --engine E --workers N` (default `--batch-size` 256, `--to keep`), "
        "timed whole by wall clock: interpreter start-up, loading the tables, starting the "
        "workers (and Ray), cleaning, writing and fsyncing the outputs. On this 2-CPU "
        "machine 2 workers share the CPUs with the parent process, which reads the input and "
        "writes the outputs. Ray's start-up is included in the `ray` rows: the CLI prints no "
        "timing of its own, but the runner joins the cluster that `RAY_ADDRESS` names, so the "
        "rows *ray, cluster started beforehand* run against a local Ray cluster of N CPUs "
        "that this script started first (its start-up, timed apart, in the last column); "
        "they still include importing Ray, connecting, and starting the job's worker "
        "processes. One run each: read the ratios, not the absolute rates.",
    ]
    base = {(r.config.engine, r.config.prestarted): r.seconds
            for r in runs if r.config.workers == 1}
    local_1 = base.get(("local", False))
    rows = []
    for run in runs:
        cfg = run.config
        one = base.get((cfg.engine, cfg.prestarted))
        rows.append([
            cfg.label, cfg.workers, f"{run.seconds:.1f}", f"{n_docs / run.seconds:,.0f}",
            f"{size / 1e6 / run.seconds:.2f}",
            benchlib.ratio(one, run.seconds) if one else "—",
            benchlib.ratio(local_1, run.seconds) if local_1 else "—",
            f"{run.startup:.1f}" if run.startup is not None else "",
        ])
    headers = ["engine", "workers", "wall s", "docs/s", "MB/s", "× 1 worker (same engine)",
               "× local, 1 worker", "cluster start-up s (not in wall s)"]
    out += ["", benchlib.md_table(headers, rows, "lrrrrrrr")]

    speedups = []
    for engine, prestarted, label in (("local", False, "local"), ("ray", False, "ray"),
                                      ("ray", True, "ray with a cluster started beforehand")):
        times = {r.config.workers: r.seconds for r in runs
                 if r.config.engine == engine and r.config.prestarted == prestarted}
        if 1 in times and 2 in times:
            speedups.append(f"{label} {times[1] / times[2]:.2f}×")
    if speedups:
        out += ["", "Speed-up from 1 to 2 workers: " + "; ".join(speedups) + "."]

    names = list(runs[0].hashes)
    hash_rows = []
    for name in names:
        digests = {run.hashes[name] for run in runs}
        hash_rows.append([f"`{name}`", "yes" if len(digests) == 1 else "**no**",
                          ", ".join(f"`{d}`" for d in sorted(digests))])
    verdict = "yes" if identical else "**no**"
    out += [
        "",
        f"Outputs byte-identical across all {len(runs)} runs: {verdict} "
        "(sha256 of each output file; one distinct digest per file means identical).",
        "",
        benchlib.md_table(["output", "identical", "sha256"], hash_rows),
    ]
    if not identical:
        out += ["", "Digests by run: " + "; ".join(
            f"{run.config.name}: " + ", ".join(f"{n} {h[:12]}" for n, h in run.hashes.items())
            for run in runs) + "."]
    return "\n".join(out)


if __name__ == "__main__":
    raise SystemExit(main())
