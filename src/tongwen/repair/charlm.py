"""A character trigram language model, to tell which bytes a GBK garble hid.

Kneser-Ney smoothed bigrams, with discounted trigrams over them. The model reads Simplified
characters: a traditional character is looked up as its simplified form, digits as ``0``, Latin
letters as ``a``; a line break is the boundary of a line; :data:`BAD` (a byte pair the
decoder could not read) costs :data:`BAD_PAIR`. Trained by ``tools/train_charlm.py`` (sources
and licences in ``data/models/charlm.json``), loaded on first use; numpy only.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from tongwen.text import code_points

if TYPE_CHECKING:
    import numpy as np

__all__ = ["BAD", "BAD_PAIR", "CharLM", "load_charlm", "normal_form"]

#: What a decoder writes for a byte pair it cannot read ...
BAD = "\ufffd"
#: ... and its log-probability.
BAD_PAIR = -14.0
#: The log-probability of a character the model has never seen.
UNSEEN_CHAR = -16.0
#: ids 0 and 1: a character the model has not seen, and the line boundary.
UNSEEN, BOUNDARY = 0, 1
#: The file of the model, in ``tongwen/data/models``.
MODEL_FILE = "charlm.npz"


#: Characters read as one symbol: ASCII digits as ``0``, ASCII Latin letters as ``a``, and
#: their full-width forms as ``０`` and ``ａ`` (rare in prose, but what the decoder makes of a
#: page out of step: GBK's row 0xA3, whose lead byte is many a character's second byte).
_FOLDED: dict[str, str] = {
    chr(code): symbol
    for symbol, ranges in (("0", ("09",)), ("a", ("az", "AZ")), ("０", ("０９",)),
                           ("ａ", ("ａｚ", "ＡＺ")))
    for bounds in ranges
    for code in range(ord(bounds[0]), ord(bounds[1]) + 1)
}


def normal_form(char: str) -> str:
    """The symbol the model reads for ``char`` before its simplified form is taken: digits
    are ``0``, Latin letters ``a`` (full-width ones ``０`` and ``ａ``); every other character
    itself."""
    return _FOLDED.get(char, char)


@dataclass(frozen=True)
class CharLM:
    """The model's arrays: ``ids`` maps a code point to its symbol (0: unseen, 1: the line
    boundary); ``keys`` (sorted) are the seen bigrams ``first * size + second`` with their
    log-probabilities ``logp``; an unseen bigram costs ``backoff[first] + unigram[second]``.
    ``keys3`` (sorted) are the kept trigrams ``(first * size + second) * size + third`` with
    ``logp3``; after a seen bigram context whose trigram was not kept, the bigram's cost is
    raised by that context's ``backoff3`` (aligned with ``keys``)."""

    ids: np.ndarray
    keys: np.ndarray
    logp: np.ndarray
    backoff: np.ndarray
    unigram: np.ndarray
    keys3: np.ndarray
    logp3: np.ndarray
    backoff3: np.ndarray

    @property
    def size(self) -> int:
        """How many symbols the model has (the line boundary and 'unseen' included)."""
        return len(self.unigram)

    def score(self, texts: Sequence[str], end: bool = True) -> np.ndarray:
        """The log-probability of each text read as one line (a boundary before and after;
        a '\\n' inside is a boundary too), in one vectorised pass; without ``end``, less the
        boundary after it (the line goes on)."""
        import numpy as np

        if not texts:
            return np.zeros(0)
        joined = "\n" + "\n".join(texts) + "\n"
        symbols = self.ids[code_points(joined)]
        logp = self._triples(symbols)
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) + 1
        starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        if not end:
            logp[starts + lengths - 1] = 0.0
        return np.add.reduceat(logp, starts)

    def score_joined(self, firsts: Sequence[str], seconds: Sequence[str],
                     pairs: np.ndarray) -> np.ndarray:
        """What ``score([firsts[i] + seconds[j] for i, j in pairs])`` gives, computed with
        each piece's own symbols looked up once and, for each pair, only the two where they
        meet (every symbol's log-probability depends on the two before it alone)."""
        import numpy as np

        if not len(pairs):
            return np.zeros(0)
        a_symbols, a_at, a_len = self._lines(firsts)
        b_symbols, b_at, b_len = self._lines(seconds)
        # symbol s at s - 1 (those of the seconds only when one has two characters or more)
        logp = self._triples(np.concatenate([a_symbols, b_symbols]) if b_len.max() > 1
                             else a_symbols)
        i, j = pairs[:, 0], pairs[:, 1]
        ends = a_at + a_len
        # the first two symbols of each second (or its line boundary) after the first's last two
        met = self._meet(a_symbols[ends - 2], a_symbols[ends - 1], b_symbols[b_at],
                         b_symbols[b_at + 1], i, j)
        la, lb, b_at = a_len[i], b_len[j], b_at[j] + len(a_symbols)
        lengths = la + lb + 1
        starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        out = np.empty(int(lengths.sum()))
        out[_ranges(starts, la)] = logp[_ranges(a_at[i] - 1, la)]
        out[starts + la] = met[0]
        out[(starts + la + 1)[lb >= 1]] = met[1][lb >= 1]
        rest = np.maximum(lb - 1, 0)
        out[_ranges(starts + la + 2, rest)] = logp[_ranges(b_at + 1, rest)]
        return np.add.reduceat(out, starts)

    def _meet(self, before: np.ndarray, last: np.ndarray, first: np.ndarray,
              second: np.ndarray, i: np.ndarray, j: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each pair ``(i[p], j[p])``: the log-probability of the ``first`` and then the
        ``second`` symbol of piece ``j[p]`` after the symbols ``before`` and ``last`` of piece
        ``i[p]`` (as :meth:`_triples` computes them, each lookup of one piece made once)."""
        import numpy as np

        size = self.size
        a2, a1 = before.astype(np.int64), last.astype(np.int64)
        b0, b1 = first.astype(np.int64), second.astype(np.int64)
        at, seen = _find(self.keys, np.concatenate([a2 * size + a1, b0 * size + b1,
                                                    a1[i] * size + b0[j]]))
        na, nb = len(a1), len(b0)
        context_at, context_seen = at[:na][i], (seen[:na] & (a1 != BOUNDARY))[i]
        own_at, own_seen = at[na : na + nb][j], seen[na : na + nb][j]
        meet_at, meet_seen = at[na + nb :], seen[na + nb :]
        a2, a1, b0, b1 = a2[i], a1[i], b0[j], b1[j]
        t_at, t_seen = _find(self.keys3, np.concatenate([(a2 * size + a1) * size + b0,
                                                         (a1 * size + b0) * size + b1]))
        n = len(i)
        bigram = np.where(meet_seen, self.logp[meet_at], self.backoff[a1] + self.unigram[b0])
        one = np.where(t_seen[:n] & context_seen, self.logp3[t_at[:n]],
                       bigram + np.where(context_seen, self.backoff3[context_at], 0.0))
        bigram = np.where(own_seen, self.logp[own_at], self.backoff[b0] + self.unigram[b1])
        context_seen = meet_seen & (b0 != BOUNDARY)
        two = np.where(t_seen[n:] & context_seen, self.logp3[t_at[n:]],
                       bigram + np.where(context_seen, self.backoff3[meet_at], 0.0))
        return one, two

    def _lines(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``texts`` read as lines one after the other: their symbols (a line boundary
        first, two after), and where each text's symbols start and how many there are."""
        import numpy as np

        symbols = self.ids[code_points("\n" + "\n".join(texts) + "\n\n")]
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        at = np.concatenate(([1], np.cumsum(lengths + 1)[:-1] + 1))
        return symbols, at, lengths

    def reading_as_bad_pairs(self, chars: Collection[str]) -> CharLM:
        """This model with each of ``chars`` costing what :data:`BAD` costs (characters the
        text cannot hold)."""
        ids = self.ids.copy()
        ids[[ord(c) for c in chars]] = ids[ord(BAD)]
        return replace(self, ids=ids)

    def _triples(self, symbols: np.ndarray) -> np.ndarray:
        """The log-probability of each symbol after the first, given the one or two before
        (two unless the one before is the line boundary)."""
        import numpy as np

        pair_keys = symbols[:-1].astype(np.int64) * self.size + symbols[1:]
        pair_at, pair_seen = _find(self.keys, pair_keys)
        logp = np.where(pair_seen, self.logp[pair_at],
                        self.backoff[symbols[:-1]] + self.unigram[symbols[1:]])
        # symbol k + 2 after the context (k, k + 1): a seen trigram, or the context's weight
        context_at, context_seen = pair_at[:-1], pair_seen[:-1] & (symbols[1:-1] != BOUNDARY)
        triple_at, triple_seen = _find(self.keys3, pair_keys[:-1] * self.size + symbols[2:])
        logp[1:] = np.where(triple_seen & context_seen, self.logp3[triple_at],
                            logp[1:] + np.where(context_seen, self.backoff3[context_at], 0.0))
        return np.asarray(logp, dtype=np.float64)


def _ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """``start, start + 1, ..., start + length - 1`` for each start and length, in order."""
    import numpy as np

    total = int(lengths.sum())
    ends = np.cumsum(lengths)
    return np.arange(total) + np.repeat(starts - (ends - lengths), lengths)  # type: ignore[no-any-return]


def _find(sorted_keys: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each of ``keys`` is in ``sorted_keys`` (0 where absent), and whether it is."""
    import numpy as np

    where = np.searchsorted(sorted_keys, keys)
    where[where == len(sorted_keys)] = 0
    return where, sorted_keys[where] == keys if len(sorted_keys) else np.zeros(len(keys), bool)


@cache
def load_charlm() -> CharLM:
    """The packaged model (loaded once)."""
    import numpy as np

    from tongwen.repair.strip import simplified_forms

    with resources.files("tongwen.data.models").joinpath(MODEL_FILE).open("rb") as handle:
        arrays = dict(np.load(handle, allow_pickle=False))
    chars = arrays["chars"]  # the code point of each symbol from 2 on
    ids = np.zeros(0x110000, dtype=np.int32)
    ids[chars] = np.arange(2, len(chars) + 2, dtype=np.int32)
    ids[ord("\n")] = BOUNDARY
    # Each character read as its normal form, traditional ones as their simplified forms.
    for char, simple in simplified_forms().items():
        target = ids[ord(normal_form(simple))]
        if target:
            ids[ord(char)] = target
    for char, symbol in _FOLDED.items():
        ids[ord(char)] = ids[ord(symbol)]
    unigram = arrays["unigram"].astype(np.float64)
    unigram[ids[ord(BAD)]] = BAD_PAIR
    unigram[UNSEEN] = UNSEEN_CHAR
    return CharLM(ids=ids, keys=arrays["keys"].astype(np.int64),
                  logp=arrays["logp"].astype(np.float64),
                  backoff=arrays["backoff"].astype(np.float64), unigram=unigram,
                  keys3=arrays["keys3"], logp3=arrays["logp3"].astype(np.float64),
                  backoff3=arrays["backoff3"].astype(np.float64))
