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

import codecs
import re
from bisect import bisect_right
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import accumulate
from typing import TYPE_CHECKING, NamedTuple

from tongwen.repair.strip import PINYIN, strip

if TYPE_CHECKING:
    import numpy as np

    from tongwen.repair.charlm import CharLM

__all__ = [
    "GARBLE", "LONE", "Lost", "Unit", "Unknown", "Variant", "pairwise_errors", "repair_line",
    "repair_units", "units", "with_variants",
]

#: A garble: '?' (a lead byte and the '(' of an inserted reading), the reading, ')'.
GARBLE = re.compile(f"\\?({PINYIN})\\)")
#: A lone byte read as '?', followed by the reading inserted after it: '?(gè)'.
LONE = re.compile(f"\\?\\(({PINYIN})\\)")
_UNKNOWN = re.compile(f"{GARBLE.pattern}|{LONE.pattern}")
#: The text after a :class:`Lost` pair that starts with the ASCII second byte of a listed
#: character and the reading pasted after it.
CLAIMED = re.compile(f"([\\x40-\\x7e])\\(({PINYIN})\\)")


@dataclass(frozen=True)
class Unknown:
    """A byte hidden in a '?': the second byte of a character read ``reading``. When the
    decoder read the next byte as ASCII and a reading is pasted after it (``?shì)r(shí)``:
    時 is 0x95 0x72), ``claimed`` is that byte and reading: the hidden byte is the lead
    byte of a listed character with it, and that character reads so."""

    reading: str
    claimed: tuple[int, str] | None = None


@dataclass(frozen=True)
class Lost:
    """A bare '?' after a garble: the decoder, out of step since the garble, read the second
    byte of a character and the byte after it (a line break, other ASCII, or the lead byte of
    the next character) as one bad pair, and lost both (:func:`_lost_groups`). When that byte
    was the lead byte of a listed character whose second byte is ASCII (``?W(ōu)``: 歐 is
    0x9A 0x57), the reading pasted after it is kept as ``reading``: that character reads so."""

    reading: str | None = None

@dataclass(frozen=True)
class Variant:
    """A character a cleaner may have converted after the polluter garbled the line: its
    bytes were those of one of ``chars`` (the character as found first)."""

    chars: tuple[str, ...]


#: A :class:`Lost` pair's reading and the ``fits(char, reading)`` that checks it, or None.
Claimed = tuple[str, Callable[[str, str], bool]] | None
#: A line's units: text (inserted readings removed) and the unknown bytes between.
Units = Sequence["str | Unknown | Lost | Variant"]
Unit = Unknown | Lost | Variant


def units(stripped: str) -> list[str | Unknown | Lost]:
    """A line whose other pasted readings are stripped already, cut at its unknown bytes.
    (Stripping leaves every garble as it was: neither contains the other's characters.)
    A '?' after the first garble that is no garble itself is a :class:`Lost` pair. After the
    first garble, a reading pasted after an ASCII byte belongs to the character whose second
    byte that is (the decoder out of step): the unit just before keeps it when the byte
    comes right after it (:data:`CLAIMED`), and it is taken out of the text."""
    parts = _UNKNOWN.split(stripped)  # [text, garble reading, lone reading, text, ...]
    out: list[str | Unknown | Lost] = []
    for i in range(0, len(parts), 3):
        text = parts[i]
        if i and out and isinstance(out[-1], Unknown) and (found := CLAIMED.match(text)):
            out[-1] = Unknown(out[-1].reading, (ord(found.group(1)), found.group(2)))
            text = found.group(1) + text[found.end():]
        if text:
            if i == 0:
                out.append(text)
            else:
                pieces = text.split("?")
                for k, piece in enumerate(pieces):
                    if k:
                        lost, piece = _claim(piece)
                        out.append(lost)
                    if piece:
                        out.append(_unclaimed(piece))
        if i + 1 < len(parts):
            out.append(Unknown(parts[i + 1] or parts[i + 2]))
    return out


def _unclaimed(text: str) -> str:
    """``text`` without the readings pasted after its ASCII bytes (:data:`CLAIMED`)."""
    return CLAIMED.sub(r"\1", text) if "(" in text else text


