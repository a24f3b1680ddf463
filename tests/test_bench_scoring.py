"""The benchmark harness's own logic (tools/bench): no peer converter needed, fast."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "tools" / "bench"
SHARED = ROOT.parent / "shared"
SCORER = SHARED / "tools" / "score_conversion.py"


if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))  # the area scripts import benchlib as their neighbour
import benchlib  # noqa: E402
import conversion_accuracy as accuracy  # noqa: E402
import conversion_speed as speed  # noqa: E402

# Run metadata for rendering tests (also used by tests/test_bench_readings.py).
META = {
    "date": "2001-02-03 04:05 UTC",
    "machine": "test machine, 7 CPU(s)",
    "python": "3.99.0",
    "git": "abc1234",
    "tongwen": "9.9.9",
    "opencc": "1.0",
    "opencc-pyo3": "2.0",
    "zhconv-rs": "3.0",
}


# --- assembling docs/benchmarks.md ---------------------------------------------------------


def test_fragments_follow_the_listed_order_then_the_rest_alphabetically() -> None:
    names = [
        "zeta",
        "readings-b",
        "service-load",
        "conversion-speed",
        "alpha",
        "repair-gbk",
        "readings-a",
        "conversion-accuracy",
    ]
    assert benchlib.order_fragments(names) == [
        "conversion-accuracy",
        "conversion-speed",
        "readings-a",
        "readings-b",
        "repair-gbk",
        "service-load",
        "alpha",
        "zeta",
    ]


def test_every_area_script_exists_and_is_listed_once() -> None:
    assert len(set(benchlib.AREA_SCRIPTS)) == len(benchlib.AREA_SCRIPTS)
    for script in benchlib.AREA_SCRIPTS:
        assert (BENCH / script).is_file(), script


def test_assemble_writes_the_header_then_the_fragments_in_order(tmp_path: Path) -> None:
    frags = tmp_path / "fragments"
    frags.mkdir()
    (frags / "zz-other.md").write_text("## Other\n\nlast one\n", encoding="utf-8")
    (frags / "b-second.md").write_text("## Second\n\ntable B\n", encoding="utf-8")
    (frags / "a-first.md").write_text("## First\n\n| x |\n|---|\n| 1 |\n", encoding="utf-8")
    (frags / "notes.txt").write_text("not a fragment", encoding="utf-8")
    out = tmp_path / "benchmarks.md"

    names = benchlib.assemble(
        frags, out, meta=META, runtimes=[("x.py", "ok", "12")], order=("a-*", "b-second")
    )

    assert names == ["a-first", "b-second", "zz-other"]
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Benchmarks\n")
    head = text[: text.index("## First")]
    assert "generated" in head.lower() and "make bench" in head
    for value in ("2001-02-03 04:05 UTC", "test machine, 7 CPU(s)", "3.99.0", "abc1234"):
        assert value in head
    assert "opencc 1.0" in head and "zhconv-rs 3.0" in head
    assert "| x.py | ok | 12 |" in head
    assert text.index("## First") < text.index("## Second") < text.index("## Other")
    assert "| x |\n|---|\n| 1 |\n" in text
    assert "not a fragment" not in text


def test_assemble_without_fragments_says_how_to_make_them(tmp_path: Path) -> None:
    out = tmp_path / "benchmarks.md"
    assert benchlib.assemble(tmp_path, out, meta=META) == []
    assert "`make bench`" in out.read_text(encoding="utf-8").split("\n")[-2]


def test_md_table_escapes_pipes_and_aligns() -> None:
    table = benchlib.md_table(["a", "b"], [["x|y", 1]], "lr")
    assert table.split("\n") == ["| a | b |", "|---|---:|", "| x\\|y | 1 |"]


# --- helpers -------------------------------------------------------------------------------


def test_convert_lines_makes_one_call_and_keeps_lines() -> None:
    calls: list[str] = []

    def upper(text: str) -> str:
        calls.append(text)
        return text.upper()

    assert benchlib.convert_lines(upper, ["ab", "", "c"]) == ["AB", "", "C"]
    assert calls == ["ab\n\nc"]
    with pytest.raises(benchlib.BenchError):
        benchlib.convert_lines(lambda text: text.replace("\n", ""), ["ab", "c"])


def test_count_differing_lines() -> None:
    assert benchlib.count_differing_lines("a\nb\nc", "a\nb\nc") == 0
    assert benchlib.count_differing_lines("a\nX\nc", "a\nb\nc") == 1
    assert benchlib.count_differing_lines("a\nb", "a\nb\nc\nd") == 2


def test_require_shared_exits_with_a_message_when_absent(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    with pytest.raises(SystemExit, match="shared"):
        benchlib.require_shared(repo)


def test_build_input_repeats_whole_lines_to_the_target_size() -> None:
    base = "头发\n干部"  # 13 bytes with the added newline
    text, reps = speed.build_input(base, 100)
    assert text == "头发\n干部\n" * reps
    assert len(text.encode("utf-8")) >= 100
    assert len(("头发\n干部\n" * (reps - 1)).encode("utf-8")) < 100


def test_rotated_puts_each_system_first_once() -> None:
    items = ["a", "b", "c"]
    firsts = [benchlib.rotated(items, r)[0] for r in range(3)]
    assert sorted(firsts) == items
    assert all(sorted(benchlib.rotated(items, r)) == items for r in range(5))


def test_head_to_head_credits_the_system_that_matches_the_reference() -> None:
    canon = {"裏": "裡"}.get
    ref = ["頭髮在家裡", "一樣", "隻"]
    tongwen = ["頭髮在家裏", "一樣", "只"]
    opencc = ["頭發在家裡", "一樣", "祇"]
    duel = accuracy.head_to_head(ref, tongwen, opencc, lambda s: canon(s, s))
    counts = duel["counts"]
    assert counts["lines"] == 2
    assert counts["a"] == 1  # 髮: tongwen right
    assert counts["variants"] == 1  # 裏 vs 裡: both right up to variants
    assert counts["neither"] == 1  # 只 vs 祇 where 隻 was meant
    assert counts.get("b", 0) == 0
    assert [ex["line"] for ex in duel["examples"]["a"]] == [1]
    assert [ex["line"] for ex in duel["examples"]["neither"]] == [3]


def test_window_marks_the_differing_characters() -> None:
    assert accuracy.window("頭髮很長", [1]) == "頭**髮**很長"
    assert accuracy.window("一二三四五六七八九十", [8], pad=2) == "…七八**九**十"


# --- agreement with ../shared/tools/score_conversion.py -------------------------------------

REF = ["頭髮很長", "他在家裡", "只有一隻"]
SRC = ["头发很长", "他在家里", "只有一只"]
HYP = ["頭發很長", "他在家裏", "只有一只"]


@pytest.fixture
def scorer() -> ModuleType:
    if not SCORER.is_file():
        pytest.skip("../shared is absent: the scorer lives there")
    module: ModuleType = benchlib.load_scorer(benchlib.shared_dir(ROOT))
    return module


def test_loaded_scorer_agrees_with_the_score_conversion_command(
    scorer: ModuleType, tmp_path: Path
) -> None:
    paths = []
    for name, lines in (("ref", REF), ("src", SRC), ("hyp", HYP)):
        path = tmp_path / f"{name}.txt"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
    # The harness reads files with the scorer's own read_lines, as the command does.
    ref, src, hyp = (scorer.read_lines(str(p)) for p in paths)
    assert (ref, src, hyp) == (REF, SRC, HYP)
    ours = scorer.score(ref, src, hyp)
    cli = subprocess.run(
        [sys.executable, str(SCORER), *map(str, paths), "--json"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    theirs = json.loads(cli.stdout)
    ours["top_confusions"] = [list(pair) for pair in ours["top_confusions"]]
    assert ours == theirs


def test_scorer_counts_the_hand_checked_example(scorer: ModuleType) -> None:
    result = scorer.score(REF, SRC, HYP)
    # 12 Han characters; wrong strictly: 髮, 裡 (裏 is its variant), 隻; leniently 髮 and 隻.
    assert result["han"] == 12
    assert result["han_strict"] == pytest.approx(9 / 12)
    assert result["han_lenient"] == pytest.approx(10 / 12)
    # One-to-many sources (STCharacters): 发 (發 髮), 家 (家 傢), 里 (裏 里 哩), 只 twice.
    # Right strictly: 家, the first 只; leniently also 里 (裏 for 裡).
    assert result["o2m"] == 5
    assert result["o2m_strict"] == pytest.approx(2 / 5)
    assert result["o2m_lenient"] == pytest.approx(3 / 5)
    assert result["o2m_errors"] == 2
    assert sorted(result["top_confusions"]) == [("发: 髮->發", 1), ("只: 隻->只", 1)]


def test_case_reasons_explain_each_listed_difference(tmp_path: Path) -> None:
    reasons = accuracy.case_reasons()
    assert "medical_phrases_tw_ultrasound_s2twp" in reasons
    assert all(why.strip() for why in reasons.values())
    listed = tmp_path / "differences.tsv"
    listed.write_text("# comment\nsome_case\tcontext\tbecause\nbad line\n", encoding="utf-8")
    assert accuracy.case_reasons(listed) == {"some_case": "because"}


def test_arbitrate_counts_which_spelling_the_corpus_backs(scorer: ModuleType) -> None:
    # Errors: 頭發 for 頭髮 (the corpus writes 頭發 twice, 頭髮 once: tongwen's side) and 一只
    # for 一隻 (the corpus has 一隻 only: the reference's side); 裏 for 裡 is a variant.
    found = accuracy.arbitrate(REF, SRC, HYP, scorer, "頭發，頭發，頭髮，一隻")
    assert found["counts"] == {"output": 1, "reference": 1}
    assert found["top"] == [("頭發", 2, "頭髮", 1, 1)]
    line = accuracy.arbitration_line(found, "s2tw")
    assert "**1** are inside words" in line and "頭發 2 : 頭髮 1 (1 error)" in line
    # A word the corpus lacks on both sides is "neither"; an error at a lone character, "single".
    assert accuracy.arbitrate(REF, SRC, HYP, scorer, "")["counts"] == {"neither": 2}
    alone = accuracy.arbitrate(["髮"], ["发"], ["發"], scorer, "")
    assert alone["counts"] == {"single": 1}
