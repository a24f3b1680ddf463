"""The polluted-text generator (tongwen.repair.generate): it reproduces the real seed page, its
GBK garbles behave like the real ones, it is deterministic, and the hard-negative generators
make what they claim."""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest
from conftest import shared_path

import tongwen
from tongwen.errors import InputError
from tongwen.repair import generate as g
from tongwen.text import is_han

CASES = Path(__file__).resolve().parent / "cases" / "repair_negatives.jsonl"
# 字(reading): a Han character followed by a parenthesised Latin reading.
ANNOTATION = re.compile(r"([\u3400-\u9fff])\(([a-zü\u00c0-\u024f\u1e00-\u1eff0-9]+)\)")

# Readings the seed page gives where tongwen.pinyin of the simplified character differs:
# none once site_reading skips toneless readings of non-particles (tongwen.pinyin("务") is
# "wu", the page and site_reading have 務 wù).
SEED_READING_OVERRIDES: dict[str, str] = {}


# --------------------------------------------------------------------------------------------
# The seed page


def test_seed_page_is_reproduced_exactly() -> None:
    original = shared_path("examples/seed-page.original.txt").read_text("utf-8")
    page = shared_path("examples/seed-page.txt").read_text("utf-8")
    ours = g.pollute(
        original, site_chars=g.SEED_SITE, readings=SEED_READING_OVERRIDES, table="seed"
    )
    assert ours == page


def test_seed_site_is_the_pages_63_characters_and_xun() -> None:
    rows = shared_path("examples/seed-page.readings.tsv").read_text("utf-8").splitlines()
    chars = list(dict.fromkeys(r.split("\t")[2] for r in rows if r and not r.startswith("#")))
    assert len(chars) == 63
    assert list(g.SEED_SITE) == [*chars, "詢"]


def test_seed_readings_need_no_override() -> None:
    assert tongwen.pinyin("务") == ["wù"]  # a suffix alone reads with its tone
    assert g.site_reading("務") == "wù"
    expected = {"團": "tuán", "學": "xué", "調": "diào", "長": "zhǎng", "應": "yīng"}
    assert {c: g.site_reading(c) for c in expected} == expected
    assert g.site_reading("們") == "men"  # particles keep their toneless reading


def test_seed_table() -> None:
    # The seed page keeps 于 and 后, writes 為 鑒 著, unlike OpenCC's first candidates.
    assert g.char_convert("关于以后为借鉴随着发展", "seed") == "關于以后為借鑒隨著發展"
    assert g.char_convert("关于以后为借鉴随着发展", "opencc") == "關於以後爲借鑑隨着發展"
    assert g.char_convert("关于以后为借鉴随着发展", "tw") == "關於以後為借鑑隨著發展"
    assert g.char_convert("制造头发", "opencc") == "制造頭發"  # by character: 制, 發


# --------------------------------------------------------------------------------------------
# Garbles


def test_straddling_pattern_garbles_the_two_characters() -> None:
    # 自 d7d4, 優 839e: 詢 is d4 83. 優 is replaced first, then 詢 matches across 自 and 優.
    assert "各自優勢".encode("gbk")[3:5] == "詢".encode("gbk")
    out = g.pollute("各自优势", site_chars=["優", "詢"])
    assert out == "各自?xún)?yōu)勢"
    assert g.annotate_site("各自优势", site_chars=["優", "詢"]) == "各自優(yōu)勢"


def test_straddle_in_the_other_order() -> None:
    # 詢 first: its reading splits 優's bytes (83 | 9e), so 優 is never annotated, and the pairs
    # after the reading are shifted: 9e 84 is 瀯, 勢's dd is left alone at the end.
    assert g.pollute("各自优势", site_chars=["詢", "優"]) == "各自?xún)瀯?"


