"""The polyphone model's features, for all targets of a text at once.

Training (tools/train_polyphone.py) and inference (tongwen.readings.model) both call
``encode_text``: they cannot disagree. For a target character ``c`` at position ``i`` and each
candidate reading ``r`` (a *row*), the features are:

- context, keyed by (c, r): the bias (split by the reading the segmentation's word gives
  ``c``, if a word covers it), the characters at offsets -3..+3 (within the line: a line
  break or tab reads as the text's edge), the bigrams left, right and
  around ``i``, the trigrams left and right, the longest lexicon word (2..MAX_COVER) ending
  just before ``i`` and the one starting just after, and every lexicon word of 2..MAX_COVER
  characters covering ``i`` (with ``i``'s offset in it), and the groups
  (``tongwen.readings.groups``) of the characters just before and just after ``i``;
- agreement, each keyed once alone and once by ``c``: ``r`` is the default and no word covers
  ``c`` (D), the default against the word's other reading (Dx), some covering word gives
  ``r`` (P, and P2..P5 by the longest such word's length), every covering word gives it
  (Pall), the segmentation's word gives it (F, and F1..F5 by that word's length).

Keys are 64-bit integers made from code points and word hashes (odd multipliers, then a
splitmix64 finaliser); a slot is the top ``bits`` bits of (key XOR pair key) times an odd
constant. An inactive feature gets slot ``2**bits``, whose weight is always 0. The window
features are one numpy expression over all targets; the few words of a text are walked in
Python, their keys remembered.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate

import numpy as np

from tongwen.readings.agreement import (
    MAX_LEN,
    N_FEATURES,
    STATE_FEATURES,
    agreement_slots,
    base_states,
    shared_slots,
)
from tongwen.readings.hashing import SLOT, mix, mix_int, splitmix
from tongwen.readings.words import Match
from tongwen.text import code_points

__all__ = [
    "MAX_COVER",
    "N_PRIOR",
    "WINDOW",
    "TextFeatures",
    "encode_text",
    "head_key",
    "padded_codes",
    "window_keys",
]

WINDOW = 3
#: Longest lexicon word looked at around a target.
MAX_COVER = 6
_PAD = np.array([0x110000] * WINDOW + [0x110001] * WINDOW, np.uint64)  # beyond Unicode
#: Code points below this (C0 controls: line breaks, tabs) end a line for the window.
_LINE_END = np.uint64(0x20)
_WINDOW_COLUMNS = ((-3,), (-2,), (-1,), (1,), (2,), (3,), (-2, -1), (1, 2), (-1, 1),
                   (-3, -2, -1), (1, 2, 3))
# Context columns 1..11 as linear forms over the window (offsets -3..+3); column 0 is the
# bias, 12 and 13 the edge words.
_FORMS = np.zeros((2 * WINDOW + 1, len(_WINDOW_COLUMNS)), dtype=np.uint64)
for _col, _offsets in enumerate(_WINDOW_COLUMNS):
    for _o in _offsets:
        _FORMS[_o + WINDOW, _col] = splitmix(100 * _col + _o + 50) | 1
N_CONTEXT = 1 + len(_WINDOW_COLUMNS) + 2
# The group columns: the group of the character just before and just after the target, at
# each level of the groups table (coarse, then fine); forms by the number of levels, their
# rows in the order of ``groups[window]`` flattened (window position, then level).
_GROUP_COLUMNS = ((-1,), (1,))
_GROUP_FORMS: dict[int, np.ndarray] = {}
for _levels in (1, 2):
    _forms = np.zeros(((2 * WINDOW + 1) * _levels, len(_GROUP_COLUMNS) * _levels), np.uint64)
    for _level in range(_levels):
        for _col, _offsets in enumerate(_GROUP_COLUMNS):
            for _o in _offsets:
                _forms[(_o + WINDOW) * _levels + _level, _level * len(_GROUP_COLUMNS) + _col] = (
                    splitmix(900 * _col + _o + 77 + 5000 * _level) | 1
                )
    _GROUP_FORMS[_levels] = _forms
_GROUP_TYPES = np.array([splitmix(9100 + c) for c in range(2 * len(_GROUP_COLUMNS))], np.uint64)
_TYPE_INTS = [splitmix(7000 + c) for c in range(N_CONTEXT)]
_TYPES = np.array(_TYPE_INTS, np.uint64)
_HEAD_COLUMNS = [0, N_CONTEXT - 2, N_CONTEXT - 1]
_M64 = (1 << 64) - 1
_SPAN = np.arange(2 * WINDOW + 1)
#: Columns of ``TextFeatures.dense`` that are bias or agreement features (regularised less).
N_PRIOR = 1 + 2 * 7
_WORD_KEYS: dict[str, int] = {}
_COVER_KEYS: dict[tuple[str, int], int] = {}
#: The key caches start afresh beyond this many entries (memory stays bounded).
_CACHE_LIMIT = 100_000


def word_key(word: str) -> int:
    """The key of a lexicon word (remembered)."""
    key = _WORD_KEYS.get(word)
    if key is None:
        if len(_WORD_KEYS) >= _CACHE_LIMIT:
            _WORD_KEYS.clear()
        key = _WORD_KEYS[word] = splitmix(zlib.crc32(word.encode("utf-8")) | len(word) << 40)
    return key


def cover_key(word: str, offset: int) -> int:
    """The key of the feature "``word`` covers the target at ``offset``" (remembered)."""
    key = _COVER_KEYS.get((word, offset))
    if key is None:
        if len(_COVER_KEYS) >= _CACHE_LIMIT:
            _COVER_KEYS.clear()
        key = _COVER_KEYS[(word, offset)] = splitmix(word_key(word) ^ (offset + 1) << 56)
    return key


@dataclass(frozen=True)
class _Target:
    """What a target's character and candidates contribute, whatever the text."""

    pairs: np.ndarray  # key of each (char, candidate)
    own: np.ndarray  # the character's agreement slots, by agreement feature
    index: dict[str, int]  # candidate -> its index


