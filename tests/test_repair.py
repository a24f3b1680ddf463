"""Repair: detection, GBK garbles (plain and cascading), stripping, converting back; the fast
path agrees with the reference (repair/reference.py)."""

from __future__ import annotations

import random

import pytest
from conftest import shared_path
from hypothesis import given, settings
from hypothesis import strategies as st

import tongwen
from tongwen.conversion.tables import load_table
from tongwen.repair import generate as g
from tongwen.repair import reference
from tongwen.repair.counts import count_classes
from tongwen.repair.detect import script_specific
from tongwen.repair.gbk import repair_line
from tongwen.repair.scan import scan
from tongwen.repair.strip import ANNOTATION, reading_fits, strip, traditional_forms
from tongwen.text import han_count


def test_seed_page_is_restored_exactly() -> None:
    page = shared_path("examples/seed-page.txt").read_text("utf-8")
    original = shared_path("examples/seed-page.original.txt").read_text("utf-8")
    cleaned = tongwen.clean(page, to="s")
    assert cleaned.text.rstrip("\n") == original.rstrip("\n")
    assert cleaned.detection.polluted and cleaned.detection.garbles == 2
    assert cleaned.repaired == 2 and cleaned.stripped == 222 and cleaned.converted


def test_seed_page_kept_in_traditional() -> None:
    page = shared_path("examples/seed-page.txt").read_text("utf-8")
    kept = tongwen.clean(page, to="keep").text
    assert "各自優勢" in kept and "(" not in kept.replace("(2", "").replace("(1", "")
    assert "代表團在安徽" in kept


@pytest.mark.parametrize(
    ("garbled", "keep", "simplified"),
    [
        # the trail byte of 自 and the lead byte of 優 read as 詢 (xún)
        ("各自?xún)?yōu)勢", "各自優勢", "各自优势"),
        # 驗 (yàn) across 因 and 為: the bytes after it decode out of step until ']' (沒)
        ("因?yàn)橛譀]說", "因為又沒說", "因为又没说"),
    ],
)
def test_gbk_garbles_are_undone(garbled: str, keep: str, simplified: str) -> None:
    page = f"代表團(tuán)來到{garbled}。學(xué)習(xí)發(fā)展"
    assert tongwen.clean(page).text == f"代表團來到{keep}。學習發展"
    assert tongwen.clean(page, to="s").text == f"代表团来到{simplified}。学习发展"


def test_a_garble_a_simplifying_cleaner_converted_with_its_extra_table() -> None:
    # Out of step after 賽 (sài) was pasted across 恋 and 爱, the decoder read 膹, which the
    # cleaner's conversion wrote 𪱥 (TSCharactersExt): the repair reads it back as 膹
    text = "主演是第一次演出恋爱电视剧的广濑爱丽丝与浅利阳介。"
    page = tongwen.convert(g.pollute(text, site_chars=["賽"], table="tw"), to="s")
    assert "?sài)" in page and "𪱥" in page
    assert tongwen.clean(page, to="s").text == text


def test_every_character_a_simplifying_cleaner_converts_has_its_traditional_forms() -> None:
    keys = {*load_table("TSCharacters").entries, *load_table("TSCharactersExt").entries}
    for traditional in sorted(keys):
        simple = tongwen.convert(traditional, to="s")
        if len(simple) == 1 and simple != traditional:
            assert traditional in traditional_forms(simple), (traditional, simple)


def test_readings_stripped_after_a_simplifying_cleaner() -> None:
    page = "辽宁省党政代表团(tuán)在安徽考察,学(xué)习(xí)关(guān)于发(fā)展的论述。"
    cleaned = tongwen.clean(page, to="s")
    assert cleaned.text == "辽宁省党政代表团在安徽考察,学习关于发展的论述。"


@pytest.mark.parametrize(
    "text",
    [
        "头发和发展都很重要。",  # clean simplified
        "頭髮和發展都很重要。",  # clean traditional
        "他在2005年(那时还小)来过(见附录)。",  # ordinary parentheses
        "这个字读作“询(xún)”,意思是问。",  # a gloss
        "我(wǒ)们(men)去(qù)学(xué)校(xiào)上(shàng)课(kè)。",  # learner text
        "佢(keoi5)哋(dei6)去(heoi3)咗(zo2)。",  # Cantonese jyutping
    ],
)
def test_documents_that_are_not_polluted_stay_exactly_as_they_are(text: str) -> None:
    assert not tongwen.detect(text).polluted
    for to in ("keep", "s"):
        cleaned = tongwen.clean(text, to=to)
        assert cleaned.text == text and not cleaned.changed


