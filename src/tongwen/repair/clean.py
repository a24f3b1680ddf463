"""Clean a polluted document: undo GBK garbles, strip the pasted readings, convert back.

A document that detection does not find polluted comes back exactly as it was.
"""

from __future__ import annotations

from collections.abc import Collection
from functools import cache

from tongwen.conversion.converter import Converter
from tongwen.errors import UnknownSchemeError
from tongwen.repair.detect import detect_scan
from tongwen.repair.gbk import GARBLE, repair_units, units
from tongwen.repair.result import Cleaned
from tongwen.repair.strip import reading_fits, strip

__all__ = ["clean", "to_simplified"]

CLEAN_TARGETS = ("keep", "s")


@cache
def to_simplified() -> Converter:
    """Taiwan forms back to Simplified: char-by-char converters write 隨著 for 随着."""
    return Converter(to="s", source="tw")


def _repair_garbles(stripped: str, preferred: Collection[str]) -> tuple[str, int]:
    """``stripped`` (a text without its pasted readings) with the lines that have garbles
    repaired at the byte level, and how many garbles were repaired."""
    lines = stripped.split("\n")
    repaired = 0
    for i, line in enumerate(lines):
        if "?" not in line:
            continue
        found = len(GARBLE.findall(line))
        if not found:
            continue
        fixed = repair_units(units(line), reading_fits, preferred)
        if fixed is not None:
            lines[i] = strip(fixed)  # as if stripped after the repair (a '字(a)(b)' left '字(b)')
            repaired += found
    return "\n".join(lines), repaired


def clean(text: str, to: str = "keep") -> Cleaned:
    """``text`` without pasted readings and garbles; ``to="s"`` also converts it back to
    Simplified. Text that is not polluted is returned unchanged."""
    if to not in CLEAN_TARGETS:
        raise UnknownSchemeError(f"unknown target {to!r}; choose one of {', '.join(CLEAN_TARGETS)}")
    detection, found = detect_scan(text)
    if not detection.polluted:
        return Cleaned(text, detection, stripped=0, repaired=0, converted=False)
    out, repaired = found.stripped, 0
    if detection.garbles:
        out, repaired = _repair_garbles(out, frozenset(found.chars))
    converted = False
    if to == "s":
        simplified = to_simplified().convert(out)
        converted = simplified != out
        out = simplified
    return Cleaned(out, detection, stripped=detection.annotations, repaired=repaired,
                   converted=converted)
