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

from tongwen.readings.assign import Disambiguator
from tongwen.readings.lexicon import ReadingLexicon
from tongwen.readings.model import Item, PolyphoneModel
from tongwen.readings.words import fmm, word_index

__all__ = ["fast_readings"]


@cache
def _defaults(lexicon: ReadingLexicon) -> dict[str, str]:
    """Character -> its default (first) reading."""
    return {char: readings[0] for char, readings in lexicon.chars.items()}


@cache
def _polyphones(lexicon: ReadingLexicon) -> dict[str, tuple[str, ...]]:
    """Polyphonic character -> its candidates."""
    return {char: r for char, r in lexicon.chars.items() if len(r) > 1}


def fast_readings(
    text: str, model: PolyphoneModel, others: Sequence[Disambiguator]
) -> list[str | None]:
    """One numbered reading per character of ``text`` (None where there is none): what
    ``Chain(model, *others).read(text, assign(text, model.lexicon))`` gives, without user
    words, Taiwan readings or sandhi."""
    lexicon = model.lexicon
    index = word_index(lexicon)
    out: list[str | None] = list(map(_defaults(lexicon).get, text))
    cover = [0] * len(text)
    for pid, start, end in fmm(index.matches(text)):
        out[start:end] = index.readings[pid]
        cover[start:end] = [end - start] * (end - start)
    polyphones, trained = _polyphones(lexicon), model.trained
    revised = model.revised or frozenset()
    items: list[Item] = []
    rest: list[tuple[int, tuple[str, ...]]] = []
    for i, char in enumerate(text):
        candidates = polyphones.get(char)
        if candidates is None:
            continue
        length = cover[i]
        if char not in trained:
            if not length:
                rest.append((i, candidates))
        elif not length:
            items.append((i, candidates, None))
        elif char in revised and out[i] in candidates:
            items.append((i, candidates, (str(out[i]), length)))
    for (i, readings, word), best, confidence in zip(
        items, *model.best(text, items), strict=True
    ):
        if word is None or (readings[best] != word[0] and confidence >= model.override):
            out[i] = readings[best]
    _others(text, out, rest, others)
    return out


def _others(
    text: str,
    out: list[str | None],
    queries: list[tuple[int, tuple[str, ...]]],
    others: Sequence[Disambiguator],
) -> None:
    """The other disambiguators' answers, in turn, for ``queries`` still open."""
    for member in others:
        if not queries:
            return
        answers = member.choose(text, queries)
        still = []
        for (i, candidates), answer in zip(queries, answers, strict=True):
            if answer is not None and answer[0] in candidates:
                out[i] = answer[0]
            else:
                still.append((i, candidates))
        queries = still
