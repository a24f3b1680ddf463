"""What the data builds share: tools/build_data.py (conversion tables) and
tools/build_readings.py (reading tables), which build_data.py imports and runs, and the
training scripts (tools/train_*.py) that write model weights.

A module of its own so that build_readings.py need not import build_data.py (which imports it).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

#: The values of an override line that delete its key.
DELETE = "-"


def apply_overrides(
    entries: dict[str, list[str]],
    path: Path,
    *,
    what: str = "values",
    valid: Callable[[str], bool] | None = None,
) -> int:
    """Apply the local corrections of ``path`` (data/overrides/NAME.tsv) to ``entries``.

    Each line is ``key<TAB>values<TAB>reason``: the values (separated by spaces) replace the
    key's whole list, or add the key; values ``-`` delete the key, which must be there. The
    reason is required. Blank lines and lines starting with '#' are comments; a missing file
    holds no corrections. ``valid``, when given, checks each line's values as written (not for
    ``-``); ``what`` names the values in error messages. Returns the number of lines applied.
    Any malformed line stops the build (SystemExit, with the file and line number).
    """
    if not path.exists():
        return 0
    applied = 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3 or not parts[2].strip():
            raise SystemExit(f"{path}:{number}: want 'key<TAB>{what}<TAB>reason'")
        key, values, _reason = parts
        if values == DELETE:
            if key not in entries:
                raise SystemExit(f"{path}:{number}: deletes {key!r}, which is not in the table")
            del entries[key]
        elif valid is not None and not valid(values):
            raise SystemExit(f"{path}:{number}: not valid {what}: {values!r}")
        else:
            entries[key] = values.split()
        applied += 1
    return applied


def write_npz(path: Path, **arrays: np.ndarray) -> None:
    """np.savez_compressed with fixed zip timestamps: same arrays, same bytes."""
    import numpy as np

    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, array in arrays.items():
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.ascontiguousarray(array), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, buffer.getvalue())
