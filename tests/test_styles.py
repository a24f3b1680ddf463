"""Writing syllables: pinyin tone marks, numbers, plain, zhuyin, and the style registry."""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Callable

import pytest

from tongwen.errors import UnknownSchemeError
from tongwen.readings.syllable import ERHUA, NEUTRAL, SYLLABLES, TONES, Syllable, parse
from tongwen.render.styles import (
    STYLE_NAMES,
    STYLES,
    TONE_NAMES,
    marks,
    numbers,
    plain,
    style_function,
    zhuyin,
    zhuyin_numbers,
    zhuyin_plain,
)

ALL = [
    Syllable(letters, tone)
    for letters in sorted(SYLLABLES)
    for tone in TONES
    if letters != ERHUA or tone == NEUTRAL
]
BOPOMOFO = {chr(c) for c in range(0x3105, 0x3130)}
ZHUYIN_TONES = set("ˊˇˋ˙")


@pytest.mark.parametrize(
    ("reading", "marked", "bare"),
    [
        ("zhang3", "zhǎng", "zhang"),  # 长
        ("chang2", "cháng", "chang"),  # 长
        ("lv4", "lǜ", "lü"),  # 绿
        ("lve4", "lüè", "lüe"),  # 略
        ("nv3", "nǚ", "nü"),  # 女
        ("ju1", "jū", "ju"),  # 居
        ("xue2", "xué", "xue"),  # 学
        ("yu3", "yǔ", "yu"),  # 雨
        ("liu4", "liù", "liu"),  # 六
        ("gui4", "guì", "gui"),  # 贵
        ("le5", "le", "le"),  # 了
        ("r5", "r", "r"),  # 儿化
        ("er2", "ér", "er"),  # 儿
        ("hao3", "hǎo", "hao"),
        ("lou2", "lóu", "lou"),
        ("you3", "yǒu", "you"),
        ("huo3", "huǒ", "huo"),
        ("shui3", "shuǐ", "shui"),
        ("xiong2", "xióng", "xiong"),
        ("yue4", "yuè", "yue"),
        ("yo1", "yō", "yo"),
        ("ea2", "ế", "ê"),
        ("ea1", "ê̄", "ê"),
        ("m2", "ḿ", "m"),
        ("m4", "m̀", "m"),
        ("n3", "ň", "n"),
        ("ng4", "ǹg", "ng"),
        ("ng1", "n̄g", "ng"),
        ("hm5", "hm", "hm"),
        ("hm1", "hm̄", "hm"),
        ("hng2", "hńg", "hng"),
    ],
)
def test_pinyin_spellings(reading: str, marked: str, bare: str) -> None:
    s = parse(reading)
    assert marks(s) == unicodedata.normalize("NFC", marked)
    assert plain(s) == bare
    assert numbers(s) == reading


@pytest.mark.parametrize(
    ("reading", "expected"),
    [
        ("zhang3", "ㄓㄤˇ"),
        ("chang2", "ㄔㄤˊ"),
        ("le5", "˙ㄌㄜ"),
        ("lv4", "ㄌㄩˋ"),
        ("nv3", "ㄋㄩˇ"),
        ("lve4", "ㄌㄩㄝˋ"),
        ("xue2", "ㄒㄩㄝˊ"),
        ("shi4", "ㄕˋ"),
        ("zhi1", "ㄓ"),
        ("chi1", "ㄔ"),
        ("ri4", "ㄖˋ"),
        ("zi3", "ㄗˇ"),
        ("ci2", "ㄘˊ"),
        ("si1", "ㄙ"),
        ("ji1", "ㄐㄧ"),
        ("yi1", "ㄧ"),
        ("wu3", "ㄨˇ"),
        ("yu2", "ㄩˊ"),
        ("yuan2", "ㄩㄢˊ"),
        ("you3", "ㄧㄡˇ"),
        ("yan4", "ㄧㄢˋ"),
        ("ying1", "ㄧㄥ"),
        ("yong3", "ㄩㄥˇ"),
        ("xiong2", "ㄒㄩㄥˊ"),
        ("wen2", "ㄨㄣˊ"),
        ("weng1", "ㄨㄥ"),
        ("liu4", "ㄌㄧㄡˋ"),
        ("gui4", "ㄍㄨㄟˋ"),
        ("lun2", "ㄌㄨㄣˊ"),
        ("jun1", "ㄐㄩㄣ"),
        ("qu4", "ㄑㄩˋ"),
        ("er2", "ㄦˊ"),
        ("r5", "ㄦ"),
        ("feng1", "ㄈㄥ"),
        ("hong2", "ㄏㄨㄥˊ"),
        ("bo1", "ㄅㄛ"),
        ("wo3", "ㄨㄛˇ"),
        ("guo2", "ㄍㄨㄛˊ"),
        ("yo1", "ㄧㄛ"),
        ("ye4", "ㄧㄝˋ"),
        ("ea2", "ㄝˊ"),
        ("m2", "ㄇˊ"),
        ("n2", "ㄋˊ"),
        ("ng4", "ㄫˋ"),
        ("hm5", "˙ㄏㄇ"),
        ("hng5", "˙ㄏㄫ"),
        ("eng1", "ㄥ"),
    ],
)
def test_zhuyin_spellings(reading: str, expected: str) -> None:
    s = parse(reading)
    assert zhuyin(s) == expected
    bare = expected.strip("ˊˇˋ˙")
    assert zhuyin_plain(s) == bare
    assert zhuyin_numbers(s) == f"{bare}{s.tone}"