def test_garble_cascades_until_an_ascii_byte() -> None:
    # 因 d2f2, 為 9ee9: 驗 is f2 9e. After the insertion the pairs are shifted by one byte
    # up to the ASCII "]" inside 沒 (9b5d).
    out = g.pollute("因为又没说", site_chars=["驗"], table="tw")
    assert out == "因?yàn)橛譀]說"
    # With OpenCC's 爲 (a0 99) there is no straddle.
    assert g.pollute("因为又没说", site_chars=["驗"]) == "因爲又沒說"


def test_decoder_takes_two_bytes_at_every_lead_byte() -> None:
    assert g.decode_pairs(b"\xd7\xd4\x83(x") == "自?x"  # 83 28 is no character: '(' is lost
    assert g.decode_pairs(b"ab\xd7") == "ab?"  # a lone lead byte at the end
    assert g.decode_pairs(b"\x80a\xffb") == "?a?b"
    assert g.decode_pairs("正常".encode("gbk")) == "正常"


def test_unencodable_characters_become_question_marks() -> None:
    assert g.pollute("你好😀", site_chars=["們"]) == "你好?"


def test_site_characters_are_checked() -> None:
    with pytest.raises(InputError):
        g.pollute("你好", site_chars=["們們"])
    with pytest.raises(InputError):
        g.pollute("你好", site_chars=["a"])
    with pytest.raises(InputError):
        g.pollute("你好", site_chars=["們"], encoding="utf-8")


def test_without_conversion_and_with_given_readings() -> None:
    out = g.pollute("代表团", site_chars=["团"], readings={"团": "tuan2"}, convert=False)
    assert out == "代表团(tuan2)"


def test_big5_works_the_same_way() -> None:
    out = g.pollute("代表团", site_chars=["團"], readings={"團": "tuan2"}, encoding="big5")
    assert out == "代表團(tuan2)"
    assert g.pollute("代表团", site_chars=["團"], encoding="big5") == "代表團(tu?n)"  # no ú


# --------------------------------------------------------------------------------------------
# Site lists and determinism


def test_random_site_is_deterministic_and_plausible() -> None:
    a = g.random_site(random.Random(7), 60)
    assert a == g.random_site(random.Random(7), 60)
    assert a != g.random_site(random.Random(8), 60)
    assert len(a) == len(set(a)) == 60
    changed = set(g.conversion_table("opencc").values())
    assert sum(c in changed for c in a) >= 0.75 * len(a)
    for char in a:
        assert len(char.encode("gbk")) == 2
        g.site_reading(char)  # every listed character has a reading


def test_random_site_options() -> None:
    none = g.random_site(random.Random(1), 30, unchanged_share=0.0, straddlers=0)
    changed = set(g.conversion_table("opencc").values())
    assert all(c in changed for c in none)
    with_straddlers = g.random_site(random.Random(1), 30, straddlers=3)
    pool = dict(g.straddle_pool("opencc"))
    assert sum(c in pool for c in with_straddlers) >= 3
    with pytest.raises(InputError):
        g.random_site(random.Random(1), 0)


def test_straddle_pool_holds_the_seed_straddlers() -> None:
    pool = dict(g.straddle_pool("seed"))
    assert "詢" in pool and "驗" in pool


def test_pollute_is_deterministic_and_garbles_happen() -> None:
    text = "希望两省充分发挥各自优势，因为又没说清楚。" * 3
    garbled = 0
    for seed in range(40):
        site = g.random_site(random.Random(seed), 50, table="tw")
        once = g.pollute(text, site_chars=site, table="tw")
        assert once == g.pollute(text, site_chars=site, table="tw")
        garbled += once != g.annotate_site(text, site_chars=site, table="tw")
    assert 0 < garbled < 40


def test_annotate_site_marks_every_listed_character() -> None:
    out = g.annotate_site("代表团来到学校", site_chars=["團", "學"])
    assert out == "代表團(tuán)來到學(xué)校"


# --------------------------------------------------------------------------------------------
# Hard negatives

TEXT = "省长说要取长补短，这个行业的银行很重要。我们在2005年去了北京，参观了故宫博物院。"


