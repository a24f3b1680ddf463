"""The context model: picks one of several traditional candidates where the tables leave a choice.

A position is a *choice* when its simplified character has several candidates in the character
table of the scheme's first layer and no phrase of that layer took it. For every choice of a
text at once (numpy, no Python loop per position) the model scores each candidate with a
log-linear classifier over hashed context features (the simplified characters at offsets -2..+2
and the bigrams around the position, never across a line end), less each class's ``penalty``
(how much rarer than the default it is in the training text), and takes the best one; unless
it beats the table's default by ``margin``, the default stays. Weights come from
``tongwen/data/models/conversion.npz``, trained by ``tools/train_conversion.py`` (never edited by
hand). ``reference.py`` and ``compiled.py`` both call :meth:`ContextModel.choose`, so the two
paths agree.
"""

from __future__ import annotations

import io
import json
import re
from array import array
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt

from tongwen.text import code_points

__all__ = ["FEATURE_VERSION", "ContextModel", "ContextUse", "features", "load_model"]

U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]
F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]

FEATURE_VERSION = 5
#: Context offsets of the unigram features, then the bigram pairs (see ``features``).
UNIGRAMS = (-2, -1, 1, 2)
BIGRAMS = ((-2, -1), (-1, 1), (1, 2))
N_FEATURES = 1 + len(UNIGRAMS) + len(BIGRAMS)  # bias first
#: Regions with features of their own on top of the shared ones.
REGIONS = {"shared": 0, "hk": 1}
_MUL = np.uint64(0x9E3779B97F4A7C15)
_CLASS = np.uint64(0xC2B2AE3D27D4EB4F)
#: ``k * _CLASS`` (mod 2**64) for each class k: what ``slots`` adds before mixing.
_CLASSES = np.arange(16, dtype=np.uint64) * _CLASS
#: Code used for a context position outside the line.
EDGE = 0x0A


def _mix(h: U64) -> U64:
    """A 64-bit finaliser (xorshift-multiply), elementwise."""
    h = h ^ (h >> np.uint64(31))
    h = h * _MUL
    h = h ^ (h >> np.uint64(29))
    return h


def _mix_in_place(h: U64) -> U64:
    """``_mix``, overwriting ``h`` (fewer temporary arrays)."""
    h ^= h >> np.uint64(31)
    h *= _MUL
    h ^= h >> np.uint64(29)
    return h


_OFFSETS = np.array([-2, -1, 1, 2], dtype=np.int64)
#: Per-feature salts: bias, the unigrams (offsets -2, -1, +1, +2), the bigrams.
_SALTS = np.array([0x2545F491 + 0x1000193 * k for k in range(N_FEATURES)], dtype=np.uint64)
_PRIME = np.uint64(0x100000001B3)
_PAIR = np.uint64(0x1F1F1F1F)


def features(codepoints: U32, positions: I64, region: int = 0) -> U64:
    """Hashed features, shape (len(positions), N_FEATURES): bias, unigrams, bigrams.

    Context stops at line ends: a line break (LF or CR) and any character beyond it read as
    EDGE, so a text cut at line ends gives the same features piece by piece.
    """
    return np.ascontiguousarray(features_by_row(codepoints, positions, region).T)