@lru_cache(maxsize=8192)
def _target(char: str, candidates: tuple[str, ...], bits: int) -> _Target:
    pairs = np.array(
        [splitmix(ord(char) * 0x100000001B3 ^ zlib.crc32(r.encode("ascii"))) for r in candidates],
        dtype=np.uint64,
    )
    own = agreement_slots(splitmix(ord(char) << 8 | 0xA5), bits)
    return _Target(pairs, own, {r: j for j, r in enumerate(candidates)})


@dataclass(frozen=True)
class TextFeatures:
    """The feature slots of every (target, candidate) row of one text.

    ``row_target``/``row_cand``: each row's target number and candidate index; ``dense``:
    one slot per fixed feature (rows x (N_PRIOR + N_CONTEXT - 1), plus the group columns
    when there are groups), bias and agreement columns
    first (``N_PRIOR`` of them); ``cover_row``/``cover_slot``: the covering-word features, one
    entry each. Inactive features hold slot ``2**bits``.
    """

    row_target: np.ndarray
    row_cand: np.ndarray
    dense: np.ndarray
    cover_row: np.ndarray
    cover_slot: np.ndarray

    def scores(self, weights: np.ndarray) -> np.ndarray:
        """Each row's score under ``weights`` (2**bits + 1 entries, the last 0)."""
        out: np.ndarray = weights[self.dense].sum(axis=1, dtype=np.float64)
        if len(self.cover_row):
            out += np.bincount(self.cover_row, weights[self.cover_slot], minlength=len(out))
        return out


def padded_codes(text: str) -> np.ndarray:
    """The code points of ``text`` (uint64) with ``WINDOW`` pad values either side: what
    ``window_keys`` reads."""
    return np.concatenate([_PAD[:WINDOW], code_points(text), _PAD[WINDOW:]])