def _claim(after: str) -> tuple[Lost, str]:
    """The :class:`Lost` pair before the text ``after``, and that text: with the reading
    pasted after its first character taken out when that is the ASCII second byte of a
    listed character (:data:`CLAIMED`)."""
    found = CLAIMED.match(after)
    if found is None:
        return Lost(), after
    return Lost(found.group(2)), found.group(1) + after[found.end():]


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


@lru_cache(maxsize=1 << 14)
def _candidates(
    previous: int, reading: str, fits: Callable[[str, str], bool]
) -> tuple[tuple[int, str], ...]:
    """(byte, character) for the bytes that, after ``previous``, make a character read
    ``reading``."""
    return tuple((b, char) for b, char in _characters_after(previous) if fits(char, reading))


#: The bytes a :class:`Lost` pair may have swallowed after its character's second byte, when
#: that was no lead byte: a line break first, then one of each kind the model tells apart
#: (digits read as one, Latin letters as one: the repair writes the first of each).
_ASCII_AFTER = b"\n 0a,.:;!?()%-/\"'"


#: Every one-byte string, made once: the cached options share them (memory stays small).
_BYTES = tuple(bytes((b,)) for b in range(256))


def _lost_groups(previous: int, following: int | None, open_end: bool,
                 claimed: Claimed = None) -> tuple[tuple[int, str, tuple[bytes, ...]], ...]:
    """The ways a :class:`Lost` unit after ``previous`` (a lead byte) may be filled, as
    ``(byte, character, next bytes)``: the second byte of a character, either 0x80 (no lead
    byte: read as '?' alone) or from 0x81 on and then a byte it makes no character with:
    ASCII (the decoder back in step), or a lead byte that makes a character with
    ``following`` (the byte after the '?'; the decoder still out of step). With ``open_end``
    (another unknown unit comes next) that lead byte is left to it. With ``claimed`` (the
    unit's reading and ``fits``), the next byte is a lead byte whose character with
    ``following`` reads so."""
    found: list[tuple[int, str, tuple[bytes, ...]]] = []
    for byte, char in _characters_after(previous):
        if byte < 0x80:
            continue
        if claimed is not None:  # the next byte is the claimed character's lead byte
            leads = _claimed_after(byte, following, *claimed) if following else ()
            if byte > 0x80 and leads:
                found.append((byte, char, leads))
            continue
        if byte == 0x80 or open_end:  # 0x80 is no lead byte: the decoder took it alone
            found.append((byte, char, (b"",)))
            continue
        found.append((byte, char, _after(byte, following)))
    return tuple(found)


@lru_cache(maxsize=1 << 12)
def _claimed_after(byte: int, following: int, reading: str,
                   fits: Callable[[str, str], bool]) -> tuple[bytes, ...]:
    """The lead bytes of :func:`_after` whose character with ``following`` reads
    ``reading``."""
    return tuple(lead for lead in _after(byte, following) if lead[0] >= 0x81
                 and fits(_pair(lead[0], following) or "", reading))


@lru_cache(maxsize=1 << 15)
def _after(byte: int, following: int | None) -> tuple[bytes, ...]:
    """What a :class:`Lost` pair ending in ``byte`` (from 0x81) may have swallowed next: an
    ASCII byte it makes no character with, or a lead byte that makes none with it and one
    with ``following`` (see :func:`_lost_groups`). Shared by every entry that asks."""
    after = [_BYTES[a] for a in _ASCII_AFTER if _pair(byte, a) is None]
    if following is not None:
        after += [_BYTES[lead] for lead in range(0x81, 0xFF)
                  if _pair(byte, lead) is None and _pair(lead, following) is not None]
    return tuple(after)


@lru_cache(maxsize=256)
def _open_leads(byte: int) -> tuple[int, ...]:
    """The lead bytes a :class:`Lost` pair with ``byte`` first may have swallowed and left
    open: they make no character with ``byte`` and some character with a byte from 0x81."""
    return tuple(lead for lead in range(0x81, 0xFF) if _pair(byte, lead) is None
                 and any(b >= 0x81 for b, _ in _characters_after(lead)))


