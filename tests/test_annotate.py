"""Readings: polyphones in context, traditional through simplified, styles, selection policies,
formats, Taiwan readings, sandhi, user words."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

import tongwen
from tongwen.text import is_han


def readings(text: str, **options: object) -> list[str | None]:
    return tongwen.pinyin(text, **options)


@pytest.mark.parametrize(
    ("text", "index", "reading"),
    [
        ("省长来了", 1, "zhǎng"),
        ("取长补短", 1, "cháng"),
        ("协调发展", 1, "tiáo"),
        ("应用软件", 0, "yìng"),
        ("银行行长", 1, "háng"),
        ("银行行长", 3, "zhǎng"),
        ("他走了", 2, "le"),
        ("重庆很重", 0, "chóng"),
        ("重庆很重", 3, "zhòng"),
    ],
)
def test_polyphones_read_in_context(text: str, index: int, reading: str) -> None:
    assert readings(text)[index] == reading
    traditional = tongwen.convert(text, to="tw", source="s")
    assert readings(traditional)[index] == reading  # traditional reads like its simplified twin


def test_traditional_reads_exactly_like_simplified() -> None:
    texts = ["关于中国式现代化和高质量发展", "头发长了，他还在银行上班", "干部在干活，后来又了解了"]
    for text in texts:
        for to in ("t", "tw", "hk"):
            assert readings(tongwen.convert(text, to=to, source="s")) == readings(text)


def test_non_han_characters_have_no_reading() -> None:
    tokens = tongwen.Annotator().tokens("长a，1")
    assert [t.char for t in tokens] == ["长", "a", "，", "1"]
    assert [t.reading for t in tokens[1:]] == [None, None, None]
    assert [t.source for t in tokens[1:]] == ["none", "none", "none"]


def test_sources_and_candidates() -> None:
    tokens = tongwen.Annotator(tone="numbers").tokens("银行很长")
    assert tokens[1].source == "phrase" and tokens[1].reading == "hang2"
    assert set(tokens[3].candidates) >= {"zhang3", "chang2"}
    assert tokens[2].source in ("char", "default", "model")


@pytest.mark.parametrize(
    ("style", "tone", "expected"),
    [
        ("pinyin", "marks", ["zhǎng", "dà", "le"]),
        ("pinyin", "numbers", ["zhang3", "da4", "le5"]),
        ("pinyin", "none", ["zhang", "da", "le"]),
        ("zhuyin", "marks", ["ㄓㄤˇ", "ㄉㄚˋ", "˙ㄌㄜ"]),
    ],
)
def test_styles(style: str, tone: str, expected: list[str]) -> None:
    assert readings("长大了", style=style, tone=tone) == expected


def test_inline_format() -> None:
    out = tongwen.annotate("代表团来了", to="t", chars="團")
    assert out == "代表團(tuán)來了"


def test_ruby_is_valid_html_with_fallbacks() -> None:
    out = tongwen.annotate("团<b>&", format="ruby")  # one reading: the test is about markup
    assert out == "<ruby>团<rp>(</rp><rt>tuán</rt><rp>)</rp></ruby>&lt;b&gt;&amp;"

    class Checker(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.stack: list[str] = []
            self.rt_text: list[str] = []

        def handle_starttag(self, tag: str, attrs: object) -> None:
            self.stack.append(tag)

        def handle_endtag(self, tag: str) -> None:
            assert self.stack.pop() == tag

        def handle_data(self, data: str) -> None:
            if self.stack[-1:] == ["rt"]:
                self.rt_text.append(data)

    checker = Checker()
    checker.feed(tongwen.annotate("省长说要取长补短", format="ruby"))
    assert checker.stack == []
    assert checker.rt_text[1] == "zhǎng" and checker.rt_text[5] == "cháng"


def test_readings_format() -> None:
    assert tongwen.annotate("你好，世界!", format="readings") == "nǐ hǎo，shì jiè!"


def test_tokens_format_has_one_token_per_character() -> None:
    line = "长城 is 长"
    data = json.loads(tongwen.annotate(line, format="tokens", tone="numbers"))
    assert data["text"] == line
    assert [t["char"] for t in data["tokens"]] == list(line)
    assert data["tokens"][0]["reading"] == "chang2" and data["tokens"][2]["reading"] is None


def test_only_polyphonic() -> None:
    tokens = tongwen.Annotator(only="polyphonic").tokens("长城很长")
    shown = [t.char for t in tokens if t.selected]
    assert "长" in shown and "城" not in shown


def test_only_converted() -> None:
    tokens = tongwen.Annotator(to="tw", only="converted").tokens("头发和我")
    assert [t.char for t in tokens if t.selected] == ["頭", "髮"]


def test_only_rare() -> None:
    tokens = tongwen.Annotator(only="rare", rank=1000).tokens("的饕餮")
    assert [t.char for t in tokens if t.selected] == ["饕", "餮"]


def test_custom_character_set() -> None:
    out = tongwen.annotate("长城很长", chars="长", tone="numbers")
    assert out == "长(chang2)城很长(chang2)" or out.startswith("长(chang2)城很长(")


def test_taiwan_readings() -> None:
    assert readings("垃圾") == ["lā", "jī"]
    assert readings("垃圾", readings="tw") == ["lè", "sè"]


def test_sandhi_is_opt_in() -> None:
    assert readings("不是") == ["bù", "shì"]
    assert readings("不是", sandhi=True) == ["bú", "shì"]
    assert readings("一个人", sandhi=True)[0] == "yí"
    assert readings("一天", sandhi=True)[0] == "yì"
    assert readings("第一", sandhi=True)[1] == "yī"
    assert readings("统一", sandhi=True)[1] == "yī"
    assert readings("统一的", sandhi=True)[1] == "yī"
    assert readings("一百", sandhi=True)[0] == "yì"
    assert readings("一九八四", sandhi=True)[0] == "yī"
    assert readings("你好", sandhi=True) == ["ní", "hǎo"]


def test_user_words_beat_the_lexicon(tmp_path: Path) -> None:
    assert readings("长生", user_words={"长生": "zhang3 sheng1"})[0] == "zhǎng"
    path = tmp_path / "words.tsv"
    path.write_text("长生\tzhang3 sheng1\n", encoding="utf-8")
    assert readings("长生", user_words=path)[0] == "zhǎng"
    path.write_text("长生\tzhang3\n", encoding="utf-8")
    with pytest.raises(tongwen.InputError):
        tongwen.Annotator(user_words=path)


def test_unknown_options_are_errors() -> None:
    for options in ({"style": "ipa"}, {"tone": "x"}, {"only": "some"}, {"format": "pdf"},
                    {"readings": "hk"}, {"to": "jp"}):
        with pytest.raises(tongwen.UnknownSchemeError):
            tongwen.Annotator(**options)  # type: ignore[arg-type]


def test_lone_surrogates_pass_through_unread() -> None:
    """Lone surrogates in a Python string are non-Han characters: no reading, kept as they
    are, in short and long texts."""
    for text in ("长城\ud800长城", ("银行\udcff行长。\n" * 200)):
        readings = tongwen.pinyin(text, tone="numbers")
        assert len(readings) == len(text)
        for char, reading in zip(text, readings, strict=True):
            assert (reading is None) == (not is_han(char))
        assert readings[:2] == (["chang2", "cheng2"] if text[0] == "长" else ["yin2", "hang2"])
        assert tongwen.annotate(text).count("\ud800") == text.count("\ud800")
        assert tongwen.annotate(text).count("\udcff") == text.count("\udcff")
