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
from tongwen.repair.restore import ALREADY_SIMPLIFIED, hypothesis, restore
from tongwen.repair.result import Cleaned
from tongwen.repair.strip import reading_fits, strip

__all__ = ["clean", "to_simplified"]

CLEAN_TARGETS = ("keep", "s")


def _repair_garbles(stripped: str, preferred: Collection[str]) -> tuple[str, int, list[int]]:
    """``stripped`` (a text without its pasted readings) with the lines that have garbles
    repaired at the byte level, how many garbles were repaired, and the numbers of the
    repaired lines in it."""
    out: list[str] = []
    repaired: list[int] = []
    garbles = 0
    for line in stripped.split("\n"):
        fixed = None
        if "?" in line and GARBLE.search(line):
            fixed = repair_units(units(line), reading_fits, preferred)
        if fixed is None:
            out.append(line)
            continue
        # As if stripped after the repair (a '字(a)(b)' left '字(b)'); a lost line break
        # found again makes two lines of one.
        garbles += len(GARBLE.findall(line))
        for part in strip(fixed).split("\n"):
            repaired.append(len(out))
            out.append(part)
    return "\n".join(out), garbles, repaired


@cache
def _to_simplified() -> Converter:
    """Taiwan forms back to Simplified, with phrases, as a cleaner converts."""
    return Converter(to="s", source="tw")


def to_simplified(text: str, repaired: Collection[int] = ()) -> str:
    """``text`` (stripped and repaired) back in Simplified: through the inverse of the
    polluter's character table (``restore``); a page a cleaner has converted already stays as
    it is, except the lines rebuilt from their bytes (``repaired``), which come back as the
    polluter wrote them and are converted as the cleaner converted the rest."""
    found = hypothesis(text)
    if found != ALREADY_SIMPLIFIED:
        return restore(text, found)
    if not repaired:
        return text
    lines = text.split("\n")
    for i in repaired:
        lines[i] = _to_simplified().convert(lines[i])
    return "\n".join(lines)


def clean(text: str, to: str = "keep") -> Cleaned:
    """``text`` without pasted readings and garbles; ``to="s"`` also converts it back to
    Simplified (:func:`to_simplified`). Text that is not polluted is returned unchanged."""
    if to not in CLEAN_TARGETS:
        raise UnknownSchemeError(f"unknown target {to!r}; choose one of {', '.join(CLEAN_TARGETS)}")
    detection, found = detect_scan(text)
    if not detection.polluted:
        return Cleaned(text, detection, stripped=0, repaired=0, converted=False)
    out, repaired = found.stripped, 0
    lines: list[int] = []
    if detection.garbles:
        out, repaired, lines = _repair_garbles(out, frozenset(found.chars))
    converted = False
    if to == "s":
        simplified = to_simplified(out, lines)
        converted = simplified != out
        out = simplified
    return Cleaned(out, detection, stripped=detection.annotations, repaired=repaired,
                   converted=converted)
