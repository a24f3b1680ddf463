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


#: Characters read as one symbol: digits as ``0``, Latin letters as ``a`` (ASCII, full-width).
_FOLDED: dict[str, str] = {
    chr(code): symbol
    for symbol, ranges in (("0", ("09", "０９")), ("a", ("az", "AZ", "ａｚ", "ＡＺ")))
    for bounds in ranges
    for code in range(ord(bounds[0]), ord(bounds[1]) + 1)
}


def normal_form(char: str) -> str:
    """The symbol the model reads for ``char`` before its simplified form is taken: digits
    are ``0``, Latin letters ``a`` (ASCII and full-width); every other character itself."""
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

    def score(self, texts: Sequence[str]) -> np.ndarray:
        """The log-probability of each text read as one line (a boundary before and after;
        a '\\n' inside is a boundary too), in one vectorised pass."""
        import numpy as np

        if not texts:
            return np.zeros(0)
        joined = "\n" + "\n".join(texts) + "\n"
        symbols = self.ids[code_points(joined)]
        logp = self._triples(symbols)
        lengths = np.fromiter((len(t) + 1 for t in texts), dtype=np.int64, count=len(texts))
        starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        return np.add.reduceat(logp, starts)

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
