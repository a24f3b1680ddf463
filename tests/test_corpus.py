"""Corpus scale (tongwen.corpus): inputs, JSON Lines splicing, round trips for JSON Lines,
Parquet and text folders, engines giving the same bytes (process pool, Ray Data), resume after a
real SIGKILL, atomic outputs, the Ray adapter and the datatrove step."""

from __future__ import annotations

import functools
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import tongwen
from tongwen.corpus import Settings, clean_corpus, expand_inputs
from tongwen.corpus.inputs import iter_record_batches
from tongwen.corpus.runner import CRASH_ENV, STATS_NAME, WORK_NAME
from tongwen.corpus.worker import splice_field
from tongwen.errors import InputError

SENTENCES = (
    "辽宁省党政代表团在安徽考察。",
    "两省深入学习贯彻总书记关于中国式现代化和高质量发展的重要论述精神。",
    "深入互学互鉴，深化交流合作，携手谱写合作新篇章。",
    "会议强调，要坚持稳中求进工作总基调，完整准确全面贯彻新发展理念。",
    "各自发挥优势，推动产业链供应链深度融合，共同培育新的经济增长点。",
    "他说这个问题很复杂，需要进一步调查研究后再作决定。",
    "图书馆里的书很多，学生们每天都来这里读书写字。",
    "长江经济带发展领导小组办公室发布了最新的规划。",
    "我们要爱护环境，节约资源，为子孙后代留下蓝天绿水。",
    "这家工厂的产品质量一直很好，销量连续三年增长。",
    "（2005）年的报告显示，城市人口首次超过农村人口。",
    "这个字读作“询(xún)”，意思是询问。",
)

#: Characters the "site" annotates, as the polluter writes them (traditional forms).
SITE = ("團", "學", "習", "書", "關", "國", "現", "質", "發", "寫", "長", "領", "導", "愛", "產",
        "調", "讀", "會", "經", "濟", "環", "節")


def _pollute(text: str, rng: random.Random) -> str:
    """A polluted page made of ``text``: the project's generator when it is there, else the
    same by string operations (character conversion, readings pasted after site characters)."""
    site = list(SITE[: rng.randint(8, len(SITE))])
    try:
        from tongwen.repair.generate import pollute
    except ImportError:
        converted = tongwen.convert(text, to="t")
        return "".join(f"{c}({tongwen.pinyin(c)[0]})" if c in site else c for c in converted)
    return pollute(text, site_chars=site)


def make_documents(count: int, seed: int = 7) -> list[dict[str, Any]]:
    """``count`` records (id, text, meta), about half of them polluted, deterministically."""
    rng = random.Random(seed)
    records = []
    for number in range(count):
        text = "".join(rng.choice(SENTENCES) for _ in range(rng.randint(2, 8)))
        if rng.random() < 0.5:
            text = _pollute(text, rng)
        records.append({"id": number, "text": text,
                        "meta": {"url": f"https://example.com/{number}", "rank": rng.random()}})
    return records


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def tree(root: Path) -> dict[str, bytes]:
    """Every file below ``root`` (hidden ones included), by relative path, with its bytes."""
    return {str(path.relative_to(root)): path.read_bytes()
            for path in sorted(root.rglob("*")) if path.is_file()}


