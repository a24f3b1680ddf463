"""Readings without Choice objects: the path ``pinyin`` takes with the default options.

Same readings as ``assign`` followed by ``Chain.read`` (tests hold them equal), computed on
plain lists: the characters' defaults, the forward-maximum-matching words' readings pasted
over them, then one model call for every trained polyphone (its default taken: the model's
answer; read in a word: the model's when it disagrees with at least the override
confidence), then the other disambiguators for the untrained polyphones left on their default.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from itertools import compress, repeat

import numpy as np

from tongwen.readings.assign import Disambiguator
from tongwen.readings.lexicon import ReadingLexicon
from tongwen.readings.model import PolyphoneModel
from tongwen.readings.scoring import REVISED, Scorer, Target, scorer
from tongwen.readings.words import Match, fmm, word_index

#: From this many characters on, ``tongwen.readings.bulk`` reads the text (same readings).
BULK_MIN = 256

__all__ = ["ask_others", "confidence", "fast_readings", "short_details", "short_readings"]

#: Per character: its reading (None: none), where it came from ("phrase", "model",
#: "default", "char", "none": ``Choice.source``) and the model's confidence (or None).
Details = tuple[list["str | None"], list[str], list["float | None"]]


@cache
def _defaults(lexicon: ReadingLexicon) -> dict[str, str]:
    """Character -> its default (first) reading."""
    return {char: readings[0] for char, readings in lexicon.chars.items()}


@cache
def _kinds(lexicon: ReadingLexicon) -> dict[str, str]:
    """Character -> the source of its reading where no word covers it and nothing chose:
    "char" (one reading) or "default" (several); a character not listed has none."""
    return {char: "char" if len(r) == 1 else "default" for char, r in lexicon.chars.items()}


def fast_readings(
    text: str, model: PolyphoneModel, others: Sequence[Disambiguator]
) -> list[str | None]:
    """One numbered reading per character of ``text`` (None where there is none): what
    ``Chain(model, *others).read(text, assign(text, model.lexicon))`` gives, without user
    words, Taiwan readings or sandhi. Texts of ``BULK_MIN`` characters or more are read by
    ``tongwen.readings.bulk`` (same readings, in numpy passes)."""
    if len(text) >= BULK_MIN:
        from tongwen.readings.bulk import bulk_readings

        return bulk_readings(text, model, others)
    return short_readings(text, model, others)


def short_readings(
    text: str, model: PolyphoneModel, others: Sequence[Disambiguator]
) -> list[str | None]:
    """``fast_readings`` for any text, in Python loops (faster on short texts)."""
    out, _, matches, score, targets, rest = _read_words(text, model)
    if targets:
        grid = score.scores(text, targets, matches)
        best = grid.argmax(axis=1).tolist()
        for t, (i, word) in enumerate(targets):
            reading = score.candidates[text[i]][best[t]]
            if word is None or (reading != word[0] and confidence(grid[t]) >= model.override):
                out[i] = reading
    ask_others(text, out, rest, others)
    return out


def short_details(text: str, model: PolyphoneModel, others: Sequence[Disambiguator]) -> Details:
    """``short_readings``' readings, with the source and confidence of each as the token
    path (``assign`` then ``Chain.read``) gives them."""
    out, cover, matches, score, targets, rest = _read_words(text, model)
    kinds = map(_kinds(model.lexicon).get, text, repeat("none"))
    sources = ["phrase" if n else kind for kind, n in zip(kinds, cover, strict=True)]
    confidences: list[float | None] = [None] * len(text)
    if targets:
        grid = score.scores(text, targets, matches)
        best = grid.argmax(axis=1).tolist()
        sure = (1.0 / np.exp(grid - grid.max(axis=1, keepdims=True)).sum(axis=1)).tolist()
        for t, (i, word) in enumerate(targets):
            reading = score.candidates[text[i]][best[t]]
            if word is None or (reading != word[0] and sure[t] >= model.override):
                out[i], sources[i], confidences[i] = reading, "model", sure[t]
    for i, sure_i in ask_others(text, out, rest, others).items():
        sources[i], confidences[i] = "model", sure_i
    return out, sources, confidences


def _read_words(text: str, model: PolyphoneModel) -> tuple[
    list[str | None], list[int], list[Match], Scorer, list[Target],
    list[tuple[int, tuple[str, ...]]],
]:
    """The characters' defaults with the forward-maximum-matching words' readings pasted
    over them, the length of the word over each position (0: none), the text's word
    matches, the scorer, and the model's targets and the untrained polyphones left."""
    lexicon = model.lexicon
    index = word_index(lexicon)
    matches = index.matches(text)
    out: list[str | None] = list(map(_defaults(lexicon).get, text))
    cover = [0] * len(text)
    for pid, start, end in fmm(matches):
        out[start:end] = index.readings[pid]
        cover[start:end] = [end - start] * (end - start)
    score = scorer(model)
    targets, rest = _targets(text, score.kinds, out, cover)
    return out, cover, matches, score, targets, rest


def _targets(
    text: str,
    kinds: dict[str, tuple[tuple[str, ...], int]],
    out: list[str | None],
    cover: list[int],
) -> tuple[list[Target], list[tuple[int, tuple[str, ...]]]]:
    """The model's targets (trained polyphones outside words, and revised ones in words
    that read them as a candidate) and the untrained polyphones outside words, with their
    candidates. ``cover``: the length of the segmentation's word over each position, or 0."""
    targets: list[Target] = []
    rest: list[tuple[int, tuple[str, ...]]] = []
    for i in compress(range(len(text)), map(kinds.__contains__, text)):  # polyphones
        kind = kinds[text[i]]
        length = cover[i]
        if not length:
            if kind[1]:
                targets.append((i, None))
            else:
                rest.append((i, kind[0]))
        elif kind[1] == REVISED and out[i] in kind[0]:
            targets.append((i, (str(out[i]), length)))
    return targets, rest


def confidence(scores: np.ndarray) -> float:
    """The softmax probability of the best of ``scores`` (-inf: no candidate), as
    ``PolyphoneModel.best`` computes it (numpy's exp, its sum's order)."""
    first, *others = np.exp(scores - scores.max()).tolist()
    total = 0.0
    for e in others:
        total += e
    return float(1.0 / (first + total))


def ask_others(
    text: str,
    out: list[str | None],
    queries: list[tuple[int, tuple[str, ...]]],
    others: Sequence[Disambiguator],
) -> dict[int, float]:
    """The other disambiguators' answers, in turn, for ``queries`` still open, written into
    ``out``; the confidence of each answer, by position."""
    answered: dict[int, float] = {}
    for member in others:
        if not queries:
            break
        answers = member.choose(text, queries)
        still = []
        for (i, candidates), answer in zip(queries, answers, strict=True):
            if answer is not None and answer[0] in candidates:
                out[i] = answer[0]
                answered[i] = answer[1]
            else:
                still.append((i, candidates))
        queries = still
    return answered
