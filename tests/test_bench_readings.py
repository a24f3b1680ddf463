"""The readings benchmarks' own logic (tools/bench/readings_*.py): no peer needed, fast."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "tools" / "bench"
SHARED = ROOT.parent / "shared"
SCORER = SHARED / "tools" / "score_readings.py"
M = "\u2581"


if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))  # the area scripts import their neighbours
import benchlib  # noqa: E402
import readings_accuracy as acc  # noqa: E402
import readings_speed as speed  # noqa: E402
from test_bench_scoring import META  # noqa: E402


def _scorer() -> ModuleType:
    if not SCORER.is_file():
        pytest.skip("needs ../shared/tools/score_readings.py")
    return benchlib.load_readings_scorer(benchlib.shared_dir(ROOT))


# --- registration -------------------------------------------------------------------------


def test_areas_are_registered_and_ordered() -> None:
    assert "readings_accuracy.py" in benchlib.AREA_SCRIPTS
    assert "readings_speed.py" in benchlib.AREA_SCRIPTS
    for script in ("readings_accuracy.py", "readings_speed.py"):
        assert (BENCH / script).is_file()
    order = benchlib.order_fragments(
        ["zeta", acc.FRAGMENT, speed.FRAGMENT, "conversion-speed", "conversion-accuracy"]
    )
    assert order == [
        "conversion-accuracy",
        "conversion-speed",
        "readings-accuracy",
        "readings-speed",
        "zeta",
    ]


# --- g2pL -> CPP format -------------------------------------------------------------------

G2PL = [
    {"text": "银行行长", "pinyin": [None, "hang2", None, None], "target": 1},
    {"text": "他长大了。", "pinyin": [None, "zhang3", None, None, None], "target": 1},
    {"text": "了", "pinyin": ["le5"], "target": 0},
]


def test_g2pl_records_become_cpp_lines() -> None:
    sent, lb = acc.g2pl_to_cpp(G2PL)
    assert sent == [f"银{M}行{M}行长", f"他{M}长{M}大了。", f"{M}了{M}"]
    assert lb == ["hang2", "zhang3", "le5"]


@pytest.mark.parametrize(
    "record",
    [
        {"text": "银行", "pinyin": [None, "hang2", None], "target": 1},  # labels ≠ characters
        {"text": "银行", "pinyin": [None, None], "target": 1},  # no label at the target
        {"text": "银行", "pinyin": [None, "hang2"], "target": 2},  # target outside
        {"text": f"银{M}", "pinyin": [None, "x1"], "target": 0},  # a marker in the text
        {"text": "银\n行", "pinyin": [None, None, "hang2"], "target": 2},  # a line break
        {"text": "银行", "pinyin": [None, "hang 2"], "target": 1},  # two words as a label
    ],
)
def test_g2pl_conversion_rejects_what_the_scorer_would_misread(record: dict[str, object]) -> None:
    with pytest.raises(benchlib.BenchError):
        acc.g2pl_to_cpp([record])


def test_converted_g2pl_reads_back_through_the_scorer(tmp_path: Path) -> None:
    scorer = _scorer()
    src = tmp_path / "dev.jsonl"
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in G2PL), "utf-8")
    sent, lb = acc.write_g2pl_as_cpp(src, tmp_path / "out", "g2pl_dev")
    assert [t for t in scorer.targets(str(sent))] == [(r["text"], r["target"]) for r in G2PL]
    # A perfect prediction scores 100%, one wrong reading is counted as such.
    readings = [
        [None, "háng", None, None],
        [None, "chang2", None, None, None],
        ["le"],
    ]
    pred = tmp_path / "pred.jsonl"
    pred.write_text(
        "".join(acc.tokens_line(r["text"], x) + "\n" for r, x in zip(G2PL, readings, strict=True)),
        "utf-8",
    )
    s = scorer.score(str(sent), str(lb), str(pred))
    assert (s["cases"], s["misaligned"], s["top_errors"]) == (3, 0, [("长 zhang3->chang2", 1)])
    assert s["accuracy"] == pytest.approx(2 / 3)
    cases = acc.per_case(scorer, sent, lb, acc.read_preds(pred))
    assert [ok for ok, _ in cases] == [True, False, True]


def test_the_real_g2pl_dev_split_converts() -> None:
    path = SHARED / "data" / "readings" / "g2pl" / "dev.jsonl"
    if not path.is_file():
        pytest.skip("needs ../shared/data/readings/g2pl/dev.jsonl")
    with path.open(encoding="utf-8") as f:
        records = [json.loads(next(f)) for _ in range(50)]
    sent, lb = acc.g2pl_to_cpp(records)
    for line, label, r in zip(sent, lb, records, strict=True):
        assert line.count(M) == 2
        assert line.replace(M, "") == r["text"]
        assert line[line.index(M) + 1] == r["text"][r["target"]]
        assert label == r["pinyin"][r["target"]]


# --- alignment ------------------------------------------------------------------------------


def test_pypinyin_chunks_spread_to_one_reading_per_character() -> None:
    text = "1990年9月，A股行情。"
    # What pypinyin.pinyin(text) gives with its defaults: non-Han runs are one item.
    items = [["1990"], ["nián"], ["9"], ["yuè"], ["，A"], ["gǔ"], ["háng"], ["qíng"], ["。"]]
    out = acc.align_chunks(text, items)
    assert len(out) == len(text)
    assert out == [None] * 4 + ["nián", None, "yuè", None, None, "gǔ", "háng", "qíng", None]


def test_pypinyin_alignment_handles_latin_that_looks_like_pinyin() -> None:
    # "ma" in the text is echoed as a run; the Han 吗 after it is read "ma".
    assert acc.align_chunks("ma吗", [["ma"], ["ma"]]) == [None, None, "ma"]
    # A Han character without a reading is echoed too.
    assert acc.align_chunks("𠀀好", [["𠀀"], ["hǎo"]]) == [None, "hǎo"]


def test_pypinyin_alignment_that_does_not_cover_the_text_shows_as_misaligned() -> None:
    assert len(acc.align_chunks("你好", [["nǐ"]])) != 2
    assert len(acc.align_chunks("你好", [["nǐ"], ["hǎo"], ["a"]])) != 2


def test_g2pm_echoes_and_non_han_readings_are_blanked() -> None:
    text = "AB 20年行"
    items = ["a", "bi1", " ", "2", "0", "nian2", "hang2"]
    assert acc.blank_non_readings(text, items) == [None] * 5 + ["nian2", "hang2"]
    # A length mismatch is kept for the scorer to count.
    assert len(acc.blank_non_readings("行", ["hang2", "x"])) == 2


def test_tokens_line_is_the_scorers_format() -> None:
    line = json.loads(acc.tokens_line("A行", [None, "hang2"]))
    assert line == {
        "text": "A行",
        "tokens": [{"char": "A", "reading": None}, {"char": "行", "reading": "hang2"}],
    }


def test_pypinyin_really_aligns() -> None:
    pypinyin = pytest.importorskip("pypinyin")
    for text in ["1990年9月15日，在克里米亚发现了此天体。", "ABC 你好 12 行不行", "。。", "好"]:
        out = acc.align_chunks(text, pypinyin.pinyin(text))
        assert len(out) == len(text)
        assert [r is None for r in out] == [not acc.is_han(c) for c in text]


def test_han_predicate() -> None:
    assert acc.count_han("长大了，ABC〇𠀀１") == 5


# --- breakdowns and rendering ---------------------------------------------------------------


def test_by_source_and_head_to_head() -> None:
    a = [(True, "phrase"), (False, "model"), (None, None), (True, "model"), (True, None)]
    b = [(True, None), (True, None), (True, None), (False, None), (None, None)]
    assert acc.by_source(a) == [("model", 2, 1), ("phrase", 1, 1), ("(none)", 1, 1)]
    c = acc.head_to_head(a, b)
    assert (c["both"], c["a"], c["b"], c["neither"]) == (1, 2, 2, 0)


def test_accuracy_fragment_renders() -> None:
    systems = [
        acc.ReadingSystem("tongwen", "the CLI", lambda p, q: None),
        acc.ReadingSystem("pypinyin", "pinyin()", lambda p, q: None),
    ]
    score = {"cases": 3, "accuracy": 2 / 3, "misaligned": 1, "top_errors": [("长 zhang3->None", 1)]}
    detail = [(True, "phrase"), (True, "model"), (None, None)]
    text = acc.render(
        meta=META,
        command="python tools/bench/readings_accuracy.py",
        peer_versions={"pypinyin": "0.55.0", "g2pM": "not installed"},
        systems=systems,
        missing={"g2pM": "ModuleNotFoundError: no g2pM"},
        set_sizes={"cpp_dev": 3},
        scores={("cpp_dev", "tongwen"): score, ("cpp_dev", "pypinyin"): score},
        cases={("cpp_dev", "tongwen"): detail, ("cpp_dev", "pypinyin"): detail},
        elapsed=1.0,
    )
    assert text.startswith("## Readings accuracy")
    assert "| tongwen | CPP dev | 3 | 66.67% | 1 |" in text
    assert "| CPP dev | phrase | 1 | 50.00% | 100.00% |" in text
    assert "| 1 | 长 zhang3->None | 1 | 长 zhang3->None | 1 |" in text
    assert "g2pM (ModuleNotFoundError: no g2pM)" in text
    assert text.count("Command: `python tools/bench/readings_accuracy.py`") >= 3


def test_speed_fragment_renders() -> None:
    systems = [s for s in speed.SYSTEMS if s.name in ("tongwen", "pypinyin")]
    text = speed.render(
        meta=META,
        command="python tools/bench/readings_speed.py",
        cpu=0,
        peer_versions={"pypinyin": "0.55.0"},
        systems=systems,
        missing={},
        n_sentences=4,
        n_han=100,
        n_chars=120,
        inputs={"tongwen": 4, "pypinyin": 2},
        han_of={"tongwen": 100, "pypinyin": 50},
        per_sentence={"tongwen": [2.0, 1.0], "pypinyin": [1.0]},
        whole={"tongwen": [0.5], "pypinyin": [0.5]},
        misaligned={"tongwen": 0},
        one_string_differs=0,
        starts={"tongwen": (0.2, 0.01, 0.3), "pypinyin": (0.1, 0.001, 0.2)},
        bare=0.01,
        peaks={"tongwen": 250.4},
        runs=3,
        slow_s=8.0,
        budget_s=25.0,
        elapsed=1.0,
    )
    assert "| tongwen | 100 | 2.00× | 4 | 200 | 2.00× | 2 |" in text
    assert "| pypinyin | 50 | 1.00× |" in text
    assert "pypinyin (2 sentences)" in text
    assert "one entry per character for all 4 sentences" in text
    assert "The one string reads every sentence as its own call does." in text
    assert "| tongwen | 200 | 10.0 | 210 | 300 | 250 |" in text
    assert "| pypinyin | 100 | 1.0 | 101 | 200 | — |" in text


def test_one_string_differs_counts_sentences_read_otherwise_when_joined() -> None:
    sentences = ["长大", "银行", "长"]

    def alone(text: str) -> list[str]:
        return [c + "1" for c in text]

    def context(text: str) -> list[str]:  # the first character of a text reads otherwise
        return [c + ("2" if i == 0 else "1") for i, c in enumerate(text)]

    outs = [alone(s) for s in sentences]
    assert speed._one_string_differs(alone, sentences, outs) == 0
    assert speed._one_string_differs(context, sentences, outs) == 1
