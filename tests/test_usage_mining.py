"""tools/usage_mining.py: which phrases a region's text contests (runs without ../shared)."""

from __future__ import annotations

import sys

import numpy as np
from conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))

import usage_mining as um


def test_a_word_straddles_a_phrase_only_across_its_edges() -> None:
    words = {"处理", "发展", "理发师"}
    assert um.straddles("处理发展", 1, 3, words)  # 处理 ends inside 理发, 发展 starts inside
    assert not um.straddles("我去理发", 2, 4, words)
    assert not um.straddles("理发师", 0, 2, words)  # 理发师 holds 理发 whole: no edge crossed


def _usage(keys: list[str], outputs: list[str]) -> um.Usage:
    return um.Usage("tw", keys, outputs, np.arange(0x110000, dtype=np.int64))


def _add(usage: um.Usage, p: int, form: str, formal: bool, straddled: bool, n: int) -> None:
    for _ in range(n):
        per = usage.forms.setdefault(p, {})
        per[form] = per.get(form, 0.0) + 1.0
        usage.raw[p] = usage.raw.get(p, 0) + 1
        tally = usage.tallies.setdefault((p, formal, straddled), um._Tally())
        tally.add(1.0, usage.same(form, usage.outputs[p]))


def test_a_phrase_that_only_blocks_is_contested_where_it_is_straddled() -> None:
    # 要了 gives what its characters give: its straddled occurrences (要了解) count; 理发 -> 理髮
    # is wrong only where a word straddles it (处理发展): it is kept
    usage = _usage(["要了", "理发"], ["要了", "理髮"])
    for formal in (False, True):
        _add(usage, 0, "要瞭", formal, True, 20)
        _add(usage, 0, "要了", formal, False, 5)
        _add(usage, 1, "理發", formal, True, 20)
        _add(usage, 1, "理髮", formal, False, 10)
    assert usage.contested(20, skip=()) == [0]
    assert usage.contested(20, skip={0}) == []


def test_a_phrase_is_contested_only_where_every_register_contradicts_it() -> None:
    usage = _usage(["收获", "不准"], ["收穫", "不準"])
    _add(usage, 0, "收獲", False, False, 30)  # the transcripts write 收獲 ...
    _add(usage, 0, "收穫", True, False, 10)  # ... the gazette 收穫
    _add(usage, 1, "不准", False, False, 30)
    _add(usage, 1, "不准", True, False, 10)
    _add(usage, 1, "不準", True, False, 2)
    assert usage.contested(20, skip=()) == [1]


def test_a_span_that_a_word_straddles_becomes_a_key_when_the_text_agrees() -> None:
    # 他了 -> 他了 keeps 了解 off in 他了解; the text writes 他瞭解 each time
    trad = ["他瞭解了", "他瞭解嗎", "他瞭解", "他了"]
    simp = ["他了解了", "他了解吗", "他了解", "他了"]
    texts = [("src", "tw", 1.0, trad, simp, [1, 2, 3, 4])]
    lines, report = um.boundary_phrases(texts, "tw", np.arange(0x110000, dtype=np.int64),
                                        {"了解"}, lambda name, number: False,
                                        {"他了": "他了"}, minimum=3)
    assert [line.split("\t")[:2] for line in lines] == [["他了解", "他瞭解"]]
    assert report["phrases"] == 1
    # three occurrences are too few for minimum=4; a span whose phrase is right is no key
    for phrases, minimum in (({"他了": "他了"}, 4), ({"他了": "他瞭"}, 3)):
        assert um.boundary_phrases(texts, "tw", np.arange(0x110000, dtype=np.int64), {"了解"},
                                   lambda name, number: False, phrases, minimum)[0] == []
