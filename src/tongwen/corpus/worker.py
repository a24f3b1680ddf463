"""The per-batch work of a corpus run: a pure function from a Task to a Result.

The same function runs in-process, in a process pool and in Ray Data, so every engine gives the
same bytes. A Task carries the raw documents of one unit of work (raw JSON Lines lines, Parquet
texts, or whole plain-text files); the Result carries the output bytes and the stats lines.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import tongwen
from tongwen.corpus.inputs import Kind, is_record, parse_record, read_text
from tongwen.errors import InputError

if TYPE_CHECKING:
    from tongwen.repair.result import Cleaned

__all__ = [
    "Result",
    "Settings",
    "Task",
    "parquet_texts",
    "process",
    "splice_field",
    "stats_record",
    "warm_up",
]

_DECODER = json.JSONDecoder()
_SPACE = " \t\r\n"


@dataclass(frozen=True)
class Settings:
    """What a run does to each document; every part of it shapes the output bytes.

    ``field``: the JSON Lines field / Parquet column holding the text; ``to``: "keep" or "s"
    (as ``tongwen.clean``); ``encoding`` and ``errors``: how plain-text files are decoded
    (JSON Lines are UTF-8; ``errors`` applies to them too); ``batch_size``: records per unit of
    work (also the Parquet row-group size of the outputs)."""

    field: str = "text"
    to: Literal["keep", "s"] = "keep"
    encoding: str = "utf-8"
    errors: Literal["strict", "replace"] = "strict"
    batch_size: int = 256


@dataclass(frozen=True)
class Task:
    """One unit of work. ``kind``: what ``payload`` holds — raw JSON Lines lines (``jsonl``),
    the text column of consecutive Parquet rows (``parquet``), or the bytes of whole plain-text
    files (``text``). ``sources``: the source name (one for records, one per file for text);
    ``start``: the index of the first record; ``first_line``: the 1-based line number of the
    first JSON Lines line."""

    kind: Kind
    sources: tuple[str, ...]
    payload: tuple[bytes, ...] | tuple[str | None, ...]
    settings: Settings
    start: int = 0
    first_line: int = 1


@dataclass(frozen=True)
class Result:
    """What a Task gives: ``outputs`` (the unit's output bytes: for ``jsonl`` the output lines,
    for ``parquet`` the cleaned texts as JSON strings one a line, for ``text`` one entry per
    file), ``stats`` (one UTF-8 JSON line per document), ``documents`` and ``changed`` counts,
    or ``error``: an input error's message (exceptions do not always survive pickling)."""

    outputs: tuple[bytes, ...]
    stats: bytes
    documents: int
    changed: int
    error: str | None = None


def stats_record(source: str, index: int | None, cleaned: Cleaned) -> dict[str, object]:
    """The stats line of one document: ``source``, ``index`` (records only), ``changed``,
    ``stripped``, ``repaired``, ``converted`` and the ``detection`` (``Detection.as_dict()``)."""
    record: dict[str, object] = {"source": source}
    if index is not None:
        record["index"] = index
    record.update(changed=cleaned.changed, stripped=cleaned.stripped, repaired=cleaned.repaired,
                  converted=cleaned.converted, detection=cleaned.detection.as_dict())
    return record


def _json_line(record: object) -> str:
    return json.dumps(record, ensure_ascii=False) + "\n"


def _skip_space(text: str, at: int) -> int:
    while at < len(text) and text[at] in _SPACE:
        at += 1
    return at