@pytest.mark.parametrize("syllable", ALL, ids=str)
def test_every_syllable_in_every_style(syllable: Syllable) -> None:
    for (style, tone), function in STYLES.items():
        written = function(syllable)
        assert written, (style, tone)
        assert unicodedata.is_normalized("NFC", written)
        if style == "zhuyin":
            assert not any(c.isascii() and c.isalpha() for c in written)
            assert not any("LATIN" in unicodedata.name(c, "") for c in written)
            digits = set("12345") if tone == "numbers" else set()
            assert set(written) <= BOPOMOFO | ZHUYIN_TONES | digits
    assert numbers(syllable).isascii()
    assert not any(unicodedata.combining(c) for c in unicodedata.normalize("NFD", plain(syllable))
                   if c not in "\u0308\u0302")  # only ü and ê keep their dots and hat


@pytest.mark.parametrize("syllable", ALL, ids=str)
def test_one_mark_only_when_toned(syllable: Syllable) -> None:
    tone_marks = [c for c in unicodedata.normalize("NFD", marks(syllable))
                  if c in "\u0304\u0301\u030c\u0300"]
    expected = 0 if syllable.tone == NEUTRAL or syllable.letters == ERHUA else 1
    assert len(tone_marks) == expected


@pytest.mark.parametrize("syllable", ALL, ids=str)
def test_zhuyin_tone_position(syllable: Syllable) -> None:
    written = zhuyin(syllable)
    if syllable.letters == ERHUA:
        assert written == "ㄦ"
    elif syllable.tone == NEUTRAL:
        assert written.startswith("˙") and written[1:] == zhuyin_plain(syllable)
    elif syllable.tone == 1:
        assert written == zhuyin_plain(syllable)
    else:
        assert written == zhuyin_plain(syllable) + "ˊˇˋ"[syllable.tone - 2]


def test_zhuyin_tells_syllables_apart() -> None:
    """Distinct syllables get distinct zhuyin, but er and erhua r (both ㄦ)."""
    letters = sorted(SYLLABLES - {ERHUA})
    written = {zhuyin_plain(Syllable(s, 1)) for s in letters}
    assert len(written) == len(letters)
    assert len({plain(Syllable(s, 1)) for s in letters}) == len(letters)


def test_registry() -> None:
    assert STYLE_NAMES == ("pinyin", "zhuyin")
    assert TONE_NAMES == ("marks", "numbers", "none")
    assert set(STYLES) == set(itertools.product(STYLE_NAMES, TONE_NAMES))
    expected: dict[tuple[str, str], Callable[[Syllable], str]] = {
        ("pinyin", "marks"): marks,
        ("pinyin", "numbers"): numbers,
        ("pinyin", "none"): plain,
        ("zhuyin", "marks"): zhuyin,
        ("zhuyin", "numbers"): zhuyin_numbers,
        ("zhuyin", "none"): zhuyin_plain,
    }
    for (style, tone), function in expected.items():
        assert style_function(style, tone) is function
    with pytest.raises(TypeError):
        STYLES[("pinyin", "x")] = marks  # type: ignore[index]


@pytest.mark.parametrize(
    ("style", "tone"),
    [("wade", "marks"), ("pinyin", "digits"), ("", ""), ("Pinyin", "marks"), ("zhuyin", "MARKS")],
)
def test_unknown_style(style: str, tone: str) -> None:
    with pytest.raises(UnknownSchemeError):
        style_function(style, tone)
    with pytest.raises(ValueError, match="choose one of"):
        style_function(style, tone)
