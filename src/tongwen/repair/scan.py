"""One pass over a document finds every pasted reading and the text without them.

``PASTED.split`` cuts the text at each ``(reading)`` that follows a Han character: the pieces
between the cuts, joined, are the stripped text, and each annotated character is the last
character of the piece before its reading. Everything is done by the regex engine and by
C-level list operations; no Python code runs per character or per reading.
"""

from __future__ import annotations

from operator import itemgetter
from typing import NamedTuple

from tongwen.repair.strip import PASTED

__all__ = ["Scan", "scan"]

_LAST = itemgetter(-1)


class Scan(NamedTuple):
    """The readings pasted in a text: ``chars[i]`` was annotated ``readings[i]``, in order;
    ``stripped`` is the text without them (what ``strip.strip`` gives)."""

    stripped: str
    chars: list[str]
    readings: list[str]


def scan(text: str) -> Scan:
    """The pasted readings of ``text`` (the ``ANNOTATION`` matches) and ``text`` without them."""
    if "(" not in text:
        return Scan(text, [], [])
    parts = PASTED.split(text)  # [piece, reading, piece, reading, ..., piece]
    pieces = parts[::2]
    # The lookbehind puts the annotated character at the end of the piece before each reading.
    return Scan("".join(pieces), list(map(_LAST, pieces[:-1])), parts[1::2])
