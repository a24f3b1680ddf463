"""The `tongwen annotate` command: one output line per input line, tokens JSON, options."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_cli import run_cli


def test_inline_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    status, out, _ = run_cli(["annotate"], "省长\n取长补短\n".encode(), monkeypatch)
    assert status == 0
    assert out.decode() == "省(shěng)长(zhǎng)\n取(qǔ)长(cháng)补(bǔ)短(duǎn)\n"


def test_tokens_one_object_per_line(monkeypatch: pytest.MonkeyPatch) -> None:
    data = "長城 ok\r\n\n银行".encode()
    status, out, _ = run_cli(["annotate", "--format", "tokens", "--tone", "numbers"], data,
                             monkeypatch)
    assert status == 0
    lines = out.decode().split("\n")
    objects = [json.loads(line.rstrip("\r")) for line in lines]
    assert [o["text"] for o in objects] == ["長城 ok", "", "银行"]
    assert [t["char"] for t in objects[0]["tokens"]] == list("長城 ok")
    assert objects[0]["tokens"][0]["reading"] == "chang2"
    assert objects[2]["tokens"][1] == {"char": "行", "reading": "hang2", "source": "phrase",
                                       "candidates": objects[2]["tokens"][1]["candidates"]}


def test_options_reach_the_annotator(monkeypatch: pytest.MonkeyPatch) -> None:
    args = ["annotate", "--to", "tw", "--style", "zhuyin", "--only", "converted"]
    status, out, _ = run_cli(args, "里面和我".encode(), monkeypatch)
    assert (status, out.decode()) == (0, "裡(ㄌㄧˇ)面和我")
    status, out, _ = run_cli(["annotate", "--readings", "tw", "--format", "readings"],
                             "垃圾".encode(), monkeypatch)
    assert out.decode() == "lè sè"
    status, out, _ = run_cli(["annotate", "--sandhi", "--chars", "不"], "不是".encode(),
                             monkeypatch)
    assert out.decode() == "不(bú)是"


def test_reading_dictionary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    words = tmp_path / "words.tsv"
    words.write_text("长生\tzhang3 sheng1\n", encoding="utf-8")
    status, out, _ = run_cli(["annotate", "--dict", str(words), "--chars", "长"],
                             "长生".encode(), monkeypatch)
    assert (status, out.decode()) == (0, "长(zhǎng)生")
    words.write_text("长生\tzhang9 sheng1\n", encoding="utf-8")
    status, _, err = run_cli(["annotate", "--dict", str(words)], b"x", monkeypatch)
    assert status == 1 and "line 1" in err


def test_bad_bytes_and_encodings(monkeypatch: pytest.MonkeyPatch) -> None:
    status, _, err = run_cli(["annotate"], "长".encode() + b"\xff", monkeypatch)
    assert status == 1 and "byte offset 3" in err
    status, out, _ = run_cli(["annotate", "--encoding", "big5", "--chars", "長"],
                             "長城".encode("big5"), monkeypatch)
    assert (status, out.decode()) == (0, "長(cháng)城")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from("长行了重a1 ,😀\u2028\t"), max_size=12),
                min_size=1, max_size=6))
def test_every_line_gives_one_tokens_object(lines: list[str]) -> None:
    text = "".join(line + "\n" for line in lines)
    with pytest.MonkeyPatch.context() as monkeypatch:
        status, out, _ = run_cli(["annotate", "--format", "tokens"], text.encode(), monkeypatch)
    assert status == 0
    printed = out.decode().split("\n")
    assert printed[-1] == ""
    objects = [json.loads(line) for line in printed[:-1]]
    assert [o["text"] for o in objects] == lines
    for obj in objects:
        assert [t["char"] for t in obj["tokens"]] == list(obj["text"])
