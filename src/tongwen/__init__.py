"""tongwen (書同文): convert Chinese text between scripts and annotate its readings.

The public API is what this module exports; ``tests/test_public_api.py`` pins it. Importing
tongwen loads no table and no compiled library: tables load on first use.
"""

from __future__ import annotations

from tongwen._version import __version__, data_version
from tongwen.conversion.converter import ConvertedToken, Converter, Inspection, convert
from tongwen.conversion.detect import ScriptGuess, detect_script
from tongwen.errors import DataError, InputError, TongwenError, UnknownSchemeError
from tongwen.readings.annotator import Annotation, Annotator, Token, annotate, pinyin
from tongwen.repair.clean import clean
from tongwen.repair.detect import detect
from tongwen.repair.result import Cleaned, Detection

__all__ = [
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
