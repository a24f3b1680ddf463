"""How a syllable is written: pinyin with tone marks, tone numbers or no tone, and zhuyin.

Every function takes a valid ``Syllable`` and returns NFC text; none can fail. ``STYLES`` maps
(style, tone) to the function; ``style_function`` looks one up by name.

Conventions: pinyin writes ü after n/l only (lǜ; ju, xue, yu keep u), ê as ê, erhua as a bare
"r" in every pinyin style but ``numbers`` ("r5"). Zhuyin writes tones 2-4 after the syllable
(ˊ ˇ ˋ), tone 1 unmarked and the neutral tone as ˙ before it (˙ㄌㄜ); erhua is ㄦ, never with
a tone mark. The zhuyin "numbers" tone writes the bare zhuyin and the tone digit (ㄓㄤ3, ㄌㄜ5,
ㄦ5), mirroring pinyin ``numbers``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from types import MappingProxyType

from tongwen.errors import UnknownSchemeError
from tongwen.readings.syllable import ERHUA, Syllable

__all__ = [
    "STYLES",
    "STYLE_NAMES",
    "TONE_NAMES",
    "marks",
    "numbers",
    "plain",
    "style_function",
    "zhuyin",
    "zhuyin_numbers",
    "zhuyin_plain",
]

#: Reading styles: Hanyu Pinyin, or zhuyin (bopomofo).
STYLE_NAMES: tuple[str, ...] = ("pinyin", "zhuyin")
#: How tones are written: tone marks, tone numbers (5 = neutral), or not at all.
TONE_NAMES: tuple[str, ...] = ("marks", "numbers", "none")

# Combining marks for tones 1-4 (index 0 unused; the neutral tone has none).
_COMBINING = ("", "\u0304", "\u0301", "\u030c", "\u0300", "")
_VOWELS = "aeiouv"


def _pinyin_letters(letters: str) -> str:
    """Letters as pinyin writes them: ü for v, ê for ea."""
    return "ê" if letters == "ea" else letters.replace("v", "ü")


def _mark_position(letters: str) -> int:
    """Index in ``letters`` of the letter that carries the tone mark."""
    for vowel in ("a", "e"):
        if vowel in letters:
            return letters.index(vowel)
    if "ou" in letters:
        return letters.index("ou")
    vowels = [i for i, char in enumerate(letters) if char in _VOWELS]
    if vowels:
        return vowels[-1]
    return 1 if letters.startswith("h") else 0  # m, n, ng; hm, hng: the nasal


def marks(s: Syllable) -> str:
    """Pinyin with a tone mark: "zhǎng", "lǜ", "lüè", "liù", "guì", "le" (neutral), "ǹg", "r"."""
    if s.letters == ERHUA:
        return "r"
    if s.letters == "ea":
        return unicodedata.normalize("NFC", "ê" + _COMBINING[s.tone])
    at = _mark_position(s.letters) + 1
    marked = s.letters[:at] + _COMBINING[s.tone] + s.letters[at:]
    return unicodedata.normalize("NFC", _pinyin_letters(marked))


def numbers(s: Syllable) -> str:
    """Pinyin with a tone digit, ASCII: "zhang3", "lv4", "le5", "ea1" (ê), "r5"."""
    return f"{s.letters}{s.tone}"


def plain(s: Syllable) -> str:
    """Pinyin without a tone: "zhang", "lü", "le", "ê", "r"."""
    return _pinyin_letters(s.letters)


_ZHUYIN_INITIALS = {
    "b": "ㄅ", "p": "ㄆ", "m": "ㄇ", "f": "ㄈ", "d": "ㄉ", "t": "ㄊ", "n": "ㄋ", "l": "ㄌ",
    "g": "ㄍ", "k": "ㄎ", "h": "ㄏ", "j": "ㄐ", "q": "ㄑ", "x": "ㄒ",
    "zh": "ㄓ", "ch": "ㄔ", "sh": "ㄕ", "r": "ㄖ", "z": "ㄗ", "c": "ㄘ", "s": "ㄙ", "": "",
}
_ZHUYIN_FINALS = {
    "a": "ㄚ", "o": "ㄛ", "e": "ㄜ", "ea": "ㄝ", "ai": "ㄞ", "ei": "ㄟ", "ao": "ㄠ", "ou": "ㄡ",
    "an": "ㄢ", "en": "ㄣ", "ang": "ㄤ", "eng": "ㄥ", "ong": "ㄨㄥ", "er": "ㄦ", "r": "ㄦ",
    "i": "ㄧ", "ia": "ㄧㄚ", "io": "ㄧㄛ", "ie": "ㄧㄝ", "iao": "ㄧㄠ", "iou": "ㄧㄡ",
    "ian": "ㄧㄢ", "in": "ㄧㄣ", "iang": "ㄧㄤ", "ing": "ㄧㄥ", "iong": "ㄩㄥ",
    "u": "ㄨ", "ua": "ㄨㄚ", "uo": "ㄨㄛ", "uai": "ㄨㄞ", "uei": "ㄨㄟ", "uan": "ㄨㄢ",
    "uen": "ㄨㄣ", "uang": "ㄨㄤ", "ueng": "ㄨㄥ",
    "v": "ㄩ", "ve": "ㄩㄝ", "van": "ㄩㄢ", "vn": "ㄩㄣ",
    "m": "ㄇ", "n": "ㄋ", "ng": "ㄫ",
}
# Initials whose "i" final is the buzzing vowel, which zhuyin leaves unwritten (ㄓ, ㄗ).
_APICAL = frozenset({"zh", "ch", "sh", "r", "z", "c", "s"})
_ZHUYIN_TONES = ("", "", "ˊ", "ˇ", "ˋ", "")
_NEUTRAL_DOT = "˙"


def zhuyin_plain(s: Syllable) -> str:
    """Zhuyin without a tone: "ㄓㄤ", "ㄌㄩ", "ㄕ" (shi), "ㄩㄢ" (yuan), "ㄦ" (er and erhua)."""
    initial, final = s.initial, s.final
    if initial in _APICAL and final == "i":
        return _ZHUYIN_INITIALS[initial]
    return _ZHUYIN_INITIALS[initial] + _ZHUYIN_FINALS[final]


def zhuyin(s: Syllable) -> str:
    """Zhuyin with its tone: "ㄓㄤˇ", "ㄔㄤˊ", "ㄈㄥ" (tone 1), "˙ㄌㄜ" (neutral), "ㄦ" (erhua)."""
    body = zhuyin_plain(s)
    if s.letters == ERHUA:
        return body
    if s.tone == 5:
        return _NEUTRAL_DOT + body
    return body + _ZHUYIN_TONES[s.tone]


def zhuyin_numbers(s: Syllable) -> str:
    """Zhuyin without a mark, then the tone digit: "ㄓㄤ3", "ㄌㄜ5", "ㄦ5"."""
    return f"{zhuyin_plain(s)}{s.tone}"


#: (style, tone) -> how a syllable is written; keys are STYLE_NAMES x TONE_NAMES.
STYLES: Mapping[tuple[str, str], Callable[[Syllable], str]] = MappingProxyType(
    {
        ("pinyin", "marks"): marks,
        ("pinyin", "numbers"): numbers,
        ("pinyin", "none"): plain,
        ("zhuyin", "marks"): zhuyin,
        ("zhuyin", "numbers"): zhuyin_numbers,
        ("zhuyin", "none"): zhuyin_plain,
    }
)


def style_function(style: str, tone: str) -> Callable[[Syllable], str]:
    """The function writing syllables in ``style`` with ``tone``; UnknownSchemeError otherwise."""
    if style not in STYLE_NAMES:
        raise UnknownSchemeError(
            f"unknown reading style {style!r}; choose one of {', '.join(STYLE_NAMES)}"
        )
    if tone not in TONE_NAMES:
        raise UnknownSchemeError(
            f"unknown tone style {tone!r}; choose one of {', '.join(TONE_NAMES)}"
        )
    return STYLES[style, tone]
