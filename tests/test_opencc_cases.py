"""OpenCC's own regression cases (../shared/data/conversion/opencc_cases.json).

With the context model off, tongwen gives OpenCC's answer everywhere but in the cases below, each
with its reason; with it on (the default), also but in CONTEXT_DIFFERENCES.
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
    "BYVoid_OpenCC_Issue_906_gu_default_and_phrases": (
        "Taiwan usage (data/overrides/TWUsagePhrases.tsv, mined from Taiwan text): 雇主, "
        "not OpenCC's 僱主 (the MOE dictionary's form too)"
    ),
}
#: case id -> why the context model's answer differs from OpenCC's there.
CONTEXT_DIFFERENCES = {
    "BYVoid_OpenCC_PR_736_li_contexts": (
        "s2t 归里: the model reads 里 as home village (歸里, as in 故里); OpenCC gives 歸裏"
    ),
    "deleted_14-character_phrases_s2t": (
        "s2hk 在天愿做比翼鸟: the Hong Kong weights keep 愿 before 做; OpenCC gives 願"
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


@pytest.mark.parametrize("context", [False, True])
def test_opencc_cases(context: bool) -> None:
    cases = _cases()
    failed = {}
    for case_id, scheme, text, expected in cases:
        conv = tongwen.Converter(to=TARGET[scheme], source="s", context=context)
        got = conv.convert(text)
        if got != expected:
            failed[case_id] = (scheme, expected, got)
    known = set(KNOWN_DIFFERENCES) | (set(CONTEXT_DIFFERENCES) if context else set())
    assert set(failed) == known, failed
    assert len(KNOWN_DIFFERENCES) + len(CONTEXT_DIFFERENCES) <= 20
    assert len(cases) > 250


@pytest.mark.parametrize(
    "case_id", ["fortune_500_company_names_tw_s2twp", "medical_phrases_tw_ultrasound_s2twp"]
)
def test_known_differences_keep_non_han_characters(case_id: str) -> None:
    for found_id, scheme, text, _expected in _cases():
        if found_id == case_id:
            got = tongwen.Converter(to=TARGET[scheme], source="s", context=False).convert(text)
            kept = [c for c in text if c.isascii() and not c.isspace()]
            assert [c for c in got if c.isascii() and not c.isspace()][: len(kept)] == kept
