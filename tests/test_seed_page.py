"""The seed page (../shared/examples): tongwen annotates its original as the polluting
converter should have, with the readings right in context."""

from __future__ import annotations

import difflib
import re

from conftest import shared_path

import tongwen

ANNOTATION = re.compile(r"(\w)\(([^()\s]+)\)")


def _gold() -> list[tuple[int, int, str, str]]:
    rows = []
    for line in shared_path("examples/seed-page.readings.tsv").read_text("utf-8").splitlines():
        if line and not line.startswith("#"):
            row, column, char, reading = line.split("\t")
            rows.append((int(row), int(column), char, reading))
    return rows


def _original() -> str:
    return shared_path("examples/seed-page.original.txt").read_text("utf-8")


def test_every_annotated_character_gets_its_reading() -> None:
    annotator = tongwen.Annotator(to="t")
    tokens = [annotator.tokens(line) for line in _original().split("\n")]
    wrong = [
        (row, column, char, reading, tokens[row][column].char, tokens[row][column].reading)
        for row, column, char, reading in _gold()
        if (tokens[row][column].char, tokens[row][column].reading) != (char, reading)
    ]
    assert wrong == []
    assert len(_gold()) == 223


def test_inline_output_is_the_page_as_it_should_have_been() -> None:
    gold = _gold()
    chars = "".join(sorted({char for _, _, char, _ in gold}))
    assert len(chars) == 63
    ours = tongwen.annotate(_original(), to="t", format="inline", chars=chars)
    # The converter's errors are gone: 關於, 位於, 製造, and the three readings it got wrong.
    for fixed in ("關(guān)於", "位於", "製造", "協(xié)調(tiáo)", "取長(cháng)補(bǔ)短",
                  "應(yìng)用"):
        assert fixed in ours
    assert [(c, r) for c, r in ANNOTATION.findall(ours)] == [(c, r) for _, _, c, r in gold]
    # Against the polluted page: the same annotations, but for its three wrong readings (協調
    # diào, 取長補短 zhǎng, 應用 yīng) and the one character its GBK garble destroyed (優).
    page = shared_path("examples/seed-page.txt").read_text("utf-8")
    theirs = ANNOTATION.findall(page)
    mine = ANNOTATION.findall(ours)
    fixes = {(("調", "diào"), ("調", "tiáo")), (("長", "zhǎng"), ("長", "cháng")),
             (("應", "yīng"), ("應", "yìng"))}
    changes = []
    matcher = difflib.SequenceMatcher(None, theirs, mine, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "replace":
            assert i2 - i1 == j2 - j1
            changes += list(zip(theirs[i1:i2], mine[j1:j2], strict=True))
        elif tag == "insert":
            assert mine[j1:j2] == [("優", "yōu")]
        else:
            assert tag == "equal", (tag, theirs[i1:i2], mine[j1:j2])
    assert set(changes) == fixes
