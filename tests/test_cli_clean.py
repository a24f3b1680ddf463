"""The `tongwen clean` and `tongwen detect` commands: stdout and OUTDIR modes, usage errors,
input errors, the progress bar, and detection lines per file and per record."""

from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path

import pytest
from conftest import shared_path
from test_corpus import make_documents, write_jsonl

import tongwen
import tongwen.cli
from tongwen.cli import clean as clean_command
from tongwen.cli import detect as detect_command
from tongwen.corpus import STATS_NAME


def _main(args: list[str]) -> int:
    """``tongwen.cli.main``, or, until the commands are registered there, the same parser
    with just these two commands."""
    if clean_command in tongwen.cli.COMMANDS and detect_command in tongwen.cli.COMMANDS:
        return tongwen.cli.main(args)
    parser = argparse.ArgumentParser(prog="tongwen")
    commands = parser.add_subparsers(dest="command")
    clean_command.add_parser(commands)
    detect_command.add_parser(commands)
    parsed = parser.parse_args(args)
    status: int = parsed.run(parsed)
    return status


def run_cli(args: list[str], monkeypatch: pytest.MonkeyPatch,
            data: bytes = b"") -> tuple[int, bytes, str]:
    """Run a command in-process with ``data`` on stdin; (status, stdout bytes, stderr)."""
    stdout, stderr = io.BytesIO(), io.StringIO()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(stdout, write_through=True))
    monkeypatch.setattr(sys, "stderr", stderr)
    status = _main(args)
    return status, stdout.getvalue(), stderr.getvalue()


def _polluted() -> str:
    text: str = next(r["text"] for r in make_documents(40, seed=2)
                     if tongwen.clean(r["text"]).changed)
    return text


# --- clean to stdout ---------------------------------------------------------------------


def test_seed_page_to_stdout(monkeypatch: pytest.MonkeyPatch) -> None:
    page = shared_path("examples/seed-page.txt")
    original = shared_path("examples/seed-page.original.txt").read_text("utf-8")
    status, out, err = run_cli(["clean", "--to", "s", str(page)], monkeypatch)
    assert (status, err) == (0, "")
    assert out.decode().rstrip("\n") == original.rstrip("\n")


def test_stdin_is_one_document(monkeypatch: pytest.MonkeyPatch) -> None:
    text = _polluted()
    status, out, _ = run_cli(["clean", "--to", "s"], monkeypatch, text.encode())
    assert (status, out.decode()) == (0, tongwen.clean(text, to="s").text)
    clean_text = "头发和发展\r\n（2005）年\n这个字读作“询(xún)”。"
    status, out, _ = run_cli(["clean", "--to", "s"], monkeypatch, clean_text.encode())
    assert (status, out) == (0, clean_text.encode())  # not polluted: exactly as it went in


def test_files_to_stdout_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(_polluted(), encoding="utf-8")
    b.write_bytes("頭髮\n".encode("big5"))
    status, out, _ = run_cli(["clean", str(a), "-"], monkeypatch, "你好".encode())
    assert (status, out.decode()) == (0, tongwen.clean(a.read_text("utf-8")).text + "你好")
    status, out, _ = run_cli(["clean", "--encoding", "big5", str(b)], monkeypatch)
    assert (status, out.decode()) == (0, "頭髮\n")


def test_usage_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.jsonl").write_text('{"text": "x"}\n', encoding="utf-8")
    for args in (["clean", str(tmp_path / "a.jsonl")], ["clean", str(tmp_path)],
                 ["clean", "--resume", "-"], ["clean", "-o", str(tmp_path / "out")]):
        status, out, err = run_cli(args, monkeypatch)
        assert (status, out) == (2, b""), args
        assert err.startswith("tongwen: error: ")


def test_input_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes("头发".encode() + b"\xff")
    status, _, err = run_cli(["clean", str(bad)], monkeypatch)
    assert status == 1 and "byte offset 6" in err
    status, out, _ = run_cli(["clean", "--errors", "replace", str(bad)], monkeypatch)
    assert (status, out.decode()) == (0, "头发\ufffd")
    status, _, err = run_cli(["clean", str(tmp_path / "missing.txt")], monkeypatch)
    assert status == 1 and "missing.txt: No such file or directory" in err


