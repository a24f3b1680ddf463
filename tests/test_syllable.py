"""Syllable values and parse: the table, initials and finals, every spelling parse accepts."""

from __future__ import annotations

import dataclasses
import re
import unicodedata

import pytest
from conftest import shared_path

from tongwen.errors import InputError
from tongwen.readings.syllable import (
    ERHUA,
    INITIALS,
    INTERJECTIONS,
    NEUTRAL,
    RARE,
    STANDARD,
    SYLLABLES,
    TONES,
    Syllable,
    parse,
)
from tongwen.render.styles import marks, numbers, plain

ALL = [
    Syllable(letters, tone)
    for letters in sorted(SYLLABLES)
    for tone in TONES
    if letters != ERHUA or tone == NEUTRAL
]

#: The standard finals (ASCII, v for ü) plus those of the interjections and erhua.
FINALS = {
    "a", "o", "e", "ea", "ai", "ei", "ao", "ou", "an", "en", "ang", "eng", "ong", "er",
    "i", "ia", "io", "ie", "iao", "iou", "ian", "in", "iang", "ing", "iong",
    "u", "ua", "uo", "uai", "uei", "uan", "uen", "uang", "ueng",
    "v", "ve", "van", "vn", "m", "n", "ng", "r",
}  # fmt: skip


def test_table_size_and_groups() -> None:
    assert len(STANDARD) == 411
    assert not STANDARD & RARE and not STANDARD & INTERJECTIONS and not RARE & INTERJECTIONS
    assert STANDARD | RARE | INTERJECTIONS | {ERHUA} == SYLLABLES
    assert all(re.fullmatch("[a-z]+", letters) for letters in SYLLABLES)
    # ü is written v only after n and l; never after j, q, x, y.
    assert {s for s in SYLLABLES if "v" in s} == {"lv", "lve", "nv", "nve"}
    for letters in ("zhang", "yuan", "jiong", "shei", "dia", "rua", "nou", "kei", "er", "o"):
        assert letters in STANDARD


@pytest.mark.parametrize("syllable", ALL, ids=str)
def test_numbers_round_trip(syllable: Syllable) -> None:
    assert parse(numbers(syllable)) == syllable
    assert parse(f"{syllable.letters}{syllable.tone}") == syllable


@pytest.mark.parametrize("syllable", ALL, ids=str)
def test_marks_round_trip(syllable: Syllable) -> None:
    written = marks(syllable)
    assert parse(written) == syllable
    assert parse(unicodedata.normalize("NFD", written)) == syllable
    assert parse(written.upper()) == syllable


@pytest.mark.parametrize("letters", sorted(SYLLABLES))
def test_plain_reads_as_neutral(letters: str) -> None:
    assert parse(plain(Syllable(letters, NEUTRAL))) == Syllable(letters, NEUTRAL)


@pytest.mark.parametrize(
    ("reading", "letters", "tone"),
    [
        ("zhang3", "zhang", 3),
        ("le5", "le", 5),
        ("le", "le", 5),
        ("ma", "ma", 5),
        ("lv4", "lv", 4),
        ("lu:4", "lv", 4),
        ("lü4", "lv", 4),
        ("LV4", "lv", 4),
        ("Lü4", "lv", 4),
        ("nu:e4", "nve", 4),
        ("nue4", "nve", 4),
        ("lue4", "lve", 4),
        ("lve4", "lve", 4),
        ("zhǎng", "zhang", 3),
        ("ZHǍNG", "zhang", 3),
        ("Zhǎng", "zhang", 3),
        ("lǜ", "lv", 4),
        ("LǙ", "lv", 3),
        ("lüè", "lve", 4),
        ("nüè", "nve", 4),
        ("nǚ", "nv", 3),
        ("jū", "ju", 1),
        ("xué", "xue", 2),
        ("liù", "liu", 4),
        ("lìu", "liu", 4),  # a misplaced mark still reads
        ("guì", "gui", 4),
        ("r5", "r", 5),
        ("r", "r", 5),
        ("er2", "er", 2),
        ("ê", "ea", 5),
        ("ê1", "ea", 1),
        ("ea1", "ea", 1),
        ("ế", "ea", 2),
        ("ề", "ea", 4),
        ("ê̌", "ea", 3),
        ("Ê", "ea", 5),
        ("ḿ", "m", 2),
        ("m2", "m", 2),
        ("hm5", "hm", 5),
        ("ňg", "ng", 3),
        ("ǹg", "ng", 4),
        ("ń", "n", 2),
        ("hng", "hng", 5),
        ("yŭ", "yu", 3),  # breve for caron
        ("biang2", "biang", 2),
    ],
)
def test_parse_spellings(reading: str, letters: str, tone: int) -> None:
    for form in ("NFC", "NFD"):
        assert parse(unicodedata.normalize(form, reading)) == Syllable(letters, tone)


