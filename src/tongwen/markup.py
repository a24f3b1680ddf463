"""HTML awareness: split a text stream into text nodes (convertible) and markup (passed through).

Markup is tags with their attributes, end tags, comments, ``<!...>``, ``<?...?>``, CDATA and the
whole content of ``<script>`` and ``<style>``. Tags follow the HTML tokenizer closely enough that a
``>`` inside a quoted attribute value does not end a tag. State carries across chunks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

__all__ = ["MarkupSplitter", "split_markup"]

_WS = "\t\n\f\r "
_RAW_NAMES = ("script", "style")
_MARKUP_START = re.compile(r"<[A-Za-z/!?]")
_TAG_NAME = re.compile(rf"[^{_WS}/>]*")
# A complete, well-formed start or end tag after its name: the common case, matched in one go.
_FAST_TAG_REST = re.compile(
    rf"""(?:[{_WS}]+[^{_WS}/>="'<]+(?:[{_WS}]*=[{_WS}]*(?:"[^"]*"|'[^']*'|[^{_WS}>"'=<`]+))?)*"""
    rf"[{_WS}]*/?>"
)
_SKIP_WS_SLASH = re.compile(rf"[{_WS}/]*")
_SKIP_WS = re.compile(rf"[{_WS}]*")
_ATTR_NAME = re.compile(rf"[^{_WS}/>=]*")
_UNQUOTED = re.compile(rf"[^{_WS}>]*")
_COMMENT_END = re.compile(r"--!?>")
_RAW_END = {name: re.compile(rf"</{name}(?=[{_WS}/>])", re.IGNORECASE) for name in _RAW_NAMES}

# States between markup constructs; tag sub-states follow the HTML tokenizer's attribute states.
_TEXT, _TAG, _BOGUS, _COMMENT, _CDATA, _RAW = range(6)
_NAME, _BEFORE, _ATTR, _AFTER_ATTR, _BEFORE_VALUE, _DQ, _SQ, _UNQ = range(8)
_SKIPS = {_BEFORE: _SKIP_WS_SLASH, _ATTR: _ATTR_NAME, _UNQ: _UNQUOTED}


class MarkupSplitter:
    """Split a stream of HTML text into (text, convertible) pieces; markup is never convertible."""

    def __init__(self) -> None:
        self._pending = ""  # held back: undecided markup start or a possible partial terminator
        self._state = _TEXT
        self._sub = _BEFORE  # tag sub-state while in _TAG
        self._raw: str | None = None  # the open tag is <script> or <style>: raw text follows

    def feed(self, chunk: str) -> list[tuple[str, bool]]:
        """Classify ``chunk`` (continuing earlier chunks); text that is still undecided is held."""
        return self._scan(self._pending + chunk, final=False)

    def close(self) -> list[tuple[str, bool]]:
        """Flush what is held (unterminated markup comes out non-convertible) and reset."""
        pieces = self._scan(self._pending, final=True)
        self._pending, self._state, self._sub, self._raw = "", _TEXT, _BEFORE, None
        return pieces

    def _scan(self, buf: str, *, final: bool) -> list[tuple[str, bool]]:
        out: list[tuple[int, bool]] = []  # (end, convertible): consecutive spans of buf
        n = len(buf)
        i = 0  # everything before i is classified
        keep = n  # buf[keep:] is held back
        while i < n:
            state = self._state
            if state == _TEXT:
                m = _MARKUP_START.search(buf, i)
                j = m.start() if m else (n - 1 if buf.endswith("<") and not final else n)
                if j > i:
                    _add(out, j, True)
                    i = j
                if m is None:
                    keep = i
                    break
                k = self._markup_at(buf, j, final)
                if k < 0:
                    keep = j
                    break
                if k > j:
                    _add(out, k, False)
                i = k
            elif state == _TAG:
                i = self._tag(buf, i)
                _add(out, i, False)
            elif state == _BOGUS:
                k = buf.find(">", i)
                i = self._emit_until(out, i, n if k < 0 else k + 1, k >= 0)
            elif state == _COMMENT:
                m = _COMMENT_END.search(buf, i)
                if m is None and not final:
                    keep = max(i, n - 3)
                i = self._emit_until(out, i, m.end() if m else keep, m is not None)
            elif state == _CDATA:
                k = buf.find("]]>", i)
                if k < 0 and not final:
                    keep = max(i, n - 2)
                i = self._emit_until(out, i, k + 3 if k >= 0 else keep, k >= 0)
            else:  # _RAW: markup up to the matching end tag, which _TEXT then reads as a tag
                assert self._raw is not None
                m = _RAW_END[self._raw].search(buf, i)
                if m is not None:
                    if m.start() > i:
                        _add(out, m.start(), False)
                    i = m.start()
                    self._state, self._raw = _TEXT, None
                    continue
                lt = buf.rfind("<", i)
                if lt >= 0 and n - lt <= len(self._raw) + 2 and not final:
                    keep = lt
                i = self._emit_until(out, i, keep, False)
            if keep < n:
                break
        self._pending = buf[keep:]
        pieces: list[tuple[str, bool]] = []
        start = 0
        for end, convertible in out:
            pieces.append((buf[start:end], convertible))
            start = end
        return pieces

    def _emit_until(self, out: list[tuple[int, bool]], i: int, end: int, closed: bool) -> int:
        """Emit buf[i:end] as markup; when ``closed`` the construct ended there: back to text."""
        if end > i:
            _add(out, end, False)
        if closed:
            self._state = _TEXT
        return end

    def _markup_at(self, buf: str, j: int, final: bool) -> int:
        """Open the markup at buf[j] (a '<' plus a letter, '/', '!' or '?'); set the state.

        Returns where classification resumes (markup before it), or -1 to hold back from j.
        """
        n = len(buf)
        c = buf[j + 1]
        if c == "!":
            for opener in ("<!--", "<![CDATA["):
                if not final and n - j < len(opener) and opener.startswith(buf[j:]):
                    return -1
            if buf.startswith("<!--", j):
                if n - j < 6 and not final:
                    return -1  # "<!-->" and "<!--->" are complete comments
                if buf.startswith(">", j + 4):
                    return j + 5
                if buf.startswith("->", j + 4):
                    return j + 6
                self._state = _COMMENT
                return j + 4
            if buf.startswith("<![CDATA[", j):
                self._state = _CDATA
                return j + 9
            self._state = _BOGUS
            return j + 2
        if c == "?":
            self._state = _BOGUS
            return j + 2
        start = j + 1
        if c == "/":
            if j + 2 == n:
                return -1 if not final else n  # a lone "</" at the end is bogus markup
            if buf[j + 2] == ">":
                return j + 3
            if not buf[j + 2].isascii() or not buf[j + 2].isalpha():
                self._state = _BOGUS
                return j + 2
            start = j + 2
        name_end = _skip(_TAG_NAME, buf, start)
        name = buf[start:name_end].lower()
        if name_end == n and not final and len(name) <= max(map(len, _RAW_NAMES)):
            return -1  # the name may still grow into (or out of) "script" / "style"
        self._raw = name if c != "/" and name in _RAW_NAMES else None
        m = _FAST_TAG_REST.match(buf, name_end)
        if m is not None:
            self._state = _RAW if self._raw else _TEXT
            return m.end()
        self._state, self._sub = _TAG, (_NAME if name_end == n else _BEFORE)
        return name_end

    def _tag(self, buf: str, i: int) -> int:
        """Advance through a tag from buf[i] in the current sub-state; return where it stopped."""
        n = len(buf)
        sub = self._sub
        while i < n:
            if sub == _NAME:
                i = _skip(_TAG_NAME, buf, i)
                if i < n:
                    sub = _BEFORE
                continue
            if sub in (_DQ, _SQ):
                k = buf.find('"' if sub == _DQ else "'", i)
                if k < 0:
                    i = n
                    break
                i, sub = k + 1, _BEFORE
                continue
            i = _skip(_SKIPS.get(sub, _SKIP_WS), buf, i)
            if i == n:
                break
            c = buf[i]
            if c == ">":
                self._state = _RAW if self._raw else _TEXT
                return i + 1
            if sub == _BEFORE:
                i, sub = i + 1, _ATTR  # any other character starts an attribute name
            elif sub == _BEFORE_VALUE:
                if c in "\"'":
                    i, sub = i + 1, (_DQ if c == '"' else _SQ)
                else:
                    sub = _UNQ
            elif c == "=" and sub != _UNQ:
                i, sub = i + 1, _BEFORE_VALUE
            elif c == "/":
                i, sub = i + 1, _BEFORE
            elif sub == _AFTER_ATTR:
                i, sub = i + 1, _ATTR  # the next attribute's name
            else:  # whitespace ends an attribute name or an unquoted value
                i, sub = i + 1, (_AFTER_ATTR if sub == _ATTR else _BEFORE)
        self._sub = sub
        return i


def _add(out: list[tuple[int, bool]], end: int, convertible: bool) -> None:
    """Extend the spans in ``out`` to ``end``, merging with the last span of the same kind."""
    if end <= (out[-1][0] if out else 0):
        return
    if out and out[-1][1] == convertible:
        out[-1] = (end, convertible)
    else:
        out.append((end, convertible))


def _skip(pattern: re.Pattern[str], buf: str, i: int) -> int:
    """End of the (possibly empty) match of ``pattern`` at buf[i]."""
    m = pattern.match(buf, i)
    assert m is not None
    return m.end()


def split_markup(chunks: Iterable[str]) -> Iterator[tuple[str, bool]]:
    """Feed ``chunks`` to a fresh MarkupSplitter, then close it; yield every piece."""
    splitter = MarkupSplitter()
    for chunk in chunks:
        yield from splitter.feed(chunk)
    yield from splitter.close()
