"""The reading lexicon: character readings, word readings and Taiwan readings, loaded lazily."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType

from tongwen.errors import DataError

__all__ = ["ReadingLexicon", "char_ranks", "load_lexicon", "read_tsv"]

Readings = tuple[str, ...]


def read_tsv(name: str) -> dict[str, Readings]:
    """A packaged ``readings/NAME.tsv``: ``key<TAB>values separated by spaces``."""
    resource = resources.files("tongwen").joinpath(f"data/readings/{name}.tsv")
    try:
        text = resource.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError(f"packaged reading table {name!r} is missing; reinstall tongwen") from None
    table: dict[str, Readings] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            key, _, values = line.partition("\t")
            table[key] = tuple(values.split(" "))
    return table


@dataclass(frozen=True, eq=False)
class ReadingLexicon:
    """Readings in tone numbers (``zhang3``, ``lv4``, ``le5``); the first of a character's is
    its default. ``words`` holds phrase readings, one per character, best source first."""

    chars: Mapping[str, Readings]
    words: Mapping[str, Readings]
    taiwan_chars: Mapping[str, str]
    taiwan_words: Mapping[str, Readings]
    max_word: int

    def is_polyphonic(self, char: str) -> bool:
        """True when ``char`` has two or more readings in the shipped table."""
        return len(self.chars.get(char, ())) > 1


@cache
def load_lexicon() -> ReadingLexicon:
    """The packaged lexicon, read once per process."""
    chars = read_tsv("chars")
    words = read_tsv("cedict")
    words.update(read_tsv("phrases"))  # phrase-pinyin-data and hand fixes beat CC-CEDICT
    taiwan = read_tsv("taiwan")
    taiwan_chars = {k: v[0] for k, v in taiwan.items() if len(k) == 1}
    taiwan_words = {k: v for k, v in taiwan.items() if len(k) > 1}
    return ReadingLexicon(
        chars=MappingProxyType(chars),
        words=MappingProxyType(words),
        taiwan_chars=MappingProxyType(taiwan_chars),
        taiwan_words=MappingProxyType(taiwan_words),
        max_word=max(map(len, words), default=1),
    )


@cache
def char_ranks() -> dict[str, int]:
    """Character -> frequency rank (1 = most frequent) in the packaged count table."""
    return {char: int(values[0]) for char, values in read_tsv("char_rank").items()}
