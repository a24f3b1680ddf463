"""A datatrove pipeline step that repairs polluted web text: ``TongwenClean``.

::

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from tongwen.corpus.datatrove import TongwenClean

    LocalPipelineExecutor(pipeline=[
        JsonlReader("crawl/"),
        TongwenClean(to="s", drop_unrepairable=True),
        JsonlWriter("clean/"),
    ], tasks=4).run()

This module needs datatrove (``pip install 'tongwen[datatrove]'``); importing it without
datatrove raises ImportError saying so. Nothing else in tongwen imports it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Literal

import tongwen

try:
    from datatrove.pipeline.base import PipelineStep  # type: ignore[import-untyped, import-not-found, unused-ignore]
except ImportError as error:  # pragma: no cover - depends on the environment
    raise ImportError(
        "tongwen.corpus.datatrove needs datatrove: pip install 'tongwen[datatrove]'"
    ) from error

if TYPE_CHECKING:
    _Base = Any
else:
    _Base = PipelineStep

__all__ = ["TongwenClean"]


class TongwenClean(_Base):  # type: ignore[misc, unused-ignore]
    """Clean each document's ``text`` with ``tongwen.clean(text, to=to)`` and record what was
    done in ``doc.metadata["tongwen"]``: ``changed``, ``stripped``, ``repaired``,
    ``converted`` and ``detection`` (``Detection.as_dict()`` of the original text). Documents
    that are not polluted pass through unchanged.

    ``drop_unrepairable``: drop a document that still looks polluted after cleaning
    (``tongwen.detect`` of the cleaned text says so). Stats: ``changed``, ``polluted`` and
    ``dropped_unrepairable`` counts, besides datatrove's own."""

    name = "🀄 tongwen clean"
    type = "✂️ - FORMAT"

    def __init__(self, to: Literal["keep", "s"] = "keep", drop_unrepairable: bool = False) -> None:
        super().__init__()
        if to not in ("keep", "s"):
            raise ValueError(f"to must be 'keep' or 's', got {to!r}")
        self.to = to
        self.drop_unrepairable = drop_unrepairable

    def run(self, data: Any, rank: int = 0, world_size: int = 1) -> Iterator[Any]:
        """Yield every document of ``data`` cleaned (dropping unrepairable ones if asked)."""
        if data is None:
            return
        for doc in data:
            self.stat_update("total")
            with self.track_time():
                cleaned = tongwen.clean(doc.text, to=self.to)
                unrepairable = (self.drop_unrepairable and cleaned.detection.polluted
                                and tongwen.detect(cleaned.text).polluted)
            doc.metadata["tongwen"] = {
                "changed": cleaned.changed, "stripped": cleaned.stripped,
                "repaired": cleaned.repaired, "converted": cleaned.converted,
                "detection": cleaned.detection.as_dict(),
            }
            if cleaned.detection.polluted:
                self.stat_update("polluted")
            if cleaned.changed:
                self.stat_update("changed")
            if unrepairable:
                self.stat_update("dropped_unrepairable")
                continue
            doc.text = cleaned.text
            yield doc
