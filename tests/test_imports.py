"""Importing tongwen loads nothing heavy, and src/tongwen never imports a peer tool."""

from __future__ import annotations

import ast
import json
import subprocess
import sys

from conftest import ROOT

HEAVY = {"numpy", "ahocorasick_rs", "fastapi", "uvicorn", "pydantic", "starlette"}
PEERS = {"opencc", "opencc_pyo3", "zhconv", "zhconv_rs", "pypinyin", "g2pM", "g2pm", "g2pw"}


def test_import_loads_nothing_heavy() -> None:
    code = (
        "import json, sys, tongwen; "
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    loaded = set(json.loads(result.stdout))
    assert not loaded & HEAVY, loaded & HEAVY


def test_import_reads_no_table() -> None:
    code = (
        "import tongwen.conversion.tables as t, tongwen; "
        "print(t.load_table.cache_info().currsize)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "0"


def test_src_never_imports_peer_tools() -> None:
    offenders = []
    for path in sorted((ROOT / "src" / "tongwen").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path}: {n}" for n in names if n.split(".")[0] in PEERS]
    assert offenders == []