def stats_lines(outdir: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (outdir / STATS_NAME).read_text("utf-8").splitlines()]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with two JSON Lines files (one with blank lines and CRLF), a Parquet file and
    a nested folder of text files: 330 documents."""
    root = tmp_path_factory.mktemp("corpus")
    records = make_documents(300)
    write_jsonl(root / "a.jsonl", records[:150])
    lines = [json.dumps(r, ensure_ascii=False) for r in records[150:240]]
    lines.insert(10, "")
    (root / "b.jsonl").write_bytes(("\r\n".join(lines) + "\r\n\n").encode())
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    rows = records[240:300]
    table = pa.table({"id": [r["id"] for r in rows], "text": [r["text"] for r in rows],
                      "url": [r["meta"]["url"] for r in rows]})
    pq.write_table(table, root / "c.parquet")
    for number, record in enumerate(make_documents(30, seed=11)):
        folder = root / "pages" / f"site{number % 3}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"page{number:02d}.txt").write_text(record["text"] + "\n", encoding="utf-8")
    return root


# --- inputs and splicing -----------------------------------------------------------------


def test_expand_inputs_sorts_recursively_and_names_outputs(tmp_path: Path) -> None:
    for name in ("b/z.txt", "b/a.jsonl", "a.parquet", "b/c/d.txt", ".hidden", "b/.x/y.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    single = tmp_path / "b" / "z.txt"
    files = expand_inputs([str(tmp_path), str(single)])
    assert [f.rel for f in files] == ["a.parquet", "b/a.jsonl", "b/c/d.txt", "b/z.txt", "z.txt"]
    assert [f.kind for f in files] == ["parquet", "jsonl", "text", "text", "text"]
    assert files[1].source == os.path.join(str(tmp_path), "b/a.jsonl")
    with pytest.raises(FileNotFoundError):
        expand_inputs([str(tmp_path / "missing")])


def test_record_batches_keep_every_line() -> None:
    lines = [b"\n", b'{"a":1}\n', b"\n", b'{"a":2}\n', b'{"a":3}\n', b"  \n", b'{"a":4}']
    batches = list(iter_record_batches(lines, 2))
    assert [line for batch in batches for line in batch] == lines
    assert batches == [lines[:4], lines[4:7]]
    assert list(iter_record_batches([], 2)) == []


def test_splice_field_changes_only_the_field() -> None:
    line = '{"id": 1,  "text" :"團(tuán)結", "meta": {"text": "x"}, "n": 1.50}'
    assert splice_field(line, "text", "團結") == (
        '{"id": 1,  "text" :"團結", "meta": {"text": "x"}, "n": 1.50}')
    escaped = json.dumps({"text": "團(tuán)", "z": 1})
    assert splice_field(escaped, "text", "團") == '{"text": "\\u5718", "z": 1}'
    duplicated = '{"text": "a", "text": "b"}'  # json.loads reads the last one
    assert splice_field(duplicated, "text", "c") == '{"text": "a", "text": "c"}'
    with pytest.raises(ValueError):
        splice_field('{"id": 1}', "text", "x")


# --- round trips -------------------------------------------------------------------------


def test_round_trip_keeps_names_order_fields_and_bytes(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    summary = clean_corpus([str(corpus)], out, settings=Settings(batch_size=32))
    assert sorted(tree(out)) == sorted([STATS_NAME, "a.jsonl", "b.jsonl", "c.parquet"]
                                       + [f"pages/site{n % 3}/page{n:02d}.txt" for n in range(30)])
    assert summary.documents == summary.processed == 330 and summary.resumed == 0
    # JSON Lines: unchanged lines byte for byte, changed ones only in their text.
    for name in ("a.jsonl", "b.jsonl"):
        before = (corpus / name).read_bytes().split(b"\n")
        after = (out / name).read_bytes().split(b"\n")
        assert len(before) == len(after)
        for old, new in zip(before, after, strict=True):
            if not old.strip():
                assert new == old
                continue
            record, cleaned = json.loads(old), json.loads(new)
            assert cleaned == {**record, "text": tongwen.clean(record["text"]).text}
            if cleaned == record:
                assert new == old
            assert new.endswith(b"\r") == old.endswith(b"\r")
    # Parquet: the same schema and rows, the text column cleaned.
    import pyarrow.parquet as pq

    source, result = pq.read_table(corpus / "c.parquet"), pq.read_table(out / "c.parquet")
    assert result.schema == source.schema
    assert result.column("id").to_pylist() == source.column("id").to_pylist()
    assert result.column("url").to_pylist() == source.column("url").to_pylist()
    assert result.column("text").to_pylist() == [
        tongwen.clean(text).text for text in source.column("text").to_pylist()]
    # Text files: the cleaned text, at the same relative path.
    for path in sorted((corpus / "pages").rglob("*.txt")):
        text = path.read_text("utf-8")
        assert (out / path.relative_to(corpus)).read_text("utf-8") == tongwen.clean(text).text
    assert not (out / WORK_NAME).exists()


def test_stats_one_line_per_document_in_order(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    clean_corpus([str(corpus)], out, settings=Settings(to="s", batch_size=50))
    lines = stats_lines(out)
    assert len(lines) == 330
    keys = [(Path(line["source"]).name, line.get("index")) for line in lines]
    expected = ([("a.jsonl", i) for i in range(150)] + [("b.jsonl", i) for i in range(90)]
                + [("c.parquet", i) for i in range(60)])
    assert keys[:300] == expected
    assert all(index is None for _, index in keys[300:])
    first = json.loads((corpus / "a.jsonl").read_text("utf-8").splitlines()[0])["text"]
    cleaned = tongwen.clean(first, to="s")
    assert lines[0] == {"source": os.path.join(str(corpus), "a.jsonl"), "index": 0,
                        "changed": cleaned.changed, "stripped": cleaned.stripped,
                        "repaired": cleaned.repaired, "converted": cleaned.converted,
                        "detection": cleaned.detection.as_dict()}
    assert sum(line["changed"] for line in lines) > 100  # the polluted half


def test_process_pool_gives_the_same_bytes(corpus: Path, tmp_path: Path) -> None:
    settings = Settings(batch_size=16)
    clean_corpus([str(corpus)], tmp_path / "one", settings=settings)
    clean_corpus([str(corpus)], tmp_path / "two", settings=settings, workers=2)
    assert tree(tmp_path / "one") == tree(tmp_path / "two")


def test_bad_input_names_source_and_line(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "x.jsonl").write_text('{"text": "a"}\n{"text": 3}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"x\.jsonl, line 2: a int, not a string, in field"):
        clean_corpus([str(tmp_path / "in")], tmp_path / "out")
    with pytest.raises(InputError, match="inside the input folder"):
        clean_corpus([str(tmp_path / "in")], tmp_path / "in" / "out")


# --- resume after a real crash -----------------------------------------------------------


#: `tongwen clean` in a process of its own (whether or not tongwen.cli registers it yet).
CLEAN_CLI = [sys.executable, "-c",
             "import argparse, sys\n"
             "from tongwen.cli import clean\n"
             "if __name__ == '__main__':\n"
             "    parser = argparse.ArgumentParser(prog='tongwen')\n"
             "    clean.add_parser(parser.add_subparsers())\n"
             "    args = parser.parse_args(sys.argv[1:])\n"
             "    sys.exit(args.run(args))\n",
             "clean"]


def _run_cli(args: list[str], env: dict[str, str] | None = None,
             check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([*CLEAN_CLI, *args], capture_output=True, text=True,
                            env={**os.environ, **(env or {})}, timeout=120)
    if check:
        assert result.returncode == 0, result.stderr
    return result


@pytest.mark.parametrize("workers", [1, 2])
def test_kill_midway_then_resume_is_byte_identical(corpus: Path, tmp_path: Path,
                                                    workers: int) -> None:
    args = [str(corpus), "--batch-size", "20", "--workers", str(workers)]
    _run_cli([*args, "-o", str(tmp_path / "whole")])
    crashed = tmp_path / "crashed"
    killed = _run_cli([*args, "-o", str(crashed)], {CRASH_ENV: "docs:170"}, check=False)
    assert killed.returncode == -signal.SIGKILL
    assert not (crashed / STATS_NAME).exists()
    finished = sum(len(p.read_bytes().splitlines())
                   for p in (crashed / WORK_NAME / "parts").glob("*.stats"))
    assert 170 <= finished < 330
    assert (crashed / "a.jsonl").exists() and not (crashed / "c.parquet").exists()
    summary = clean_corpus([str(corpus)], crashed, settings=Settings(batch_size=20),
                           workers=workers, resume=True)
    assert (summary.resumed, summary.processed) == (finished, 330 - finished)  # none twice
    assert tree(crashed) == tree(tmp_path / "whole")


def test_crash_while_writing_leaves_no_partial_output(corpus: Path, tmp_path: Path) -> None:
    args = [str(corpus / "a.jsonl"), str(corpus / "c.parquet"), "--batch-size", "20"]
    _run_cli([*args, "-o", str(tmp_path / "whole")])
    crashed = tmp_path / "crashed"
    killed = _run_cli([*args, "-o", str(crashed)], {CRASH_ENV: "assemble:1"}, check=False)
    assert killed.returncode == -signal.SIGKILL
    assert sorted(p.name for p in crashed.iterdir()) == [WORK_NAME]  # no half-written a.jsonl
    assert list((crashed / WORK_NAME / "tmp").iterdir())  # the temporary file it was writing
    _run_cli([*args, "-o", str(crashed), "--resume"])
    assert tree(crashed) == tree(tmp_path / "whole")
    # The parquet file is crashed while being assembled too, after a.jsonl is in place.
    again = tmp_path / "again"
    _run_cli([*args, "-o", str(again)], {CRASH_ENV: "assemble:2"}, check=False)
    assert sorted(p.name for p in again.iterdir()) == [WORK_NAME, "a.jsonl"]
    assert (again / "a.jsonl").read_bytes() == (tmp_path / "whole" / "a.jsonl").read_bytes()
    summary = clean_corpus([str(corpus / "a.jsonl"), str(corpus / "c.parquet")], again,
                           settings=Settings(batch_size=20), resume=True)
    assert summary.processed == 0 and summary.resumed == 210
    assert tree(again) == tree(tmp_path / "whole")


def test_external_sigkill_then_resume(corpus: Path, tmp_path: Path) -> None:
    """A kill from outside, at whatever point the run has reached."""
    args = [str(corpus), "--batch-size", "5"]
    _run_cli([*args, "-o", str(tmp_path / "whole")])
    crashed = tmp_path / "crashed"
    process = subprocess.Popen([*CLEAN_CLI, *args, "-o", str(crashed)])
    parts = crashed / WORK_NAME / "parts"
    try:
        deadline = time.monotonic() + 60
        while process.poll() is None and time.monotonic() < deadline:
            if parts.exists() and len(list(parts.iterdir())) > 8:
                break
            time.sleep(0.005)
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL  # killed before it could finish
    assert not (crashed / STATS_NAME).exists()
    _run_cli([*args, "-o", str(crashed), "--resume"])
    assert tree(crashed) == tree(tmp_path / "whole")


def test_resume_refuses_other_settings(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _run_cli([str(corpus / "a.jsonl"), "-o", str(out)], {CRASH_ENV: "docs:1"}, check=False)
    assert (out / WORK_NAME).exists()
    with pytest.raises(InputError, match="differ"):
        clean_corpus([str(corpus / "a.jsonl")], out, settings=Settings(to="s"), resume=True)
    clean_corpus([str(corpus / "a.jsonl")], out, settings=Settings(to="s"))  # starts afresh
    assert len(stats_lines(out)) == 150


# --- Ray ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def local_ray() -> Iterator[Any]:
    """A local Ray with 2 CPUs for this module's Ray tests."""
    ray = pytest.importorskip("ray")
    pytest.importorskip("ray.data")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
             logging_level="ERROR")
    try:
        yield ray
    finally:
        ray.shutdown()


