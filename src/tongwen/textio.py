"""Streaming input: incremental decoding with exact error offsets, and line-aligned chunking.

Text passes through exactly as decoded: no newline translation, no normalisation, nothing dropped.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterable, Iterator
from typing import BinaryIO

from tongwen.errors import InputError

__all__ = ["iter_chunks", "iter_decoded"]

_ERROR_MODES = ("strict", "replace")
_REPLACE_HINT = "; use --errors replace to substitute U+FFFD"


def iter_decoded(
    stream: BinaryIO,
    *,
    encoding: str = "utf-8",
    errors: str = "strict",
    read_size: int = 1 << 16,
    source: str | None = None,
) -> Iterator[str]:
    """Decode ``stream`` block by block and yield the non-empty decoded pieces, newlines intact.

    ``errors`` is "strict" (raise InputError carrying the absolute byte offset where the first
    invalid sequence starts, a truncated sequence at end of input included) or "replace" (U+FFFD).
    """
    if errors not in _ERROR_MODES:
        raise InputError(
            f"unknown error mode {errors!r} (expected 'strict' or 'replace')", source=source
        )
    if read_size < 1:
        raise ValueError(f"read_size must be positive, got {read_size}")
    try:
        info = codecs.lookup(encoding)
    except LookupError:
        raise InputError(f"unknown encoding {encoding!r}", source=source) from None
    if not getattr(info, "_is_text_encoding", True):
        raise InputError(f"{encoding!r} is not a text encoding", source=source)
    decoder = info.incrementaldecoder(errors)
    consumed = 0  # bytes handed to the decoder so far, this block included
    while True:
        block = stream.read(read_size)
        if not block:
            break
        consumed += len(block)
        try:
            text = decoder.decode(block)
        except UnicodeDecodeError as exc:
            raise _decode_error(exc, info.name, consumed, source, at_end=False) from None
        if text:
            yield text
    try:
        text = decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        raise _decode_error(exc, info.name, consumed, source, at_end=True) from None
    if text:
        yield text


def _decode_error(
    exc: UnicodeDecodeError, name: str, consumed: int, source: str | None, *, at_end: bool
) -> InputError:
    """InputError for ``exc``, raised after ``consumed`` bytes were handed to the decoder."""
    # The decoder reports positions in (its buffered bytes + this block), which always ends at
    # ``consumed``: so the object's first byte sits at consumed - len(object).
    offset = consumed - len(exc.object) + exc.start
    bad = bytes(exc.object[exc.start : exc.end])
    shown = " ".join(f"0x{b:02x}" for b in bad)
    if at_end:
        message = f"truncated {name} sequence {shown} at end of input"
    elif len(bad) == 1:
        message = f"invalid {name} byte {shown} ({exc.reason})"
    else:
        message = f"invalid {name} sequence {shown} ({exc.reason})"
    return InputError(message + _REPLACE_HINT, byte_offset=offset, source=source)


def _is_pair(text: str, cut: int) -> bool:
    """True when cutting ``text`` at ``cut`` would split a UTF-16 surrogate pair."""
    return (
        0 < cut < len(text)
        and "\ud800" <= text[cut - 1] <= "\udbff"
        and "\udc00" <= text[cut] <= "\udfff"
    )


def iter_chunks(
    pieces: Iterable[str],
    *,
    chunk_chars: int = 1 << 20,
    find_cut: Callable[[str], int] | None = None,
    max_chars: int = 1 << 23,
) -> Iterator[str]:
    """Re-chunk ``pieces`` into non-empty chunks whose concatenation is exactly the input.

    Once ``chunk_chars`` are buffered, yield up to and including the buffer's last newline; with
    no newline, ``find_cut(buffer)`` gives an index 0 < i <= len after which the text converts
    independently (or -1), retried each time another ``chunk_chars`` arrive; failing that, a
    buffer of ``max_chars`` is yielded whole. Chunks are at most about that size plus one piece.
    """
    if chunk_chars < 1 or max_chars < 1:
        raise ValueError(f"chunk_chars and max_chars must be positive: {chunk_chars}, {max_chars}")
    parts: list[str] = []
    size = 0  # total length of parts
    last_nl = -1  # index just past the buffer's last newline, -1 when it holds none
    next_try = chunk_chars  # buffer size at which find_cut is (re)tried
    for piece in pieces:
        if not piece:
            continue
        nl = piece.rfind("\n")
        if nl >= 0:
            last_nl = size + nl + 1
        parts.append(piece)
        size += len(piece)
        while size >= chunk_chars:
            if last_nl < 0 and size < next_try and size < max_chars:
                break  # a long line: wait for more text before asking find_cut again
            buffer = parts[0] if len(parts) == 1 else "".join(parts)
            parts = [buffer]
            if last_nl > 0:
                cut = last_nl
            else:
                cut = _find_cut(find_cut, buffer) if find_cut is not None else -1
                if cut <= 0 and size >= max_chars:
                    cut = size - 1 if "\ud800" <= buffer[-1] <= "\udbff" else size
                if cut <= 0:
                    next_try = size + chunk_chars
                    break
            yield buffer[:cut]
            rest = buffer[cut:]
            parts = [rest] if rest else []
            size = len(rest)
            last_nl = -1  # the rest follows the last newline or a newline-free cut
            next_try = chunk_chars
    if parts:
        yield "".join(parts)


def _find_cut(find_cut: Callable[[str], int], buffer: str) -> int:
    """Ask ``find_cut`` for a cut point in ``buffer``: a valid index > 0, or -1 for none."""
    cut = find_cut(buffer)
    if cut == -1 or cut == 0:
        return -1
    if not 0 < cut <= len(buffer):
        raise ValueError(f"find_cut returned {cut} for a buffer of {len(buffer)} characters")
    if _is_pair(buffer, cut):
        cut -= 1
    return cut if cut > 0 else -1