#: How many partial byte streams the search keeps.
BEAM = 4
#: ... and after a unit that another unknown one follows at once.
OPEN_BEAM = 8
#: How much wider the beams are when a search's streams all die.
RETRY_WIDTH = 4
#: How much wider the beams are, in turn, when none of a search's candidates explains the line.
EXPLAIN_WIDTHS = (4,)
#: How many characters of text after an unknown unit judge it (up to the next unknown one).
FOLLOWING_CHARS = 12
#: How many options' first bytes are scored whole at most (see ``_step``).
SHORTLIST = 24
#: How many characters before an unknown unit are scored with each option.
CONTEXT_CHARS = 4
#: The log-probability bonus of a garbled character the page annotates elsewhere.
PREFERRED_BONUS = 2.0


#: Options for an unknown unit: ``(first bytes, the character they complete or "", the bytes
#: that may follow them, bonus)``.
Options = list[tuple[bytes, str, tuple[bytes, ...], float]]


def _options(unit: Unknown | Variant, previous: int, pending: bool,
             fits: Callable[[str, str], bool], preferred: Collection[str]) -> Options:
    """The bytes that may fill ``unit`` (no :class:`Lost` pair: see :func:`_lost_options`)
    after the byte ``previous``, with their bonus: for an :class:`Unknown`, a byte making a
    character read as its reading (a preferred one earns :data:`PREFERRED_BONUS`), and
    making one read as its claimed reading with its claimed byte, if any. When the
    unit before was a :class:`Lost` pair that left its lead byte open (``pending``), that byte
    comes first."""
    if isinstance(unit, Variant):
        return [(data, "", (b"",), 0.0) for char in unit.chars
                if (data := _encode(char)) is not None]
    out: Options = []
    for lead in _open_leads(previous) if pending else (None,):
        before, head = (previous, b"") if lead is None else (lead, bytes((lead,)))
        out += [(head + bytes((byte,)), "", (b"",), PREFERRED_BONUS * (char in preferred))
                for byte, char in _candidates(before, unit.reading, fits)
                if unit.claimed is None
                or fits(_pair(byte, unit.claimed[0]) or "", unit.claimed[1])]
    return out


class _LostBundle(NamedTuple):
    """The options of a :class:`Lost` pair after one byte (:func:`_lost_groups` less some
    characters), with their characters, their code points and how many next bytes they
    allow."""

    groups: tuple[tuple[int, str, tuple[bytes, ...]], ...]
    chars: str
    codes: np.ndarray
    rests: int


def _bundle(groups: tuple[tuple[int, str, tuple[bytes, ...]], ...]) -> _LostBundle:
    """``groups`` (of :func:`_lost_groups`) bundled."""
    import numpy as np

    codes = np.array([ord(char) for _, char, _ in groups], dtype=np.int64)
    chars = "".join(char for _, char, _ in groups)
    return _LostBundle(groups, chars, codes, sum(len(after) for _, _, after in groups))


@lru_cache(maxsize=1 << 12)
def _lost_bundle(before: int, following: int | None, open_end: bool,
                 excluded: frozenset[str] = frozenset(), claimed: Claimed = None
                 ) -> _LostBundle:
    """:func:`_lost_groups` whose character is none of ``excluded``, bundled."""
    if excluded:
        every = _lost_bundle(before, following, open_end, claimed=claimed)
        if excluded.isdisjoint(every.chars):
            return every
        return _bundle(tuple(g for g in every.groups if g[1] not in excluded))
    return _bundle(_lost_groups(before, following, open_end, claimed))


#: The options of a :class:`Lost` pair for one stream: ``(stream, head, bundle)``, the
#: options' first bytes being ``head`` and then each group's byte.
LostOptions = list[tuple[int, bytes, _LostBundle]]


