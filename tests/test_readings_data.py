"""The packaged reading tables (src/tongwen/data/readings/): format, provenance, consistency and
spot checks that must hold in the real data. tools/build_readings.py builds them."""

from __future__ import annotations

import json
import re
import sys
from functools import cache
from importlib import resources

import pytest
from conftest import ROOT

from tongwen.text import is_han

sys.path.insert(0, str(ROOT / "tools"))
from build_readings import ERHUA, SYLLABLES  # the build's syllable table

DATA = resources.files("tongwen").joinpath("data")
MANIFEST = json.loads(DATA.joinpath("manifest.json").read_text(encoding="utf-8"))
NAMES = ["chars", "phrases", "cedict", "taiwan", "char_rank"]
LICENSES = {
    "chars": "MIT AND Unicode-3.0",
    "phrases": "MIT AND Apache-2.0",
    "cedict": "CC-BY-SA-4.0",
    "taiwan": "CC-BY-SA-4.0",
    "char_rank": "CC0-1.0",
}
CEDICT_NOTICE = (
    "CC-CEDICT 2025-02-19, CC BY-SA 4.0, https://cc-cedict.org/; this file is a derivative and is "
    "licensed CC BY-SA 4.0"
)
READING = re.compile(r"([a-z]+)([1-5])")


@cache
def lines(name: str) -> tuple[list[str], list[tuple[str, str]]]:
    """(header lines, [(key, value)]) of readings/NAME.tsv."""
    text = DATA.joinpath(f"readings/{name}.tsv").read_text(encoding="utf-8")
    header, rows = [], []
    for line in text.splitlines():
        if line.startswith("#"):
            header.append(line)
        else:
            key, tab, value = line.partition("\t")
            assert tab and key and value and value == value.strip(), line
            rows.append((key, value))
    return header, rows


@cache
def table(name: str) -> dict[str, list[str]]:
    return {key: value.split(" ") for key, value in lines(name)[1]}


def valid(reading: str) -> bool:
    match = READING.fullmatch(reading)
    return (
        match is not None
        and match.group(1) in SYLLABLES
        and (match.group(1) != ERHUA or match.group(2) == "5")
    )


@pytest.mark.parametrize("name", NAMES)
def test_sorted_unique_with_provenance(name: str) -> None:
    header, rows = lines(name)
    keys = [key for key, _ in rows]
    assert keys == sorted(keys)
    assert len(keys) == len(set(keys)) == MANIFEST["readings"][name]["entries"]
    assert header[0].startswith(f"# tongwen reading table {name}:")
    assert any(line.startswith("# from:") for line in header)
    assert any(line.startswith("# license: ") and LICENSES[name] in line for line in header)
    assert MANIFEST["readings"][name]["license"].startswith(LICENSES[name])
    assert f"readings/{name}.tsv" in MANIFEST["files"]


def test_cc_cedict_derivatives_carry_the_notice() -> None:
    for name in ("cedict", "taiwan"):
        assert any(CEDICT_NOTICE in line for line in lines(name)[0]), name


def test_total_size_is_bounded() -> None:
    total = sum(len(DATA.joinpath(f"readings/{n}.tsv").read_bytes()) for n in NAMES)
    assert total <= 8_000_000


def test_chars_are_han_with_valid_unique_readings() -> None:
    chars = table("chars")
    assert len(chars) > 40_000
    for char, readings in chars.items():
        assert len(char) == 1 and is_han(char), char
        assert readings and len(readings) == len(set(readings)), char
        assert all(valid(r) for r in readings), (char, readings)


@pytest.mark.parametrize("name", ["phrases", "cedict"])
def test_words_have_one_known_reading_per_character(name: str) -> None:
    chars = table("chars")
    for word, readings in table(name).items():
        assert len(word) >= 2 and all(is_han(c) for c in word), word
        assert len(readings) == len(word), word
        assert all(r in chars[c] for c, r in zip(word, readings, strict=True)), (word, readings)
        assert any(len(chars[c]) > 1 for c in word), word  # monophonic words add nothing