@pytest.mark.parametrize(
    "reading",
    [
        "",
        "zhang6",
        "zhang0",
        "zhang33",
        "xx3",
        "xx5",
        "qv1",  # ü after j/q/x is written u
        "jü1",
        "yü2",
        "wong4",  # not a pinyin spelling (weng)
        "lüan2",
        "r1",  # erhua takes the neutral tone only
        "r̀",
        "Hànyŭ",  # two syllables
        "zhǎng3",  # mark and number
        "zhāǹg",  # two marks
        " zhang3",
        "zhang3 ",
        "zhang 3",
        "zh",
        "3",
        "v",
        "ü",
        "u:",
        "e^1",
        "\u0301a",  # a mark before any letter
        "zhang\u0303",  # tilde is no tone mark
        "ｚｈａｎｇ3",  # fullwidth letters
        "zhang٣",  # a non-ASCII digit
        "ⅿa",
        "baa1",
        "kuk1",
        "yê",
    ],
)
def test_parse_rejects(reading: str) -> None:
    with pytest.raises(InputError):
        parse(reading)


@pytest.mark.parametrize(
    ("letters", "tone"),
    [("xx", 1), ("zhang", 0), ("zhang", 6), ("zhang", -1), ("r", 4), ("lu:", 4), ("ZHANG", 1)],
)
def test_constructor_checks(letters: str, tone: int) -> None:
    with pytest.raises(InputError):
        Syllable(letters, tone)


def test_constructor_rejects_non_int_tone() -> None:
    with pytest.raises(InputError):
        Syllable("ma", True)  # a bool is no tone
    with pytest.raises(InputError):
        Syllable("ma", "1")  # type: ignore[arg-type]


def test_value_semantics() -> None:
    s = parse("zhang3")
    assert s == Syllable("zhang", 3) and hash(s) == hash(Syllable("zhang", 3))
    assert str(s) == "zhang3"
    assert s.with_tone(2) == Syllable("zhang", 2) and s.tone == 3
    assert parse("r5").with_tone(5) == parse("r")
    with pytest.raises(InputError):
        s.with_tone(6)
    with pytest.raises(InputError):
        parse("r").with_tone(1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.tone = 2  # type: ignore[misc]


@pytest.mark.parametrize(
    ("letters", "initial", "final"),
    [
        ("zhang", "zh", "ang"),
        ("a", "", "a"),
        ("e", "", "e"),
        ("o", "", "o"),
        ("yi", "", "i"),
        ("ya", "", "ia"),
        ("yo", "", "io"),
        ("yan", "", "ian"),
        ("yin", "", "in"),
        ("you", "", "iou"),
        ("yong", "", "iong"),
        ("yu", "", "v"),
        ("yue", "", "ve"),
        ("yuan", "", "van"),
        ("yun", "", "vn"),
        ("wu", "", "u"),
        ("wo", "", "uo"),
        ("wei", "", "uei"),
        ("wen", "", "uen"),
        ("weng", "", "ueng"),
        ("liu", "l", "iou"),
        ("gui", "g", "uei"),
        ("lun", "l", "uen"),
        ("ju", "j", "v"),
        ("que", "q", "ve"),
        ("xuan", "x", "van"),
        ("jun", "j", "vn"),
        ("jiong", "j", "iong"),
        ("lv", "l", "v"),
        ("nve", "n", "ve"),
        ("lu", "l", "u"),
        ("zhi", "zh", "i"),
        ("si", "s", "i"),
        ("ri", "r", "i"),
        ("rong", "r", "ong"),
        ("shuang", "sh", "uang"),
        ("bo", "b", "o"),
        ("er", "", "er"),
        ("r", "", "r"),
        ("ea", "", "ea"),
        ("m", "", "m"),
        ("n", "", "n"),
        ("ng", "", "ng"),
        ("hm", "h", "m"),
        ("hng", "h", "ng"),
        ("eng", "", "eng"),
    ],
)
def test_initial_and_final(letters: str, initial: str, final: str) -> None:
    s = Syllable(letters, 1 if letters != ERHUA else NEUTRAL)
    assert (s.initial, s.final) == (initial, final)


@pytest.mark.parametrize("letters", sorted(SYLLABLES))
def test_every_syllable_splits(letters: str) -> None:
    s = Syllable(letters, NEUTRAL)
    assert s.initial in (*INITIALS, "")
    assert s.final in FINALS
    if s.initial and s.letters not in ("hm", "hng"):
        assert letters.startswith(s.initial)


def test_shared_lexicon_readings_parse() -> None:
    """Every numbered reading in pinyin-data parses, but the few known non-syllables."""
    path = shared_path("data/lexicons/pinyin_data/pinyin.tsv")
    bad = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or "\t" not in line:
            continue
        for reading in line.split("\t")[1].split(","):
            try:
                parse(reading)
            except InputError:
                bad.add(reading)
    assert bad <= {"wong4"}, sorted(bad)