def _lost_options(beam: list[bytes], starts: list[int], following: bytes, open_end: bool,
                  pending: bool, split: bool, preferred: frozenset[str],
                  claimed: Claimed = None) -> LostOptions:
    """The options of a :class:`Lost` pair after each stream of ``beam`` that ends in a lead
    byte left open (read from ``starts``, where its last characters start, as the decoder
    reads it; a stream that ends a character took a wrong turn before): the
    :func:`_lost_groups` after that byte whose character is no preferred one (the
    polluter would have annotated it), unless a reading was pasted between its two bytes
    (``split``: the unit before was an :class:`Unknown`). When the unit before was a
    :class:`Lost` pair that left its lead byte open (``pending``), that byte comes first.
    ``claimed``: the pair's reading and ``fits`` (see :func:`_lost_groups`), or None."""
    excluded = frozenset() if split else preferred
    nxt = following[0] if following else None
    out: LostOptions = []
    for k, prefix in enumerate(beam):
        if not prefix:
            continue
        if not pending:
            if _whole(prefix[starts[k]:]):
                continue  # its last byte ends a character: it cannot start the lost one
            out.append((k, b"", _lost_bundle(prefix[-1], nxt, open_end, excluded, claimed)))
            continue
        out += [(k, bytes((lead,)), _lost_bundle(lead, nxt, open_end, excluded, claimed))
                for lead in _open_leads(prefix[-1])]
    return out


def _expand(options: LostOptions, picked: Sequence[int] | None = None) -> list[Group]:
    """The groups of ``options`` in order (only the ``picked`` ones, by their place in that
    order, when given)."""
    if picked is None:
        return [(k, head + bytes((byte,)), char, after, 0.0) for k, head, bundle in options
                for byte, char, after in bundle.groups]
    ends = list(accumulate(len(bundle.groups) for _, _, bundle in options))
    out: list[Group] = []
    for i in picked:
        o = bisect_right(ends, i)
        k, head, bundle = options[o]
        byte, char, after = bundle.groups[i - (ends[o - 1] if o else 0)]
        out.append((k, head + bytes((byte,)), char, after, 0.0))
    return out


def with_variants(found: Units, forms: Callable[[str], tuple[str, ...]]) -> list[str | Unit]:
    """``found`` for a line a cleaner converted after the garbles: the character before each
    unknown unit, and the characters after one up to the first ASCII one (where the decoder
    came back in step), become :class:`Variant` units of their ``forms`` (the character
    first), when it has more than one."""
    out: list[str | Unit] = []
    for k, unit in enumerate(found):
        if not isinstance(unit, str):
            out.append(unit)
            continue
        after = k > 0 and not isinstance(found[k - 1], str)
        before = k + 1 < len(found) and isinstance(found[k + 1], Unknown)
        chosen: set[int] = set()
        if after:
            stop = next((i for i, c in enumerate(unit) if c < "\x80"), len(unit))
            chosen.update(range(stop))
        if before:
            chosen.add(len(unit) - 1)
        text = ""
        for i, char in enumerate(unit):
            options = forms(char) if i in chosen else (char,)
            if len(options) == 1:
                text += char
                continue
            if text:
                out.append(text)
            out.append(Variant(options))
            text = ""
        if text:
            out.append(text)
    return out


def _following(encoded: Sequence[bytes | Unit], i: int) -> bytes:
    """The bytes of the text after unit ``i`` up to the next unknown unit (a :class:`Variant`
    as found), at most :data:`FOLLOWING_CHARS` characters of it."""
    pieces = []
    for unit in encoded[i + 1 :]:
        if isinstance(unit, Variant):
            unit = unit.chars[0].encode("gbk", "replace")
        if not isinstance(unit, bytes):
            break
        pieces.append(unit)
    text = b"".join(pieces)
    return text[: 2 * FOLLOWING_CHARS]


@cache
def _page_model() -> CharLM:
    """The character model, reading as impossible the characters that every polluter's table
    converts (a page converted by character holds none of them)."""
    from tongwen.repair.charlm import load_charlm
    from tongwen.repair.generate import TABLES, conversion_table

    converted = set.intersection(*({s for s, t in conversion_table(table).items() if s != t}
                                   for table in TABLES))
    return load_charlm().reading_as_bad_pairs(converted)


def _encode(char: str) -> bytes | None:
    try:
        return char.encode("gbk")
    except UnicodeEncodeError:
        return None


