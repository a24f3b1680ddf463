"""Repair: detection, GBK garbles (plain and cascading), stripping, converting back."""

from __future__ import annotations

import pytest
from conftest import shared_path

import tongwen


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