RAY_OWN_WARNINGS = "ignore:.*deprecated.*:DeprecationWarning"  # from inside Ray Data


@pytest.mark.filterwarnings(RAY_OWN_WARNINGS)
def test_ray_engine_gives_the_local_bytes(corpus: Path, tmp_path: Path, local_ray: Any) -> None:
    settings = Settings(to="s", batch_size=25)
    clean_corpus([str(corpus)], tmp_path / "local", settings=settings)  # no fork beside Ray
    summary = clean_corpus([str(corpus)], tmp_path / "ray", settings=settings, engine="ray",
                           workers=2)
    assert summary.processed == 330
    assert tree(tmp_path / "ray") == tree(tmp_path / "local")
    assert local_ray.is_initialized()  # it used the running Ray and left it running


@pytest.mark.filterwarnings(RAY_OWN_WARNINGS)
def test_clean_batch_adapter_in_map_batches(local_ray: Any) -> None:
    import ray.data

    from tongwen.corpus.ray import ADDED_COLUMNS, clean_batch

    records = [{"id": r["id"], "text": r["text"]} for r in make_documents(60, seed=3)]
    dataset = ray.data.from_items(records).map_batches(
        functools.partial(clean_batch, field="text", to="s"), batch_size=16)
    rows = sorted(dataset.take_all(), key=lambda row: int(row["id"]))
    assert [row["text"] for row in rows] == [tongwen.clean(r["text"], to="s").text
                                             for r in records]
    assert set(ADDED_COLUMNS) <= set(rows[0])
    assert [bool(row["tongwen_changed"]) for row in rows] == [
        tongwen.clean(r["text"], to="s").changed for r in records]


