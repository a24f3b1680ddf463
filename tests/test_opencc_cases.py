"""OpenCC's own regression cases (../shared/data/conversion/opencc_cases.json).

With the context model off, tongwen gives OpenCC's answer everywhere but in the cases below, each
with its reason; with it on (the default), also but in CONTEXT_DIFFERENCES.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import shared_path

import tongwen

DIFFERENCES = Path(__file__).resolve().parent / "cases" / "opencc_case_differences.tsv"


def _differences(when: str) -> dict[str, str]:
    """Case id -> why tongwen differs from OpenCC there (``when``: "always", with the context
    model on or off; "context", with it on only)."""
    rows = [line.split("\t") for line in DIFFERENCES.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")]
    assert all(len(row) == 3 and row[1] in ("always", "context") for row in rows)
    return {case_id: why for case_id, kind, why in rows if kind == when}


#: case id -> why tongwen differs from OpenCC there.
KNOWN_DIFFERENCES = _differences("always")
#: case id -> why the context model's answer differs from OpenCC's there.
CONTEXT_DIFFERENCES = _differences("context")
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
