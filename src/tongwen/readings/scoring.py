"""The polyphone model's candidate scores, computed for speed: ``PolyphoneModel._scores``'s
numbers (tests hold them equal) with numpy only where it pays.

A row's score is a sum of weights, and every weight is a float16 value (a multiple of 2**-24
below 2**4 in size), so a float64 sum of thousands of them is exact in any order: the score
can be put together from parts. The window columns (characters and n-grams around the target)
are one numpy pass over all targets; every other part depends on little and is remembered per
polyphone: the bias and agreement features (from the segmentation's word and the covering
words' votes), each edge word, and each covering lexicon word.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from typing import TypeVar

import numpy as np

from tongwen.readings.agreement import MAX_LEN, STATE_FEATURES, base_states, shared_slots
from tongwen.readings.features import (
    MAX_COVER,
    N_CONTEXT,
    cover_key,
    head_key,
    padded_codes,
    window_keys,
    word_key,
)
from tongwen.readings.features import _target as target_info
from tongwen.readings.hashing import SLOT, slot_of
from tongwen.readings.model import PolyphoneModel
from tongwen.readings.words import Match, word_index

__all__ = ["REVISED", "TRAINED", "UNTRAINED", "Scorer", "Target", "scorer"]

#: What the model does with a polyphone: nothing, read it outside words, or also in words.
UNTRAINED, TRAINED, REVISED = 0, 1, 2

#: Targets scored in one numpy pass at most (memory stays flat on long texts).
CHUNK = 8192
#: The remembered parts start afresh beyond this many entries (memory stays bounded).
CACHE_LIMIT = 200_000
_BEFORE, _AFTER = N_CONTEXT - 2, N_CONTEXT - 1
#: Up to this many entries, the window pass scores a full targets x candidates grid.
_GRID = 2048
#: One target: (position, the (reading, length) the segmentation's word gives it, or None).
Target = tuple[int, "tuple[str, int] | None"]
Vector = tuple[float, ...]
#: A lexicon word covering a target: its pattern id << 3 | the target's offset in it.
Cover = int


@dataclass
class _Char:
    """One polyphone: its number (a row of ``Scorer._pairs``), its candidates' pair keys and
    agreement slots, and the numbers of its remembered score parts (rows of
    ``Scorer._vectors``): ``head`` where no word covers it, ``heads`` by the segmentation's
    word where no lexicon word of at most MAX_COVER characters covers it, ``voted`` by
    that word and the covering words."""

    number: int
    pairs: list[int]
    index: dict[str, int]
    own: list[int]
    head: int = 0
    heads: dict[tuple[str, int], int] = field(default_factory=dict)
    voted: dict[tuple[tuple[str, int] | None, tuple[Cover, ...]], int] = field(
        default_factory=dict
    )


class _EdgeKeys(dict[int, int]):
    """Pattern id -> the key of edge column ``column`` for that word (-1: no word)."""

    def __init__(self, words: list[str], column: int) -> None:
        super().__init__({-1: head_key(0, column)})
        self.words, self.column = words, column

    def __missing__(self, pid: int) -> int:
        key = self[pid] = head_key(word_key(self.words[pid]), self.column)
        return key


class Scorer:
    """Scores of a model's trained polyphones in a text; build once per model (``scorer``)."""

    def __init__(self, model: PolyphoneModel) -> None:
        self.model = model
        self.bits = model.bits
        self.candidates = {c: r for c, r in model.lexicon.chars.items() if len(r) > 1}
        revised = model.revised or frozenset()
        #: Polyphone -> (candidates, UNTRAINED, TRAINED or REVISED).
        self.kinds = {
            c: (r, REVISED if c in revised else TRAINED if c in model.trained else UNTRAINED)
            for c, r in self.candidates.items()
        }
        self._table = model._table  # float32 copy of the weights, 0 in the last slot
        self._weights = self._table.data  # a Python float per slot, read on demand
        self._shared = shared_slots(self.bits).tolist()
        self._index = word_index(model.lexicon)
        self._before = _EdgeKeys(self._index.words, _BEFORE)
        self._after = _EdgeKeys(self._index.words, _AFTER)
        self._width = max(map(len, self.candidates.values()), default=1)
        #: Held while the remembered parts are read or grown (``scores``, ``bulk``): they are
        #: shared by every thread that reads with this model.
        self.lock = threading.RLock()
        self._reset()

    def _reset(self) -> None:
        self._chars: dict[str, _Char] = {}
        self._pairs = np.zeros((64, self._width), np.uint64)  # a _Char's pair keys
        self._used = np.zeros((64, self._width), bool)  # a _Char's candidates
        self._covers: dict[int, int] = {}
        self._vectors = np.zeros((1024, self._width))  # remembered parts, by number
        self._size = 0

    def scores(
        self, text: str, targets: Sequence[Target], matches: Sequence[Match] | None = None
    ) -> np.ndarray:
        """Scores, targets x their widest candidate list (-inf beyond a target's candidates,
        which are the lexicon's, in its order): ``PolyphoneModel._scores``'s grid. A target
        is a trained polyphone's position in ``text`` and the reading and length of the
        segmentation's word over it, or None. ``matches``: ``WordIndex.matches(text)``.
        Thread-safe: one thread at a time."""
        with self.lock:
            return self._scores(text, targets, matches)

    def _scores(
        self, text: str, targets: Sequence[Target], matches: Sequence[Match] | None
    ) -> np.ndarray:
        if self._size > CACHE_LIMIT:
            self._reset()
        if matches is None:
            matches = self._index.matches(text)
        chars = self._chars
        infos = [chars.get(text[i]) or self._char(text[i]) for i, _ in targets]
        positions = [i for i, _ in targets]
        covering, before, after = _walk(matches, set(positions))
        width = max([len(info.pairs) for info in infos], default=1)
        grid = self._parts(text, targets, infos, covering, width)
        numbers = [info.number for info in infos]
        edges = [
            list(map(keys.__getitem__, map(ends.get, positions, repeat(-1))))
            for keys, ends in ((self._before, before), (self._after, after))
        ]
        codes = padded_codes(text)
        for start in range(0, len(targets), CHUNK):
            stop = start + CHUNK
            self._add_context(
                grid[start:stop],
                window_keys(codes, np.array(positions[start:stop], np.int64), self.model.groups),
                np.array([edges[0][start:stop], edges[1][start:stop]], np.uint64).T,
                numbers[start:stop],
            )
        return grid

    def _add_context(
        self, grid: np.ndarray, window: np.ndarray, edges: np.ndarray, numbers: list[int]
    ) -> None:
        """Add the context columns' share to ``grid`` (targets x candidates, -inf beyond a
        target's candidates, and it stays so), from the targets' window and edge keys."""
        width = grid.shape[1]
        keys = np.concatenate([window, edges], axis=1)
        pairs = self._pairs[numbers, :width]
        shift = np.uint64(64 - self.bits)
        if grid.size <= _GRID:  # the whole grid, candidates past a target's too
            slots = ((keys[:, None, :] ^ pairs[:, :, None]) * SLOT) >> shift
            grid += self._table[slots].sum(axis=2, dtype=np.float64)
            return
        used = self._used[numbers, :width]
        slots = ((keys[np.nonzero(used)[0]] ^ pairs[used][:, None]) * SLOT) >> shift
        grid[used] += self._table[slots].sum(axis=1, dtype=np.float64)

    def _char(self, char: str) -> _Char:
        """The remembered parts of ``char`` (made on first use)."""
        target = target_info(char, self.candidates[char], self.bits)
        number = len(self._chars)
        if number == len(self._pairs):
            self._pairs = np.concatenate([self._pairs, np.zeros_like(self._pairs)])
            self._used = np.concatenate([self._used, np.zeros_like(self._used)])
        self._pairs[number, : len(target.pairs)] = target.pairs
        self._used[number, : len(target.pairs)] = True
        info = _Char(number, target.pairs.tolist(), target.index, target.own.tolist())
        info.head = self._head(info, None)
        self._chars[char] = info
        return info

    def _parts(
        self,
        text: str,
        targets: Sequence[Target],
        infos: list[_Char],
        covering: dict[int, list[Cover]],
        width: int,
    ) -> np.ndarray:
        """The bias, agreement and covering-word features' share: targets x ``width``,
        -inf beyond a target's candidates (its head part holds them)."""
        heads = [info.head for info in infos]
        covered: list[int] = []
        cover_ids: list[int] = []
        covers = self._covers
        for t, (i, word) in enumerate(targets):
            words = covering.get(i)
            if words is None:
                if word is not None:
                    info = infos[t]
                    heads[t] = info.heads.get(word) or self._head(info, word)
                continue
            info = infos[t]
            key = (word, tuple(words))
            heads[t] = info.voted.get(key) or self._voted(info, key)
            covered += [t] * len(words)
            cover_ids += [covers.get(c) or self._cover(info, text, i, c) for c in words]
        vectors = self._vectors[:, :width]
        grid: np.ndarray = vectors[heads]
        if covered:
            np.add.at(grid, covered, vectors[cover_ids])
        return grid

    def _vector(self, info: _Char, key: int) -> Vector:
        """The weight each candidate's slot of ``key`` holds."""
        w, bits = self._weights, self.bits
        return tuple(w[slot_of(key, pair, bits)] for pair in info.pairs)

    def _remember(self, vector: Sequence[float], beyond: float = 0.0) -> int:
        """The number of a new row of ``_vectors`` holding ``vector``, then ``beyond``."""
        number = self._size = self._size + 1  # row 0 stays unused: numbers are true
        if number == len(self._vectors):
            self._vectors = np.concatenate([self._vectors, np.zeros_like(self._vectors)])
        self._vectors[number, : len(vector)] = vector
        self._vectors[number, len(vector) :] = beyond
        return number

    def _agreement(self, info: _Char, state: int) -> float:
        """The agreement features' share of a row's score in ``state``."""
        w, shared, own = self._weights, self._shared, info.own
        return float(sum(w[shared[f]] + w[own[f]] for f in STATE_FEATURES[state].tolist()))

    def _head(self, info: _Char, word: tuple[str, int] | None) -> int:
        """Bias and agreement features of a target no lexicon word (of at most MAX_COVER
        characters) covers, read in the segmentation's ``word`` (reading, length) or not."""
        index = -1 if word is None else info.index.get(word[0], 99)
        length = 0 if word is None else word[1]
        states = [b * (MAX_LEN + 1) * 2 for b in base_states(len(info.pairs), index, length)]
        found = self._remember(self._bias_agreement(info, index, states), -np.inf)
        if word is not None:
            info.heads[word] = found
        return found

    def _voted(self, info: _Char, key: tuple[tuple[str, int] | None, tuple[int, ...]]) -> int:
        """Bias and agreement features of a target the lexicon words ``key[1]`` cover (see
        ``Cover``), ``key[0]`` being the segmentation's word (reading, length) or None."""
        word, words = key
        index = -1 if word is None else info.index.get(word[0], 99)
        length = 0 if word is None else word[1]
        states = self._states(info, index, length, words)
        found = info.voted[key] = self._remember(
            self._bias_agreement(info, index, states), -np.inf
        )
        return found

    def _states(self, info: _Char, index: int, length: int, words: Sequence[int]) -> list[int]:
        """Each row's agreement state (``agreement.state_of``): the segmentation word's
        ``index`` and ``length``, and the votes of the lexicon ``words`` covering the target."""
        size = len(info.pairs)
        longest, votes = [0] * size, [0] * size
        readings = self._index.readings
        for cover in words:
            word = readings[cover >> 3]
            j = info.index.get(word[cover & 7])
            if j is not None:
                votes[j] += 1
                longest[j] = max(longest[j], len(word))
        states = []
        for j, base in enumerate(base_states(size, index, length)):
            top = min(longest[j], MAX_LEN)
            states.append((base * (MAX_LEN + 1) + top) * 2 + (votes[j] == len(words) and top > 0))
        return states

    def _bias_agreement(self, info: _Char, index: int, states: list[int]) -> Vector:
        """The bias (on the segmentation word's ``index``) plus the agreement features."""
        bias = self._vector(info, head_key(index + 1, 0))
        agreement = [self._agreement(info, state) for state in states]
        return tuple(b + a for b, a in zip(bias, agreement, strict=True))

    def _cover(self, info: _Char, text: str, i: int, cover: int) -> int:
        """The share of the lexicon word ``cover`` (see ``Cover``) over the target at ``i``."""
        offset = cover & 7
        start = i - offset
        word = text[start : start + len(self._index.readings[cover >> 3])]
        found = self._covers[cover] = self._remember(self._vector(info, cover_key(word, offset)))
        return found


