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

import heapq
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache, partial

from tongwen.readings.lexicon import char_ranks
from tongwen.repair.strip import PINYIN, simplified_forms, strip

__all__ = ["GARBLE", "LONE", "Lost", "Unknown", "repair_line", "repair_units", "units"]

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


@dataclass(frozen=True)
class Lost:
    """A bare '?' after a garble: the decoder, out of step since the garble, read the second
    byte of a character and the line break after it as one bad pair, and lost both. The
    character is solved from the byte before it and its neighbours (:func:`_lost_score`)."""


#: The byte a :class:`Lost` pair is taken to have swallowed after its character.
LINE_BREAK = 0x0A

#: A line's units: text (inserted readings removed) and the unknown bytes between.
Units = Sequence["str | Unknown | Lost"]


def units(stripped: str) -> list[str | Unknown | Lost]:
    """A line whose other pasted readings are stripped already, cut at its unknown bytes.
    (Stripping leaves every garble as it was: neither contains the other's characters.)
    A '?' after the first garble that is no garble itself is a :class:`Lost` pair."""
    parts = _UNKNOWN.split(stripped)  # [text, garble reading, lone reading, text, ...]
    out: list[str | Unknown | Lost] = []
    for i in range(0, len(parts), 3):
        if parts[i]:
            if i == 0 or "?" not in parts[i]:
                out.append(parts[i])
            else:
                pieces = parts[i].split("?")
                for k, piece in enumerate(pieces):
                    if k:
                        out.append(Lost())
                    if piece:
                        out.append(piece)
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
        if not isinstance(unit, str):
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


@cache
def _bigrams() -> frozenset[str]:
    """Two characters that stand next to each other in a word of tongwen's lexicon."""
    from tongwen.readings.lexicon import load_lexicon

    return frozenset(w[k : k + 2] for w in load_lexicon().words for k in range(len(w) - 1))


#: Punctuation likely at the end of a line, and inside one.
_LINE_END = frozenset("。！？」』”）…；：")
_INSIDE = frozenset("，、：；“”「」《》（）")


def _lost_score(before: str, char: str, line_end: bool) -> int:
    """How likely ``char`` is after ``before`` (the character decoded before it), at the end
    of a line or inside one: four for a pair in a lexicon word (compared in Simplified), two
    for a frequent character or fitting punctuation."""
    simplified = simplified_forms()
    pair = simplified.get(before, before) + simplified.get(char, char)
    punctuation = _LINE_END if line_end else _INSIDE
    return (4 * (pair in _bigrams()) + 2 * (char in _frequent() or char in punctuation)
            + (line_end and char == "。"))


@lru_cache(maxsize=256)
def _bad_after(byte: int) -> tuple[int, ...]:
    """The lead bytes that make no character after ``byte``: the decoder read ``byte`` (a
    character's second byte, out of step) and such a lead byte as one bad pair, '?'."""
    return tuple(y for y in range(0x81, 0xFF) if _pair(byte, y) is None)


@lru_cache(maxsize=64)
def _best_leads(following: bytes) -> dict[int, list[tuple[int, int]]]:
    """For each byte after which some lead byte makes no character, the best two such lead
    bytes as ``(-score, lead)``: the score is ``_plausibility`` of ``following`` read in step
    after the lead byte (only lead bytes that pair with ``following[0]`` count). The lead
    byte and ``following[0]`` make one character and the rest decodes the same after any, so
    the score is the rest's plus one when that character is frequent."""
    if not following:
        return {}
    rest, frequent = _plausibility(following[1:]), _frequent()
    pairs = {lead: _pair(lead, following[0]) for lead in range(0x81, 0xFF)}
    best = {}
    for byte in _with_bad_leads():
        scored: list[tuple[int, int]] = []
        plain: list[tuple[int, int]] = []
        for lead in _bad_after(byte):  # ascending: the first two of each kind are the best
            char = pairs[lead]
            if char is None:
                continue
            if char in frequent:
                scored.append((-rest - 1, lead))
                if len(scored) == 2:
                    break
            elif len(plain) < 2:
                plain.append((-rest, lead))
        if scored or plain:
            best[byte] = (scored + plain)[:2]
    return best