def window_keys(
    padded: np.ndarray, targets: np.ndarray, groups: np.ndarray | None = None
) -> np.ndarray:
    """The keys of the window context columns (1..11) of each target position (k x 11),
    ``padded`` being ``padded_codes(text)``; with a ``groups`` table (``readings.groups``:
    code point -> group, or -> one group per level), then the group columns, two per level."""
    window = _within_line(padded[targets[:, None] + _SPAN])
    if groups is None:
        out: np.ndarray = mix(np.dot(window, _FORMS) + _TYPES[1:-2])
        return out
    levels = 1 if groups.ndim == 1 else groups.shape[1]
    near = groups[window.astype(np.intp)].reshape(len(window), -1)  # position, then level
    forms, types = _window_forms(levels)
    keys: np.ndarray = mix(np.dot(np.concatenate([window, near], axis=1), forms) + types)
    return keys


def _within_line(window: np.ndarray) -> np.ndarray:
    """``window`` (targets x 2 * WINDOW + 1 code points) with each column at or beyond a
    control character (a line break, a tab) seen from the target set to the pad value of the
    text's edge on that side: a line reads as it reads alone, as the model was trained (one
    sentence a line), however many lines one text holds."""
    breaks = window < _LINE_END
    if not breaks.any():
        return window
    window = window.copy()
    left = np.logical_or.accumulate(breaks[:, WINDOW - 1 :: -1], axis=1)[:, ::-1]
    right = np.logical_or.accumulate(breaks[:, WINDOW + 1 :], axis=1)
    window[:, :WINDOW][left] = _PAD[0]
    window[:, WINDOW + 1 :][right] = _PAD[-1]
    return window


@lru_cache(maxsize=2)
def _window_forms(levels: int) -> tuple[np.ndarray, np.ndarray]:
    """The forms and type keys of the window and group columns together (one product)."""
    group_forms = _GROUP_FORMS[levels]
    forms = np.zeros((len(_FORMS) + len(group_forms), _FORMS.shape[1] + group_forms.shape[1]),
                     np.uint64)
    forms[: len(_FORMS), : _FORMS.shape[1]] = _FORMS
    forms[len(_FORMS) :, _FORMS.shape[1] :] = group_forms
    types = np.concatenate([_TYPES[1:-2], _GROUP_TYPES[: group_forms.shape[1]]])
    return forms, types


def head_key(value: int, column: int) -> int:
    """The key of context column ``column`` (0: bias, 12, 13: edge words) for ``value``, on
    Python ints: what ``encode_text`` computes in numpy."""
    return mix_int((value + _TYPE_INTS[column]) & _M64)


def _slots(keys: np.ndarray, pair: np.ndarray, bits: int) -> np.ndarray:
    out: np.ndarray = (((keys ^ pair) * SLOT) >> np.uint64(64 - bits)).astype(np.int64)
    return out


@dataclass
class _Walk:
    """What one pass over a text's words gives, per target (``head``: bias value, key of
    the word ending before, key of the word starting after), per row (``base``, ``cand``)
    and per covering word (``cover_*``, ``vote_*``, ``covers``: count per target)."""

    head: list[int] = field(default_factory=list)
    base: list[int] = field(default_factory=list)
    cand: list[int] = field(default_factory=list)
    cover_row: list[int] = field(default_factory=list)
    cover_key: list[int] = field(default_factory=list)
    vote_row: list[int] = field(default_factory=list)
    vote_len: list[int] = field(default_factory=list)
    covers: list[int] = field(default_factory=list)


def _walk(
    text: str,
    matches: Sequence[Match],
    readings: Sequence[tuple[str, ...]],
    targets: Sequence[int],
    infos: Sequence[_Target],
    first: Sequence[int],
) -> tuple[_Walk, dict[int, str], dict[int, str]]:
    """Covering words and votes of every target; the longest word ending at a target /
    starting just after one."""
    walk = _Walk(covers=[0] * len(targets))
    target_at = {p: t for t, p in enumerate(targets)}
    by_end: dict[int, str] = {}
    by_start: dict[int, str] = {}
    after = {p + 1 for p in targets}
    for pid, start, end in matches:
        length = end - start
        if length > MAX_COVER:
            continue
        word = text[start:end]
        if end in target_at and len(by_end.get(end, "")) < length:
            by_end[end] = word
        if start in after and len(by_start.get(start, "")) < length:
            by_start[start] = word
        for p in range(start, end):
            t = target_at.get(p)
            if t is None:
                continue
            offset = p - start
            r0, r1 = first[t], first[t + 1]
            walk.cover_row.extend(range(r0, r1))
            walk.cover_key.extend([cover_key(word, offset)] * (r1 - r0))
            walk.covers[t] += 1
            j = infos[t].index.get(readings[pid][offset])
            if j is not None:
                walk.vote_row.append(r0 + j)
                walk.vote_len.append(length)
    return walk, by_end, by_start