def test_detection_reports_its_evidence() -> None:
    page = "代表團(tuán)學(xué)習(xí)了關(guān)於發(fā)展的論述,代表團(tuán)很重要。"
    detection = tongwen.detect(page)
    assert detection.polluted and 0.5 <= detection.score <= 1
    assert (detection.annotations, detection.fitting, detection.garbles) == (6, 6, 0)
    assert detection.converted == 6 and detection.han > 10
    assert detection.as_dict()["density"] == pytest.approx(detection.density, abs=1e-6)


def test_unknown_clean_target() -> None:
    with pytest.raises(tongwen.UnknownSchemeError):
        tongwen.clean("x", to="tw")


def test_hand_written_negatives_are_not_polluted() -> None:
    import json
    from pathlib import Path

    path = Path(__file__).parent / "cases" / "repair_negatives.jsonl"
    cases = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    assert len(cases) >= 40
    flagged = [case for case in cases if tongwen.detect(case["text"]).polluted]
    assert flagged == []
    for case in cases:
        assert tongwen.clean(case["text"], to="s").text == case["text"]


# --------------------------------------------------------------------------------------------
# The fast path (detect.py, scan.py, counts.py, gbk.py) gives what repair/reference.py gives


SOURCE = [
    "希望两省充分发挥各自优势，因为又没说清楚。",
    "辽宁省党政代表团在安徽考察，学习关于发展的论述。",
    "关于制造业的发展，我们还有很多问题要讨论。",
    "这里的干部在干活，头发和发展都很重要。",
    "随着经济的增长，各地区的联系越来越紧密，应该加强合作。",
    "会议强调，要坚持以人民为中心的发展思想，推动高质量发展。",
    "他们在学校里学习语文、数学和历史，还参加了很多活动。",
]

#: Characters that make scanning and garbles hard: Han (one astral), parentheses, pinyin
#: letters with marks and digits, '?', newlines, ASCII.
TRICKY = st.text(
    st.sampled_from(list("团學習關发展們字驗詢為\U00020000()?(xuéntánYU253 \n。ab")),
    max_size=80,
)


def _same(text: str) -> None:
    fast, slow = tongwen.detect(text), reference.detect(text)
    assert fast == slow and fast.han == slow.han
    for to in ("keep", "s"):
        assert tongwen.clean(text, to=to) == reference.clean(text, to=to)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10**6), size=st.integers(3, 150),
       table=st.sampled_from(["opencc", "tw", "seed"]), back=st.booleans())
def test_fast_path_agrees_on_generated_pages(seed: int, size: int, table: str,
                                             back: bool) -> None:
    rng = random.Random(seed)
    text = "\n".join(rng.choice(SOURCE) * rng.randint(1, 4) for _ in range(rng.randint(1, 6)))
    page = g.pollute(text, site_chars=g.random_site(rng, size, table=table), table=table)
    _same(tongwen.convert(page, to="s") if back else page)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10**6), script=st.sampled_from(["s", "tw"]))
def test_fast_path_agrees_on_hard_negatives(seed: int, script: str) -> None:
    rng = random.Random(seed)
    text = "".join(rng.sample(SOURCE, 4))
    for page in (g.learner_text(text, script=script), g.ruby_text(text, rng, script=script),
                 g.gloss_text(text, rng, script=script),
                 g.parenthesised_text(text, rng, script=script)):
        _same(page)


@settings(max_examples=300, deadline=None)
@given(text=TRICKY)
def test_fast_path_agrees_on_tricky_text(text: str) -> None:
    _same(text)
    _same(text * 3)  # enough pairs to score


@settings(max_examples=300, deadline=None)
@given(text=TRICKY)
def test_scan_finds_the_annotations_and_strips_them(text: str) -> None:
    found = scan(text)
    assert list(zip(found.chars, found.readings, strict=True)) == ANNOTATION.findall(text)
    assert found.stripped == strip(text)


@settings(max_examples=300, deadline=None)
@given(line=TRICKY.map(lambda t: t.replace("\n", "")))
def test_line_repair_agrees_with_the_reference(line: str) -> None:
    assert repair_line(line, reading_fits) == reference.repair_line(line, reading_fits)


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=60), marked=st.text(max_size=5))
def test_class_counts_agree_with_counting_one_by_one(text: str, marked: str) -> None:
    counts = count_classes(text, marked)
    assert counts.han == han_count(text)
    assert counts.specific == sum(c in script_specific() for c in text)
    assert counts.marked == sum(c in set(marked) for c in text)


def test_a_garbled_line_is_stripped_again_after_its_repair() -> None:
    # '字(a)(b)': one pass strips '(a)'; the reference strips the repaired line once more.
    page = "代表團(tuán)來到各自?xún)?yōu)勢(shì)(shì)。學(xué)習(xí)發(fā)展" * 2
    _same(page)
    assert "勢(" not in tongwen.clean(page).text
