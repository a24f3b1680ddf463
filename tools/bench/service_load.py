"""Service load: `tongwen serve --workers 2` on loopback, driven by wrk with a 200-char annotate.

    .venv/bin/python tools/bench/service_load.py [--requests 100000]     (part of `make bench`)

One real server process (uvicorn, 2 workers) answers POST /v1/annotate with a fixed body: a
200-character simplified passage, inline pinyin. wrk (Debian's package, `apt-get install wrk`)
keeps `--connections` requests in flight. A short first run warms the workers up and measures the
rate; the main run lasts long enough for at least `--requests` requests. wrk's own Lua `done` hook
reports requests, latency percentiles and every kind of error (connect, read, write, timeout,
non-2xx status); the resident memory of the server (parent and workers together) is sampled every
second during the main run. Writes docs/benchmarks/service-load.md.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib

FRAGMENT = "service-load"
SCRIPT = "service_load.py"
TEXT_CHARS = 200
MARK = "WRKJSON "

# wrk's hooks: every request the same POST; at the end, one JSON line with the summary.
WRK_SCRIPT = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = assert(io.open(os.getenv("TONGWEN_LOAD_BODY"), "rb"))
wrk.body = f:read("*a")
f:close()
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '@MARK@{"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, ' ..
    '"status": %d, "timeout": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
""".replace("@MARK@", MARK)


@dataclass(frozen=True)
class WrkRun:
    """What wrk's ``done`` hook reported for one run."""

    requests: int
    duration_s: float
    errors: dict[str, int]
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float

    @property
    def rate(self) -> float:
        return self.requests / self.duration_s

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


def passage(shared: Path, chars: int = TEXT_CHARS) -> str:
    """The first ``chars`` characters of the simplified lines of the shared mixed bench text."""
    import tongwen

    lines = (shared / "data" / "text" / "bench_mixed_10k.txt").read_text(encoding="utf-8")
    picked: list[str] = []
    for line in lines.splitlines():
        if line.strip() and tongwen.detect_script(line).script == "s":
            picked.append(line.strip())
        if sum(map(len, picked)) >= chars:
            break
    return "".join(picked)[:chars]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def server(workers: int) -> Iterator[tuple[str, psutil.Process]]:
    """`tongwen serve` on a free loopback port; yields its base URL and its process."""
    port = free_port()
    exe = Path(sys.executable).with_name("tongwen")
    command = [str(exe), "serve", "--host", "127.0.0.1", "--port", str(port),
               "--workers", str(workers)]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise benchlib.BenchError("tongwen serve did not start")
            time.sleep(0.2)
        yield base, psutil.Process(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def rss_mb(process: psutil.Process) -> float:
    """Resident memory of ``process`` and all its children, in MB."""
    total = 0
    for p in [process, *process.children(recursive=True)]:
        with suppress(psutil.NoSuchProcess):
            total += p.memory_info().rss
    return total / 1e6


def run_wrk(url: str, body: Path, seconds: int, connections: int, threads: int) -> WrkRun:
    """One wrk run against ``url``; its ``done`` hook's numbers."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(WRK_SCRIPT)
    command = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s",
               "--timeout", "10s", "-s", lua.name, url]
    env = {"TONGWEN_LOAD_BODY": str(body), "PATH": "/usr/bin:/bin"}
    out = subprocess.run(command, capture_output=True, text=True, check=True, env=env).stdout
    Path(lua.name).unlink()
    line = next(x for x in out.splitlines() if x.startswith(MARK))
    data = json.loads(line[len(MARK):])
    errors = {k: data[k] for k in ("connect", "read", "write", "status", "timeout")}
    return WrkRun(data["requests"], data["duration_us"] / 1e6, errors, data["p50_us"] / 1e3,
                  data["p90_us"] / 1e3, data["p99_us"] / 1e3, data["max_us"] / 1e3)


def sample_rss(process: psutil.Process, stop: threading.Event, samples: list[float]) -> None:
    """Append the server's RSS to ``samples`` every second until ``stop`` is set."""
    while not stop.wait(1.0):
        samples.append(rss_mb(process))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=100_000, help="least requests in the run")
    parser.add_argument("--workers", type=int, default=2, help="server worker processes")
    parser.add_argument("--connections", type=int, default=8, help="requests kept in flight")
    parser.add_argument("--warmup-s", type=int, default=10, help="seconds of the warm-up run")
    args, command = benchlib.parse_area_args(parser, SCRIPT, argv)
    if shutil.which("wrk") is None:
        raise benchlib.BenchError("wrk is not installed: apt-get install wrk")
    meta = benchlib.run_metadata()
    text = passage(benchlib.require_shared())
    body_json = {"text": text, "format": "inline"}
    t_start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp, server(args.workers) as (base, process):
        body = Path(tmp) / "body.json"
        body.write_text(json.dumps(body_json, ensure_ascii=False), encoding="utf-8")
        check = httpx.post(f"{base}/v1/annotate", json=body_json, timeout=30)
        check.raise_for_status()
        warm = run_wrk(f"{base}/v1/annotate", body, args.warmup_s, args.connections, 1)
        seconds = max(10, math.ceil(args.requests / max(warm.rate, 1.0) * 1.1))
        print(f"warm-up {warm.rate:.0f} req/s; main run {seconds} s", file=sys.stderr)
        samples = [rss_mb(process)]
        stop = threading.Event()
        sampler = threading.Thread(target=sample_rss, args=(process, stop, samples))
        sampler.start()
        main_run = run_wrk(f"{base}/v1/annotate", body, seconds, args.connections, 1)
        stop.set()
        sampler.join()
        samples.append(rss_mb(process))
    elapsed = time.perf_counter() - t_start
    fragment = render(meta, command, args, text, check.json()["text"], warm, main_run, samples)
    benchlib.publish_fragment(FRAGMENT, fragment, args.no_write, elapsed)
    return 0 if main_run.error_count == 0 and main_run.requests >= args.requests else 1