def _heads(
    walk: _Walk,
    targets: Sequence[int],
    infos: Sequence[_Target],
    fmm: Sequence[tuple[str, int] | None],
    edges: tuple[dict[int, str], dict[int, str]],
) -> None:
    """Fill ``walk.head``, ``walk.base`` and ``walk.cand`` for every target."""
    by_end, by_start = edges
    for i, info, f in zip(targets, infos, fmm, strict=True):
        size = len(info.pairs)
        index = -1 if f is None else info.index.get(f[0], 99)
        before, after = by_end.get(i), by_start.get(i + 1)
        walk.head += [
            index + 1,
            0 if before is None else word_key(before),
            0 if after is None else word_key(after),
        ]
        walk.base += base_states(size, index, 0 if f is None else f[1])
        walk.cand += range(size)


def encode_text(
    text: str,
    matches: Sequence[Match],
    readings: Sequence[tuple[str, ...]],
    targets: Sequence[int],
    candidates: Sequence[tuple[str, ...]],
    fmm: Sequence[tuple[str, int] | None],
    bits: int,
    groups: np.ndarray | None = None,
) -> TextFeatures:
    """The features of ``targets`` (positions in ``text``, at least one) with their
    ``candidates`` (the first is the default) and the (reading, length) the segmentation's
    word gives each, or None; ``matches`` are all lexicon-word occurrences in ``text``
    (``WordIndex.matches``) and ``readings[pid]`` the readings of word ``pid``; ``groups``:
    the characters' groups (``readings.groups``), None for no group features."""
    k = len(targets)
    infos = [_target(text[i], cs, bits) for i, cs in zip(targets, candidates, strict=True)]
    sizes = [len(cs) for cs in candidates]
    first = list(accumulate(sizes, initial=0))
    walk, *edges = _walk(text, matches, readings, targets, infos, first)
    _heads(walk, targets, infos, fmm, (edges[0], edges[1]))

    head = mix(np.array(walk.head, np.uint64).reshape(k, 3) + _TYPES[_HEAD_COLUMNS])
    window = window_keys(padded_codes(text), np.array(targets, np.int64), groups)
    context = np.concatenate([head[:, :1], window, head[:, 1:]], axis=1)
    row_target = np.repeat(np.arange(k), sizes)
    pair = np.concatenate([info.pairs for info in infos])
    ctx = _slots(context[row_target], pair[:, None], bits)

    features = _agreement(walk, row_target, first[-1])
    own = np.concatenate([info.own for info in infos])
    dense = np.concatenate(
        [
            ctx[:, :1],
            shared_slots(bits)[features],
            own[row_target[:, None] * N_FEATURES + features],
            ctx[:, 1:],
        ],
        axis=1,
    )
    cover_row = np.array(walk.cover_row, np.int64)
    cover_slot = _slots(np.array(walk.cover_key, np.uint64), pair[cover_row], bits)
    return TextFeatures(row_target, np.array(walk.cand, np.int64), dense, cover_row, cover_slot)


def _agreement(walk: _Walk, row_target: np.ndarray, rows: int) -> np.ndarray:
    """Each row's agreement features (rows x 7, ``agreement.OFF`` where absent), from its
    base state and the covering words' votes (``agreement.state_of``, vectorised)."""
    vote_row = np.array(walk.vote_row, np.int64)
    longest = np.zeros(rows, np.int64)
    np.maximum.at(longest, vote_row, np.array(walk.vote_len, np.int64))
    every = np.bincount(vote_row, minlength=rows) == np.array(walk.covers, np.int64)[row_target]
    longest = np.minimum(longest, MAX_LEN)
    state = (np.array(walk.base, np.int64) * (MAX_LEN + 1) + longest) * 2 + (every & (longest > 0))
    out: np.ndarray = STATE_FEATURES[state]
    return out