# --- clean a corpus ----------------------------------------------------------------------


def test_outdir_jsonl_text_and_stats(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    records = make_documents(40)
    write_jsonl(tmp_path / "in.jsonl", records)
    (tmp_path / "page.txt").write_text(_polluted(), encoding="gb18030")
    out = tmp_path / "out"
    status, stdout, err = run_cli(
        ["clean", str(tmp_path / "in.jsonl"), str(tmp_path / "page.txt"), "-o", str(out),
         "--to", "s", "--encoding", "gb18030", "--batch-size", "7"], monkeypatch)
    assert (status, stdout, err) == (0, b"", "")  # stderr is no terminal: no progress bar
    cleaned = [json.loads(line) for line in (out / "in.jsonl").read_text("utf-8").splitlines()]
    assert cleaned == [{**r, "text": tongwen.clean(r["text"], to="s").text} for r in records]
    page = (tmp_path / "page.txt").read_text("gb18030")
    assert (out / "page.txt").read_text("utf-8") == tongwen.clean(page, to="s").text
    stats = [json.loads(line) for line in (out / STATS_NAME).read_text("utf-8").splitlines()]
    assert [s.get("index") for s in stats] == [*range(40), None]
    assert stats[-1]["source"] == str(tmp_path / "page.txt") and stats[-1]["changed"]


def test_progress_bar_when_forced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("tqdm")
    write_jsonl(tmp_path / "in.jsonl", make_documents(30))
    args = ["clean", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "out")]
    status, _, err = run_cli([*args, "--progress"], monkeypatch)
    assert status == 0
    assert "30/30" in err and "doc" in err and "100%" in err
    assert "tongwen clean: 30 documents" in err
    status, _, err = run_cli([*args, "--no-progress"], monkeypatch)
    assert (status, err) == (0, "")


def test_outdir_bad_record(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "in.jsonl").write_text('{"text": "a"}\n\n[1]\n', encoding="utf-8")
    status, _, err = run_cli(["clean", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "o")],
                             monkeypatch)
    assert status == 1
    assert err == (f"tongwen: error: {tmp_path / 'in.jsonl'}, line 3: "
                   "a JSON Lines record must be an object\n")
    assert not (tmp_path / "o" / "in.jsonl").exists()


def test_help(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    for command in ("clean", "detect"):
        with pytest.raises(SystemExit) as exit_info:
            _main([command, "--help"])
        assert exit_info.value.code == 0
        assert "--field" in capsys.readouterr().out


# --- detect ------------------------------------------------------------------------------


def test_detect_per_file_and_per_record(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    records = make_documents(12, seed=4)
    write_jsonl(tmp_path / "a.jsonl", [{"body": r["text"]} for r in records[:6]])
    pq.write_table(pa.table({"body": [r["text"] for r in records[6:]]}), tmp_path / "b.parquet")
    (tmp_path / "c.txt").write_text(records[0]["text"], encoding="utf-8")
    status, out, err = run_cli(["detect", "--field", "body", str(tmp_path)], monkeypatch)
    assert (status, err) == (0, "")
    lines = [json.loads(line) for line in out.decode().splitlines()]
    expected = [{"source": str(tmp_path / "a.jsonl"), "index": i, **tongwen.detect(r["text"])
                 .as_dict()} for i, r in enumerate(records[:6])]
    expected += [{"source": str(tmp_path / "b.parquet"), "index": i,
                  **tongwen.detect(r["text"]).as_dict()} for i, r in enumerate(records[6:])]
    expected += [{"source": str(tmp_path / "c.txt"), **tongwen.detect(records[0]["text"])
                  .as_dict()}]
    assert lines == expected
    status, out, _ = run_cli(["detect"], monkeypatch, records[1]["text"].encode())
    assert json.loads(out) == {"source": "<stdin>", **tongwen.detect(records[1]["text"]).as_dict()}