def pairwise_errors(bad: str, cut: str) -> Callable[[UnicodeError], tuple[str, int]]:
    """A decoding error handler that reads as the polluter's decoder does: at a lead byte
    (0x81-0xFE) it takes two bytes, ``bad`` for a pair that is no character (its second byte
    lost even when ASCII); any other byte that is no character is one ``bad``; a lead byte at
    the very end gives ``cut``."""

    def handler(error: UnicodeError) -> tuple[str, int]:
        if not isinstance(error, UnicodeDecodeError):
            raise error
        data, start = error.object, error.start
        lead = 0x81 <= data[start] <= 0xFE
        if lead and start == len(data) - 1:
            return cut, len(data)
        return bad, min(len(data), start + (2 if lead else 1))

    return handler


_BAD_PAIRS = "tongwen-gbk-bad-pairs"
codecs.register_error(_BAD_PAIRS, pairwise_errors("\ufffd", ""))


def _decode(data: bytes) -> str:
    """``data`` read as the polluter's decoder reads it, with
    :data:`~tongwen.repair.charlm.BAD` for each pair that is no character; a lead byte at
    the very end (its character cut off by the window) is left out."""
    return data.decode("gbk", _BAD_PAIRS)


#: One character as the polluter's decoder reads it: a lead byte takes the byte after it.
_CHARACTER = re.compile(b"[\x81-\xfe].|.", re.DOTALL)


def _tail_start(data: bytes, chars: int = CONTEXT_CHARS) -> int:
    """Where the last ``chars`` characters of ``data`` start, as the polluter's decoder reads
    it from the start (a lead byte 0x81-0xFE always takes two bytes, any other byte one)."""
    found = _CHARACTER.findall(data)
    return len(data) - sum(map(len, found[-chars:])) if len(found) >= chars else 0


#: An option for one stream: ``(stream, first bytes, their character or "", the bytes that may
#: follow them, bonus)``.
Group = tuple[int, bytes, str, tuple[bytes, ...], float]


def _step(beam: list[bytes], unit: Unit, following: bytes, model: CharLM,
          fits: Callable[[str, str], bool], preferred: frozenset[str],
          open_end: bool = False, pending: bool = False, split: bool = False,
          keep: int = BEAM) -> list[bytes]:
    """The best ``keep`` byte streams after ``unit``: each stream in ``beam`` extended by each
    of its options (:func:`_options`, :func:`_lost_options`). A stream's score: the model's
    score of its last few characters, the option and ``following`` (the text after the
    unit), read as a line, plus what its text before them adds (:func:`_going_on`), plus the
    option's bonus. When there are more than :data:`SHORTLIST` options, only those whose
    first bytes are among the ``SHORTLIST`` best (judged by the text up to them:
    :func:`_shortlist`) are scored whole.
    ``open_end``, ``pending`` and ``split``: see :func:`_lost_options`."""
    starts = [_tail_start(prefix) for prefix in beam]
    committed = None  # what each stream's earlier text adds (_going_on), once a step
    if isinstance(unit, Lost):
        claimed = None if unit.reading is None else (unit.reading, fits)
        options = _lost_options(beam, starts, following, open_end, pending, split, preferred,
                                claimed)
        if sum(bundle.rests for _, _, bundle in options) > SHORTLIST:
            # a lead byte left open at a stream's end decodes to nothing: the value holds
            # for the shortlist's text (less that byte) and the ranking's alike
            committed = _going_on(model, beam, starts, [len(prefix) for prefix in beam])
            groups = _shortlist(beam, starts, committed, options, model, pending)
        else:
            groups = _expand(options)
    else:
        groups = [(k, first, char, rests, gain) for k, prefix in enumerate(beam)
                  if prefix or isinstance(unit, Variant)
                  for first, char, rests, gain in _options(unit, prefix[-1] if prefix else 0,
                                                           pending, fits, preferred)]
    return _rank(beam, starts, committed, groups, following, model, keep)