def test_clean_batch_without_ray() -> None:
    pytest.importorskip("numpy")
    from tongwen.corpus.ray import clean_batch

    polluted = _pollute("两省深入学习贯彻总书记关于中国式现代化和高质量发展的重要论述精神。" * 3,
                        random.Random(1))
    batch = clean_batch({"text": [polluted, "你好"], "id": [1, 2]}, to="s")
    assert list(batch["text"]) == [tongwen.clean(polluted, to="s").text, "你好"]
    assert batch["id"] == [1, 2]
    with pytest.raises(TypeError):
        clean_batch({"text": [None]})


# --- datatrove ---------------------------------------------------------------------------


def test_datatrove_step() -> None:
    pytest.importorskip("datatrove")
    from datatrove.data import Document

    from tongwen.corpus.datatrove import TongwenClean

    texts = [r["text"] for r in make_documents(20, seed=5)]
    step = TongwenClean(to="s")
    docs = list(step.run(iter(Document(text=t, id=str(n)) for n, t in enumerate(texts))))
    assert [d.text for d in docs] == [tongwen.clean(t, to="s").text for t in texts]
    assert docs[0].metadata["tongwen"]["detection"] == tongwen.detect(texts[0]).as_dict()
    dropping = TongwenClean(to="s", drop_unrepairable=True)
    kept = list(dropping.run(iter(Document(text=t, id=str(n)) for n, t in enumerate(texts))))
    assert all(not tongwen.detect(d.text).polluted for d in kept)
