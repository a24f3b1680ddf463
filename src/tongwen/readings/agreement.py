"""The polyphone model's agreement features: how a candidate reading relates to the lexicon's.

Per (target, candidate) row, a *base state* says what the segmentation's word tells (0 nothing
about this row, 1 D: the default and no word covers the target, 2 Dx: the default against the
word's other reading, 3..7 F1..F5: the word gives this reading, by the word's length up to 5);
the covering words' votes add the longest voting word's length (0: no vote; P2..P5) and
whether every covering word votes so (Pall). ``STATE_FEATURES[state]`` lists the features a
row in that state has; each is a weight alone (``agreement_slots(0)``) and one per character.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from tongwen.readings.hashing import slot_of, splitmix

__all__ = ["N_FEATURES", "STATE_FEATURES", "agreement_slots", "base_states", "state_of"]

# Feature numbers: D, Dx, P, Pall, F, P1..P5, F1..F5; OFF is "no feature" (slot 2**bits).
D, DX, P, PALL, F = range(5)
OFF = 15
N_FEATURES = 16
_KEYS = [splitmix(9000 + f) for f in range(OFF)]
N_BASE = 8
MAX_LEN = 5


def state_of(base: int, longest: int, every: bool) -> int:
    """The state number of a row: base state, longest voting word (0 none), all vote."""
    return (base * (MAX_LEN + 1) + min(longest, MAX_LEN)) * 2 + int(every and longest > 0)


def _features(state: int) -> list[int]:
    base, rest = divmod(state, 2 * (MAX_LEN + 1))
    longest, every = divmod(rest, 2)
    out = [OFF] * 7
    if base == 1:
        out[0] = D
    elif base == 2:
        out[1] = DX
    elif base >= 3:
        out[4], out[6] = F, 9 + base - 2
    if longest:
        out[2], out[5] = P, 4 + longest
        if every:
            out[3] = PALL
    return out


N_STATES = N_BASE * (MAX_LEN + 1) * 2
#: The agreement features of each state (7 columns, OFF where absent).
STATE_FEATURES = np.array([_features(s) for s in range(N_STATES)], dtype=np.int64)


@cache
def base_states(size: int, word_index: int, word_len: int) -> tuple[int, ...]:
    """The base state of each of ``size`` candidates, given the index of the reading the
    segmentation's word gives (-1: no word; ``size`` or more: not a candidate) and its
    length."""
    out = []
    for j in range(size):
        if j == 0 and word_index == -1:
            out.append(1)
        elif j == 0 and word_index != 0:
            out.append(2)
        elif word_index == j:
            out.append(2 + min(word_len, MAX_LEN))
        else:
            out.append(0)
    return tuple(out)


def agreement_slots(char_key: int, bits: int) -> np.ndarray:
    """The slot of each agreement feature keyed by ``char_key`` (0: the shared ones), and
    ``2**bits`` for OFF."""
    return np.array([slot_of(k, char_key, bits) for k in _KEYS] + [1 << bits], dtype=np.int64)


@cache
def shared_slots(bits: int) -> np.ndarray:
    """``agreement_slots(0, bits)``, remembered."""
    return agreement_slots(0, bits)