def _rank(beam: list[bytes], starts: list[int], committed: np.ndarray | None,
          groups: list[Group], following: bytes, model: CharLM, keep: int) -> list[bytes]:
    """The best ``keep`` streams of ``beam`` each grown by one of its ``groups``' first bytes
    and one of their rests, scored as :func:`_step` says, best first (the first on a tie);
    ``committed``: the streams' :func:`_going_on`, if known already.
    Each piece of text is decoded once and scored with the model's
    :meth:`~tongwen.repair.charlm.CharLM.score_joined`."""
    import numpy as np

    counts = [len(rests) for _, _, _, rests, _ in groups]
    if sum(counts) <= 1:  # nothing to rank
        return [beam[k] + first + rest for k, first, _, rests, _ in groups for rest in rests]
    heads, tails = _Pieces(), _Pieces(following)
    firsts: list[int] = []
    seconds: list[int] = []  # -1: the empty text, last
    for k, first, _, rests, _ in groups:
        head = beam[k][starts[k]:] + first
        if _whole(head):  # decoded apart from what follows it
            firsts += [heads[head]] * len(rests)
            seconds += map(tails.__getitem__, rests)
        else:
            firsts += [heads[head + rest + following] for rest in rests]
            seconds += [-1] * len(rests)
    pairs = np.array([firsts, seconds], dtype=np.int64).T
    scores = model.score_joined(heads.texts, [*tails.texts, ""], pairs)
    if committed is None:
        committed = _going_on(model, beam, starts, [len(prefix) for prefix in beam])
    scores += np.repeat([committed[k] + gain for k, _, _, _, gain in groups], counts)
    ends = list(accumulate(counts))
    out = []
    for i in _best(scores, keep):
        g = bisect_right(ends, i)
        k, first, _, rests, _ = groups[g]
        out.append(beam[k] + first + rests[i - (ends[g - 1] if g else 0)])
    return out


def _best(scores: np.ndarray, keep: int) -> list[int]:
    """The places of the ``keep`` highest ``scores``, best first (the first on a tie)."""
    import numpy as np

    return np.argsort(-scores, kind="stable")[:keep].tolist()  # type: ignore[no-any-return]


def _shortlist(beam: list[bytes], starts: list[int], committed: np.ndarray,
               options: LostOptions, model: CharLM, pending: bool) -> list[Group]:
    """The :data:`SHORTLIST` best groups of ``options``, best first (the first on a tie),
    each judged by the model's score of the text up to its first bytes: the stream's last
    characters (less a lead byte left open at its end, which the first bytes complete), then
    their character, plus what the stream's earlier text adds (``committed``,
    :func:`_going_on`). Each distinct (stream, symbol) is scored once."""
    import numpy as np

    tails = [_decode(beam[k][starts[k]:] if pending else beam[k][starts[k] : -1])
             for k in range(len(beam))]
    codes = np.concatenate([bundle.codes for _, _, bundle in options])
    streams = np.repeat([k for k, _, _ in options], [len(b.groups) for _, _, b in options])
    symbols, first, read = np.unique(model.ids[codes], return_index=True, return_inverse=True)
    keys, inverse = np.unique(streams * len(symbols) + read.reshape(-1), return_inverse=True)
    chars = [chr(code) for code in codes[first].tolist()]  # one for each symbol
    pairs = np.stack(np.divmod(keys, len(symbols)), axis=1)
    local = (model.score_joined(tails, chars, pairs) + committed[pairs[:, 0]])[inverse.reshape(-1)]
    return _expand(options, _best(local, SHORTLIST))


def _going_on(model: CharLM, beam: list[bytes], starts: list[int], ends: list[int]
              ) -> np.ndarray:
    """For each stream, what the text before its last characters (``starts``, up to
    ``ends``) adds to their score read line-initial: log P(the text up to ``ends``) - log
    P(the last characters alone), both read as a line that goes on. Streams of different
    pasts then compare fairly (exact for the model once the last characters are two or
    more)."""
    texts = [_decode(prefix[:end]) for prefix, end in zip(beam, ends, strict=True)]
    lasts = [_decode(prefix[start:end])
             for prefix, start, end in zip(beam, starts, ends, strict=True)]
    scored = model.score(texts + lasts, end=False)
    return scored[: len(beam)] - scored[len(beam) :]  # type: ignore[no-any-return]