# A pinyin syllable with a tone mark.
PINYIN = re.compile(r"[a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*")
# Learner texts often write the tones of 一 and 不 as spoken.
SANDHI = {"一": ("yí", "yì"), "不": ("bú",)}


def _readings(char: str) -> tuple[str, ...]:
    return tongwen.Annotator().tokens(char)[0].candidates + SANDHI.get(char, ())


def _annotations(text: str) -> list[tuple[str, str]]:
    return ANNOTATION.findall(text)


def _han(text: str) -> int:
    return sum(is_han(c) for c in ANNOTATION.sub(r"\1", text))


def test_learner_text_reads_every_character_right() -> None:
    out = g.learner_text(TEXT)
    pairs = _annotations(out)
    assert len(pairs) == _han(TEXT)
    assert ("长", "zhǎng") in pairs and ("长", "cháng") in pairs and ("行", "háng") in pairs
    trad = g.learner_text(TEXT, script="t")
    assert "長(cháng)" in trad and "長(zhǎng)" in trad and len(_annotations(trad)) == _han(TEXT)
    assert "長(chang2)" in g.learner_text(TEXT, script="t", tone="numbers")


def test_ruby_text_annotates_most_characters_right() -> None:
    rng = random.Random(3)
    out = g.ruby_text(TEXT, rng, share=0.8)
    pairs = _annotations(out)
    assert 0.5 * _han(TEXT) < len(pairs) < _han(TEXT)
    assert ANNOTATION.sub(r"\1", out) == TEXT
    right = dict(zip(TEXT, tongwen.pinyin(TEXT), strict=True))
    for char, reading in pairs:
        if char != "长":
            assert right[char] == reading
    assert g.ruby_text(TEXT, random.Random(3)) == g.ruby_text(TEXT, random.Random(3))


def test_gloss_text_annotates_the_rarest_characters_once() -> None:
    text = "他对这件事的诠释令人耳目一新，堪称翘楚，诠释得好。"
    out = g.gloss_text(text, random.Random(0), count=2)
    assert out == "他对这件事的诠(quán)释令人耳目一新，堪称翘(qiáo)楚，诠释得好。"
    one = g.gloss_text(text, random.Random(0), script="tw", count=1)
    assert len(_annotations(one)) == 1 and "詮(quán)釋" in one


def test_cantonese_text_uses_jyutping() -> None:
    out = g.cantonese_text("我哋今日去飲茶，你嚟唔嚟呀？", random.Random(0), share=1.0)
    want = "我(ngo5)哋(dei6)今(gam1)日(jat6)去(heoi3)飲(jam2)茶(caa4)，"
    want += "你(nei5)嚟(lai4)唔(m4)嚟(lai4)呀(aa3)？"
    assert out == want
    assert all(re.fullmatch(r"[a-z]+[1-6]", r) for r in g.CANTONESE_READINGS.values())


def test_clean_text() -> None:
    assert g.clean_text(TEXT) == TEXT
    assert g.clean_text("头发", script="tw") == "頭髮"
    assert g.clean_text("头发", table="opencc") == "頭發"
    assert "(" not in g.clean_text(TEXT, script="hk")


def test_parenthesised_text_keeps_the_text_and_adds_parentheses() -> None:
    for seed in range(20):
        out = g.parenthesised_text(TEXT, random.Random(seed), count=4)
        assert len(out) > len(TEXT)
        # The text itself is all there, in order.
        it = iter(out)
        assert all(c in it for c in TEXT)
        for char, reading in _annotations(out):
            if PINYIN.fullmatch(reading) and char not in "读讀":  # 这个字读作“询(xún)”
                assert reading in _readings(char)


def test_negatives_are_deterministic() -> None:
    for make in (g.ruby_text, g.gloss_text, g.parenthesised_text):
        assert make(TEXT, random.Random(5)) == make(TEXT, random.Random(5))


