"""Readings of long texts: ``fast_readings``' work as numpy passes over the whole text.

``bulk_readings`` gives what ``tongwen.readings.fast`` gives (tests hold them equal): the
characters' defaults, the forward-maximum-matching words' readings pasted over them, the
model's answers for its targets, the other disambiguators' for the untrained polyphones left.
``Bulk.scores`` gives ``PolyphoneModel._scores``' numbers (tests hold them equal, bit for
bit): every weight is a float16 value, so float64 sums of them are exact in any order, and a
row's score is put together from per-row gathers (bias, window and edge columns, covering
words, agreement state) instead of ``Scorer``'s per-target remembered parts. Per-character
and per-word values (defaults, word readings, keys, votes) live in dense arrays, indexed by
code point or pattern id and filled on first use.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain

import numpy as np

from tongwen.readings.agreement import MAX_LEN, N_STATES, STATE_FEATURES
from tongwen.readings.assign import Disambiguator
from tongwen.readings.fast import ask_others, confidence
from tongwen.readings.features import (
    MAX_COVER,
    N_CONTEXT,
    WINDOW,
    cover_key,
    head_key,
    padded_codes,
    window_keys,
)
from tongwen.readings.features import word_key as _word_key
from tongwen.readings.hashing import SLOT
from tongwen.readings.model import PolyphoneModel
from tongwen.readings.scoring import REVISED, TRAINED, Scorer, Target, built_once, scorer
from tongwen.readings.words import Match, word_index
from tongwen.text import code_points

__all__ = ["Bulk", "bulk_of", "bulk_readings", "fmm_rows", "line_pieces", "match_rows"]

#: Targets whose window columns are gathered in one numpy pass at most (memory stays flat).
CHUNK = 8192
#: Texts longer than this many characters are read in pieces cut after line breaks, so that
#: the temporary arrays of a long text stay small (same readings: see ``bulk_readings``).
PIECE = 1 << 15
_BEFORE, _AFTER = N_CONTEXT - 2, N_CONTEXT - 1  # the edge words' context columns
_MAX_INDEX = 99  # ``Scorer``'s index of a segmentation word's reading that is no candidate


def match_rows(matches: Sequence[Match]) -> np.ndarray:
    """``WordIndex.matches`` as an int64 array, one (pid, start, end) row per match."""
    flat = np.fromiter(chain.from_iterable(matches), np.int64, 3 * len(matches))
    return flat.reshape(-1, 3)


def fmm_rows(rows: np.ndarray) -> np.ndarray:
    """``words.fmm`` on ``match_rows``: the rows forward maximum matching picks, by start."""
    if not len(rows):
        return rows
    rows = rows[np.lexsort((rows[:, 2], rows[:, 1]))]
    longest = rows[np.r_[rows[1:, 1] != rows[:-1, 1], True]]  # the last (longest) per start
    keep, end = [], 0
    starts, stops = longest[:, 1].tolist(), longest[:, 2].tolist()
    for k, (start, stop) in enumerate(zip(starts, stops, strict=True)):
        if start >= end:
            keep.append(k)
            end = stop
    return longest[keep]


def _spread(starts: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For spans (``starts``, ``lengths``): each covered position's span number and its
    offset in the span."""
    span = np.repeat(np.arange(len(starts)), lengths)
    offset = np.arange(len(span)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return span, offset


class Bulk:
    """The dense tables of one model's scorer; build once per scorer (``bulk_of``)."""

    def __init__(self, score: Scorer) -> None:
        self.score = score
        lexicon = score.model.lexicon
        self.index = word_index(lexicon)
        size = max(map(ord, lexicon.chars), default=0) + 2  # the last entry: no character
        self.defaults = np.full(size, None, object)
        self.kinds = np.zeros(size, np.int8)  # 0: no polyphone, else 1 + its kind
        for char, values in lexicon.chars.items():
            self.defaults[ord(char)] = values[0]
        for char, (_, kind) in score.kinds.items():
            self.kinds[ord(char)] = 1 + kind
        #: Polyphone -> its candidates' indices.
        self.positions = {
            c: {r: j for j, r in enumerate(rs)} for c, rs in score.candidates.items()
        }
        readings = self.index.readings
        lengths = np.fromiter(map(len, readings), np.int64, len(readings))
        self.word_start = np.cumsum(lengths) - lengths
        self.word_readings = np.array([*chain.from_iterable(readings), None], object)
        n = len(readings)
        self._bias = np.array([head_key(v, 0) for v in range(_MAX_INDEX + 2)], np.uint64)
        self._edges = np.zeros((2, n + 1), np.uint64)  # by pid; the last: no word
        self._edges[:, n] = [head_key(0, _BEFORE), head_key(0, _AFTER)]
        self._edge_known = np.zeros((2, n + 1), bool)
        self._edge_known[:, n] = True
        self._cover_keys = np.zeros(8 * n, np.uint64)  # by ``Cover``
        self._votes = np.full(8 * n, -2, np.int64)  # candidate index, -1: none, -2: unknown
        self._seen: object = None
        self._numbers = np.full(size, -1, np.int64)
        self._agree = np.zeros((0, N_STATES))
        self._candidates = np.full((0, score._width), None, object)

    def numbers(self, codes: np.ndarray) -> np.ndarray:
        """The scorer's number of each polyphone code point in ``codes`` (made on first use),
        with its agreement values and candidates in ``_agree`` and ``_candidates``."""
        score = self.score
        if score._chars is not self._seen:  # the scorer started afresh: so do the numbers
            self._seen = score._chars
            self._numbers[:] = -1
        missing = np.unique(codes[self._numbers[codes] < 0]).tolist()
        for code in missing:
            info = score._chars.get(chr(code)) or score._char(chr(code))
            self._numbers[code] = info.number
        if missing:
            self._grow()
        found: np.ndarray = self._numbers[codes]
        return found

    def _grow(self) -> None:
        """Agreement values (per state) and candidates of every numbered character."""
        score = self.score
        known = len(self._agree)
        infos = sorted(score._chars.items(), key=lambda item: item[1].number)[known:]
        shared = np.array(score._shared)[STATE_FEATURES]
        rows, names = [], []
        table = score._table
        for char, info in infos:
            own = np.array(info.own)[STATE_FEATURES]
            rows.append(
                table[shared].sum(axis=1, dtype=np.float64)
                + table[own].sum(axis=1, dtype=np.float64)
            )
            candidates = list(score.candidates[char])
            names.append(candidates + [None] * (score._width - len(candidates)))
        self._agree = np.concatenate([self._agree, np.array(rows).reshape(-1, N_STATES)])
        self._candidates = np.concatenate(
            [self._candidates, np.array(names, object).reshape(-1, score._width)]
        )

    def candidates(self, numbers: np.ndarray, best: np.ndarray) -> np.ndarray:
        """The ``best``-th candidate of each character number (object array)."""
        found: np.ndarray = self._candidates[numbers, best]
        return found

    def _edge_keys(self, pids: np.ndarray, side: int) -> np.ndarray:
        """The key of edge column ``_BEFORE`` (side 0) or ``_AFTER`` (side 1) for each word
        (pattern id; -1: none)."""
        known = self._edge_known[side]
        missing = np.unique(pids[~known[pids]]).tolist()
        column = (_BEFORE, _AFTER)[side]
        words = self.index.words
        for pid in missing:
            self._edges[side, pid] = head_key(_word_key(words[pid]), column)
        known[missing] = True
        keys: np.ndarray = self._edges[side, pids]
        return keys

    def _covers(self, covers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The key and the vote (candidate index of the word's reading, -1 none) of each
        ``Cover`` (pattern id << 3 | offset)."""
        missing = np.unique(covers[self._votes[covers] == -2]).tolist()
        words, readings = self.index.words, self.index.readings
        for cover in missing:
            pid, offset = cover >> 3, cover & 7
            word = words[pid]
            self._cover_keys[cover] = cover_key(word, offset)
            found = self.positions.get(word[offset], {}).get(readings[pid][offset])
            self._votes[cover] = -1 if found is None else found
        return self._cover_keys[covers], self._votes[covers]

    def scores(
        self, text: str, positions: np.ndarray, index: np.ndarray, length: np.ndarray,
        rows: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray]:
        """``Scorer.scores``' grid for the trained polyphones at ``positions`` (sorted), the
        segmentation word over each giving its candidate ``index`` (-1: no word, 99: not a
        candidate) and ``length`` (0: none); ``rows`` are ``match_rows`` of ``text``. Also
        the targets' character numbers."""
        codes = code_points(text)
        numbers = self.numbers(codes[positions].astype(np.int64))
        score = self.score
        used = score._used[numbers]
        width = int(used.sum(axis=1).max(initial=1))
        used = used[:, :width]
        pairs = score._pairs[numbers, :width]
        short = rows[rows[:, 2] - rows[:, 1] <= MAX_COVER]
        at = np.full(len(text) + 1, -1, np.int64)
        at[positions] = np.arange(len(positions))
        grid = np.zeros((len(positions), width))
        keys = self._context_keys(codes, positions, index, short)
        for start in range(0, len(positions), CHUNK):
            part = slice(start, start + CHUNK)
            t, j = np.nonzero(used[part])
            grid[part][t, j] = self._gather(keys[part][t] ^ pairs[part][t, j][:, None])
        votes = self._cover_share(grid, short, at, pairs, used)
        grid += self._agree[numbers[:, None], self._states(index, length, *votes)]
        grid[~used] = -np.inf
        return grid, numbers

    def _gather(self, keys: np.ndarray) -> np.ndarray:
        """The sum of the weights of each row of (key XOR pair key) values."""
        score = self.score
        slots = (keys * SLOT) >> np.uint64(64 - score.bits)
        found: np.ndarray = score._table[slots].sum(axis=-1, dtype=np.float64)
        return found

    def _context_keys(
        self, codes: np.ndarray, positions: np.ndarray, index: np.ndarray, short: np.ndarray
    ) -> np.ndarray:
        """Each target's context keys (targets x 14): bias, window columns, edge words."""
        ends = np.full(len(codes) + 2, -1, np.int64)  # the longest short word ending here
        begins = np.full(len(codes) + 2, -1, np.int64)  # ... starting here
        span = short[:, 2] - short[:, 1]
        for size in range(2, MAX_COVER + 1):
            pick = short[span == size]
            ends[pick[:, 2]] = pick[:, 0]
            begins[pick[:, 1]] = pick[:, 0]
        window = window_keys(padded_codes_of(codes), positions, self.score.model.groups)
        return np.concatenate(
            [
                self._bias[index + 1, None],
                window,
                self._edge_keys(ends[positions], 0)[:, None],
                self._edge_keys(begins[positions + 1], 1)[:, None],
            ],
            axis=1,
        )

    def _cover_share(
        self, grid: np.ndarray, short: np.ndarray, at: np.ndarray, pairs: np.ndarray,
        used: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Add the covering words' features to ``grid``; return their votes per row, the
        longest voting word per row and the number of covering words per target."""
        k, width = grid.shape
        match, offset = _spread(short[:, 1], short[:, 2] - short[:, 1])
        target = at[short[match, 1] + offset]
        inside = target >= 0
        target, match, offset = target[inside], match[inside], offset[inside]
        keys, vote = self._covers(short[match, 0] * 8 + offset)
        t, j = np.nonzero(used[target])
        flat = target[t] * width + j
        share = self._gather((keys[t] ^ pairs[target[t], j])[:, None])
        grid += np.bincount(flat, share, minlength=k * width).reshape(k, width)
        voted = vote >= 0
        rows = target[voted] * width + vote[voted]
        lengths = (short[match, 2] - short[match, 1])[voted]
        longest = np.zeros(k * width, np.int64)
        for size in range(2, MAX_COVER + 1):
            longest[rows[lengths == size]] = size
        votes = np.bincount(rows, minlength=k * width).reshape(k, width)
        return votes, longest.reshape(k, width), np.bincount(target, minlength=k)

    @staticmethod
    def _states(
        index: np.ndarray, length: np.ndarray, votes: np.ndarray, longest: np.ndarray,
        covers: np.ndarray,
    ) -> np.ndarray:
        """Each row's agreement state (``agreement.base_states`` and ``state_of``)."""
        j = np.arange(votes.shape[1])[None, :]
        word = index[:, None]
        base = np.where(j == word, 2 + np.minimum(length, MAX_LEN)[:, None], 0)
        base = np.where((j == 0) & (word == -1), 1, base)
        base = np.where((j == 0) & (word != -1) & (word != 0), 2, base)
        top = np.minimum(longest, MAX_LEN)
        every = (votes == covers[:, None]) & (top > 0)
        state: np.ndarray = (base * (MAX_LEN + 1) + top) * 2 + every
        return state

    def target_scores(
        self, text: str, targets: Sequence[Target], matches: Sequence[Match] | None = None
    ) -> np.ndarray:
        """``Scorer.scores(text, targets, matches)`` computed by ``scores`` (targets in any
        order)."""
        if matches is None:
            matches = self.index.matches(text)
        positions = np.array([i for i, _ in targets], np.int64)
        index = np.array(
            [-1 if w is None else self.positions[text[i]].get(w[0], _MAX_INDEX)
             for i, w in targets], np.int64,
        )
        length = np.array([0 if w is None else w[1] for _, w in targets], np.int64)
        order = np.argsort(positions, kind="stable")
        grid, _ = self.scores(
            text, positions[order], index[order], length[order], match_rows(matches)
        )
        out = np.empty_like(grid)
        out[order] = grid
        return out


def padded_codes_of(codes: np.ndarray) -> np.ndarray:
    """``features.padded_codes`` from the code points already found."""
    pad = padded_codes("")
    return np.concatenate([pad[:3], codes, pad[3:]])


_BULKS: dict[int, tuple[Scorer, Bulk]] = {}


def bulk_of(score: Scorer) -> Bulk:
    """The dense tables of ``score``, built once."""
    return built_once(score, _BULKS, Bulk)


def bulk_readings(
    text: str, model: PolyphoneModel, others: Sequence[Disambiguator], piece: int = PIECE
) -> list[str | None]:
    """``fast.fast_readings(text, model, others)``, in numpy passes (for long texts).

    A text longer than ``piece`` characters is read in pieces cut just after line breaks,
    each read with ``WINDOW`` characters of the text either side: no lexicon word holds a
    line break, the model's window reaches ``WINDOW`` characters and the other
    disambiguators one, so every reading is what the whole text gives."""
    out: list[str | None] = []
    for start, stop in line_pieces(text, piece):
        first, last = max(start - WINDOW, 0), min(stop + WINDOW, len(text))
        with scorer(model).lock:  # the scorer's and the dense tables' remembered parts
            found = _piece_readings(text[first:last], model, others)
        out += found[start - first : stop - first]
    return out


def line_pieces(text: str, piece: int) -> list[tuple[int, int]]:
    """``text`` cut into (start, stop) spans of at most ``piece`` characters, each ending
    just after a line break (a line longer than ``piece`` is one span; the last span ends
    with the text)."""
    spans, start = [], 0
    while len(text) - start > piece:
        stop = text.rfind("\n", start, start + piece) + 1
        if stop <= start:
            stop = text.find("\n", start + piece) + 1
            if stop <= 0:
                break
        spans.append((start, stop))
        start = stop
    spans.append((start, len(text)))
    return spans


def _piece_readings(
    text: str, model: PolyphoneModel, others: Sequence[Disambiguator]
) -> list[str | None]:
    """``bulk_readings`` of one piece, in one numpy pass."""
    bulk = bulk_of(scorer(model))
    codes = np.minimum(code_points(text), len(bulk.kinds) - 1).astype(np.int64)
    rows = match_rows(bulk.index.matches(text))
    out, cover = _words(bulk, codes, fmm_rows(rows))
    kinds = bulk.kinds[codes]
    free = cover == 0
    rest = np.flatnonzero(free & (kinds == 1)).tolist()
    positions, index, length = _targets(bulk, text, out, cover, kinds)
    if len(positions):
        grid, numbers = bulk.scores(text, positions, index, length, rows)
        best = grid.argmax(axis=1)
        readings = bulk.candidates(numbers, best)
        change = (index == -1) | (best != index)
        for t in np.flatnonzero(change & (index != -1)).tolist():  # words: sure enough?
            change[t] = confidence(grid[t]) >= model.override
        out[positions[change]] = readings[change]
    found: list[str | None] = out.tolist()
    queries = [(i, bulk.score.kinds[text[i]][0]) for i in rest]
    ask_others(text, found, queries, others)
    return found


def _words(bulk: Bulk, codes: np.ndarray, picked: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The characters' defaults with the ``picked`` words' readings pasted over them (object
    array), and the length of the picked word over each position (0: none)."""
    out = bulk.defaults[codes]
    cover = np.zeros(len(codes), np.int64)
    lengths = picked[:, 2] - picked[:, 1]
    word, offset = _spread(picked[:, 1], lengths)
    where = picked[word, 1] + offset
    out[where] = bulk.word_readings[bulk.word_start[picked[word, 0]] + offset]
    cover[where] = lengths[word]
    return out, cover


def _targets(
    bulk: Bulk, text: str, out: np.ndarray, cover: np.ndarray, kinds: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The model's targets, by position (``fast._targets``' kind): trained polyphones outside
    words, and revised ones in words that read them as a candidate, with that candidate's
    index (-1: no word) and the word's length (0: none)."""
    free = np.flatnonzero((cover == 0) & (kinds >= 1 + TRAINED))
    revised = np.flatnonzero((cover > 0) & (kinds == 1 + REVISED))
    positions, index = [], []
    where = bulk.positions
    for i, reading in zip(revised.tolist(), out[revised].tolist(), strict=True):
        j = where[text[i]].get(reading)
        if j is not None:
            positions.append(i)
            index.append(j)
    words = np.array(positions, np.int64)
    found = np.concatenate([free, words])
    order = np.argsort(found, kind="stable")
    index_all = np.concatenate([np.full(len(free), -1, np.int64), np.array(index, np.int64)])
    return found[order], index_all[order], cover[found[order]]