class _Pieces(dict[bytes, int]):
    """Bytes -> their place in ``texts``, where they are decoded (:func:`_decode`) with
    ``suffix`` after them; decoded on first use."""

    def __init__(self, suffix: bytes = b"") -> None:
        super().__init__()
        self.suffix = suffix
        self.texts: list[str] = []

    def __missing__(self, data: bytes) -> int:
        self[data] = len(self.texts)
        self.texts.append(_decode(data + self.suffix))
        return self[data]


def _whole(data: bytes) -> bool:
    """Whether the polluter's decoder reads ``data`` to its end with no pair left open."""
    last = _CHARACTER.findall(data)[-1:]
    return not last or len(last[0]) == 2 or not 0x81 <= last[0][0] <= 0xFE


def repair_units(
    found: Units, fits: Callable[[str, str], bool], preferred: Collection[str] = (),
    explains: Callable[[str], bool] | None = None, at_end: bool = False,
) -> str | None:
    """The text of ``found`` with each unknown unit solved, or None when it cannot be (a text
    unit that GBK cannot encode, or no byte that fits). See ``repair_line``. Of the search's
    last candidates the best that ``explains`` the line (polluted again, it gives the line)
    wins; when none does, the search is run again with beams :data:`EXPLAIN_WIDTHS` times as
    wide, in turn, and the best of all the first search found wins when none of theirs
    explains it either. ``at_end``: the line ends the page (no line break after it), so a
    :class:`Lost` pair that ends it may be a character's second byte alone, which the
    polluter's decoder read as '?' there. A search whose streams all die is run again with
    beams ``RETRY_WIDTH`` times as wide."""
    try:
        encoded = [unit.encode("gbk") if isinstance(unit, str) else unit for unit in found]
    except UnicodeEncodeError:
        return None
    chosen = frozenset(preferred)
    texts = _search(encoded, fits, chosen, at_end, 1)
    if not texts:
        texts = _search(encoded, fits, chosen, at_end, RETRY_WIDTH)
    if not texts:
        return None
    # The first that explains the line (the check is not cheap: one at a time), else the first.
    if explains is None:
        return texts[0]
    for width in (1, *EXPLAIN_WIDTHS):
        pool = texts if width == 1 else _search(encoded, fits, chosen, at_end, width)
        explained = next((text for text in pool if explains(text)), None)
        if explained is not None:
            return explained
    return texts[0]


def _search(encoded: list[bytes | Unit], fits: Callable[[str, str], bool],
            chosen: frozenset[str], at_end: bool, width: int) -> list[str]:
    """The beam search of ``repair_units`` with beams ``width`` times ``BEAM`` and
    ``OPEN_BEAM``: its last candidates decoded, best first (none when every stream died)."""
    model = _page_model()
    beam: list[bytes] = [b""]
    pending = False  # a lost pair just left its lead byte to this unit
    for i, unit in enumerate(encoded):
        if isinstance(unit, bytes):
            beam, pending = [prefix + unit for prefix in beam], False
            continue
        following = _following(encoded, i)
        open_end = isinstance(unit, Lost) and not following and (i + 1 < len(encoded) or at_end)
        split = i > 0 and isinstance(encoded[i - 1], Unknown)
        # With no text after it, a unit's options are judged only by the next unit's.
        keep = width * (BEAM if following or i + 1 == len(encoded) else OPEN_BEAM)
        beam = _step(beam, unit, following, model, fits, chosen, open_end, pending, split,
                     keep)
        if not beam:
            return []
        pending = open_end
    texts = []
    for data in beam:
        try:
            texts.append(data.decode("gbk"))
        except UnicodeDecodeError:
            continue
    return texts


def repair_line(
    line: str, fits: Callable[[str, str], bool], preferred: Collection[str] = (),
    at_end: bool = False,
) -> str | None:
    """The line as it was before the readings were pasted (readings removed), or None when
    it cannot be repaired. ``fits(char, reading)`` says whether a character reads so;
    ``preferred`` are characters the page annotates elsewhere (likely on the site's list).
    Unknown units are searched together (a beam), each option scored by the character model
    (:mod:`tongwen.repair.charlm`) on the line decoded through the text after it."""
    return repair_units(units(strip(line)), fits, preferred, at_end=at_end)