# --------------------------------------------------------------------------------------------
# The hand-written negatives for the detector's tests

KINDS = {"learner", "ruby", "gloss", "cantonese", "clean", "parentheses"}


def _cases() -> list[dict[str, str]]:
    return [json.loads(line) for line in CASES.read_text("utf-8").splitlines() if line.strip()]


def test_hand_written_negatives_are_well_formed() -> None:
    cases = _cases()
    assert len(cases) >= 40
    assert {c["kind"] for c in cases} == KINDS
    assert len({c["text"] for c in cases}) == len(cases)
    for case in cases:
        assert set(case) >= {"kind", "text"}
        assert any(is_han(ch) for ch in case["text"])


def test_hand_written_readings_are_right() -> None:
    """Every 字(pinyin) in a Mandarin case is one of the character's readings, and in learner
    cases every Han character carries one."""
    for case in _cases():
        if case["kind"] == "cantonese":
            assert all(re.fullmatch(r"[a-z]+[1-6]", r) for _, r in _annotations(case["text"]))
            continue
        for char, reading in _annotations(case["text"]):
            if case["kind"] == "parentheses" and not PINYIN.fullmatch(reading):
                continue  # (2005), (sic)
            assert reading in _readings(char), (case["text"], char, reading, _readings(char))
        if case["kind"] == "learner":
            assert len(_annotations(case["text"])) == _han(case["text"]), case["text"]


# --------------------------------------------------------------------------------------------
# The benchmark's splits (tools/bench/repair_accuracy.py): fixed, disjoint, reproducible


def _bench() -> ModuleType:
    bench = Path(__file__).resolve().parent.parent / "tools" / "bench"
    sys.path.insert(0, str(bench))
    try:
        import repair_accuracy
    finally:
        sys.path.remove(str(bench))
    return repair_accuracy


def test_development_and_held_out_splits_share_nothing() -> None:
    ra = _bench()
    dev, held = ra.SPLITS["dev"], ra.SPLITS["heldout"]
    assert not set(dev.seeds) & set(held.seeds)
    for attr in ("simplified", "traditional", "cantonese"):
        assert not set(getattr(dev, attr)) & set(getattr(held, attr))
    assert set(dev.tables) < set(held.tables) <= set(g.TABLES)


def test_benchmark_documents_are_reproducible() -> None:
    ra = _bench()
    shared = shared_path("data").parent
    maker = ra.Maker(ra.SPLITS["dev"], shared)
    kinds = {k.name: k for k in ra.KINDS}
    for name in ("polluted_t_garbled", "polluted_s", "ruby_t", "clean_t"):
        a, b = maker.make(kinds[name], 3), maker.make(kinds[name], 3)
        assert a.text == b.text and a.text
    doc = maker.make(kinds["polluted_t_garbled"], 5)
    assert doc.info["readings"] >= ra.MIN_READINGS
    assert doc.text != g.annotate_site(
        doc.original, site_chars=doc.info["site"], table=doc.info["table"]
    )


@pytest.mark.parametrize("kind", ["polluted_t_garbled", "polluted_s_garbled"])
def test_the_benchmark_tells_an_ambiguous_page_from_a_wrong_repair(kind: str) -> None:
    # 找不 and 到 out of step: the decoder lost the byte pair that held the second byte of
    # 他 or 她 (CB FB, CB FD), so both make the very same page; 你 does not.
    ra = _bench()
    site = "也都的在"
    text = "我都找不到她\n而且超满载"
    page = g.pollute(text, site_chars=list(site), table="tw")
    if kind.startswith("polluted_s"):
        page = tongwen.convert(page, to="s")
    assert "?yě)" in page
    doc = ra.Doc(kind, 0, page, True, text, "", {"site": site, "table": "tw"})
    assert ra.makes_the_page(doc, text)
    assert ra.makes_the_page(doc, "我都找不到他\n而且超满载")
    assert not ra.makes_the_page(doc, "我都找不到你\n而且超满载")
