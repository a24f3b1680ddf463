"""The trained polyphone model: a log-linear classifier over hashed context features.

For a polyphonic character ``c`` at position ``i`` with candidate readings ``r1 .. rk`` (the
lexicon's), every candidate gets a score, the sum of the weights its features hash to, and the
model's confidence is the softmax of the scores over the candidates. Features:

- context features, one weight per (character, reading, feature): a bias (one per reading
  the segmentation's lexicon word gives the character, if a word covers it), the characters at
  offsets -3..+3, character bigrams and trigrams around ``i``, every lexicon word covering ``i``
  (with ``i``'s offset in it) and the longest words ending just before / starting just after;
- agreement features, one weight per feature (and per character and feature): the candidate
  is the reading a covering lexicon word gives, the one the forward-maximum-matching word
  gives (by word length), the lexicon's default (when no word covers the target, or when
  one reads it otherwise).

Weights live in one flat float table of ``2**bits`` slots (feature keys hashed with CRC-32),
trained by ``tools/train_polyphone.py`` and shipped in ``tongwen/data/models/``; inference is a
few hundred CRC-32 calls and one numpy gather per text. Features are computed on the simplified
text (the annotator reads traditional text through its simplified twin).
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources

import numpy as np

from tongwen.errors import DataError
from tongwen.readings.assign import Choice
from tongwen.readings.lexicon import ReadingLexicon, load_lexicon

__all__ = [
    "FEATURE_VERSION",
    "PolyphoneModel",
    "candidate_indices",
    "covering_words",
    "load_model",
]

#: Bumped whenever the features change: a weights file of another version is refused.
FEATURE_VERSION = 1
MODEL_FILE = "polyphone.npz"
PROVENANCE_FILE = "polyphone.json"
WINDOW = 3
#: Longest lexicon word looked at around a target (longer words are rare and add nothing).
MAX_COVER = 6
_PAD_LEFT, _PAD_RIGHT = "^", "$"


def covering_words(
    text: str, i: int, words: Mapping[str, tuple[str, ...]]
) -> list[tuple[str, int, str]]:
    """Every lexicon word of 2..MAX_COVER characters covering ``i``: (word, offset of ``i``
    in it, the reading it gives ``text[i]``), longest first."""
    found = []
    n = len(text)
    for length in range(min(MAX_COVER, n), 1, -1):
        for start in range(max(0, i - length + 1), min(i, n - length) + 1):
            word = text[start : start + length]
            readings = words.get(word)
            if readings is not None:
                found.append((word, i - start, readings[i - start]))
    return found


def _edge_word(text: str, start: int, step: int, words: Mapping[str, tuple[str, ...]]) -> str:
    """The longest lexicon word ending at ``start`` (step -1) or starting there (step 1)."""
    for length in range(MAX_COVER, 1, -1):
        if step > 0:
            word = text[start : start + length]
        else:
            word = text[max(0, start - length + 1) : start + 1]
        if len(word) == length and word in words:
            return word
    return ""


def context_features(
    text: str,
    i: int,
    covers: Sequence[tuple[str, int, str]],
    words: Mapping[str, tuple[str, ...]],
    fmm: tuple[str, int] | None,
) -> list[str]:
    """The candidate-independent features of position ``i`` (keyed later by char and
    reading). The first is the bias, split by the reading the segmentation's word gives (so
    that 和 in 暖和 is not pulled to he2 by the thousands of plain 和)."""
    padded = _PAD_LEFT * WINDOW + text + _PAD_RIGHT * WINDOW
    j = i + WINDOW
    feats = ["b" if fmm is None else "b=" + fmm[0]]
    feats += [f"{o}{padded[j + o]}" for o in range(-WINDOW, WINDOW + 1) if o]
    feats += [
        "l2" + padded[j - 2 : j],
        "r2" + padded[j + 1 : j + 3],
        "m" + padded[j - 1] + padded[j + 1],
        "l3" + padded[j - 3 : j],
        "r3" + padded[j + 1 : j + 4],
    ]
    feats += [f"w{offset}{word}" for word, offset, _ in covers]
    feats.append("lw" + _edge_word(text, i - 1, -1, words))
    feats.append("rw" + _edge_word(text, i + 1, 1, words))
    return feats


def agreement_features(
    reading: str,
    candidates: Sequence[str],
    covers: Sequence[tuple[str, int, str]],
    fmm: tuple[str, int] | None,
) -> list[str]:
    """The features of one candidate ``reading`` that relate it to the lexicon's evidence.

    ``fmm`` is the (reading, word length) the forward-maximum-matching word gives, if any. The
    default reading gets "D" when no such word covers the character and "Dx" when the word
    gives another reading (so a character's prior does not outvote its words).
    """
    feats = []
    if reading == candidates[0] and fmm is None:
        feats.append("D")
    elif reading == candidates[0] and fmm is not None and fmm[0] != reading:
        feats.append("Dx")  # the default against a word's other reading
    votes = [len(word) for word, _, r in covers if r == reading]
    if votes:
        feats += ["P", f"P{min(max(votes), 5)}"]
        if len(votes) == len(covers):
            feats.append("Pall")
    if fmm is not None and fmm[0] == reading:
        feats += ["F", f"F{min(fmm[1], 5)}"]
    return feats


def candidate_indices(
    text: str,
    i: int,
    candidates: Sequence[str],
    fmm: tuple[str, int] | None,
    words: Mapping[str, tuple[str, ...]],
    mask: int,
) -> tuple[list[list[int]], int]:
    """For each candidate reading of ``text[i]``: the table slots of its features, the bias
    first, then the other context features, then the agreement features; and the number of
    context slots (the same for every candidate)."""
    char = text[i]
    covers = covering_words(text, i, words)
    context = [f.encode("utf-8") for f in context_features(text, i, covers, words, fmm)]
    shared = zlib.crc32(b"*|")
    own = zlib.crc32(f"{char}*|".encode())
    out = []
    for reading in candidates:
        prefix = zlib.crc32(f"{char}{reading}|".encode())
        slots = [zlib.crc32(f, prefix) & mask for f in context]
        for name in agreement_features(reading, candidates, covers, fmm):
            key = name.encode("ascii")
            slots += [zlib.crc32(key, shared) & mask, zlib.crc32(key, own) & mask]
        out.append(slots)
    return out, len(context)


@dataclass(frozen=True)
class PolyphoneModel:
    """Hashed log-linear weights for the characters in ``trained`` (others: no answer)."""

    weights: np.ndarray
    trained: frozenset[str]
    lexicon: ReadingLexicon
    #: An override of a lexicon word's reading needs at least this confidence.
    override: float = 0.5

    @property
    def mask(self) -> int:
        return len(self.weights) - 1

    def probabilities(
        self, text: str, items: Sequence[tuple[int, Sequence[str], tuple[str, int] | None]]
    ) -> list[np.ndarray]:
        """For each (index, candidates, FMM word reading and length or None): the softmax
        of the candidates' scores, in the candidates' order (each sums to 1)."""
        slots: list[int] = []
        starts: list[int] = []
        sizes: list[int] = []
        words, mask = self.lexicon.words, self.mask
        for i, candidates, fmm in items:
            per, _ = candidate_indices(text, i, candidates, fmm, words, mask)
            sizes.append(len(per))
            for s in per:
                starts.append(len(slots))
                slots += s
        if not slots:
            return []
        sums = np.add.reduceat(self.weights[np.asarray(slots)].astype(np.float64), starts)
        out, k = [], 0
        for size in sizes:
            scores = sums[k : k + size]
            k += size
            e = np.exp(scores - scores.max())
            out.append(e / e.sum())
        return out

    def choose(
        self, text: str, queries: Sequence[tuple[int, tuple[str, ...]]]
    ) -> list[tuple[str, float] | None]:
        """The ``Disambiguator`` contract: for each (index, candidates) no word covered, the
        likeliest candidate and its probability, or None for a character the model was not
        trained on."""
        known = [(i, c, None) for i, c in queries if text[i] in self.trained]
        probs = iter(self.probabilities(text, known))
        answers: list[tuple[str, float] | None] = []
        for i, candidates in queries:
            if text[i] not in self.trained:
                answers.append(None)
                continue
            p = next(probs)
            best = int(p.argmax())
            answers.append((candidates[best], float(p[best])))
        return answers

    def _revisable(self, char: str, choice: Choice) -> bool:
        return (
            choice.source == "phrase"
            and char in self.trained
            and len(choice.candidates) > 1
            and choice.reading in choice.candidates
        )

    def revise(self, text: str, choices: Sequence[Choice]) -> list[Choice]:
        """Lexicon-word readings ("phrase") of trained characters re-read in context: the model
        replaces one (source "model") when it prefers another candidate with at least
        ``override`` confidence. User words and everything else are kept as they are."""
        items = []
        for i, choice in enumerate(choices):
            if self._revisable(text[i], choice) and choice.word is not None:
                start, end = choice.word
                items.append((i, choice.candidates, (str(choice.reading), end - start)))
        out = list(choices)
        for (i, candidates, fmm), p in zip(items, self.probabilities(text, items), strict=True):
            best = int(p.argmax())
            if candidates[best] != fmm[0] and p[best] >= self.override:
                out[i] = replace(
                    out[i], reading=candidates[best], source="model", confidence=float(p[best])
                )
        return out


def read_model_files() -> tuple[dict[str, np.ndarray], dict[str, object]]:
    """The packaged weights (arrays) and their provenance record."""
    base = resources.files("tongwen").joinpath("data/models")
    try:
        provenance = json.loads(base.joinpath(PROVENANCE_FILE).read_text(encoding="utf-8"))
        with base.joinpath(MODEL_FILE).open("rb") as raw, np.load(raw) as npz:
            arrays = {name: npz[name] for name in npz.files}
    except FileNotFoundError:
        raise DataError("packaged polyphone model is missing; reinstall tongwen") from None
    return arrays, provenance


def model_from_arrays(
    arrays: Mapping[str, np.ndarray], lexicon: ReadingLexicon, override: float = 0.5
) -> PolyphoneModel:
    """A model from the arrays the training script writes (``weights``, ``trained``)."""
    weights = np.asarray(arrays["weights"])
    if len(weights) & (len(weights) - 1):
        raise DataError("polyphone weights: table size is not a power of two")
    trained = frozenset(str(arrays["trained"].item()))
    return PolyphoneModel(weights, trained, lexicon, override)


@cache
def load_model() -> PolyphoneModel:
    """The packaged model, loaded once per process (a few MB, read without decompression)."""
    arrays, provenance = read_model_files()
    if provenance.get("feature_version") != FEATURE_VERSION:
        raise DataError("packaged polyphone model was built for other features; rebuild it")
    override = float(provenance.get("override", 0.5))  # type: ignore[arg-type]
    return model_from_arrays(arrays, load_lexicon(), override)


def trained_chars(chars: Iterable[str]) -> np.ndarray:
    """The ``trained`` array of a weights file: the characters as one string."""
    return np.array("".join(sorted(set(chars))))
