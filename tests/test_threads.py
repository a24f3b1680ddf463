"""One Converter, Annotator or cleaner shared by many threads (as the service's thread pool
shares them) gives what one thread gives. Threads switch as often as the interpreter allows."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest

import tongwen
from tongwen.readings import bulk, scoring
from tongwen.repair import generate as g

CASES = Path(__file__).resolve().parent / "cases" / "everyday_readings.tsv"


def _sentences() -> list[str]:
    rows = [line.split("\t") for line in CASES.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")]
    return [row[2].replace("[", "").replace("]", "") for row in rows]


@contextmanager
def _switching() -> Iterator[None]:
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(interval)


def _in_threads(fn: Callable[[str], object], texts: Sequence[str]) -> list[object]:
    with _switching(), ThreadPoolExecutor(8) as pool:
        return list(pool.map(fn, texts))


#: GBK garbles a converter made (test_repair.py: 各自優勢, 因為又沒說).
GARBLES = ("各自?xún)?yōu)勢", "因?yàn)橛譀]說")


def _polluted(texts: Sequence[str]) -> list[str]:
    """Pages of three sentences converted character by character with readings pasted after
    some characters, every other one ending in a GBK garble."""
    pages = []
    for k in range(0, len(texts) - 2, 3):
        text = "".join(texts[k : k + 3])
        sites = [c for c in text if "\u4e00" <= c <= "\u9fff"][k % 5 :: 4][:6]
        page = g.pollute(text, site_chars=sites)
        pages.append(page + GARBLES[k // 3 % 4] if k // 3 % 4 < 2 else page)
    return pages


@pytest.mark.parametrize("path", ["pinyin", "tokens"])
def test_threads_read_as_one_thread_does(monkeypatch: pytest.MonkeyPatch, path: str) -> None:
    """The polyphone scorer's remembered parts are shared by every thread: threads filling
    them at once read every text as one thread does."""
    texts = [*_sentences(), *[text[::-1] for text in _sentences()], "长", ""]
    texts += ["\n".join(_sentences()[k : k + 30]) for k in range(0, 300, 30)]  # the bulk path
    annotator = tongwen.Annotator(tone="numbers")

    def read(text: str) -> list[str | None]:
        if path == "pinyin":
            return annotator.readings_of(text)
        return [token.reading for token in annotator.tokens(text)]

    monkeypatch.setattr(scoring, "_SCORERS", {})
    monkeypatch.setattr(bulk, "_BULKS", {})
    expected = [read(text) for text in texts]
    monkeypatch.setattr(scoring, "_SCORERS", {})  # start afresh: threads fill them together
    monkeypatch.setattr(bulk, "_BULKS", {})
    assert _in_threads(read, texts) == expected


@pytest.mark.parametrize("to", ["tw", "hk", "s"])
def test_a_shared_converter(to: str) -> None:
    texts = _sentences()
    if to == "s":
        texts = [tongwen.convert(t, to="tw") for t in texts]
    converter = tongwen.Converter(to=to)
    expected = [converter.convert(t) for t in texts]
    assert _in_threads(converter.convert, texts) == expected


def test_a_shared_annotator_converting_first() -> None:
    texts = _sentences()
    annotator = tongwen.Annotator(to="tw", format="ruby")
    expected = [annotator.annotate(t) for t in texts]
    assert _in_threads(annotator.annotate, texts) == expected


def test_cleaning_in_threads() -> None:
    pages = _polluted(_sentences())
    assert len(pages) > 100

    def clean(page: str) -> tuple[str, int, int]:
        cleaned = tongwen.clean(page, to="s")
        return cleaned.text, cleaned.stripped, cleaned.repaired

    expected = [clean(p) for p in pages]
    assert sum(repaired > 0 for _, _, repaired in expected) > 50
    assert _in_threads(clean, pages) == expected