def features_by_row(codepoints: U32, positions: I64, region: int = 0) -> U64:
    """``features`` transposed, shape (N_FEATURES, len(positions)): one row per feature."""
    n = len(codepoints)
    at = _OFFSETS[:, None] + positions[None, :]  # (4, p)
    ctx = codepoints.take(at, mode="clip").astype(np.uint64)
    if len(positions) and (positions.min() < 2 or positions.max() >= n - 2):
        ctx[(at < 0) | (at >= n)] = EDGE
    # a line break (LF or CR) is EDGE, and so is every context position beyond it
    edge = (ctx == EDGE) | (ctx == 0x0D)
    edge[0] |= edge[1]
    edge[3] |= edge[2]
    ctx[edge] = EDGE
    keys = np.empty((N_FEATURES, len(positions)), dtype=np.uint64)
    keys[0] = 0
    keys[1:5] = ctx
    keys[5] = ctx[0] * _PAIR + ctx[1]  # (-2, -1)
    keys[6] = ctx[1] * _PAIR + ctx[2]  # (-1, +1)
    keys[7] = ctx[2] * _PAIR + ctx[3]  # (+1, +2)
    keys += _SALTS[:, None]
    base = codepoints[positions].astype(np.uint64)
    base *= _PRIME
    base += np.uint64(region * 0x51ED27)
    keys = _mix_in_place(keys)
    keys ^= base
    return _mix_in_place(keys)


def slots(hashed: U64, n_classes: int, bits: int) -> I64:
    """Weight indices, shape (positions, features, classes)."""
    classes = np.arange(n_classes, dtype=np.uint64) * _CLASS
    mixed = (hashed[:, :, None] + classes[None, None, :]) * _MUL
    out: I64 = (mixed >> np.uint64(64 - bits)).astype(np.int64)
    return out


