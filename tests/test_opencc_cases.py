"""OpenCC's own regression cases (../shared/data/conversion/opencc_cases.json).

tongwen gives OpenCC's answer everywhere but in the cases below, each with its reason.
"""

from __future__ import annotations

import json

import pytest
from conftest import shared_path

import tongwen

#: case id -> why tongwen differs from OpenCC there.
KNOWN_DIFFERENCES = {
    "fortune_500_company_names_tw_s2twp": (
        "OpenCC's Taiwan phrase 伯克希爾-哈撒韋 -> 波克夏海瑟威 drops the hyphen; tongwen drops "
        "table entries that would lose a non-Han character, so the name keeps its hyphen"
    ),
    "medical_phrases_tw_ultrasound_s2twp": (
        "OpenCC's Taiwan phrase B超 -> 超音波 deletes the letter B; tongwen never loses a "
        "non-Han character, so B超 becomes B超"
    ),
}
TARGET = {"s2t": "t", "s2tw": "tw", "s2hk": "hk", "s2twp": "twp"}


def _cases() -> list[tuple[str, str, str, str]]:
    path = shared_path("data/conversion/opencc_cases.json")
    cases = json.loads(path.read_text(encoding="utf-8"))
    return [
        (case["id"], scheme, case["input"], expected)
        for case in cases
        for scheme, expected in case["expected"].items()
    ]


def test_opencc_cases() -> None:
    cases = _cases()
    failed = {}
    for case_id, scheme, text, expected in cases:
        got = tongwen.convert(text, to=TARGET[scheme], source="s")
        if got != expected:
            failed[case_id] = (scheme, expected, got)
    assert set(failed) == set(KNOWN_DIFFERENCES), failed
    assert len(KNOWN_DIFFERENCES) <= 20
    assert len(cases) > 250


@pytest.mark.parametrize("case_id", sorted(KNOWN_DIFFERENCES))
def test_known_differences_keep_non_han_characters(case_id: str) -> None:
    for found_id, scheme, text, _expected in _cases():
        if found_id == case_id:
            got = tongwen.convert(text, to=TARGET[scheme], source="s")
            kept = [c for c in text if c.isascii() and not c.isspace()]
            assert [c for c in got if c.isascii() and not c.isspace()][: len(kept)] == kept
