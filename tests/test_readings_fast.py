"""The fast path ``pinyin`` takes (``tongwen.readings.fast`` and ``.scoring``) gives exactly
what the reference path gives: the model's own scores, the token path's readings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tongwen
from tongwen.conversion.converter import Converter
from tongwen.conversion.detect import detect_script, traditional_only
from tongwen.readings import bulk, fast, scoring
from tongwen.readings.annotator import Annotator
from tongwen.readings.disambiguate import NeighbourVotes
from tongwen.readings.hashing import mix, mix_int
from tongwen.readings.model import PolyphoneModel, load_model
from tongwen.readings.words import fmm, word_index

CASES = Path(__file__).resolve().parent / "cases" / "everyday_readings.tsv"
SENTENCES = (
    "这条路很长，他们一行人走得很慢",
    "中华人民共和国成立了，银行行长说要取长补短",
    "我得走了。他觉得这个角色很难演，头发长长了",
    "然而，他红了20年以后，他竟退出了大家的视线。",
    "重庆的重量级选手重新上场，还要还钱给他，还好没有迟到",
    "A长",
    "长",
    "",
)


def _everyday() -> list[str]:
    lines = [line.split("\t")[2] for line in CASES.read_text(encoding="utf-8").splitlines()
             if line and not line.startswith("#")]
    return [line.replace("[", "").replace("]", "") for line in lines]


@pytest.fixture(scope="module")
def model() -> PolyphoneModel:
    return load_model()


def _targets(model: PolyphoneModel, text: str) -> list[scoring.Target]:
    """Every trained polyphone of ``text``, with the segmentation's word over it (or None):
    more targets than the fast path asks for, the same kind."""
    index = word_index(model.lexicon)
    words = {}
    for pid, start, end in fmm(index.matches(text)):
        for offset, reading in enumerate(index.readings[pid]):
            words[start + offset] = (reading, end - start)
    return [
        (i, words.get(i))
        for i, char in enumerate(text)
        if char in model.trained and model.lexicon.is_polyphonic(char)
    ]


def _assert_same_scores(model: PolyphoneModel, texts: list[str],
                        scores: Callable[[str, list[Any]], np.ndarray]) -> None:
    """``scores(text, targets)`` equals the model's own scores, bit for bit, -inf included."""
    for text in texts:
        targets = _targets(model, text)
        if not targets:
            continue
        items = [(i, model.lexicon.chars[text[i]], word) for i, word in targets]
        expected = model._scores(text, items)
        got = scores(text, targets)
        assert got.shape == expected.shape, text
        assert np.array_equal(got, expected), text


def test_scores_equal_the_model_scores(model: PolyphoneModel) -> None:
    everyday = _everyday()
    _assert_same_scores(model, [*SENTENCES, *everyday, "\n".join(everyday)],
                        scoring.Scorer(model).scores)


