"""Clean a polluted document: undo GBK garbles, strip the pasted readings, convert back.

A document that detection does not find polluted comes back exactly as it was.
"""

from __future__ import annotations

from functools import cache

from tongwen.conversion.converter import Converter
from tongwen.errors import UnknownSchemeError
from tongwen.repair.detect import detect_with_pairs
from tongwen.repair.gbk import GARBLE, repair_line
from tongwen.repair.result import Cleaned
from tongwen.repair.strip import reading_fits, strip

__all__ = ["clean"]

CLEAN_TARGETS = ("keep", "s")


@cache
def _to_simplified() -> Converter:
    # Taiwan forms back to Simplified: char-by-char converters write 隨著 for 随着.
    return Converter(to="s", source="tw")


def _repair_garbles(text: str, preferred: frozenset[str]) -> tuple[str, int]:
    """Lines with garbles, repaired at the byte level (their readings go too)."""
    lines = text.split("\n")
    repaired = 0
    for i, line in enumerate(lines):
        found = len(GARBLE.findall(line))
        if not found:
            continue
        fixed = repair_line(line, reading_fits, preferred)
        if fixed is not None:
            lines[i] = fixed
            repaired += found
    return "\n".join(lines), repaired


def clean(text: str, to: str = "keep") -> Cleaned:
    """``text`` without pasted readings and garbles; ``to="s"`` also converts it back to
    Simplified. Text that is not polluted is returned unchanged."""
    if to not in CLEAN_TARGETS:
        raise UnknownSchemeError(f"unknown target {to!r}; choose one of {', '.join(CLEAN_TARGETS)}")
    detection, pairs = detect_with_pairs(text)
    if not detection.polluted:
        return Cleaned(text, detection, stripped=0, repaired=0, converted=False)
    out, repaired = text, 0
    if detection.garbles:
        out, repaired = _repair_garbles(text, frozenset(char for char, _ in pairs))
    stripped = detection.annotations
    out = strip(out)
    converted = False
    if to == "s":
        simplified = _to_simplified().convert(out)
        converted = simplified != out
        out = simplified
    return Cleaned(out, detection, stripped=stripped, repaired=repaired, converted=converted)