@cache
def _with_bad_leads() -> tuple[int, ...]:
    """The bytes after which some lead byte makes no character (few: GBK's empty rows)."""
    return tuple(byte for byte in range(0x81, 0xFF) if _bad_after(byte))


@lru_cache(maxsize=1024)
def _lost_chars(previous: int, before: str) -> tuple[tuple[int, int, int], ...]:
    """``(byte, score at a line end, score inside a line)`` (:func:`_lost_score`) for each
    character made by ``previous`` and a second byte from 0x81 up, after ``before``."""
    return tuple((byte, _lost_score(before, char, True), _lost_score(before, char, False))
                 for byte, char in _characters_after(previous) if byte >= 0x81)


def lost_options(previous: int, before: str, following: bytes) -> list[tuple[int, int, int]]:
    """The best two ``(score, byte, next byte)`` of the ways a :class:`Lost` pair after
    ``previous`` (a lead byte; ``before``: the character decoded before it) may be filled,
    best first (ties in byte order): the second byte of a character and :data:`LINE_BREAK`,
    the decoder back in step on ``following``; or the second byte of a character and the lead
    byte of the next, the two no character together (a full-width comma, a3 ac, and any lead
    byte after it), the decoder still out of step on ``following``. Score: :func:`_lost_score`
    of the character plus the plausibility of what follows (``_plausibility``). Two are
    enough: the callers take the best, unless the second ties with it."""
    after_break = _plausibility(following)
    leads = _best_leads(following)
    ranked = []  # (-score, byte, next byte): the smallest are the best
    for byte, at_end, inside in _lost_chars(previous, before):
        ranked.append((-at_end - after_break, byte, LINE_BREAK))
        for negative, lead in leads.get(byte, ()):
            ranked.append((negative - inside, byte, lead))
    return [(-negative, byte, after) for negative, byte, after in heapq.nsmallest(2, ranked)]


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


def _solve_lost(beam: list[Choice], before: int | None, prefix: Callable[[Choice], bytes],
                following: Callable[[], bytes]) -> list[Choice] | None:
    """The beam after a :class:`Lost` pair: each choice extended by its best option
    (:func:`lost_options`). None when the best two options of the first choice tie: a wrong
    character is worse than a '?' left in place."""
    out: list[Choice] = []
    for rank, choice in enumerate(beam):
        previous = before if before is not None else choice[-1] if choice else None
        if previous is None or previous < 0x81:
            continue
        head = prefix(choice)[:-1].decode("gbk", errors="replace")
        options = lost_options(previous, head[-1] if head else "", following())
        if not options:
            continue
        if rank == 0 and len(options) > 1 and options[0][0] == options[1][0]:
            return None
        out.append((*choice, options[0][1], options[0][2]))
    return out[:BEAM]


def _assemble(encoded: Sequence[bytes | Unknown | Lost], choice: Choice) -> bytes:
    """The line's bytes with the chosen byte in place of each unknown one (two for a lost
    pair)."""
    chosen = iter(choice)
    out = []
    for unit in encoded:
        if isinstance(unit, Unknown):
            out.append(bytes((next(chosen),)))
        elif isinstance(unit, Lost):
            out.append(bytes((next(chosen), next(chosen))))
        else:
            out.append(unit)
    return b"".join(out)


def repair_units(
    found: Units, fits: Callable[[str, str], bool], preferred: Collection[str] = ()
) -> str | None:
    """The text of ``found`` with each unknown byte solved, or None when it cannot be (a text
    unit that GBK cannot encode, or no byte that fits). See ``repair_line``."""
    try:
        encoded = [unit.encode("gbk") if isinstance(unit, str) else unit for unit in found]
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
        elif isinstance(unit, Lost):
            solved = _solve_lost(beam, before, partial(_assemble, encoded[:i]),
                                 partial(_following, found, i))
            if not solved:
                return None
            beam, before = solved, None
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