@dataclass
class ContextModel:
    """Weights and the candidate table of the characters the model decides."""

    weights: F32  # 2**bits, float32
    bits: int
    chars: U32  # sorted code points of the simplified characters with a choice
    candidates: U32  # (len(chars), n_classes): candidate code points, 0 where none
    margin: float
    meta: Mapping[str, Any]
    #: (len(chars), n_classes): what each class's score loses before it is compared (0 for the
    #: default; float16 values, so sums stay exact); None: nothing.
    penalty: F64 | None = None

    def __post_init__(self) -> None:
        self.n_classes = int(self.candidates.shape[1])
        self.valid = self.candidates != 0
        self.lookup = np.full(0x110000, -1, dtype=np.int32)
        self.lookup[self.chars] = np.arange(len(self.chars), dtype=np.int32)
        #: Code point -> whether the model decides it.
        self.decides = self.lookup >= 0
        # Scores are sums of float16 weights in float64: exact, so the numpy path and the
        # plain-Python path (a few positions) give the same numbers, in any order.
        if (self.valid[:, 1:] & ~self.valid[:, :-1]).any():
            raise ValueError("a model's candidates must come first in each row")
        #: Valid candidates come first in each row: row -> how many there are.
        self.n_valid = self.valid.sum(axis=1)
        # float32 holds the float16 weights exactly; Python sums them in float64
        self._flat = array("f", self.weights.tobytes())
        self._valid_rows = [tuple(k for k in range(self.n_classes) if row[k])
                            for row in self.valid.tolist()]
        self._rows = {chr(c): row for row, c in enumerate(self.chars.tolist())}
        self._candidates = [tuple(row) for row in self.candidates.tolist()]
        self.char_set = frozenset(chr(c) for c in self.chars.tolist())
        self._penalty_rows = [] if self.penalty is None else self.penalty.tolist()
        #: Finds the characters the model decides (in a string).
        self.pattern = re.compile("[" + "".join(sorted(self.char_set)) + "]")

    def scores(self, codepoints: U32, positions: I64, regions: tuple[int, ...]) -> F64:
        """Scores of every class at ``positions``, penalties taken (invalid classes -inf)."""
        rows = self.lookup[codepoints[positions]]
        total: F64 | None = None
        for region in regions:
            idx = slots(features(codepoints, positions, region), self.n_classes, self.bits)
            gathered = self.weights[idx].astype(np.float64)
            part = gathered[:, 0]
            for k in range(1, N_FEATURES):
                part = part + gathered[:, k]
            total = part if total is None else total + part
        assert total is not None
        if self.penalty is not None:
            total -= self.penalty[rows]
        total[~self.valid[rows]] = -np.inf
        return total

    def choose(self, codepoints: U32, positions: I64, region: str = "shared") -> I64:
        """Index of the chosen candidate at each of ``positions`` (0 is the table's default)."""
        if not len(positions):
            return np.zeros(0, dtype=np.int64)
        regions = (0,) if region == "shared" else (0, REGIONS[region])
        if len(positions) <= FEW:
            cps = codepoints.tolist() if len(codepoints) <= 64 else None
            return np.array([self._choose_one(codepoints, cps, int(at), regions)
                             for at in positions.tolist()], dtype=np.int64)
        rows = self.lookup[codepoints[positions]]
        n_valid = self.n_valid[rows]
        totals = self._totals(codepoints, positions, regions, n_valid)
        if self.penalty is not None:
            totals -= self.penalty[rows, : len(totals)].T  # the default's is 0
        best = np.argmax(totals, axis=0)
        gain = totals[best, np.arange(len(positions))] - totals[0]
        return np.where(gain > self.margin, best, 0).astype(np.int64)

    def _totals(
        self, codepoints: U32, positions: I64, regions: tuple[int, ...], n_valid: I64
    ) -> F64:
        """``scores`` transposed, (classes, positions), as many classes as the most valid.

        A class is scored only where it is valid (-inf elsewhere). Weights hold float16
        values, so their float64 sums are exact in any order: the same numbers as ``scores``.
        """
        n_classes, least = max(int(n_valid.max()), 1), int(n_valid.min())
        totals = np.zeros((n_classes, len(positions)), dtype=np.float64)
        shift = np.uint64(64 - self.bits)
        for code in regions:
            hashed = features_by_row(codepoints, positions, code)  # (features, positions)
            for k in range(n_classes):  # ``slots`` one class at a time, in place
                some = None if k < least else np.flatnonzero(n_valid > k)
                idx = hashed + _CLASSES[k] if some is None else hashed[:, some] + _CLASSES[k]
                idx *= _MUL
                idx >>= shift
                part = self.weights.take(idx).sum(axis=0, dtype=np.float64)
                if some is None:
                    totals[k] += part
                else:
                    totals[k, some] += part
        for k in range(least, n_classes):
            totals[k, n_valid <= k] = -np.inf
        return totals

    def choose_in_text(self, text: str, positions: list[int], region: str = "shared") -> list[int]:
        """The chosen candidate's code point at each of ``positions`` of ``text`` (a string):
        the same answers as ``choose``, in plain Python when there are few."""
        if len(positions) > FEW:
            cps = code_points(text)
            classes = self.choose(cps, np.array(positions, dtype=np.int64), region).tolist()
        else:
            regions = (0,) if region == "shared" else (0, REGIONS[region])
            classes = []
            for at in positions:  # the model reads two characters either side
                near = [ord(c) for c in text[max(at - 2, 0) : at + 3]]
                classes.append(self._choose_one(None, near, min(at, 2), regions))
        rows = self._rows
        return [self._candidates[rows[text[at]]][k]
                for at, k in zip(positions, classes, strict=True)]

    def _choose_one(
        self, codepoints: U32 | None, cps: list[int] | None, at: int, regions: tuple[int, ...]
    ) -> int:
        """``choose`` at one position in plain Python (the same numbers, less overhead);
        from ``cps`` (a list of code points) when given, else from ``codepoints``."""
        if cps is None:
            assert codepoints is not None
            cps = codepoints.tolist() if len(codepoints) <= 64 else None
        n = len(cps) if cps is not None else len(codepoints)  # type: ignore[arg-type]
        ctx = []
        for off in (-2, -1, 1, 2):
            j = at + off
            if 0 <= j < n:
                c = cps[j] if cps is not None else int(codepoints[j])  # type: ignore[index]
                ctx.append(EDGE if c == 0x0D else c)
            else:
                ctx.append(EDGE)
        if ctx[1] == EDGE:
            ctx[0] = EDGE
        if ctx[2] == EDGE:
            ctx[3] = EDGE
        centre = cps[at] if cps is not None else int(codepoints[at])  # type: ignore[index]
        c0, c1, c2, c3 = ctx
        keys = (c0, c1, c2, c3, (c0 * _PAIR_I + c1) & _M64, (c1 * _PAIR_I + c2) & _M64,
                (c2 * _PAIR_I + c3) & _M64)
        # the inner mix of each feature does not depend on the region: once for all regions
        inner = [_BIAS_I, *(_mix_int((key + salt) & _M64)
                            for key, salt in zip(keys, _SALTS_I[1:], strict=True))]
        shift = 64 - self.bits
        classes = self._valid_rows[int(self.lookup[centre])]
        totals = [0.0] * len(classes)  # valid classes are 0, 1, ...
        flat = self._flat
        for region in regions:
            base = (centre * _PRIME_I + region * 0x51ED27) & _M64
            for mixed in inner:
                h = base ^ mixed  # _mix_int, inline
                h ^= h >> 31
                h = (h * _MUL_I) & _M64
                h ^= h >> 29
                for k in classes:
                    totals[k] += flat[(((h + _CLASS_I[k]) * _MUL_I) & _M64) >> shift]
        if self.penalty is not None:
            penalty = self._penalty_rows[int(self.lookup[centre])]
            totals = [total - penalty[k] for k, total in enumerate(totals)]
        best = max(classes, key=lambda k: (totals[k], -k))
        return best if totals[best] - totals[0] > self.margin else 0


