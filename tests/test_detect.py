"""Script detection from the characters only one script uses."""

from __future__ import annotations

import pytest

import tongwen


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("头发和发展都很重要", "s"),
        ("頭髮和發展都很重要", "t"),
        ("這裡是台灣，為什麼", "tw"),
        ("爲什麼羣衆在裏面", "t"),
        ("hello 123", "unknown"),
        ("", "unknown"),
    ],
)
def test_detect_script(text: str, script: str) -> None:
    assert tongwen.detect_script(text).script == script


def test_evidence_is_reported() -> None:
    guess = tongwen.detect_script("头发 頭")
    assert (guess.script, guess.simplified, guess.traditional) == ("s", 2, 1)
    assert guess.confidence == pytest.approx(2 / 3)


def test_detection_agrees_with_conversion() -> None:
    """Converting detected text to the other script and back detects as the other script."""
    simplified = "关于制造业的发展，我们还有很多问题要讨论。"
    traditional = tongwen.convert(simplified, to="tw")
    assert tongwen.detect_script(simplified).script == "s"
    assert tongwen.detect_script(traditional).script in ("t", "tw")  # no Taiwan-only form here
    assert tongwen.detect_script(traditional + "裡").script == "tw"
    assert tongwen.convert(traditional, to="s") == simplified
