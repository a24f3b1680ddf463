"""The training scripts still run against the code they train for (a change of an internal
API once broke tools/train_conversion.py unnoticed). Small runs that write nothing; they skip
without ../shared."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT, shared_path


def test_train_conversion_runs_on_a_sample() -> None:
    shared_path("data/traditional/tw_moztw_cc0")
    proc = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "train_conversion.py"), "--limit", "400",
         "--epochs", "1", "--no-write"],
        capture_output=True, text=True, timeout=600, check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "held out" in proc.stderr and "TWUsagePhrases" in proc.stderr