@pytest.mark.parametrize("name", ["phrases", "cedict", "taiwan"])
def test_word_readings_keep_lexical_tones(name: str) -> None:
    for word, readings in table(name).items():
        for char, reading in zip(word, readings, strict=True):
            assert char != "一" or reading == "yi1", word
            assert char != "不" or reading != "bu2", word
            assert char not in "儿兒" or reading != "er5", word  # erhua is r5


def test_cedict_only_adds_words() -> None:
    assert not set(table("cedict")) & set(table("phrases"))


def test_taiwan_readings_are_valid_and_differ() -> None:
    chars = table("chars")
    for key, readings in table("taiwan").items():
        assert all(is_han(c) for c in key), key
        assert len(readings) == len(key) and all(valid(r) for r in readings), key
        if len(key) == 1 and key in chars:
            assert readings[0] != chars[key][0], key


def test_char_rank_is_a_ranking() -> None:
    ranks = table("char_rank")
    assert all(len(c) == 1 and is_han(c) for c in ranks)
    assert sorted(int(r[0]) for r in ranks.values()) == list(range(1, len(ranks) + 1))


def test_characters_spot_checks() -> None:
    chars = table("chars")
    assert {"zhang3", "chang2"} <= set(chars["长"])
    assert {"xing2", "hang2"} <= set(chars["行"])
    assert chars["了"][0] == "le5"
    assert chars["的"][0] == "de5"
    assert chars["地"][0] == "de5" and "di4" in chars["地"]  # kHanyuPinlu: de5 7394, di4 4976
    assert chars["一"] == ["yi1"]  # yi2 yi4 are sandhi (data/overrides/readings-chars.tsv)
    assert chars["不"][0] == "bu4" and "bu2" not in chars["不"]
    assert chars["儿"][:2] == ["r5", "er2"]  # erhua first (kHanyuPinlu r5 3254, er2 581)
    assert chars["绿"] == ["lv4", "lu4"] and chars["女"][0] == "nv3"


def test_words_spot_checks() -> None:
    phrases, cedict = table("phrases"), table("cedict")
    assert phrases["省长"] == ["sheng3", "zhang3"]
    assert phrases["协调"] == ["xie2", "tiao2"]
    assert phrases["应用"] == ["ying4", "yong4"]
    assert phrases["取长补短"] == ["qu3", "chang2", "bu3", "duan3"]
    assert phrases["银行"] == ["yin2", "hang2"]
    assert phrases["长城"] == ["chang2", "cheng2"]
    assert phrases["一会儿"] == ["yi1", "hui4", "r5"]
    assert phrases["差不多"] == ["cha4", "bu5", "duo1"]  # PaddleSpeech's entry
    assert "一不小心" in phrases and phrases["一不小心"][0] == "yi1"  # source: yi2
    assert cedict["哪儿"] == ["na3", "r5"]  # phrase-pinyin-data: na3 er2
    assert "长城" not in cedict


def test_taiwan_spot_checks() -> None:
    taiwan = table("taiwan")
    assert taiwan["垃圾"] == ["le4", "se4"]
    assert taiwan["亚"] == taiwan["亞"] == ["ya3"]
    assert taiwan["期"] == ["qi2"]
    assert taiwan["髮"] == ["fa3"] and "发" not in taiwan  # 发 fa1 is another word
    assert "和" not in taiwan  # the note is on huo2 (to mix), not he2
    assert "都" not in taiwan  # data/overrides/readings-taiwan.tsv


def test_char_rank_spot_checks() -> None:
    ranks = {char: int(rank[0]) for char, rank in table("char_rank").items()}
    assert ranks["的"] <= 2
    assert ranks["一"] <= 10


def test_readings_parse_as_tongwen_syllables() -> None:
    syllable = pytest.importorskip("tongwen.readings.syllable")
    parse = getattr(syllable, "parse", None)
    if parse is None:
        pytest.skip("tongwen.readings.syllable.parse is not there yet")
    spellings = {r for name in NAMES[:4] for values in table(name).values() for r in values}
    for reading in sorted(spellings):
        parse(reading)
