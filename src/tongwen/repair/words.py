"""Lexicon words, to judge between repairs of a garbled line that the page explains alike.

A character trigram model prefers 承權 to 有權 when the bytes allow both; a word list knows
有权. The words are those the package ships already: the simplified keys of OpenCC's
STPhrases and the reading lexicon's words (phrase-pinyin-data, CC-CEDICT).
"""

from __future__ import annotations

from functools import cache

__all__ = ["MAX_WORD", "word_coverage"]

#: The longest word looked up, in characters.
MAX_WORD = 8


@cache
def _words() -> frozenset[str]:
    """Every lexicon word of two to :data:`MAX_WORD` characters, in simplified forms."""
    from tongwen.conversion.tables import load_table
    from tongwen.readings.lexicon import load_lexicon

    words = [*load_table("STPhrases").entries, *load_lexicon().words]
    return frozenset(w for w in words if 2 <= len(w) <= MAX_WORD)


def word_coverage(text: str) -> int:
    """How many characters of ``text``, read in simplified forms, lie in lexicon words of two
    characters or more, the words found by forward maximum matching."""
    from tongwen.repair.strip import simplified_forms

    forms = simplified_forms()
    simple = "".join(forms.get(c, c) for c in text)
    words = _words()
    covered = i = 0
    while i < len(simple):
        for n in range(min(MAX_WORD, len(simple) - i), 1, -1):
            if simple[i : i + n] in words:
                covered += n
                i += n
                break
        else:
            i += 1
    return covered
