"""The `tongwen convert` command: streams, encodings, bad bytes, HTML, lines kept, flat memory."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tongwen.cli.convert as cli_convert
from tongwen.cli import main
from tongwen.text import is_han


def run_cli(
    args: list[str], data: bytes, monkeypatch: pytest.MonkeyPatch
) -> tuple[int, bytes, str]:
    """Run the command in-process with ``data`` on stdin; (status, stdout bytes, stderr)."""
    stdout, stderr = io.BytesIO(), io.StringIO()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(stdout, write_through=True))
    monkeypatch.setattr(sys, "stderr", stderr)
    status = main(args)
    return status, stdout.getvalue(), stderr.getvalue()


def test_stdin_to_stdout(monkeypatch: pytest.MonkeyPatch) -> None:
    data = "头发和发展\r\n里面\n".encode()
    status, out, _ = run_cli(["convert", "--to", "tw"], data, monkeypatch)
    assert status == 0
    assert out.decode() == "頭髮和發展\r\n裡面\n"


def test_context_model_and_no_context(monkeypatch: pytest.MonkeyPatch) -> None:
    """Context chooses 製 in 台湾制的; --no-context takes the first form, as OpenCC does."""
    data = "这是台湾制的产品\n".encode()
    _, out, _ = run_cli(["convert", "--to", "tw"], data, monkeypatch)
    assert out.decode() == "這是臺灣製的產品\n"
    _, out, _ = run_cli(["convert", "--to", "tw", "--no-context"], data, monkeypatch)
    assert out.decode() == "這是臺灣制的產品\n"


def test_files_and_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("頭髮\n", encoding="utf-8")
    b.write_text("發展", encoding="utf-8")
    status, out, _ = run_cli(["convert", "--to", "s", "--from", "tw", str(a), str(b)], b"",
                             monkeypatch)
    assert (status, out.decode()) == (0, "头发\n发展")


def test_invalid_bytes_name_the_offset(monkeypatch: pytest.MonkeyPatch) -> None:
    data = "头发".encode() + b"\xff" + b"x"
    status, out, err = run_cli(["convert", "--to", "tw"], data, monkeypatch)
    assert status == 1
    assert "byte offset 6" in err and "--errors replace" in err
    status, out, err = run_cli(["convert", "--to", "tw", "--errors", "replace"], data, monkeypatch)
    assert (status, out.decode()) == (0, "頭髮\ufffdx")


@pytest.mark.parametrize("encoding", ["gb18030", "big5"])
def test_input_encodings(encoding: str, monkeypatch: pytest.MonkeyPatch) -> None:
    text = "頭髮和發展\n" if encoding == "big5" else "头发和发展\n"
    status, out, _ = run_cli(["convert", "--to", "tw", "--encoding", encoding],
                             text.encode(encoding), monkeypatch)
    assert (status, out.decode()) == (0, "頭髮和發展\n")


def test_output_encoding_error_is_clear(monkeypatch: pytest.MonkeyPatch) -> None:
    status, _, err = run_cli(["convert", "--to", "s", "--output-encoding", "big5"],
                             "头发".encode(), monkeypatch)
    assert status == 1 and "U+5934" in err and "big5" in err


def test_html_leaves_markup_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    page = (
        '<!-- 头发 --><p title="头发" data-x=\'发展\'>头发\n和<b>发展</b></p>\n'
        '<script>\nvar s = "头发";\n</script><style>.头发{}</style>里面\n'
    )
    status, out, _ = run_cli(["convert", "--to", "tw", "--html"], page.encode(), monkeypatch)
    assert status == 0
    assert out.decode() == (
        '<!-- 头发 --><p title="头发" data-x=\'发展\'>頭髮\n和<b>發展</b></p>\n'
        '<script>\nvar s = "头发";\n</script><style>.头发{}</style>裡面\n'
    )


def test_user_dictionary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    names = tmp_path / "names.tsv"
    names.write_text("余秋雨\t余秋雨\n", encoding="utf-8")
    status, out, _ = run_cli(["convert", "--to", "tw", "--dict", str(names)],
                             "余秋雨的头发".encode(), monkeypatch)
    assert (status, out.decode()) == (0, "余秋雨的頭髮")
    names.write_text("no tab here\n", encoding="utf-8")
    status, _, err = run_cli(["convert", "--to", "tw", "--dict", str(names)], b"x", monkeypatch)
    assert status == 1 and "line 1" in err


def test_version_and_inspect(monkeypatch: pytest.MonkeyPatch) -> None:
    status, out, _ = run_cli(["--version"], b"", monkeypatch)
    assert status == 0
    status, out, _ = run_cli(["convert", "--to", "tw", "--inspect"], "干部\n".encode(),
                             monkeypatch)
    assert status == 0 and "幹部" in out.decode() and "[phrase]" in out.decode()


def test_version_names_library_and_data(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("tongwen ") and "opencc 1.4.2" in printed


def test_missing_file_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    status, _, err = run_cli(["convert", "--to", "tw", str(tmp_path / "nope.txt")], b"",
                             monkeypatch)
    assert status == 1 and "nope.txt" in err


@settings(max_examples=50, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from("头发里干后面系统abc ,\t😀\u3000"), max_size=30),
                min_size=1, max_size=8),
       st.sampled_from(["\n", "\r\n"]))
def test_lines_and_non_han_characters_survive(lines: list[str], newline: str) -> None:
    text = newline.join(lines)
    with pytest.MonkeyPatch.context() as monkeypatch:
        status, out, _ = run_cli(["convert", "--to", "tw", "--from", "s"], text.encode(),
                                 monkeypatch)
    result = out.decode()
    assert status == 0
    assert result.split(newline) == [tongwen_line(line) for line in lines]
    assert [c for c in result if not is_han(c)] == [c for c in text if not is_han(c)]


def tongwen_line(line: str) -> str:
    import tongwen

    return tongwen.convert(line, to="tw", source="s")


def _long_input() -> str:
    paragraph = "关于制造业的发展，头发里面的干部在干活；系统后来又出了问题。没有换行的长句子"
    return (paragraph * 3 + "\n") * 40 + paragraph * 300 + "\n" + paragraph * 5


@pytest.mark.parametrize("chunk_chars", [7, 64, 1000])
def test_output_does_not_depend_on_chunk_size(
    chunk_chars: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _long_input().encode()
    _, whole, _ = run_cli(["convert", "--to", "tw"], data, monkeypatch)
    monkeypatch.setattr(cli_convert, "CHUNK_CHARS", chunk_chars)
    _, chunked, _ = run_cli(["convert", "--to", "tw"], data, monkeypatch)
    assert chunked == whole
    assert whole.decode() == tongwen_line(_long_input())


MEMORY_SCRIPT = """
import resource, subprocess, sys
proc = subprocess.run([sys.executable, "-m", "tongwen", "convert", "--to", "tw", sys.argv[1]],
                      stdout=subprocess.DEVNULL, check=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def _peak_rss_kib(path: Path) -> int:
    result = subprocess.run([sys.executable, "-c", MEMORY_SCRIPT, str(path)],
                            capture_output=True, text=True, check=True)
    return int(result.stdout)


@pytest.mark.slow
def test_memory_stays_flat_on_200_mb_with_a_20_mb_line(tmp_path: Path) -> None:
    paragraph = "关于制造业的发展，头发里面的干部在干活；系统后来又出了问题。abc 123\n"
    block = (paragraph * 20000).encode()  # about 1.7 MB
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:
        written = 0
        while written < 90_000_000:
            handle.write(block)
            written += len(block)
        line = paragraph.rstrip("\n").encode()
        handle.write(line * (20_000_000 // len(line)) + b"\n")  # one 20 MB line
        written = 0
        while written < 90_000_000:
            handle.write(block)
            written += len(block)
    assert big.stat().st_size > 200_000_000
    small = tmp_path / "small.txt"
    small.write_bytes((paragraph * 1000).encode())
    growth_mib = (_peak_rss_kib(big) - _peak_rss_kib(small)) / 1024
    assert growth_mib < 50, f"resident memory grew by {growth_mib:.1f} MiB"