def test_scores_equal_on_every_path(
    model: PolyphoneModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chunked long texts, the full-grid and the used-rows window pass, and remembered parts
    started afresh mid-way all give the same scores."""
    text = "\n".join(_everyday()[:60])
    for chunk, grid, limit in ((7, 0, 50), (8192, 10**9, 10**9), (64, 2048, 0)):
        monkeypatch.setattr(scoring, "CHUNK", chunk)
        monkeypatch.setattr(scoring, "_GRID", grid)
        monkeypatch.setattr(scoring, "CACHE_LIMIT", limit)
        _assert_same_scores(model, [text, *SENTENCES, text], scoring.Scorer(model).scores)


def _reference_best(
    model: PolyphoneModel, text: str, items: list[Any]
) -> tuple[list[int], list[float]]:
    """``PolyphoneModel.best`` computed from the model's own scores."""
    grid = model._scores(text, items)
    top = grid.max(axis=1, keepdims=True)
    return grid.argmax(axis=1).tolist(), (1.0 / np.exp(grid - top).sum(axis=1)).tolist()


def test_best_reads_the_fast_scores_as_the_model_scores(
    model: PolyphoneModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``best`` (the token path) scores with the scorer when the candidates are the lexicon's
    and with the model's own features otherwise: the answers are those of the model's
    scores either way, across chunks too."""
    monkeypatch.setattr("tongwen.readings.model.CHUNK", 5)
    texts = [*SENTENCES, *_everyday()[:80], "\n".join(_everyday()[:40])]
    calls = []
    original = PolyphoneModel._fast_scores
    monkeypatch.setattr(PolyphoneModel, "_fast_scores",
                        lambda self, *a: calls.append(1) or original(self, *a))
    for text in texts:
        items = [(i, model.lexicon.chars[text[i]], w) for i, w in _targets(model, text)]
        if items:
            assert model.best(text, items) == _reference_best(model, text, items), text
    assert calls
    calls.clear()
    text = "他还要还钱，长大了"
    narrowed = [(i, model.lexicon.chars[text[i]][:2], w) for i, w in _targets(model, text)]
    assert any(len(model.lexicon.chars[text[i]]) > 2 for i, _, _ in narrowed)
    assert model.best(text, narrowed) == _reference_best(model, text, narrowed)
    assert not calls  # candidates other than the lexicon's: the model's own features


def test_mix_int_is_mix() -> None:
    values = [0, 1, 2**63, 2**64 - 1, 0x9E3779B97F4A7C15, 123456789]
    expected = mix(np.array(values, np.uint64)).tolist()
    assert [mix_int(v) for v in values] == expected


def test_pinyin_reads_as_the_tokens_do() -> None:
    """``pinyin`` (the fast path) and the token path agree, on short and long texts,
    simplified and traditional."""
    annotator = Annotator(tone="numbers")
    everyday = _everyday()
    texts = [*SENTENCES, "\n".join(everyday), "\n".join(SENTENCES * 50)]
    texts += [tongwen.convert(t, to="t") for t in texts[:4]]
    for text in texts:
        assert annotator.readings_of(text) == [t.reading for t in annotator.tokens(text)], text


@pytest.mark.parametrize(
    "options",
    [{"tone": "numbers"}, {"to": "tw", "only": "polyphonic"}, {"style": "zhuyin", "to": "s"},
     {"chars": "长行了", "only": "rare", "rank": 100}],
    ids=["plain", "to-tw", "to-s", "selection"],
)
def test_tokens_are_the_token_paths(
    options: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tokens come from ``fast.short_details``, line by line: every field (reading, source,
    candidates, selection, confidence) is what the token path (``assign``, then the
    disambiguators' ``read``) gives, on short texts and on long ones of many lines."""
    quick, slow = Annotator(**options), Annotator(**options)
    slow._fast = ()  # the token path
    calls = []
    original = fast.short_details
    monkeypatch.setattr(fast, "short_details", lambda *a: calls.append(1) or original(*a))
    everyday = _everyday()
    texts = [*SENTENCES, *everyday, *(tongwen.convert(t, to="tw") for t in everyday[:120])]
    texts += ["他說：“長城很長。”ABC長", "A\n长\t行", "重" * 255, "𠮷长\ud800行"]
    texts += ["因此磺酸酯比醇更容易反应", "唐渊渟，广西南宁人"]  # neighbours' votes read 磺 渟
    texts += ["\n".join(everyday), "\n\n".join(SENTENCES) + "\n", "\n" + "重" * 300]
    sources = set()
    for text in texts:
        got, want = quick.tokens(text), slow.tokens(text)
        # Confidences may differ in the last bit: numpy sums a row of a wider grid (the
        # targets of more lines) in another order.
        assert [replace(t, confidence=None) for t in got] == [
            replace(t, confidence=None) for t in want
        ], text
        assert [t.confidence is None for t in got] == [t.confidence is None for t in want]
        assert [t.confidence for t in got if t.confidence is not None] == pytest.approx(
            [t.confidence for t in want if t.confidence is not None], rel=1e-12, abs=0
        )
        sources.update(t.source for t in got)
    assert sources == {"phrase", "model", "default", "char", "none"}
    assert len(calls) > len(texts)  # every text went the short way, the long ones by line


def test_texts_without_traditional_only_characters_detect_as_simplified() -> None:
    """The annotator reads such texts as simplified without detecting their script
    (``annotator._plain``): detection must agree."""
    marked = traditional_only()
    texts = [*SENTENCES, *_everyday()]
    texts += [tongwen.convert(t, to=to) for t in texts[:40] for to in ("t", "tw", "hk")]
    plain = [t for t in texts if marked.isdisjoint(t)]
    assert len(plain) > 300
    for text in plain:
        assert detect_script(text).script in ("s", "unknown"), text


def test_traditional_only_characters_read_through_simplified() -> None:
    """In a simplified line, the traditional-only characters (and only they) are read
    through their simplified forms, wherever they occur."""
    annotator = Annotator(tone="numbers", source="s")
    text = "長城很長，银行行長說要取長補短"
    twin = annotator._simplify_traditional_only(text)
    marked = traditional_only()
    simplified = Converter(to="s", source="t").convert(text)
    assert twin == "".join(
        new if old in marked else old for old, new in zip(text, simplified, strict=True)
    )
    assert annotator.readings_of(text) == annotator.readings_of(twin)


def _long_texts() -> list[str]:
    everyday = _everyday()
    mixed = "".join(SENTENCES) + "𠀀長𪚥長A" + "\n".join(everyday[:30])
    return [
        "\n".join(everyday),
        "\n".join(SENTENCES * 40),
        tongwen.convert("\n".join(everyday[:80]), to="t"),
        mixed,
        "abc " * 100,
    ]


def test_bulk_scores_equal_the_model_scores(
    model: PolyphoneModel, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``bulk.Bulk.scores`` (the long-text path) gives the model's own scores, bit for bit,
    in one pass and in small chunks."""
    table = bulk.bulk_of(scoring.scorer(model))
    for chunk in (bulk.CHUNK, 7):
        monkeypatch.setattr(bulk, "CHUNK", chunk)
        _assert_same_scores(model, [*SENTENCES, *_long_texts()], table.target_scores)


def test_bulk_readings_equal_the_fast_path(model: PolyphoneModel) -> None:
    """``bulk.bulk_readings`` (texts of ``fast.BULK_MIN`` characters or more) reads as the
    short-text path does, segmentation included."""
    others = (NeighbourVotes(model.lexicon),)
    index = word_index(model.lexicon)
    for text in [*SENTENCES, *_long_texts()]:
        matches = index.matches(text)
        assert [tuple(r) for r in bulk.fmm_rows(bulk.match_rows(matches)).tolist()] == fmm(
            matches
        )
        short = fast.short_readings(text, model, others)
        assert bulk.bulk_readings(text, model, others) == short, text


def test_bulk_readings_in_pieces_equal_one_pass(model: PolyphoneModel) -> None:
    """A long text read in pieces cut after line breaks (``bulk.PIECE``) reads as in one
    pass: small pieces, lines that start and end with polyphones, a line longer than a piece,
    a text without a line break and one that ends with it."""
    others = (NeighbourVotes(model.lexicon),)
    lines = [*_everyday(), *SENTENCES, "长" * 40, "行长还", "\n", "了得地着还行长重都为和"]
    text = "\n".join(lines[i % len(lines)] for i in range(3 * len(lines)))
    assert len(text) > 4 * 600
    whole = fast.short_readings(text, model, others)
    for piece in (600, 257, 50, 3):
        spans = bulk.line_pieces(text, piece)
        assert len(spans) > 1
        assert [stop for _, stop in spans[:-1]] == [start for start, _ in spans[1:]]
        assert all(text[stop - 1] == "\n" for _, stop in spans[:-1])
        assert bulk.bulk_readings(text, model, others, piece=piece) == whole, piece
    one_line = text.replace("\n", "。")
    assert bulk.line_pieces(one_line, 600) == [(0, len(one_line))]
    assert bulk.bulk_readings(text + "\n", model, others, piece=600) == [*whole, None]


def test_each_line_of_a_text_reads_as_the_line_alone() -> None:
    """The model's window stops at line breaks and tabs as at the text's edges: a line reads
    as it reads alone, whatever lines come before or after it, on the short path and the
    long one (the model learnt from one sentence a line)."""
    pairs = [
        ("同时他还担任北京河南企业商会名誉会长。", "与此同时，徐知询被徐知诰骗入朝中。"),
        ("8月21日，用户被邀请解释投支持票的原因。", "出为江南东路转运判官。"),
    ]

    def read(text: str) -> list[str | None]:
        return tongwen.pinyin(text, tone="numbers")

    for first, second in pairs:
        for separator in ("\n", "\r\n", "\t"):
            alone = [*read(first), *[None] * len(separator), *read(second)]
            assert read(first + separator + second) == alone, separator
    lines = [*_everyday(), *SENTENCES, *(line for pair in pairs for line in pair)]
    text = "\n".join(lines)
    assert len(text) >= fast.BULK_MIN
    expected = [reading for line in lines for reading in [*read(line), None]][:-1]
    assert read(text) == expected


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from("了得地着还行长重都为和只要发干中调应数A1，。"),
                        max_size=12), min_size=2, max_size=6),
       st.sampled_from(["\n", "\r\n", "\t"]))
def test_any_lines_read_as_each_line_alone(lines: list[str], separator: str) -> None:
    """Whatever the lines (polyphones at their edges included), joining them reads each as
    alone."""
    def read(text: str) -> list[str | None]:
        return tongwen.pinyin(text, tone="numbers")

    expected: list[str | None] = []
    for k, line in enumerate(lines):
        expected += [*([None] * len(separator) if k else []), *read(line)]
    assert read(separator.join(lines)) == expected
