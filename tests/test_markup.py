"""HTML splitting: markup passes through untouched, text nodes are convertible, across chunks."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tongwen.markup import MarkupSplitter, split_markup

DOC = """<!DOCTYPE html>
<html lang="zh-CN"><head>
<meta charset="utf-8"><title>简体字标题</title>
<style type="text/css">
  body:after { content: "简体"; }
</style>
<script>var s = "简体"; if (a < b && c > d) { alert('</p>'); }</script >
</head>
<body class=正文>
<!-- 注释：简体字 -->
<p title="简体字" data-x='a>b'>简体字</p><img alt="图片
说明" src=x.png/>
<p>a < b &amp; 发&#21457;</p><textarea>文本框内容</textarea>
<?xml-stylesheet href="样式.css"?><![CDATA[数据 ]] > 仍在内]]>后
<SCRIPT type="module">
  import x from "./模块.js";
</SCRIPT>
尾部文字</body></html>
"""


def text_of(pieces: list[tuple[str, bool]]) -> str:
    return "".join(text for text, convertible in pieces if convertible)


def markup_of(pieces: list[tuple[str, bool]]) -> str:
    return "".join(text for text, convertible in pieces if not convertible)


def merged(pieces: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """``pieces`` with adjacent pieces of the same kind joined."""
    out: list[tuple[str, bool]] = []
    for text, convertible in pieces:
        if out and out[-1][1] == convertible:
            out[-1] = (out[-1][0] + text, convertible)
        else:
            out.append((text, convertible))
    return out


def labels(pieces: list[tuple[str, bool]]) -> list[bool]:
    """The classification of each character."""
    return [convertible for text, convertible in pieces for _ in text]


def test_document_classification() -> None:
    pieces = list(split_markup([DOC]))
    assert "".join(text for text, _ in pieces) == DOC
    assert all(text for text, _ in pieces)
    converted = text_of(pieces)
    for text in ["简体字标题", "简体字", "a < b &amp; 发&#21457;", "文本框内容", "后", "尾部文字"]:
        assert text in converted
    markup = markup_of(pieces)
    for tag in [
        "<p title=\"简体字\" data-x='a>b'>",
        "<!-- 注释：简体字 -->",
        'body:after { content: "简体"; }',
        "alert('</p>'); }</script >",
        "<body class=正文>",
        '<img alt="图片\n说明" src=x.png/>',
        '<?xml-stylesheet href="样式.css"?>',
        "<![CDATA[数据 ]] > 仍在内]]>",
        'import x from "./模块.js";\n</SCRIPT>',
    ]:
        assert tag in markup
    assert "简体" not in converted.replace("简体字", "")  # only text nodes hold 简体


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("a < b", [("a < b", True)]),
        ("1<2 and 3 <= 4", [("1<2 and 3 <= 4", True)]),
        ("<p>中</p>", [("<p>", False), ("中", True), ("</p>", False)]),
        ("x<!-->y", [("x", True), ("<!-->", False), ("y", True)]),
        ("x<!--->y", [("x", True), ("<!--->", False), ("y", True)]),
        ("x<!---->y", [("x", True), ("<!---->", False), ("y", True)]),
        ("x<!--!>y-->z", [("x", True), ("<!--!>y-->", False), ("z", True)]),
        ("x<!-- a --!>y", [("x", True), ("<!-- a --!>", False), ("y", True)]),
        ("x</>y", [("x", True), ("</>", False), ("y", True)]),
        ("x</ 中>y", [("x", True), ("</ 中>", False), ("y", True)]),
        ("<a b='>'c=\"d>\">中", [("<a b='>'c=\"d>\">", False), ("中", True)]),
        ('<a b=c"d>中', [('<a b=c"d>', False), ("中", True)]),  # quote inside unquoted value
        ('<a ="中>文', [('<a ="中>', False), ("文", True)]),  # '=' opens a name, not a value
        ("<a/b='>'>中", [("<a/b='>'>", False), ("中", True)]),
        ("<scripts>中</scripts>", [("<scripts>", False), ("中", True), ("</scripts>", False)]),
        ("<script>中</scripts></script>", [("<script>中</scripts></script>", False)]),
        ("<style>中</style\n>文", [("<style>中</style\n>", False), ("文", True)]),
        ("<script/>中</script>文", [("<script/>中</script>", False), ("文", True)]),
    ],
)
def test_small_cases(html: str, expected: list[tuple[str, bool]]) -> None:
    assert merged(list(split_markup([html]))) == expected


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("中<", [("中<", True)]),
        ("中<p title='未完", [("中", True), ("<p title='未完", False)]),
        ("中<!-- 未完", [("中", True), ("<!-- 未完", False)]),
        ("中<script>未完</scr", [("中", True), ("<script>未完</scr", False)]),
        ("中<!", [("中", True), ("<!", False)]),
    ],
)
def test_unterminated_at_eof(html: str, expected: list[tuple[str, bool]]) -> None:
    assert merged(list(split_markup([html]))) == expected


def test_incomplete_markup_is_held_back() -> None:
    splitter = MarkupSplitter()
    assert splitter.feed("简体<") == [("简体", True)]
    assert splitter.feed("p title='a") == [("<p title='a", False)]
    assert splitter.feed("\n>b'>正文<scr") == [("\n>b'>", False), ("正文", True)]
    assert splitter.feed("ipt>var 简 = 1;</scr") == [("<script>var 简 = 1;", False)]
    assert splitter.feed("ipt>后") == [("</script>", False), ("后", True)]
    assert splitter.feed("<!-") == []
    assert splitter.feed("- 注释 -") == [("<!-- 注", False)]  # "释 -" may start "-->"
    assert splitter.feed("->尾") == [("释 -->", False), ("尾", True)]
    assert splitter.close() == []
    assert splitter.feed("<p>再用") == [("<p>", False), ("再用", True)]  # close() resets


def test_long_script_and_comment_are_streamed() -> None:
    splitter = MarkupSplitter()
    splitter.feed("<script>")
    for _ in range(1000):
        out = splitter.feed("var s = '简体';\n" * 10)
        assert out and not any(convertible for _, convertible in out)
    assert splitter.feed("</script>文") == [("</script>", False), ("文", True)]


def test_speed() -> None:
    doc = '<div class="x"><a href="/中文/页面.html" title="标题">链接文字</a>正文，' * 10 + "\n"
    doc *= 2000  # ~1.5M characters, 40k tags
    start = time.perf_counter()
    pieces = list(split_markup(doc.splitlines(keepends=True)))
    assert time.perf_counter() - start < 5
    assert "".join(text for text, _ in pieces) == doc
    # a pathological unterminated tag must stay linear
    start = time.perf_counter()
    pieces = list(split_markup(["<a " + "b=c " * 10000 + "d", "e" * 1000] * 20))
    assert time.perf_counter() - start < 5
    assert all(not convertible for _, convertible in pieces)


HTML_BITS = st.sampled_from(
    [
        "简体字",
        "中文",
        "a < b",
        "&amp;",
        "\n",
        "\r\n",
        " ",
        "<",
        ">",
        "/",
        "=",
        '"',
        "'",
        "-",
        "<p>",
        "</p>",
        '<p title="简体字">',
        "<a href='x>y'>",
        "<br/>",
        "<img alt=图 src=x>",
        "<!-- 注释 -->",
        "<!-->",
        "<!--",
        "-->",
        "--!>",
        "<!DOCTYPE html>",
        "<?php 中 ?>",
        "<![CDATA[数据]]>",
        "]]>",
        "<script>",
        "</script>",
        "</script >",
        "<SCRIPT type=x>",
        "<style>",
        "</style>",
        "</STYLE\n>",
        'var s = "简体";',
        "<scripts>",
        "</scr",
        "<!",
        "<title>",
        "</title>",
        "<textarea>",
        "</textarea>",
        "</ x>",
        "</>",
        "<a\nb='c'\n>",
    ]
)


@settings(max_examples=500)
@given(st.lists(HTML_BITS, max_size=40), st.lists(st.integers(0, 400), max_size=12))
def test_split_points_do_not_matter(bits: list[str], cuts: list[int]) -> None:
    doc = "".join(bits)
    whole = list(split_markup([doc]))
    assert "".join(text for text, _ in whole) == doc
    assert all(text for text, _ in whole)
    points = sorted({min(c, len(doc)) for c in cuts})
    chunks = [doc[a:b] for a, b in zip([0, *points], [*points, len(doc)], strict=True)]
    split = list(split_markup(chunks))
    assert "".join(text for text, _ in split) == doc
    assert all(text for text, _ in split)
    assert labels(split) == labels(whole)


@settings(max_examples=200)
@given(st.text(alphabet="<>!-/?'\"= \nab中[]CDATAscriptyle", max_size=80), st.data())
def test_split_points_random_text(doc: str, data: st.DataObject) -> None:
    whole = list(split_markup([doc]))
    assert "".join(text for text, _ in whole) == doc
    points = sorted(set(data.draw(st.lists(st.integers(0, len(doc)), max_size=10))))
    chunks = [doc[a:b] for a, b in zip([0, *points], [*points, len(doc)], strict=True)]
    assert labels(list(split_markup(chunks))) == labels(whole)
