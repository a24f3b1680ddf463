"""Undo GBK-level garbles: a reading inserted by byte replacement across two characters.

The polluter encodes the page in GBK and replaces the bytes of each listed character with the
bytes of ``字(reading)``. When a character's two bytes also occur across a boundary (the trail
byte of one character and the lead byte of the next), the insertion lands there: the decoder then
reads ``[lead byte, '(']`` as one bad character, ``?``, and may stay out of step for the
characters after it (``因?yàn)橛譀]說`` was ``因為又沒說``).

To undo it, the line is turned back into its byte stream with every inserted ``(reading)``
removed; each ``?`` that stood before a reading hides one unknown byte, the second byte of the
character the reading belonged to, which is solved from the byte before it and that reading.
The bytes then decode, in step again, to the page as it was before the readings were pasted.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import lru_cache

from tongwen.readings.lexicon import char_ranks
from tongwen.repair.strip import ANNOTATION, PINYIN, simplified_forms

__all__ = ["GARBLE", "repair_line"]

#: A garble: '?' (a lead byte and the '(' of an inserted reading), the reading, ')'.
GARBLE = re.compile(f"\\?({PINYIN})\\)")
#: A lone byte read as '?', followed by the reading inserted after it: '?(gè)'.
_LONE = re.compile(f"\\?\\(({PINYIN})\\)")
_UNIT = re.compile(f"{GARBLE.pattern}|{_LONE.pattern}|{ANNOTATION.pattern}|.", re.DOTALL)


@dataclass
class _Unknown:
    """A byte hidden in a '?': the second byte of a character read ``reading``."""

    reading: str


def _units(line: str) -> list[bytes | _Unknown] | None:
    """The line's original byte stream, inserted readings removed; None if not GBK."""
    units: list[bytes | _Unknown] = []
    for match in _UNIT.finditer(line):
        garble_reading, lone_reading, char = match.group(1), match.group(2), match.group(3)
        if garble_reading is not None or lone_reading is not None:
            units.append(_Unknown(garble_reading or lone_reading))
            continue
        piece = char if char is not None else match.group(0)
        try:
            units.append(piece.encode("gbk"))
        except UnicodeEncodeError:
            return None
    return units


def _plausibility(data: bytes, known: Collection[str]) -> int:
    """How many characters of ``data`` decode to frequent characters (either script), less
    three for each byte pair that does not decode at all."""
    text = data.decode("gbk", errors="replace")
    simplified = simplified_forms()
    return sum(simplified.get(c, c) in known for c in text) - 3 * text.count("\ufffd")


@lru_cache(maxsize=256)
def _characters_after(previous: int) -> tuple[tuple[int, str], ...]:
    """(byte, character) for every byte that makes a GBK character after ``previous``."""
    found = []
    for byte in range(0x40, 0xFF):
        if byte == 0x7F:
            continue
        try:
            char = bytes((previous, byte)).decode("gbk")
        except UnicodeDecodeError:
            continue
        if len(char) == 1:
            found.append((byte, char))
    return tuple(found)


def _candidates(
    previous: int, reading: str, fits: Callable[[str, str], bool]
) -> list[int]:
    """Bytes that, after ``previous``, make a character read ``reading``."""
    return [byte for byte, char in _characters_after(previous) if fits(char, reading)]


#: How many partial byte streams the search keeps.
BEAM = 8


def repair_line(
    line: str, fits: Callable[[str, str], bool], preferred: Collection[str] = ()
) -> str | None:
    """The line as it was before the readings were pasted (readings removed), or None when
    it cannot be repaired. ``fits(char, reading)`` says whether a character reads so;
    ``preferred`` are characters the page annotates elsewhere (likely on the site's list).
    Unknown bytes are searched together (a beam): each must make its character read as the
    pasted reading says, and the text they give must decode, the more plausibly the better."""
    units = _units(line)
    if units is None:
        return None
    known = char_ranks()
    beam: list[bytearray] = [bytearray()]
    for i, unit in enumerate(units):
        if isinstance(unit, bytes):
            for data in beam:
                data += unit
            continue
        following = b"".join(u for u in units[i + 1 : i + 9] if isinstance(u, bytes))[:12]
        scored: list[tuple[int, int, bytearray]] = []
        for data in beam:
            if not data:
                continue
            for byte in _candidates(data[-1], unit.reading, fits):
                char = bytes((data[-1], byte)).decode("gbk")
                score = _plausibility(bytes((byte,)) + following, known) + (char in preferred)
                scored.append((-score, len(scored), data + bytes((byte,))))
        if not scored:
            return None
        beam = [data for _, _, data in sorted(scored)[:BEAM]]
    for data in beam:
        try:
            return bytes(data).decode("gbk")
        except UnicodeDecodeError:
            continue
    return None