def _walk(
    matches: Sequence[Match], positions: set[int]
) -> tuple[dict[int, list[int]], dict[int, int], dict[int, int]]:
    """The lexicon words (of at most MAX_COVER characters) covering each target position
    (see ``Cover``), and the pattern ids of the longest ending just before / starting just
    after one."""
    covering: dict[int, list[int]] = {}
    ends: dict[int, tuple[int, int]] = {}  # end -> (- length, pid) of the longest word
    starts: dict[int, tuple[int, int]] = {}
    for pid, start, end in matches:
        if end - start > MAX_COVER:
            continue
        if end in positions:
            old = ends.get(end)
            if old is None or start - end < old[0]:
                ends[end] = (start - end, pid)
        if start - 1 in positions:
            old = starts.get(start - 1)
            if old is None or start - end < old[0]:
                starts[start - 1] = (start - end, pid)
        for p in range(start, end):
            if p in positions:
                covering.setdefault(p, []).append(pid << 3 | (p - start))
    before = {i: pid for i, (_, pid) in ends.items()}
    return covering, before, {i: pid for i, (_, pid) in starts.items()}


_SCORERS: dict[int, tuple[PolyphoneModel, Scorer]] = {}
_BUILDING = threading.RLock()  # built_once builds one thing at a time (bulk_of builds a scorer)

Owner = TypeVar("Owner")
Built = TypeVar("Built")


def built_once(owner: Owner, cache: dict[int, tuple[Owner, Built]],
               build: Callable[[Owner], Built]) -> Built:
    """``build(owner)``, kept in ``cache`` by the owner's identity (owners hold arrays: they
    are not hashable); a full cache (8 owners) starts again. Threads share what is built."""
    entry = cache.get(id(owner))
    if entry is None or entry[0] is not owner:
        with _BUILDING:
            entry = cache.get(id(owner))
            if entry is None or entry[0] is not owner:
                if len(cache) >= 8:
                    cache.clear()
                entry = cache[id(owner)] = (owner, build(owner))
    return entry[1]


def scorer(model: PolyphoneModel) -> Scorer:
    """The scorer of ``model``, built once."""
    return built_once(model, _SCORERS, Scorer)
