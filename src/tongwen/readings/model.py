"""The trained polyphone model: a log-linear classifier over hashed context features.

For a polyphonic character at position ``i`` with candidate readings ``r1 .. rk`` (the
lexicon's), every candidate gets a score, the sum of the weights its features hash to, and the
model's confidence is the softmax of the scores over the candidates. The features (context
characters, n-grams, covering and edge lexicon words, agreement with the lexicon's readings)
are computed for all targets of a text at once by ``tongwen.readings.features.encode_text``,
which the training script (``tools/train_polyphone.py``) calls too. Weights live in one flat
float table of ``2**bits`` slots shipped in ``tongwen/data/models/``; inference is a few numpy
operations and one gather per text. Features are computed on the simplified text (the
annotator reads traditional text through its simplified twin).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import numpy as np

from tongwen.errors import DataError
from tongwen.readings.assign import Choice, make_choice
from tongwen.readings.features import MAX_COVER, TextFeatures, encode_text
from tongwen.readings.groups import groups_sha256, load_groups
from tongwen.readings.lexicon import ReadingLexicon, load_lexicon
from tongwen.readings.words import WordIndex, word_index

__all__ = [
    "FEATURE_VERSION",
    "PolyphoneModel",
    "load_model",
    "text_features",
]

#: Bumped whenever the features change: a weights file of another version is refused.
FEATURE_VERSION = 3
MODEL_FILE = "polyphone.npz"
PROVENANCE_FILE = "polyphone.json"

#: One target: (index, candidates, the (reading, length) of the segmentation's word or None).
Item = tuple[int, Sequence[str], "tuple[str, int] | None"]
#: Targets read in one numpy pass at most, and how far from a target the features look.
CHUNK = 2048
MARGIN = MAX_COVER + 2


def _window(text: str, items: Sequence[Item]) -> tuple[str, Sequence[Item]]:
    """``text`` cut to ``MARGIN`` characters around ``items``, and the items with their
    indices in the cut: the features (which look at most MAX_COVER characters away) are the
    same."""
    lo = max(0, min(i for i, _, _ in items) - MARGIN)
    hi = max(i for i, _, _ in items) + MARGIN + 1
    if lo == 0 and hi >= len(text):
        return text, items
    return text[lo:hi], [(i - lo, c, f) for i, c, f in items]


def text_features(
    text: str, items: Sequence[Item], words: WordIndex, bits: int,
    groups: np.ndarray | None = None,
) -> TextFeatures:
    """The features of ``items`` in ``text`` (at least one item), with the characters'
    ``groups`` (None: no group features): the one function training and inference share."""
    return encode_text(
        text,
        words.matches(text),
        words.readings,
        [i for i, _, _ in items],
        [tuple(c) for _, c, _ in items],
        [f for _, _, f in items],
        bits,
        groups,
    )


@dataclass(frozen=True)
class PolyphoneModel:
    """Hashed log-linear weights for the characters in ``trained`` (others: no answer); the
    lexicon's word readings are re-read for the characters in ``revised`` only."""

    weights: np.ndarray
    trained: frozenset[str]
    lexicon: ReadingLexicon
    #: An override of a lexicon word's reading needs at least this confidence.
    override: float = 0.5
    #: The characters whose lexicon-word readings the model re-reads (the training data
    #: showed words reading them wrong); None: every trained character.
    revised: frozenset[str] | None = None
    #: The characters' groups its group features read (``readings.groups``); None: none.
    groups: np.ndarray | None = field(default=None, repr=False, compare=False)
    _table: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        table = np.zeros(len(self.weights) + 1, np.float32)  # the last slot: inactive features
        table[:-1] = self.weights
        object.__setattr__(self, "_table", table)
        if self.revised is None:
            object.__setattr__(self, "revised", self.trained)

    @property
    def bits(self) -> int:
        return len(self.weights).bit_length() - 1

    def _scores(self, text: str, items: Sequence[Item]) -> np.ndarray:
        """Scores, items x widest candidate list (-inf beyond an item's candidates)."""
        feats = text_features(text, items, word_index(self.lexicon), self.bits, self.groups)
        width = max(len(c) for _, c, _ in items)
        grid = np.full((len(items), width), -np.inf)
        grid[feats.row_target, feats.row_cand] = feats.scores(self._table)
        return grid

    def probabilities(self, text: str, items: Sequence[Item]) -> list[np.ndarray]:
        """For each (index, candidates, FMM word reading and length or None): the softmax
        of the candidates' scores, in the candidates' order (each sums to 1)."""
        if not items:
            return []
        grid = self._scores(text, items)
        e = np.exp(grid - grid.max(axis=1, keepdims=True))
        p = e / e.sum(axis=1, keepdims=True)
        return [p[k, : len(c)] for k, (_, c, _) in enumerate(items)]

    def best(self, text: str, items: Sequence[Item]) -> tuple[list[int], list[float]]:
        """For each item: the index of its likeliest candidate and that one's probability
        (``probabilities``' argmax and max, computed at once). Long texts are read
        ``CHUNK`` items at a time, each in a window of the text around them (the features
        look at most ``MARGIN`` characters away), so memory stays flat."""
        best: list[int] = []
        confidence: list[float] = []
        fast = self._lexicon_candidates(text, items)
        for start in range(0, len(items), CHUNK):
            window, part = _window(text, items[start : start + CHUNK])
            grid = self._fast_scores(window, part) if fast else self._scores(window, part)
            top = grid.max(axis=1, keepdims=True)
            best += grid.argmax(axis=1).tolist()
            confidence += (1.0 / np.exp(grid - top).sum(axis=1)).tolist()
        return best, confidence

    def _lexicon_candidates(self, text: str, items: Sequence[Item]) -> bool:
        """True when every item's candidates are its character's in the lexicon (what
        ``tongwen.readings.scoring`` scores)."""
        chars = self.lexicon.chars
        return all(tuple(c) == chars.get(text[i]) for i, c, _ in items)

    def _fast_scores(self, text: str, items: Sequence[Item]) -> np.ndarray:
        """``_scores``' grid, from the scorer the fast path uses (same numbers, fewer steps);
        the items' candidates must be the lexicon's."""
        from tongwen.readings.scoring import scorer  # it imports this module

        return scorer(self).scores(text, [(i, f) for i, _, f in items])

    def choose(
        self, text: str, queries: Sequence[tuple[int, tuple[str, ...]]]
    ) -> list[tuple[str, float] | None]:
        """The ``Disambiguator`` contract: for each (index, candidates) no word covered, the
        likeliest candidate and its probability, or None for a character the model was not
        trained on."""
        known = [(i, c, None) for i, c in queries if text[i] in self.trained]
        found = iter(zip(*self.best(text, known), strict=True))
        answers: list[tuple[str, float] | None] = []
        for i, candidates in queries:
            if text[i] not in self.trained:
                answers.append(None)
                continue
            best, confidence = next(found)
            answers.append((candidates[best], confidence))
        return answers

    def read(
        self, text: str, choices: Sequence[Choice], defaults: bool = True
    ) -> list[Choice]:
        """Every reading of a trained polyphone the model has a say on, in one pass: defaults
        (when ``defaults``) become the likeliest candidate (source "model"); lexicon-word
        readings ("phrase") that are candidates are replaced when the model prefers another
        candidate with at least ``override`` confidence. User words and everything else are
        kept as they are."""
        trained, revised = self.trained, self.revised or frozenset()
        items: list[Item] = []
        for i, c in enumerate(choices):
            if c.source == "default":
                if defaults and len(c.candidates) > 1 and text[i] in trained:
                    items.append((i, c.candidates, None))
            elif (
                c.source == "phrase"
                and c.word is not None
                and c.reading in c.candidates
                and len(c.candidates) > 1
                and text[i] in revised
            ):
                items.append((i, c.candidates, (str(c.reading), c.word[1] - c.word[0])))
        out = list(choices)
        found = zip(items, *self.best(text, items), strict=True)
        for (i, candidates, fmm), best, confidence in found:
            reading = candidates[best]
            if fmm is None or (reading != fmm[0] and confidence >= self.override):
                out[i] = make_choice(reading, "model", out[i].candidates, out[i].word, confidence)
        return out

    def revise(self, text: str, choices: Sequence[Choice]) -> list[Choice]:
        """Only the lexicon-word readings of ``read``: defaults are left as they are."""
        return self.read(text, choices, defaults=False)


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
    arrays: Mapping[str, np.ndarray], lexicon: ReadingLexicon, override: float = 0.5,
    groups: np.ndarray | None = None,
) -> PolyphoneModel:
    """A model from the arrays the training script writes (``weights``, ``trained``) and
    the groups table it was trained with."""
    weights = np.asarray(arrays["weights"])
    if len(weights) & (len(weights) - 1):
        raise DataError("polyphone weights: table size is not a power of two")
    trained = frozenset(str(arrays["trained"].item()))
    revised = frozenset(str(arrays["revised"].item())) if "revised" in arrays else trained
    return PolyphoneModel(weights, trained, lexicon, override, revised, groups)


@cache
def load_model() -> PolyphoneModel:
    """The packaged model, loaded once per process (a few MB, read without decompression)."""
    arrays, provenance = read_model_files()
    if provenance.get("feature_version") != FEATURE_VERSION:
        raise DataError("packaged polyphone model was built for other features; rebuild it")
    if provenance.get("groups_sha256") != groups_sha256():
        raise DataError("packaged polyphone model was trained with other character groups")
    override = float(provenance.get("override", 0.5))  # type: ignore[arg-type]
    return model_from_arrays(arrays, load_lexicon(), override, load_groups())


def trained_chars(chars: Iterable[str]) -> np.ndarray:
    """The ``trained`` array of a weights file: the characters as one string."""
    return np.array("".join(sorted(set(chars))))
