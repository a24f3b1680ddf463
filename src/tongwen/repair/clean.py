"""Clean a polluted document: undo GBK garbles, strip the pasted readings, convert back.

A document that detection does not find polluted comes back exactly as it was.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from functools import cache, partial

from tongwen.conversion.converter import Converter
from tongwen.errors import UnknownSchemeError
from tongwen.repair.detect import detect_scan
from tongwen.repair.gbk import GARBLE, LONE, Unit, repair_units, units, with_variants
from tongwen.repair.restore import ALREADY_SIMPLIFIED, hypothesis, restore
from tongwen.repair.result import Cleaned
from tongwen.repair.scan import Scan
from tongwen.repair.strip import reading_fits, strip, traditional_forms

__all__ = ["clean", "in_page_script", "to_simplified"]

CLEAN_TARGETS = ("keep", "s")
_UNKNOWN_READINGS = re.compile(f"{GARBLE.pattern}|{LONE.pattern}")


def _repair_garbles(text: str, found: Scan) -> tuple[str, int, list[int]]:
    """``found.stripped`` (``text`` without its pasted readings) with the lines that have
    garbles repaired at the byte level, how many garbles were repaired, and the numbers of the
    repaired lines in it. The page's annotated characters are likely on the site's list; a
    repair that, polluted again with them, gives the line as it came is preferred. On a page
    a cleaner converted back to Simplified, the characters around the garbles may be
    converted ones (:func:`~tongwen.repair.gbk.with_variants`)."""
    out: list[str] = []
    repaired: list[int] = []
    garbles = 0
    site: dict[str, str] = {}
    for char, reading in zip(found.chars, found.readings, strict=True):
        site.setdefault(char, reading)  # the first reading of each character, in order
    preferred = frozenset(site)
    converted = hypothesis(found.stripped) == ALREADY_SIMPLIFIED
    lines = found.stripped.split("\n")
    for k, (line, raw) in enumerate(zip(lines, text.split("\n"), strict=True)):
        fixed = None
        if "?" in line and GARBLE.search(line):
            found_units: list[str | Unit] = list(units(line))
            if converted:
                found_units = with_variants(found_units, traditional_forms)
            garbled = _garble_readings(line)
            order = _garbles_first(garbled, site)
            forms = _site_forms(order) if converted else None
            # No text explains a garble whose reading no annotated character has: skip the check
            explains = (partial(_explains, raw, order, forms)
                        if garbled <= set(site.values()) else None)
            fixed = repair_units(found_units, reading_fits, preferred, explains,
                                 k + 1 == len(lines))
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


def _garble_readings(line: str) -> set[str]:
    """The readings of ``line``'s garbles and lone '?(reading)' units."""
    return {reading for found in _UNKNOWN_READINGS.findall(line) for reading in found if reading}


def _garbles_first(garbled: set[str], site: dict[str, str]) -> dict[str, str]:
    """``site`` with the characters read as one of a line's ``garbled`` readings
    (:func:`_garble_readings`) first: the polluter pasted their readings before the readings
    of characters whose bytes they broke."""
    first = {c: r for c, r in site.items() if r in garbled}
    return first | site


def _site_forms(site: dict[str, str]) -> tuple[tuple[str, dict[str, str]], ...]:
    """``site`` as each polluter's table writes its characters: ``(table, written)``."""
    from tongwen.repair.generate import TABLES, char_convert

    return tuple((table, {char_convert(char, table): reading for char, reading in site.items()})
                 for table in TABLES)


def _explains(line: str, site: dict[str, str],
              forms: tuple[tuple[str, dict[str, str]], ...] | None, text: str) -> bool:
    """Whether ``text`` polluted with the ``site`` characters and readings gives ``line``;
    when a cleaner converted the page (``forms``: the site as each polluter's table writes
    it, :func:`_site_forms`), ``text`` is converted by character first (it is Simplified but
    for the rebuilt characters; with any polluter's table) and the polluted line converted to
    Simplified as the cleaner did. A reading the repair left in ``text`` (pasted after an
    ASCII byte that the repair made the second byte of its character: ``數種(zhǒng)`` from
    ``?dāng)捣N(zhǒng)``) is stripped first, as the clean text has it."""
    from tongwen.conversion.converter import convert
    from tongwen.repair.generate import pollute

    text = strip(text)
    if forms is None:
        return pollute(text, site_chars=list(site), readings=site, convert=False) == line
    for table, written in forms:  # the cleaner converted the site's characters too
        page = pollute(text, site_chars=list(written), readings=written, table=table)
        if convert(page, to="s") == line:
            return True
    return False


@cache
def _to_simplified() -> Converter:
    """Taiwan forms back to Simplified, with phrases, as a cleaner converts."""
    return Converter(to="s", source="tw")


def to_simplified(text: str, repaired: Collection[int] = ()) -> str:
    """``text`` (stripped and repaired) back in Simplified: through the inverse of the
    polluter's character table (``restore``); a page a cleaner has converted already stays as
    it is, except the lines rebuilt from their bytes (:func:`in_page_script`)."""
    found = hypothesis(text)
    if found != ALREADY_SIMPLIFIED:
        return restore(text, found)
    return _simplify_lines(text, repaired)


def in_page_script(text: str, repaired: Collection[int]) -> str:
    """``text`` (stripped and repaired) with its rebuilt lines (``repaired``) in the page's
    script: they come back as the polluter wrote them, so on a page a cleaner has converted
    already they are converted as the cleaner converted the rest."""
    if not repaired or hypothesis(text) != ALREADY_SIMPLIFIED:
        return text
    return _simplify_lines(text, repaired)


def _simplify_lines(text: str, repaired: Collection[int]) -> str:
    if not repaired:
        return text
    lines = text.split("\n")
    for i in repaired:
        lines[i] = _to_simplified().convert(lines[i])
    return "\n".join(lines)


def clean(text: str, to: str = "keep") -> Cleaned:
    """``text`` without pasted readings and garbles; ``to="s"`` also converts it back to
    Simplified (:func:`to_simplified`), ``to="keep"`` keeps the page's script (lines rebuilt
    from their bytes included: :func:`in_page_script`). Text that is not polluted is returned
    unchanged."""
    if to not in CLEAN_TARGETS:
        raise UnknownSchemeError(f"unknown target {to!r}; choose one of {', '.join(CLEAN_TARGETS)}")
    detection, found = detect_scan(text)
    if not detection.polluted:
        return Cleaned(text, detection, stripped=0, repaired=0, converted=False)
    out, repaired = found.stripped, 0
    lines: list[int] = []
    if detection.garbles:
        out, repaired, lines = _repair_garbles(text, found)
    converted = False
    if to == "s":
        simplified = to_simplified(out, lines)
        converted = simplified != out
        out = simplified
    else:
        out = in_page_script(out, lines)
    return Cleaned(out, detection, stripped=detection.annotations, repaired=repaired,
                   converted=converted)
