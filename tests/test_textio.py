"""Streaming decode (exact error offsets) and newline-aligned chunking."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tongwen.errors import InputError
from tongwen.textio import iter_chunks, iter_decoded

# Characters every test encoding (utf-8, gb18030, big5) can encode.
COMMON = "繁體中文字漢語台灣，。「」abc 123\r\n\n"


def decode(data: bytes, **kwargs: object) -> str:
    return "".join(iter_decoded(io.BytesIO(data), **kwargs))  # type: ignore[arg-type]


def offset_of_error(data: bytes, **kwargs: object) -> int | None:
    with pytest.raises(InputError) as info:
        decode(data, **kwargs)
    return info.value.byte_offset


def reference_offset(data: bytes, encoding: str) -> int:
    """Where a one-shot decode reports the first invalid sequence."""
    with pytest.raises(UnicodeDecodeError) as info:
        data.decode(encoding)
    return info.value.start


class Trickle(io.RawIOBase):
    """A raw stream that returns at most ``limit`` bytes per read, like a pipe."""

    def __init__(self, data: bytes, limit: int) -> None:
        self._data, self._pos, self._limit = data, 0, limit

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        end = self._pos + min(self._limit, size if size >= 0 else self._limit)
        block, self._pos = self._data[self._pos : end], min(end, len(self._data))
        return block


# ---- iter_decoded -------------------------------------------------------------------------


@pytest.mark.parametrize("read_size", [1, 2, 3, 7, 1 << 16])
@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "big5"])
def test_round_trip_keeps_crlf_and_everything(encoding: str, read_size: int) -> None:
    text = "第一行：简体字\r\n第二行 繁體中文\r\n\r\n\n末行没有换行"
    if encoding == "big5":
        text = "第一行：繁體字\r\n第二行 中文\r\n\r\n\n末行"
    assert decode(text.encode(encoding), encoding=encoding, read_size=read_size) == text


@pytest.mark.parametrize("read_size", [1, 2, 3, 7, 100])
@pytest.mark.parametrize(
    ("encoding", "data", "offset"),
    [
        ("utf-8", b"\xff", 0),
        ("utf-8", "简体字".encode() + b"\xff" + b"abc", 9),
        ("utf-8", "ab简".encode() + b"\xe4\xb8" + b"x", 5),  # bad continuation byte
        ("utf-8", "ab简体".encode() + b"\xe4\xb8", 8),  # truncated 3-byte sequence at EOF
        ("utf-8", b"ab" + b"\xe4", 2),
        ("utf-8", b"abcdef\xed\xa0\x80", 6),  # an encoded surrogate
        ("gb18030", "简体字".encode("gb18030") + b"\x81\x20rest", 6),
        ("gb18030", "简体".encode("gb18030") + b"\x81\x30\x81", 4),  # truncated 4-byte form
        ("gb18030", b"abc\xff", 3),
        ("big5", "繁體".encode("big5") + b"\xa4\x20", 4),
        ("big5", "繁體字".encode("big5") + b"\xa4", 6),  # truncated at EOF
        ("big5", b"x\x80y", 1),
    ],
)
def test_strict_error_offsets(encoding: str, data: bytes, offset: int, read_size: int) -> None:
    assert reference_offset(data, encoding) == offset
    assert offset_of_error(data, encoding=encoding, read_size=read_size) == offset


def test_error_message_and_source() -> None:
    data = ("简" * 500).encode() + b"\xff"
    with pytest.raises(InputError) as info:
        decode(data, read_size=7, source="in.txt")
    error = info.value
    assert (error.byte_offset, error.source) == (1500, "in.txt")
    assert "invalid utf-8 byte 0xff" in str(error)
    assert "byte offset 1500" in str(error)
    assert "--errors replace" in str(error)
    with pytest.raises(InputError, match="truncated utf-8 sequence 0xe4 0xb8 at end of input"):
        decode(b"ab\xe4\xb8", read_size=1)


def test_short_reads_from_a_raw_stream() -> None:
    data = ("简体字\r\n" * 50).encode() + b"\xfe"
    stream = Trickle(data, limit=5)
    with pytest.raises(InputError) as info:
        list(iter_decoded(stream, read_size=64))  # type: ignore[arg-type]
    assert info.value.byte_offset == len(data) - 1


@pytest.mark.parametrize("read_size", [1, 3, 7, 4096])
@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "big5"])
def test_replace_never_raises(encoding: str, read_size: int) -> None:
    data = b"\xff" + "中文".encode(encoding) + b"\x80\x81\r\n" + "字".encode(encoding) + b"\xa4"
    text = decode(data, encoding=encoding, errors="replace", read_size=read_size)
    assert "\ufffd" in text
    assert "中文" in text and "字" in text and "\r\n" in text


def test_unknown_encoding_and_error_mode() -> None:
    with pytest.raises(InputError, match="unknown encoding"):
        decode(b"abc", encoding="no-such-encoding")
    with pytest.raises(InputError, match="not a text encoding"):
        decode(b"abc", encoding="base64")
    with pytest.raises(InputError, match="error mode"):
        decode(b"abc", errors="ignore")


def test_empty_stream_yields_nothing() -> None:
    assert list(iter_decoded(io.BytesIO(b""))) == []


SAFE_TEXT = st.text(alphabet=COMMON, max_size=60)


@settings(max_examples=300)
@given(
    st.sampled_from(["utf-8", "gb18030", "big5"]),
    SAFE_TEXT,
    st.sampled_from([b"\xff", b"\x80", b"\xa4\x20", b"\x81\x30\x81\x20", b"\xe4\xb8"]),
    SAFE_TEXT,
    st.integers(1, 9),
)
def test_offsets_match_one_shot_decode(
    encoding: str, head: str, bad: bytes, tail: str, read_size: int
) -> None:
    data = head.encode(encoding) + bad + tail.encode(encoding)
    try:
        expected = data.decode(encoding)
    except UnicodeDecodeError as exc:
        assert offset_of_error(data, encoding=encoding, read_size=read_size) == exc.start
        replaced = decode(data, encoding=encoding, errors="replace", read_size=read_size)
        assert replaced == data.decode(encoding, "replace")
    else:  # the "bad" bytes happened to form a valid sequence here
        assert decode(data, encoding=encoding, read_size=read_size) == expected


# ---- iter_chunks --------------------------------------------------------------------------


def cut_after_comma(buffer: str) -> int:
    k = buffer.rfind("，")
    return k + 1 if k >= 0 else -1


def test_chunks_end_at_last_newline() -> None:
    pieces = ["ab\ncd", "ef\ngh", "ij"]
    assert list(iter_chunks(pieces, chunk_chars=4)) == ["ab\n", "cdef\n", "ghij"]


def test_long_line_uses_find_cut_then_max_chars() -> None:
    line = "简体字，" * 3 + "没有标点的很长一行" * 3
    chunks = list(iter_chunks(iter(line), chunk_chars=5, find_cut=cut_after_comma, max_chars=10))
    assert "".join(chunks) == line
    assert chunks[:3] == ["简体字，"] * 3
    assert all(len(c) <= 10 for c in chunks)


def test_no_find_cut_falls_back_to_max_chars() -> None:
    line = "x" * 25
    assert list(iter_chunks([line], chunk_chars=4, max_chars=10)) == [line]
    assert list(iter_chunks(iter(line), chunk_chars=4, max_chars=10)) == ["x" * 10] * 2 + ["x" * 5]


def test_never_splits_a_surrogate_pair() -> None:
    text = "a\ud83d\ude00" * 10  # a pair as it would come from surrogatepass decoding
    chunks = list(iter_chunks(iter(text), chunk_chars=2, max_chars=2))
    assert "".join(chunks) == text
    assert not any(c.endswith("\ud83d") for c in chunks)
    chunks = list(iter_chunks([text], chunk_chars=2, find_cut=lambda b: 2))
    assert "".join(chunks) == text and all(c and not c.endswith("\ud83d") for c in chunks)


def test_bad_find_cut_is_reported() -> None:
    with pytest.raises(ValueError, match="find_cut returned"):
        list(iter_chunks(["abcdef"], chunk_chars=2, find_cut=lambda b: len(b) + 1))


def test_large_input_is_linear() -> None:
    piece = ("简体中文，测试一行文字。" * 6 + "\n") * 800  # ~60k characters
    pieces = [piece] * 200  # ~12M characters
    total = 0
    for chunk in iter_chunks(pieces, chunk_chars=1 << 20):
        assert chunk.endswith("\n")
        assert len(chunk) <= (1 << 20) + len(piece)
        total += len(chunk)
    assert total == len(piece) * 200


def check_chunks(chunks: list[str], text: str) -> None:
    assert "".join(chunks) == text
    assert all(chunks)
    for chunk in chunks[:-1]:
        if "\n" in chunk:
            assert chunk.endswith("\n")


@settings(max_examples=400)
@given(
    st.text(),
    st.integers(1, 50),
    st.integers(1, 50),
    st.integers(1, 120),
    st.sampled_from([None, cut_after_comma, lambda b: -1]),
)
def test_decode_then_chunk_round_trips(
    text: str,
    read_size: int,
    chunk_chars: int,
    max_chars: int,
    find_cut: Callable[[str], int] | None,
) -> None:
    data = text.encode("utf-8")
    pieces = iter_decoded(io.BytesIO(data), read_size=read_size)
    chunks = list(
        iter_chunks(pieces, chunk_chars=chunk_chars, find_cut=find_cut, max_chars=max_chars)
    )
    check_chunks(chunks, text)


@settings(max_examples=300)
@given(
    st.lists(st.text(alphabet="简体字，\n\r a", max_size=30), max_size=20),
    st.integers(1, 50),
)
def test_chunking_with_commas(pieces: list[str], chunk_chars: int) -> None:
    text = "".join(pieces)
    chunks = list(iter_chunks(pieces, chunk_chars=chunk_chars, find_cut=cut_after_comma))
    check_chunks(chunks, text)
    for chunk in chunks[:-1]:
        if "\n" not in chunk and len(chunk) < 1 << 23:
            assert chunk.endswith("，")
