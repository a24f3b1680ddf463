"""Corpus scale: clean or inspect many documents — files, directories, JSON Lines, Parquet.

- ``clean_corpus(inputs, outdir, ...)`` (``tongwen clean -o``): outputs that keep the input's
  names, order and format, ``_stats.jsonl``, atomic writes, ``resume`` after a crash, a local
  process pool or Ray Data; see ``tongwen.corpus.runner``.
- ``tongwen.corpus.ray.clean_batch``: a ``map_batches`` function for your own Ray pipelines.
- ``tongwen.corpus.datatrove.TongwenClean``: a datatrove pipeline step (needs datatrove).

Importing this package loads neither pyarrow, tqdm, Ray nor datatrove: each loads when used.
"""

from __future__ import annotations

from tongwen.corpus.inputs import InputFile, expand_inputs, iter_documents
from tongwen.corpus.runner import STATS_NAME, Summary, clean_corpus
from tongwen.corpus.worker import Settings

__all__ = [
    "STATS_NAME",
    "InputFile",
    "Settings",
    "Summary",
    "clean_corpus",
    "expand_inputs",
    "iter_documents",
]
