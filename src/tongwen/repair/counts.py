"""Character classes of a whole text, counted in one numpy pass over its code points.

A table of one byte per code point marks Han characters and script-specific ones; a third bit
marks, for the length of one call, the characters a page annotates (a lock keeps concurrent
calls from seeing each other's marks).
"""

from __future__ import annotations

import threading
from functools import cache
from typing import TYPE_CHECKING, NamedTuple

from tongwen.text import HAN_RANGES, code_points

if TYPE_CHECKING:  # numpy loads on first use, not when tongwen is imported
    import numpy as np

__all__ = ["ClassCounts", "count_classes"]

_HAN, _SPECIFIC, _MARKED = 1, 2, 4
_LOCK = threading.Lock()


class ClassCounts(NamedTuple):
    """Han characters, script-specific characters, and occurrences of the marked ones."""

    han: int
    specific: int
    marked: int


@cache
def _classes() -> tuple[np.ndarray, np.ndarray]:
    """The class table (marks come and go) and a copy without marks (to restore from)."""
    import numpy as np

    from tongwen.repair.detect import script_specific

    table = np.zeros(0x110000, dtype=np.uint8)
    for lo, hi in HAN_RANGES:
        table[lo : hi + 1] |= _HAN
    table[[ord(c) for c in script_specific()]] |= _SPECIFIC
    return table, table.copy()


def count_classes(text: str, marked: str) -> ClassCounts:
    """How many characters of ``text`` are Han, script-specific, and among the characters
    of ``marked`` (repeats allowed)."""
    import numpy as np

    table, unmarked = _classes()
    marks, cps = code_points(marked), code_points(text)
    with _LOCK:
        table.put(marks, unmarked.take(marks) | _MARKED)
        n = np.bincount(table.take(cps), minlength=8).tolist()
        table.put(marks, unmarked.take(marks))
    # n[k]: how many characters have the class bits k
    return ClassCounts(han=n[1] + n[3] + n[5] + n[7], specific=n[2] + n[3] + n[6] + n[7],
                       marked=n[4] + n[5] + n[6] + n[7])
