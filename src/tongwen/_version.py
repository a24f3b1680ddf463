"""Library and data versions."""

from __future__ import annotations

import json
from functools import cache
from importlib import metadata, resources

try:
    __version__: str = metadata.version("tongwen")
except metadata.PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0+unknown"


@cache
def data_version() -> dict[str, str]:
    """Versions of the packaged data: tongwen's data build and each upstream it came from."""
    manifest = json.loads(
        resources.files("tongwen").joinpath("data/manifest.json").read_text(encoding="utf-8")
    )
    versions = {"tongwen-data": str(manifest["data_version"])}
    for name, upstream in sorted(manifest["upstreams"].items()):
        versions[name] = str(upstream["version"])
    return versions