def render(meta: dict[str, str], command: str, args: argparse.Namespace, text: str,
           annotated: str, warm: WrkRun, run: WrkRun, samples: list[float]) -> str:
    """The fragment: the run's figures, its memory series and how it was made."""
    quarters = [samples[min(len(samples) - 1, round(q * (len(samples) - 1)))]
                for q in (0, 0.25, 0.5, 0.75, 1)]
    growth = samples[-1] - samples[0]
    rows = [
        ("requests", f"{run.requests:,} in {run.duration_s:.0f} s"),
        ("requests per second", f"{run.rate:,.0f}"),
        ("latency p50 / p90 / p99 / max (ms)",
         f"{run.p50_ms:.1f} / {run.p90_ms:.1f} / {run.p99_ms:.1f} / {run.max_ms:.1f}"),
        ("errors (connect, read, write, timeout, non-2xx)",
         ", ".join(f"{run.errors[k]}" for k in ("connect", "read", "write", "timeout", "status"))),
        ("server RSS at 0 / 25 / 50 / 75 / 100 % (MB)", " / ".join(f"{v:.0f}" for v in quarters)),
        ("RSS change over the run", f"{growth:+.1f} MB ({growth / samples[0] * 100:+.1f} %)"),
        ("warm-up run (not counted)", f"{warm.requests:,} requests, {warm.rate:,.0f}/s, "
                                      f"{warm.error_count} errors"),
    ]
    return "\n".join([
        "## Service under load",
        "",
        benchlib.fragment_run_line(meta),
        "",
        f"`tongwen serve --workers {args.workers}` on loopback, driven by wrk (1 thread, "
        f"{args.connections} connections) on the same machine: POST /v1/annotate with a "
        f"{len(text)}-character simplified passage, `format: inline`. Server and load generator "
        "share the CPUs listed above, so the rate is a floor for a dedicated server.",
        "",
        benchlib.md_table(["measure", "value"], rows, "lr"),
        "",
        f"Passage: {text[:40]}… → {annotated[:60]}…",
        "",
        f"Reproduce: `{command}`",
    ])


if __name__ == "__main__":
    raise SystemExit(main())
