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
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache, partial

from tongwen.readings.lexicon import char_ranks
from tongwen.repair.strip import PINYIN, simplified_forms, strip

__all__ = ["GARBLE", "LONE", "Unknown", "repair_line", "repair_units", "units"]

#: A garble: '?' (a lead byte and the '(' of an inserted reading), the reading, ')'.
GARBLE = re.compile(f"\\?({PINYIN})\\)")
#: A lone byte read as '?', followed by the reading inserted after it: '?(gè)'.
LONE = re.compile(f"\\?\\(({PINYIN})\\)")
_UNKNOWN = re.compile(f"{GARBLE.pattern}|{LONE.pattern}")
#: The bytes after an unknown one that judge it: up to this many characters ...
FOLLOWING_CHARS = 8
#: ... and this many bytes.
FOLLOWING_BYTES = 12


@dataclass(frozen=True)
class Unknown:
    """A byte hidden in a '?': the second byte of a character read ``reading``."""

    reading: str


#: A line's units: text (inserted readings removed) and the unknown bytes between.
Units = Sequence["str | Unknown"]


def units(stripped: str) -> list[str | Unknown]:
    """A line whose other pasted readings are stripped already, cut at its unknown bytes.
    (Stripping leaves every garble as it was: neither contains the other's characters.)"""
    parts = _UNKNOWN.split(stripped)  # [text, garble reading, lone reading, text, ...]
    out: list[str | Unknown] = []
    for i in range(0, len(parts), 3):
        if parts[i]:
            out.append(parts[i])
        if i + 1 < len(parts):
            out.append(Unknown(parts[i + 1] or parts[i + 2]))
    return out


def _following(found: Units, i: int) -> bytes:
    """The bytes of the characters after unit ``i`` (the next ``FOLLOWING_CHARS`` units of
    one character each, unknown ones counted but given no bytes), at most FOLLOWING_BYTES."""
    pieces, room = [], FOLLOWING_CHARS
    for unit in found[i + 1 :]:
        if room <= 0:
            break
        if isinstance(unit, Unknown):
            room -= 1
            continue
        pieces.append(unit[:room])
        room -= len(pieces[-1])
    return "".join(pieces).encode("gbk")[:FOLLOWING_BYTES]


@cache
def _frequent() -> frozenset[str]:
    """Characters whose simplified form is ranked (frequent in either script)."""
    ranks, simplified = char_ranks(), simplified_forms()
    return frozenset(
        {c for c in ranks if c not in simplified}
        | {t for t, s in simplified.items() if s in ranks}
    )


def _plausibility(data: bytes) -> int:
    """How many characters of ``data`` decode to frequent characters (either script), less
    three for each byte pair that does not decode at all."""
    text = data.decode("gbk", errors="replace")
    return sum(map(_frequent().__contains__, text)) - 3 * text.count("\ufffd")


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


@lru_cache(maxsize=1 << 16)
def _pair(lead: int, trail: int) -> str | None:
    """The character that the two bytes make in GBK, or None."""
    try:
        char = bytes((lead, trail)).decode("gbk")
    except UnicodeDecodeError:
        return None
    return char if len(char) == 1 else None


class _Scorer:
    """``_plausibility(bytes((byte,)) + following)`` for many bytes, sharing the decoding of
    ``following``: after an ASCII byte it decodes whole; after a byte that pairs with its
    first byte, from its second byte on (GBK decodes in step from any character boundary)."""

    def __init__(self, following: bytes) -> None:
        self.following = following
        self.after_ascii = _plausibility(following)
        self.after_pair = _plausibility(following[1:]) if following else 0
        self.memo: dict[int, int] = {}

    def __call__(self, byte: int) -> int:
        score = self.memo.get(byte)
        if score is None:
            score = self.memo[byte] = self._score(byte)
        return score

    def _score(self, byte: int) -> int:
        if byte < 0x80:
            return (chr(byte) in _frequent()) + self.after_ascii
        char = _pair(byte, self.following[0]) if self.following else None
        if char is None:
            return _plausibility(bytes((byte,)) + self.following)
        return (char in _frequent()) + self.after_pair


@lru_cache(maxsize=1 << 14)
def _candidates(
    previous: int, reading: str, fits: Callable[[str, str], bool]
) -> tuple[tuple[int, str], ...]:
    """(byte, character) for the bytes that, after ``previous``, make a character read
    ``reading``."""
    return tuple((b, char) for b, char in _characters_after(previous) if fits(char, reading))


#: How many partial byte streams the search keeps.
BEAM = 8


#: The bytes chosen so far for a line's unknown bytes, one per unknown.
Choice = tuple[int, ...]


def _solve(beam: list[Choice], before: int | None, reading: str,
           following: Callable[[], bytes], fits: Callable[[str, str], bool],
           preferred: Collection[str]) -> list[Choice]:
    """The beam after one more unknown byte: each choice extended by each byte that, after
    the byte before it (``before``, or the choice's last byte when None), makes a character
    read ``reading``; the best ``BEAM`` kept, by the plausibility of the byte and the
    ``following()`` bytes, plus one for a preferred character (ties keep their order)."""
    options = [(choice, byte, char) for choice in beam
               if (previous := before if before is not None else choice[-1] if choice else None)
               is not None
               for byte, char in _candidates(previous, reading, fits)]
    if len(options) <= 1:  # nothing to rank
        return [(*choice, byte) for choice, byte, _ in options]
    plausibility = _Scorer(following())
    scored = [(-(plausibility(byte) + (char in preferred)), k, (*choice, byte))
              for k, (choice, byte, char) in enumerate(options)]
    return [choice for _, _, choice in sorted(scored)[:BEAM]]


def _assemble(encoded: Sequence[bytes | Unknown], choice: Choice) -> bytes:
    """The line's bytes with the chosen byte in place of each unknown one."""
    chosen = iter(choice)
    return b"".join(bytes((next(chosen),)) if isinstance(unit, Unknown) else unit
                    for unit in encoded)


def repair_units(
    found: Units, fits: Callable[[str, str], bool], preferred: Collection[str] = ()
) -> str | None:
    """The text of ``found`` with each unknown byte solved, or None when it cannot be (a text
    unit that GBK cannot encode, or no byte that fits). See ``repair_line``."""
    try:
        encoded = [unit if isinstance(unit, Unknown) else unit.encode("gbk") for unit in found]
    except UnicodeEncodeError:
        return None
    beam: list[Choice] = [()]
    before: int | None = None  # the last byte of the text unit just passed, if any
    for i, unit in enumerate(encoded):
        if isinstance(unit, Unknown):
            following = partial(_following, found, i)
            beam = _solve(beam, before, unit.reading, following, fits, preferred)
            if not beam:
                return None
            before = None
        else:
            before = unit[-1]
    for choice in beam:
        try:
            return _assemble(encoded, choice).decode("gbk")
        except UnicodeDecodeError:
            continue
    return None


def repair_line(
    line: str, fits: Callable[[str, str], bool], preferred: Collection[str] = ()
) -> str | None:
    """The line as it was before the readings were pasted (readings removed), or None when
    it cannot be repaired. ``fits(char, reading)`` says whether a character reads so;
    ``preferred`` are characters the page annotates elsewhere (likely on the site's list).
    Unknown bytes are searched together (a beam): each must make its character read as the
    pasted reading says, and the text they give must decode, the more plausibly the better."""
    return repair_units(units(strip(line)), fits, preferred)
