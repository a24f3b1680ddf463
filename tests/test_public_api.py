"""The public API is exactly this; a change here is a deliberate, reviewed change."""

from __future__ import annotations

import tongwen

PUBLIC = [
    "Annotation",
    "Annotator",
    "Cleaned",
    "ConvertedToken",
    "Converter",
    "DataError",
    "Detection",
    "InputError",
    "Inspection",
    "ScriptGuess",
    "Token",
    "TongwenError",
    "UnknownSchemeError",
    "__version__",
    "annotate",
    "clean",
    "convert",
    "data_version",
    "detect",
    "detect_script",
    "pinyin",
]


def test_exported_names_are_pinned() -> None:
    assert sorted(tongwen.__all__) == PUBLIC
    for name in PUBLIC:
        assert hasattr(tongwen, name), name


def test_error_tree() -> None:
    assert issubclass(tongwen.InputError, tongwen.TongwenError)
    assert issubclass(tongwen.DataError, tongwen.TongwenError)
    assert issubclass(tongwen.UnknownSchemeError, tongwen.TongwenError)
    assert issubclass(tongwen.InputError, ValueError)
    error = tongwen.InputError("bad byte", byte_offset=7, source="a.txt")
    assert error.byte_offset == 7
    assert str(error) == "a.txt, byte offset 7: bad byte"


def test_versions() -> None:
    versions = tongwen.data_version()
    assert versions["opencc"] == "1.4.2"
    assert versions["tongwen-data"]
    assert tongwen.__version__