#: Up to this many positions, ``choose`` works in plain Python.
FEW = 4
_M64 = (1 << 64) - 1
_PAIR_I = int(_PAIR)
_PRIME_I = int(_PRIME)
_SALTS_I = tuple(int(x) for x in _SALTS)
_CLASS_I = tuple((k * int(_CLASS)) & _M64 for k in range(16))
_MUL_I = int(_MUL)


def _mix_int(h: int) -> int:
    """``_mix`` on one Python int."""
    h ^= h >> 31
    h = (h * _MUL_I) & _M64
    return h ^ (h >> 29)


#: The inner mix of the bias feature (its key is 0).
_BIAS_I = _mix_int(_SALTS_I[0])


def build_candidates(chars: Mapping[str, tuple[str, ...]], n_classes: int) -> tuple[U32, U32]:
    """The (chars, candidates) arrays of a character table's one-character choices."""
    keys = sorted(k for k, v in chars.items() if len(v) > 1)
    table = np.zeros((len(keys), n_classes), dtype=np.uint32)
    for row, key in enumerate(keys):
        values = [ord(v) for v in chars[key] if len(v) == 1][:n_classes]
        table[row, : len(values)] = values
    return np.array([ord(k) for k in keys], dtype=np.uint32), table


@cache
def load_model(name: str = "conversion") -> ContextModel | None:
    """The packaged model ``name`` (data/models/NAME.npz and .json), or None when absent."""
    base = resources.files("tongwen").joinpath("data/models")
    try:
        raw = base.joinpath(f"{name}.npz").read_bytes()
        meta = json.loads(base.joinpath(f"{name}.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    if meta.get("feature_version") != FEATURE_VERSION:
        return None
    with np.load(io.BytesIO(raw)) as data:
        weights = data["weights"].astype(np.float32)
        chars = data["chars"].astype(np.uint32)
        candidates = data["candidates"].astype(np.uint32)
        penalty = data["penalty"].astype(np.float64) if "penalty" in data.files else None
    return ContextModel(weights, int(meta["bits"]), chars, candidates,
                        float(meta["margin"]), meta, penalty)


@dataclass(frozen=True, eq=False)
class ContextUse:
    """Where a scheme uses the model: at layer ``layer`` (its index among the layers run)."""

    layer: int
    model: ContextModel
    region: str = "shared"
