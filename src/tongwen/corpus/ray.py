"""Ray Data: the ``clean_batch`` adapter for your own pipelines, and the ``--engine ray`` runner.

For a Ray Data pipeline of your own, clean the text column of every batch::

    import functools
    import ray
    from tongwen.corpus.ray import clean_batch

    ds = ray.data.read_json("crawl/*.jsonl")       # or read_parquet, from_items, ...
    ds = ds.map_batches(functools.partial(clean_batch, field="text", to="s"))
    ds.write_json("clean/")

Each row keeps its columns; ``field`` holds the cleaned text, and five columns are added:
``tongwen_changed``, ``tongwen_polluted``, ``tongwen_score``, ``tongwen_stripped`` and
``tongwen_repaired``. Ray is imported only by ``run_ray``: this module loads without it.
"""

from __future__ import annotations

import logging
import os
import pickle
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Literal, TypeVar

import tongwen
from tongwen.corpus.worker import Result, Task, process

__all__ = ["ADDED_COLUMNS", "clean_batch", "run_ray"]

#: The columns ``clean_batch`` adds to every batch.
ADDED_COLUMNS = ("tongwen_changed", "tongwen_polluted", "tongwen_score", "tongwen_stripped",
                 "tongwen_repaired")

M = TypeVar("M")


def clean_batch(batch: Mapping[str, Any], *, field: str = "text",
                to: Literal["keep", "s"] = "keep") -> dict[str, Any]:
    """Clean the ``field`` column of a Ray Data batch (``batch_format="numpy"``, the default:
    a mapping of column name to numpy array or list) with ``tongwen.clean(text, to=to)``.

    Returns a new dict: every column of ``batch`` unchanged except ``field``, which holds the
    cleaned texts (an object array of str), plus ``ADDED_COLUMNS``. Documents that are not
    polluted come back unchanged. Raises KeyError when ``field`` is missing and TypeError when
    a value is not a string (a null, say)::

        ds.map_batches(functools.partial(clean_batch, field="text", to="s"))
    """
    import numpy as np

    texts: Sequence[Any] = batch[field]
    cleaned = []
    for text in texts:
        if not isinstance(text, str):
            raise TypeError(f"column {field!r} holds a {type(text).__name__}, not a string")
        cleaned.append(tongwen.clean(str(text), to=to))
    out = dict(batch)
    out[field] = np.array([c.text for c in cleaned], dtype=object)
    out["tongwen_changed"] = np.array([c.changed for c in cleaned], dtype=bool)
    out["tongwen_polluted"] = np.array([c.detection.polluted for c in cleaned], dtype=bool)
    out["tongwen_score"] = np.array([c.detection.score for c in cleaned], dtype=np.float64)
    out["tongwen_stripped"] = np.array([c.stripped for c in cleaned], dtype=np.int64)
    out["tongwen_repaired"] = np.array([c.repaired for c in cleaned], dtype=np.int64)
    return out


def _process_rows(batch: Mapping[str, Any]) -> dict[str, Any]:
    """The Ray Data form of ``worker.process``: pickled Tasks in, pickled Results out."""
    import numpy as np

    results = [pickle.dumps(process(pickle.loads(data))) for data in batch["task"]]
    return {"seq": np.asarray(batch["seq"]), "result": np.array(results, dtype=object)}


def _start(workers: int) -> bool:
    """Start a local Ray with ``workers`` CPUs, or join the cluster RAY_ADDRESS names; True
    when this call started Ray (and so should shut it down)."""
    import ray

    if ray.is_initialized():
        return False
    quiet: dict[str, Any] = dict(include_dashboard=False, log_to_driver=False,
                                 logging_level=logging.WARNING)
    if os.environ.get("RAY_ADDRESS"):
        ray.init(**quiet)
    else:
        ray.init(num_cpus=workers, **quiet)
    return True


def _run_window(tasks: list[Task], blocks: int) -> list[Result]:
    """Run ``tasks`` as one Ray Data dataset of ``blocks`` blocks (one Ray task each)."""
    import ray.data

    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    context.print_on_execution_start = False
    rows = [{"seq": seq, "task": pickle.dumps(task)} for seq, task in enumerate(tasks)]
    items = ray.data.from_items(rows, override_num_blocks=min(len(rows), blocks))
    mapped = items.map_batches(_process_rows, batch_size=1, batch_format="numpy")
    done = sorted(mapped.take_all(), key=lambda row: int(row["seq"]))
    if [int(row["seq"]) for row in done] != list(range(len(tasks))):
        raise RuntimeError("Ray Data lost or duplicated a batch")
    return [pickle.loads(row["result"]) for row in done]


def run_ray(items: Iterable[tuple[M, Task | None]], workers: int, window: int | None = None,
            window_bytes: int = 256 << 20) -> Iterator[tuple[M, Result | None]]:
    """Run the tasks with Ray Data (``map_batches`` over the same per-batch function as the
    local engines) and yield the results in input order.

    Tasks go to Ray in windows — one dataset each, of two blocks per CPU of the cluster — of
    ``window`` tasks (default: 64 per CPU) or ``window_bytes`` of payload, whichever comes
    first, so that memory stays bounded. Starts a local Ray with ``workers`` CPUs unless Ray is
    already initialised or RAY_ADDRESS names a cluster; shuts down only a Ray it started."""
    try:
        import ray
        import ray.data
    except ImportError:
        raise ImportError("--engine ray needs Ray Data: pip install 'tongwen[corpus]'") from None
    logging.getLogger("ray.data").setLevel(logging.ERROR)
    started = _start(workers)
    try:
        resources: dict[str, float] = ray.cluster_resources()  # type: ignore[no-untyped-call]
        cpus = max(1, int(resources.get("CPU", workers)))
        size, blocks = window or 64 * cpus, 2 * cpus
        held: list[tuple[M, Task | None]] = []
        count = volume = 0
        for meta, task in items:
            held.append((meta, task))
            if task is not None:
                count += 1
                volume += sum(len(part) for part in task.payload if part is not None)
            if count >= size or volume >= window_bytes:
                yield from _flush(held, blocks)
                held, count, volume = [], 0, 0
        yield from _flush(held, blocks)
    finally:
        if started:
            ray.shutdown()


def _flush(held: list[tuple[M, Task | None]], blocks: int) -> Iterator[tuple[M, Result | None]]:
    tasks = [task for _, task in held if task is not None]
    results = iter(_run_window(tasks, blocks) if tasks else [])
    for meta, task in held:
        yield meta, (next(results) if task is not None else None)