def splice_field(line: str, field: str, value: str) -> str:
    """``line`` (one JSON object) with the value of its top-level ``field`` (the last one, as
    ``json.loads`` reads it) replaced by the string ``value``; every other byte stays as it
    was. The new value is written with non-ASCII characters escaped only if the old one was
    pure ASCII with escapes. Raises ValueError when ``line`` is not an object holding ``field``.
    """
    at = _skip_space(line, 0)
    if line[at:at + 1] != "{":
        raise ValueError("not a JSON object")
    at = _skip_space(line, at + 1)
    span: tuple[int, int] | None = None
    if line[at:at + 1] != "}":
        while True:
            if line[at:at + 1] != '"':
                raise ValueError(f"expected a key at {at}")
            key, at = _DECODER.raw_decode(line, at)
            at = _skip_space(line, at)
            if line[at:at + 1] != ":":
                raise ValueError(f"expected ':' at {at}")
            start = _skip_space(line, at + 1)
            _, at = _DECODER.raw_decode(line, start)
            if key == field:
                span = (start, at)
            at = _skip_space(line, at)
            if line[at:at + 1] == ",":
                at = _skip_space(line, at + 1)
                continue
            if line[at:at + 1] == "}":
                break
            raise ValueError(f"expected ',' or '}}' at {at}")
    if span is None:
        raise ValueError(f"no field {field!r}")
    old = line[span[0]:span[1]]
    escaped = old.isascii() and "\\u" in old
    return line[:span[0]] + json.dumps(value, ensure_ascii=escaped) + line[span[1]:]


def process(task: Task) -> Result:
    """Clean every document of ``task`` with ``tongwen.clean``; a pure function of the task."""
    try:
        if task.kind == "jsonl":
            return _process_jsonl(task)
        if task.kind == "parquet":
            return _process_parquet(task)
        return _process_text(task)
    except InputError as error:
        return Result((), b"", 0, 0, error=str(error))


def _process_jsonl(task: Task) -> Result:
    settings, source = task.settings, task.sources[0]
    out: list[bytes] = []
    stats: list[str] = []
    index, changed = task.start, 0
    for number, raw in enumerate(task.payload, task.first_line):
        assert isinstance(raw, bytes)
        if not is_record(raw):
            out.append(raw)
            continue
        line, text = parse_record(raw, settings.field, errors=settings.errors, source=source,
                                  line_number=number)
        cleaned = tongwen.clean(text, to=settings.to)
        if cleaned.text != text:
            ending = raw[len(raw.rstrip(b"\r\n")):]
            out.append(splice_field(line, settings.field, cleaned.text).encode() + ending)
        else:
            out.append(raw)
        changed += cleaned.changed
        stats.append(_json_line(stats_record(source, index, cleaned)))
        index += 1
    return Result((b"".join(out),), "".join(stats).encode(), index - task.start, changed)


def _process_parquet(task: Task) -> Result:
    settings, source = task.settings, task.sources[0]
    out: list[str] = []
    stats: list[str] = []
    changed = 0
    for index, text in enumerate(task.payload, task.start):
        if not isinstance(text, str):
            raise InputError(f"row {index}: column {settings.field!r} is null", source=source)
        cleaned = tongwen.clean(text, to=settings.to)
        changed += cleaned.changed
        out.append(_json_line(cleaned.text))
        stats.append(_json_line(stats_record(source, index, cleaned)))
    return Result(("".join(out).encode(),), "".join(stats).encode(), len(out), changed)


def _process_text(task: Task) -> Result:
    settings = task.settings
    outputs: list[bytes] = []
    stats: list[str] = []
    changed = 0
    for source, data in zip(task.sources, task.payload, strict=True):
        assert isinstance(data, bytes)
        text = read_text(io.BytesIO(data), encoding=settings.encoding, errors=settings.errors,
                         source=source)
        cleaned = tongwen.clean(text, to=settings.to)
        changed += cleaned.changed
        outputs.append(cleaned.text.encode("utf-8"))
        stats.append(_json_line(stats_record(source, None, cleaned)))
    return Result(tuple(outputs), "".join(stats).encode(), len(outputs), changed)


def warm_up() -> None:
    """Load the tables ``tongwen.clean`` needs (a worker's initializer)."""
    tongwen.clean("團(tuán)結", to="s")


def parquet_texts(data: bytes) -> Sequence[str]:
    """The cleaned texts of a ``parquet`` Result's output, in order."""
    return [json.loads(line) for line in data.split(b"\n") if line]
